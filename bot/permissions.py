"""Who may do what: the one check every coordinator-only action goes through."""

from __future__ import annotations

from bot.errors import NotPermitted
from bot.render import mention
from storage.coordinators import CoordinatorRepository


def require_coordinator(coordinators: CoordinatorRepository, user_id: str, action: str) -> None:
    """Refuse a coordinator-only action, saying why and whom to ask; changes nothing."""
    if coordinators.is_coordinator(user_id):
        return
    names = ", ".join(mention(c.user_id) for c in coordinators.list()[:10])
    ask = f" Ask a coordinator ({names})." if names else " No coordinators are set yet: the bot's admin sets IWG_COORDINATORS."
    raise NotPermitted(f"Only coordinators can {action}.{ask}")
