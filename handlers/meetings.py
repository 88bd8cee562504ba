"""`/meetings`: the quarterly schedule."""

from __future__ import annotations

import json

from slack_sdk import WebClient

from bot.domain.meeting_plan import fingerprint
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.outbound.after_ack import File
from bot.parsing.catalogue import BY_COMMAND, usage
from bot.parsing.meeting_edits import read_meeting_edit, read_plan
from bot.parsing.slack_text import escape
from bot.parsing.text import echo, require_ref, split_command
from bot.render import meeting_blocks, meeting_changes
from bot.render.blocks import Reply, field_error
from bot.render.ics import meetings_ics
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, button, form, post_for, slash_command
from handlers.interactions import NOT_OURS, Click, FormValues
from handlers.router import Router
from storage.agenda import AgendaItem
from storage.meetings import Meeting
from storage.outbox import NoticeKind

CANCEL_USAGE = usage("/meetings cancel")
MOVE_USAGE = usage("/meetings move")


def register(app: Router, services: Services) -> None:
    slash_command(app, "/meetings", lambda cmd, client: meetings(services, cmd, client))
    button(
        app,
        services,
        meeting_changes.SCHEDULE_PLAN_BUTTON,
        lambda click, client: schedule_plan_button(services, click),
        replace_original=True,
    )
    button(
        app, services, meeting_changes.EDIT_PLAN_BUTTON, lambda click, client: edit_plan_button(services, click, client)
    )
    form(app, meeting_changes.PLAN_FORM, lambda user, view: submit_plan_form(services, user, view))


def meetings(services: Services, cmd: SlashCommand, client: WebClient) -> Reply:
    sub, rest = split_command(cmd.text)
    if sub == "":
        meetings, year = services.meeting_service.upcoming_or_latest()
        return meeting_blocks.upcoming_or_latest(
            meetings, year, services.storage.clock(), to_coordinator=services.coordinators.is_coordinator(cmd.user_id)
        )
    if sub.isdigit() and len(sub) == 4 and not rest:
        year = int(sub)
        found = services.meetings.of_year(year)
        title = _("IWG meetings in {year}", year=year) if found else _("No meetings in {year}.", year=year)
        return meeting_blocks.schedule(found, title, services.storage.clock())
    if sub == "help":
        return help.family_help(BY_COMMAND["/meetings"])
    if sub == "post":
        services.require_coordinator(cmd.user_id, "post the schedule")
        return post_for(services, cmd, NoticeKind.SCHEDULE_POST, cmd.user_id, "the schedule")
    if sub == "add":
        meeting = services.meeting_service.schedule(cmd.user_id, rest)
        values = {
            "ref": meeting.ref,
            "title": escape(meeting.title),
            "when": meeting_blocks.when(meeting),
            "where": meeting_blocks.where(meeting),
        }
        if services.settings.channel:
            text = _("Scheduled *{ref} {title}*: {when}, {where}. Reminders go to the channel before it.", **values)
        else:
            text = _("Scheduled *{ref} {title}*: {when}, {where}.", **values)
        return Reply.of(text, ":calendar:")
    if sub == "cancel":
        return cancelled(
            *services.meeting_service.cancel(cmd.user_id, require_ref(rest, "M", "a meeting", CANCEL_USAGE))
        )
    if sub == "plan":
        year, confirm = read_plan(rest)
        if confirm:
            return meeting_changes.scheduled(services.meeting_service.schedule_plan(cmd.user_id, year))
        proposals, pattern = services.meeting_service.plan(cmd.user_id, year)
        return meeting_changes.plan(year, proposals, pattern, fingerprint(proposals))
    if sub == "move":
        meeting_id = require_ref(rest.split(None, 1)[0] if rest.strip() else "", "M", "a meeting", MOVE_USAGE)
        was, now = services.meeting_service.move(cmd.user_id, meeting_id, rest)
        return changed(services, was, now)
    if sub == "edit":
        meeting_id, field, value = read_meeting_edit(rest)
        was, now = services.meeting_service.edit(cmd.user_id, meeting_id, field, value)
        return changed(services, was, now)
    if sub == "ics":
        return send_ics(services, client, cmd.user_id, cmd.response_url)
    typed = f"`/meetings {echo(sub)}`"
    raise UserError(
        _("{command} is not a form I know.", command=typed),
        hint=_("{command} lists every form.", command="`/meetings help`"),
    )


def changed(services: Services, was: Meeting, now: Meeting) -> Reply:
    values = {
        "ref": now.ref,
        "title": escape(now.title),
        "when": meeting_blocks.when(now),
        "where": meeting_blocks.where(now),
    }
    if services.settings.channel and was.times() != now.times():
        return Reply.of(_("*{ref} {title}* is now {when}, {where}. The channel is told.", **values), ":calendar:")
    return Reply.of(_("*{ref} {title}* is now {when}, {where}.", **values), ":calendar:")


def cancelled(meeting: Meeting, to: Meeting | None, items: list[AgendaItem]) -> Reply:
    text = _("Cancelled *{ref} {title}*; its reminders will not be sent.", ref=meeting.ref, title=escape(meeting.title))
    if items and to is not None:
        moved = ngettext(
            "Its {n} agenda item moved to *{ref} {title}*; each proposer is told.",
            "Its {n} agenda items moved to *{ref} {title}*; each proposer is told.",
            len(items),
            ref=to.ref,
            title=escape(to.title),
        )
        text = f"{text} {moved}"
    elif items:
        stay = ngettext(
            "Its {n} agenda item stays with it: no quarterly meeting is scheduled after it "
            "({command} moves one); each proposer is told.",
            "Its {n} agenda items stay with it: no quarterly meeting is scheduled after it "
            "({command} moves one); each proposer is told.",
            len(items),
            command="`/agenda move A-… to M-…`",
        )
        text = f"{text} {stay}"
    return Reply.of(text, ":x:")


def _plan_value(raw: str) -> tuple[int, str]:
    """The year and fingerprint a plan's button or form carries."""
    try:
        value = json.loads(raw)
        year, shown = value["year"], value["plan"]
        if isinstance(year, int) and isinstance(shown, str):
            return year, shown
    except (ValueError, TypeError, KeyError):
        pass
    raise UserError(_(NOT_OURS))


def schedule_plan_button(services: Services, click: Click) -> Reply:
    year, shown = _plan_value(click.value)
    return meeting_changes.scheduled(services.meeting_service.schedule_plan(click.user_id, year, shown))


def edit_plan_button(services: Services, click: Click, client: WebClient) -> None:
    year, shown = _plan_value(click.value)
    proposals, _pattern = services.meeting_service.plan(click.user_id, year)
    view = meeting_changes.plan_form(year, proposals, shown)
    services.after_ack.open_form(client, click.trigger_id, view, "the schedule form", click.response_url)


def submit_plan_form(services: Services, actor: str, view: dict) -> dict[str, str]:
    """Schedule the plan with the days picked; {} when done (told by DM), else the error."""
    values = FormValues.of(view)
    days = {}
    try:
        year, shown = _plan_value(view.get("private_metadata") or "")
        for block in values.values:
            if block.startswith("day") and block[3:].isdigit():
                days[int(block[3:])] = values.date(block)
        made = services.meeting_service.schedule_plan(actor, year, shown, days)
    except UserError as refusal:
        return {"day0": field_error(refusal.problem)}
    services.outbox.add(NoticeKind.CLICK_ANSWER, "plan", actor, {"text": meeting_changes.scheduled(made).text})
    return {}


def send_ics(services: Services, client: WebClient, asker: str, response_url: str) -> Reply:
    now = services.storage.clock()
    found = services.meetings.upcoming(now)
    if not found:
        raise UserError(
            _("There are no upcoming meetings to put in a calendar."),
            hint=_("{command} shows a past year.", command="`/meetings 2024`"),
        )

    def make() -> File:  # run after the ack, in the member's language (bot.outbound.after_ack)
        return File(
            filename="iwg-meetings.ics",
            title=_("IWG meetings"),
            content=meetings_ics(found, now),
            comment=_("The upcoming IWG meetings: open the file to add them to your calendar."),
        )

    services.after_ack.send_file(client, asker, make, "the calendar file", response_url)
    feed = services.settings.calendar_url
    text = ngettext(
        "A calendar file of the {n} upcoming meeting is on its way to your direct messages.",
        "A calendar file of the {n} upcoming meetings is on its way to your direct messages.",
        len(found),
    )
    if feed:
        follow = _(
            "To follow changes instead (moves, cancellations), subscribe your calendar to {url}"
            " (Google: Other calendars, From URL; Outlook: Add calendar, Subscribe from web; Apple: File, New Calendar"
            " Subscription).",
            url=escape(feed),
        )
        text = f"{text} {follow}"
    return Reply.of(text, ":spiral_calendar_pad:")
