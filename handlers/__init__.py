"""One module per command family; each registers its listeners on the Bolt app."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services


def register_all(app: App, services: Services) -> None:
    from handlers import agenda, home, iwg, meetings, poll, ta

    iwg.register(app, services)
    ta.register(app, services)
    meetings.register(app, services)
    agenda.register(app, services)
    poll.register(app, services)
    home.register(app, services)
