"""`/poll`: quick decisions with a button per option."""

from __future__ import annotations

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot import poll_blocks
from bot.catalogue import BY_COMMAND
from bot.errors import UserError
from bot.names import display_names
from bot.polls import update_message
from bot.render import Reply, error_reply
from bot.services import Services
from bot.text import require_ref, split_command
from handlers import help
from handlers.common import SlashCommand, button, cannot_post, slash_command
from handlers.forms import NOT_OURS, Click
from handlers.router import Router

CLOSE_USAGE = "`/poll close <id>`, e.g. `/poll close P-5`"
_VOTE = re.compile(r"([0-9]{1,9}):([0-9]{1,2})")


def register(app: Router, services: Services) -> None:
    slash_command(app, "/poll", lambda cmd, client: poll(services, cmd, client))
    button(app, services, re.compile(rf"^{re.escape(poll_blocks.VOTE_PREFIX)}\d+$"),
           lambda click, client: vote(services, click, client))
    button(app, services, poll_blocks.CLOSE_BUTTON, lambda click, client: close_button(services, click))


def vote(services: Services, click: Click, client: WebClient) -> Reply | None:
    """A vote button's value is `<poll id>:<option>`; the button must be in that poll's message."""
    match = _VOTE.fullmatch(click.value)
    if not match:
        raise UserError(NOT_OURS)
    poll_id, option = int(match.group(1)), int(match.group(2))
    poll, ballot = services.poll_service.vote(click.user_id, poll_id, option, (click.channel_id, click.message_ts))
    services.poll_refresher.request(poll_id, lambda: update_message(services.polls, client, poll_id))
    return poll_blocks.vote_answer(poll, option, ballot)


def close_button(services: Services, click: Click) -> None:
    if not click.value.isdigit():
        raise UserError(NOT_OURS)
    poll = services.poll_service.in_message(int(click.value), (click.channel_id, click.message_ts))
    services.poll_service.close(click.user_id, poll.id)


def poll(services: Services, cmd: SlashCommand, client: WebClient) -> Reply | None:
    sub, rest = split_command(cmd.text)
    if sub in ("", "help"):
        return help.family_help(BY_COMMAND["/poll"])
    if sub == "list":
        channel = services.settings.channel
        return poll_blocks.open_polls(services.polls.open_polls(cmd.user_id, channel),
                                      services.polls.open_count(cmd.user_id, channel))
    if sub == "close":
        closed = services.poll_service.close(cmd.user_id, require_ref(rest, "P", "a poll", CLOSE_USAGE))
        return Reply.of(f"Closed {closed.ref}; the result is being posted.", ":checkered_flag:")
    new = services.poll_service.create(cmd.user_id, cmd.channel_id, cmd.text)
    services.later(lambda: post(services, client, cmd, new.id), "posting a poll")
    return None


def post(services: Services, client: WebClient, cmd: SlashCommand, poll_id: int) -> None:
    """Post the poll where it was asked; if the bot cannot post there, say what to do."""
    poll = services.polls.get(poll_id)
    reply = poll_blocks.poll_message(poll, {}, display_names(client, {poll.author}))
    try:
        response = client.chat_postMessage(channel=poll.channel, text=reply.text, blocks=reply.blocks)
    except SlackApiError as error:
        services.polls.discard(poll_id)
        WebhookClient(cmd.response_url).send(**error_reply(cannot_post(cmd, poll.channel, "your poll", error)).as_ack())
        return
    if not services.polls.posted(poll_id, response["ts"]).is_open:  # closed before it was posted
        services.poll_service.announce_close(poll_id)
