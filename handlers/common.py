"""The shape every slash command shares: parse, run, and always answer in the ack."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import BaseModel
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.errors import UserError
from bot.logs import failure
from bot.render import Reply, error_reply, sorry_reply
from handlers.router import Router

log = logging.getLogger("iwg.handlers")

MAX_COMMAND_TEXT = 4000


class SlashCommand(BaseModel):
    """The fields of Slack's slash-command payload that handlers use."""

    command: str
    text: str = ""
    user_id: str
    channel_id: str = ""
    trigger_id: str = ""
    response_url: str = ""


def slash_command(app: Router, name: str, handle: Callable[[SlashCommand, WebClient], Reply | None]) -> None:
    """Register `handle` for `name`; its Reply (or its UserError) becomes the ack's body,
    None an empty ack (when a modal opens instead).

    Answering in the ack is the fastest reply Slack has, and with
    process_before_response=True the ack is only sent once the listener is done, so the
    write the reply speaks of is committed before the member reads it.
    """

    def listener(ack, command: dict, client: WebClient) -> None:
        try:
            cmd = SlashCommand(**command)
            if len(cmd.text) > MAX_COMMAND_TEXT:
                raise UserError(f"That is {len(cmd.text)} characters; the most a command takes is {MAX_COMMAND_TEXT}.",
                                hint=f"`{name} help` shows every form.")
            reply = handle(cmd, client)
        except UserError as refusal:
            reply = refusal.reply()
        except Exception as error:
            log.error("%s failed: %s", name, failure(error))  # where, never what was typed
            reply = sorry_reply()
        if reply is None:
            ack()
        else:
            ack(**reply.as_ack())

    listener.__name__ = f"command_{name.strip('/')}"
    app.command(name)(listener)


def post_for(services, client: WebClient, cmd: SlashCommand, reply: Reply, what: str) -> Reply:
    """Post `reply` in the group's channel (IWG_CHANNEL, else where the command was typed)
    after the ack; if Slack refuses, tell the asker how to fix it."""
    channel = services.settings.channel or cmd.channel_id

    def post() -> None:
        try:
            client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks)
        except SlackApiError as error:
            code = error.response.get("error", "")
            problem = (f"I could not post {what} in <#{channel}>: I am not a member of it. "
                       "Invite me with `/invite @IWG Bot`, then try again."
                       if code in ("not_in_channel", "channel_not_found") else
                       f"Slack refused to post {what} ({code}); please try again.")
            WebhookClient(cmd.response_url).send(**error_reply(problem).as_ack())

    services.later(post, f"posting {what}")
    return Reply.of(f"Posting {what} in <#{channel}>.", ":mega:")


def send_to_dm_later(services, response_url: str, send: Callable[[], None], what: str) -> None:
    """Run `send` (a file to the asker's DMs) after the ack. The ack said it is on its way,
    so if Slack refuses or cannot be reached, the asker is told, through the command's
    response_url, instead of waiting for a file that never comes."""

    def run() -> None:
        try:
            send()
        except Exception as error:  # Slack's refusal, or the network after the client's retries
            slack = isinstance(error, SlackApiError)
            code = error.response.get("error", "") if slack else type(error).__name__
            log.warning("%s not sent: %s", what, code if slack else failure(error))
            answer = WebhookClient(response_url).send(
                **error_reply(f"I could not send {what} to your direct messages ({code}); please try again.").as_ack())
            if answer.status_code >= 300:  # the response_url expired or was used up
                log.warning("could not tell the asker that %s was not sent: HTTP %s", what, answer.status_code)

    services.later(run, what)

