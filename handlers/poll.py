"""`/poll`: quick decisions with a button per option."""

from __future__ import annotations

import re

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot import poll_blocks
from bot.catalogue import BY_COMMAND
from bot.errors import UserError
from bot.polls import update_message
from bot.render import Reply, error_reply
from bot.services import Services
from bot.text import require_ref, split_command
from handlers import help
from handlers.common import SlashCommand, slash_command
from handlers.router import Router
from storage.polls import Vote

CLOSE_USAGE = "`/poll close <id>`, e.g. `/poll close P-5`"


def register(app: Router, services: Services) -> None:
    slash_command(app, "/poll", lambda cmd, client: poll(services, cmd, client))

    @app.action(re.compile(rf"^{re.escape(poll_blocks.VOTE_PREFIX)}\d+$"))
    def vote(ack, body, action, client: WebClient, respond):
        poll_ref, _, option_number = str(action.get("value", "")).partition(":")
        if not (poll_ref.isdigit() and option_number.isdigit()):  # not a button of ours
            ack()
            return
        poll_id = int(poll_ref)
        outcome = services.polls.vote(poll_id, body["user"]["id"], int(option_number))
        ack()
        if outcome is Vote.INVALID:
            return
        if outcome is Vote.CLOSED:
            services.later(lambda: respond(**Reply.of("This poll is closed; it takes no more votes.").as_ack(),
                                           replace_original=False), "a late vote's answer")
        else:
            services.poll_refresher.request(poll_id, lambda: update_message(services.polls, client, poll_id))

    @app.action(poll_blocks.CLOSE_BUTTON)
    def close_button(ack, body, action, respond):
        ack()
        try:
            services.poll_service.close(body["user"]["id"], int(action["value"]))
        except UserError as refusal:
            answer = refusal.reply()
            services.later(lambda: respond(**answer.as_ack(), replace_original=False), "a refusal")


def poll(services: Services, cmd: SlashCommand, client: WebClient) -> Reply | None:
    sub, rest = split_command(cmd.text)
    if sub in ("", "help"):
        return help.family_help(BY_COMMAND["/poll"])
    if sub == "list":
        return poll_blocks.open_polls(services.polls.open_polls(), services.polls.open_count())
    if sub == "close":
        closed = services.poll_service.close(cmd.user_id, require_ref(rest, "P", "a poll", CLOSE_USAGE))
        return Reply.of(f"Closed {closed.ref}; the result is being posted.", ":checkered_flag:")
    new = services.poll_service.create(cmd.user_id, cmd.channel_id, cmd.text)
    services.later(lambda: post(services, client, cmd, new.id), "posting a poll")
    return None


def post(services: Services, client: WebClient, cmd: SlashCommand, poll_id: int) -> None:
    """Post the poll where it was asked; if the bot is not there, say how to invite it."""
    poll = services.polls.get(poll_id)
    reply = poll_blocks.poll_message(poll, {}, {})
    try:
        response = client.chat_postMessage(channel=poll.channel, text=reply.text, blocks=reply.blocks)
    except SlackApiError as error:
        services.polls.discard(poll_id)
        code = error.response.get("error", "")
        problem = ("I am not in this channel, so I cannot post your poll here. Invite me with "
                   "`/invite @IWG Bot`, then ask again." if code in ("not_in_channel", "channel_not_found")
                   else f"Slack would not take the poll ({code}); please try again.")
        WebhookClient(cmd.response_url).send(**error_reply(problem).as_ack())
        return
    if not services.polls.posted(poll_id, response["ts"]).is_open:  # closed before it was posted
        services.poll_service.announce_close(poll_id)
