"""The shape every slash command, button and form (modal) shares: read, run, and always answer."""

from __future__ import annotations

import logging
from collections.abc import Callable

from pydantic import BaseModel, field_validator
from slack_sdk import WebClient

from bot.errors import UserError, failure
from bot.i18n import N_, _, ngettext, number, without_marks
from bot.render.blocks import Reply, refusal_reply, sorry_reply
from handlers.interactions import Click
from handlers.router import Router
from storage.outbox import NoticeKind

log = logging.getLogger("iwg.handlers")

MAX_COMMAND_TEXT = 4000


class SlashCommand(BaseModel):
    """The fields of Slack's slash-command payload that handlers use."""

    command: str
    text: str = ""
    user_id: str
    channel_id: str = ""
    channel_name: str = ""  # "directmessage" in a 1:1 DM, "mpdm-…" in a group DM
    trigger_id: str = ""
    response_url: str = ""

    @field_validator("text")
    @classmethod
    def _as_typed(cls, text: str) -> str:
        """Without the direction marks a command copied from an Arabic message may carry."""
        return without_marks(text)


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
                raise UserError(
                    ngettext(
                        "That is {n} character; the most a command takes is {most}.",
                        "That is {n} characters; the most a command takes is {most}.",
                        len(cmd.text),
                        most=number(MAX_COMMAND_TEXT),
                    ),
                    hint=_("`{command} help` shows every form.", command=name),
                )
            reply = handle(cmd, client)
        except UserError as refusal:
            reply = refusal_reply(refusal)
        except Exception as error:
            log.error("%s failed: %s", name, failure(error))  # where, never what was typed
            reply = sorry_reply()
        if reply is None:
            ack()
        else:
            ack(**reply.as_ack())

    listener.__name__ = f"command_{name.strip('/')}"
    app.command(name)(listener)


def button(
    app: Router, services, action_id, handle: Callable[[Click, WebClient], Reply | None], replace_original: bool = False
) -> None:
    """Register `handle` for a button (an action_id, or a pattern of them). The click is
    acknowledged with nothing, as Slack wants; what `handle` answers, or its UserError,
    reaches the one who clicked through the response_url right after the ack, shown only to
    them (`replace_original`: in place of the message, for the next page of a list). A click
    in the App Home has no response_url: the answer goes to their DM, through the outbox."""

    def listener(ack, body, action, client: WebClient, respond) -> None:
        replace = False
        click = None
        try:
            click = Click.of(body, action)
            reply = handle(click, client)
            replace = replace_original
        except UserError as refusal:
            reply = refusal_reply(refusal)
        except Exception as error:
            log.error("button %s failed: %s", action.get("action_id"), failure(error))
            reply = sorry_reply()
        if reply is not None and click is not None and not click.response_url:
            services.outbox.add(NoticeKind.CLICK_ANSWER, click.action_id, click.user_id, {"text": reply.text})
            reply = None
        ack()
        if reply is not None:
            services.after_ack.run(lambda: respond(**reply.as_ack(), replace_original=replace), "answering a click")

    listener.__name__ = f"button_{getattr(action_id, 'pattern', action_id)}"
    app.action(action_id)(listener)


def form(
    app: Router,
    callback_id: str,
    submit: Callable[[str, dict], dict[str, str]],
    then: Callable[[str, WebClient], None] | None = None,
) -> None:
    """Register `submit(user_id, view)` for a form (a modal): it returns {} when done, else
    the problems to show beside each field, and the form stays open with them. `then`
    runs after a submission that went through (the App Home redrawn, say)."""

    def listener(ack, body, view, client: WebClient) -> None:
        user_id = body["user"]["id"]
        errors = submit(user_id, view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        if then is not None:
            then(user_id, client)

    listener.__name__ = f"form_{callback_id}"
    app.view(callback_id)(listener)


def post_for(services, cmd: SlashCommand, kind: NoticeKind, subject: str, what: str) -> Reply:
    """Queue `what` for the group's channel (IWG_CHANNEL, else where the command was
    typed): it goes out through the outbox, rendered as things are then; if Slack refuses
    it for good, the asker is told where they typed the command, or else in a DM."""
    channel = services.settings.channel or cmd.channel_id
    services.outbox.add(kind, subject, channel, asked(cmd, what))
    sentence = POSTING.get(what, N_("Posting {what} in {channel}."))  # one whole sentence per post
    return Reply.of(_(sentence, what=what, channel="<#" + channel + ">"), ":mega:")


# `what` is kept in the outbox in English (bot/outbound/notices.py words its refusals from it)
POSTING = {
    "the schedule": N_("Posting the schedule in {channel}."),
    "the agenda": N_("Posting the agenda in {channel}."),
}


def asked(cmd: SlashCommand, what: str) -> dict:
    """Who asked for a post and how to reach them, kept with it in the outbox."""
    return {
        "asker": cmd.user_id,
        "what": what,
        "response_url": cmd.response_url,
        "asked_in": cmd.channel_id,
        "channel_name": cmd.channel_name,
    }
