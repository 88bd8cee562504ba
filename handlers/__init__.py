"""Inbound only: one module per command family (iwg, ta, meetings, agenda, poll, home), each
reading a request, calling the group's rules and rendering the answer. Each registers its
callbacks, all at module level, on the Router, which hands Bolt one listener per kind of
request (router.py); common.py holds the shape every command, button and form shares.

May import bot/services.py and everything below it; never bot/run/. Only the app factory
(bot/run/app_factory.py) imports handlers."""

from __future__ import annotations

from slack_bolt import App

from bot.services import Services
from handlers.router import Router


def register_all(app: App, services: Services) -> None:
    from handlers import agenda, home, iwg, meetings, poll, ta

    router = Router(services.ack_priority, services.languages.of)
    for family in (iwg, ta, meetings, agenda, poll, home):
        family.register(router, services)
    router.attach(app)
