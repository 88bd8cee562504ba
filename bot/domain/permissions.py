"""Who may do what: the two checks every guarded action goes through.

Coordinators may do everything; some actions are also open to the member they concern
(the author of a poll, the proposer of an agenda item, the lead of a request). Both checks
refuse with NotPermitted, saying why, before anything is changed.
"""

from __future__ import annotations

from bot.errors import NotPermitted
from bot.parsing.slack_text import mention
from storage.coordinators import CoordinatorRepository


def require_coordinator(coordinators: CoordinatorRepository, user_id: str, action: str) -> None:
    """Refuse a coordinator-only action, saying why and whom to ask; changes nothing."""
    if coordinators.is_coordinator(user_id):
        return
    names = ", ".join(mention(c.user_id) for c in coordinators.list()[:10])
    ask = (
        f" Ask a coordinator ({names})."
        if names
        else " No coordinators are set yet: the bot's admin sets IWG_COORDINATORS."
    )
    raise NotPermitted(f"Only coordinators can {action}.{ask}")


def require_own_or_coordinator(
    coordinators: CoordinatorRepository, actor: str, owner: str | None, refusal: str
) -> None:
    """Refuse, with `refusal` (`Only the one who asked P-5 and coordinators can close it.`),
    unless `actor` is `owner` (its author, proposer or lead) or a coordinator."""
    if actor != owner and not coordinators.is_coordinator(actor):
        raise NotPermitted(refusal)
