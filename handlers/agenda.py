"""`/agenda`: items for the next meeting."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.errors import UserError
from bot.i18n import _
from bot.parsing.catalogue import BY_COMMAND, usage
from bot.parsing.meeting_edits import read_agenda_move
from bot.parsing.slack_text import escape
from bot.parsing.text import echo, parse_ref, require_ref, split_command
from bot.render import meeting_blocks
from bot.render.blocks import Reply
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, post_for, slash_command
from handlers.router import Router
from storage.outbox import NoticeKind

REMOVE_USAGE = usage("/agenda remove")


def register(app: Router, services: Services) -> None:
    slash_command(app, "/agenda", lambda cmd, client: agenda(services, cmd, client))


def agenda(services: Services, cmd: SlashCommand, client: WebClient) -> Reply:
    sub, rest = split_command(cmd.text)
    meeting_id = parse_ref(sub, "M") if sub and not rest else None
    if sub == "" or meeting_id is not None:
        meeting = services.meeting_service.get(meeting_id) if meeting_id else services.agenda_service.next_meeting()
        return meeting_blocks.agenda(meeting, *services.agenda_service.so_far(meeting, meeting_blocks.AGENDA_SHOWN))
    if sub == "help":
        return help.family_help(BY_COMMAND["/agenda"])
    if sub == "add":
        item, meeting = services.agenda_service.propose(cmd.user_id, rest)
        values = {"item": item.ref, "text": escape(item.text), "ref": meeting.ref, "title": escape(meeting.title)}
        if item.minutes:
            text = _(
                "Added *{item}* {text} ({minutes}) to the agenda of *{ref} {title}*.",
                minutes=meeting_blocks.minutes_text(item.minutes),
                **values,
            )
        else:
            text = _("Added *{item}* {text} to the agenda of *{ref} {title}*.", **values)
        return Reply.of(text, ":memo:")
    if sub == "remove":
        item = services.agenda_service.withdraw(cmd.user_id, require_ref(rest, "A", "an agenda item", REMOVE_USAGE))
        return Reply.of(
            _("Removed *{item}* {text} from the agenda.", item=item.ref, text=escape(item.text)), ":wastebasket:"
        )
    if sub == "move":
        item, was, to = services.agenda_service.move(cmd.user_id, *read_agenda_move(rest))
        values = {
            "item": item.ref,
            "text": escape(item.text),
            "was": was.ref,
            "ref": to.ref,
            "title": escape(to.title),
            "when": meeting_blocks.when(to),
        }
        if item.proposer != cmd.user_id:
            text = _(
                "Moved *{item}* {text} from {was} to the agenda of *{ref} {title}*, {when}. Its proposer is told.",
                **values,
            )
        else:
            text = _("Moved *{item}* {text} from {was} to the agenda of *{ref} {title}*, {when}.", **values)
        return Reply.of(text, ":memo:")
    if sub == "post":
        services.require_coordinator(cmd.user_id, "post the agenda")
        meeting = services.agenda_service.next_meeting()
        return post_for(services, cmd, NoticeKind.AGENDA_POST, meeting.ref, "the agenda")
    typed = f"`/agenda {echo(sub)}`"
    raise UserError(
        _("{command} is not a form I know.", command=typed),
        hint=_("{command} lists every form.", command="`/agenda help`"),
    )
