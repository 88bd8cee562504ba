"""One module per command family; each registers its handlers on the Router, which hands
Bolt one listener per kind of request (see handlers/router.py)."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers.router import Router


def register_all(app: App, services: Services) -> None:
    from handlers import agenda, home, iwg, meetings, poll, ta

    router = Router(services.traffic)
    for family in (iwg, ta, meetings, agenda, poll, home):
        family.register(router, services)
    router.attach(app)
