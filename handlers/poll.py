"""`/poll`: quick decisions with a button per option."""

from __future__ import annotations

import re

from slack_sdk import WebClient

from bot.errors import UserError
from bot.i18n import _
from bot.parsing.catalogue import BY_COMMAND, usage
from bot.parsing.text import require_ref, split_command
from bot.render import poll_blocks
from bot.render.blocks import Reply
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, asked, button, slash_command
from handlers.interactions import NOT_OURS, Click
from handlers.router import Router

CLOSE_USAGE = usage("/poll close")
_VOTE = re.compile(r"([0-9]{1,9}):([0-9]{1,2})")


def register(app: Router, services: Services) -> None:
    slash_command(app, "/poll", lambda cmd, client: poll(services, cmd, client))
    button(
        app,
        services,
        re.compile(rf"^{re.escape(poll_blocks.VOTE_PREFIX)}\d+$"),
        lambda click, client: vote(services, click, client),
    )
    button(app, services, poll_blocks.CLOSE_BUTTON, lambda click, client: close_button(services, click))


def vote(services: Services, click: Click, client: WebClient) -> Reply | None:
    """A vote button's value is `<poll id>:<option>`; the button must be in that poll's message."""
    match = _VOTE.fullmatch(click.value)
    if not match:
        raise UserError(_(NOT_OURS))
    poll_id, option = int(match.group(1)), int(match.group(2))
    poll, ballot = services.poll_service.vote(click.user_id, poll_id, option, (click.channel_id, click.message_ts))
    return poll_blocks.vote_answer(poll, option, ballot)


def close_button(services: Services, click: Click) -> None:
    if not click.value.isdigit():
        raise UserError(_(NOT_OURS))
    poll = services.poll_service.in_message(int(click.value), (click.channel_id, click.message_ts))
    services.poll_service.close(click.user_id, poll.id)


def poll(services: Services, cmd: SlashCommand, client: WebClient) -> Reply | None:
    sub, rest = split_command(cmd.text)
    if sub in ("", "help"):
        return help.family_help(BY_COMMAND["/poll"])
    if sub == "list":
        channel = services.settings.channel
        return poll_blocks.open_polls(
            services.polls.open_polls(cmd.user_id, channel), services.polls.open_count(cmd.user_id, channel)
        )
    if sub == "close":
        closed = services.poll_service.close(cmd.user_id, require_ref(rest, "P", "a poll", CLOSE_USAGE))
        return Reply.of(_("Closed {ref}; the result is being posted.", ref=closed.ref), ":checkered_flag:")
    services.poll_service.create(cmd.user_id, cmd.channel_id, cmd.text, asked(cmd, "your poll"))
    return None  # the poll's message, moments later, is the answer
