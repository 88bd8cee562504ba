"""What handlers work with: the settings and the repositories, built once per process."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import Settings
from bot.errors import NotPermitted
from bot.render import mention
from storage import CoordinatorRepository, Storage


@dataclass
class Services:
    settings: Settings
    storage: Storage
    coordinators: CoordinatorRepository

    @classmethod
    def build(cls, settings: Settings, storage: Storage) -> "Services":
        return cls(settings, storage, CoordinatorRepository(storage))

    def require_coordinator(self, user_id: str, action: str) -> None:
        """Refuse a coordinator-only action, saying why and whom to ask; changes nothing."""
        if self.coordinators.is_coordinator(user_id):
            return
        names = ", ".join(mention(c.user_id) for c in self.coordinators.list()[:10])
        ask = f" Ask a coordinator ({names})." if names else " No coordinators are set yet: the bot's admin sets IWG_COORDINATORS."
        raise NotPermitted(f"Only coordinators can {action}.{ask}")
