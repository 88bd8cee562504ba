"""Command families that are not built yet still answer, with their help, never silence."""

from __future__ import annotations

from slack_bolt import App

from bot.catalogue import FAMILIES
from handlers import help
from handlers.common import slash_command


def register(app: App) -> None:
    for family in FAMILIES:
        if not family.ready:
            slash_command(app, family.command, lambda cmd, client, family=family: help.family_help(family))
