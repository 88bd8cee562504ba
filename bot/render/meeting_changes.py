"""How planning and changing meetings look: a year's proposed schedule with its buttons and
form, the channel's post when a meeting moves, and a proposer's DM when their items move."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot import i18n
from bot.domain.meeting_plan import Proposal
from bot.i18n import _, ngettext
from bot.parsing.slack_text import escape, truncate
from bot.render.blocks import Reply, context, date_token, section
from bot.render.meeting_blocks import meeting_line, when, where
from storage.agenda import AgendaItem
from storage.meetings import Meeting

SCHEDULE_PLAN_BUTTON = "meetings_plan_schedule"
EDIT_PLAN_BUTTON = "meetings_plan_edit"
PLAN_FORM = "meetings_plan_form"


def _proposed_when(proposal: Proposal) -> str:
    """A proposal's days in words (they are the same everywhere), its hours as tokens."""
    times = proposal.times
    days = i18n.day(times.start_date, "EEEE d MMMM y")  # `Tuesday 24 February 2026`
    if times.end_date:
        days += f" – {i18n.day(times.last_day, 'EEEE d MMMM')}"
    if times.all_day:
        return days
    hours = date_token(times.starts_at, "{time}")
    if times.end_time:
        end = datetime.combine(
            times.start_date if times.each_day else times.last_day, times.end_time, ZoneInfo(times.zone)
        )
        hours += f"–{date_token(end, '{time}')}"
    if times.each_day:
        return _("{days}, {hours} each day", days=days, hours=hours)
    return f"{days}, {hours}"


def plan(year: int, proposals: list[Proposal], pattern: int | None, shown: str) -> Reply:
    """The proposal shown to the coordinator; nothing is written until they confirm."""
    if pattern:
        head = _("*Proposed {year} quarterly schedule*, from the pattern of {pattern}:", year=year, pattern=pattern)
    else:
        head = _("*Proposed {year} quarterly schedule*, from the last week of each quarter's second month:", year=year)
    lines = [f"• *{escape(p.title)}* · {_proposed_when(p)} · {where(p)}" for p in proposals]
    value = json.dumps({"year": year, "plan": shown})
    confirm = f"`/meetings plan {year} confirm`"
    buttons = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": SCHEDULE_PLAN_BUTTON,
                "text": {"type": "plain_text", "text": _("Schedule these")},
                "style": "primary",
                "value": value,
            },
            {
                "type": "button",
                "action_id": EDIT_PLAN_BUTTON,
                "text": {"type": "plain_text", "text": _("Edit…")},
                "value": value,
            },
        ],
    }
    return Reply(
        text=ngettext(
            "Proposed {year} schedule: {n} meeting", "Proposed {year} schedule: {n} meetings", len(proposals), year=year
        ),
        blocks=[
            section(head),
            section("\n".join(lines)),
            buttons,
            context(_("Nothing is scheduled until you confirm. Or type {command}.", command=confirm)),
        ],
    )


def plan_form(year: int, proposals: list[Proposal], shown: str) -> dict:
    """*Edit…*: a date picker per proposed meeting, each at its proposed first day."""
    blocks = [
        {
            "type": "input",
            "block_id": f"day{index}",
            "label": {"type": "plain_text", "text": truncate(proposal.title, 150)},
            "hint": {"type": "plain_text", "text": truncate(_hint(proposal), 150)},
            "element": {
                "type": "datepicker",
                "action_id": "value",
                "initial_date": proposal.times.start_date.isoformat(),
            },
        }
        for index, proposal in enumerate(proposals)
    ]
    return {
        "type": "modal",
        "callback_id": PLAN_FORM,
        "private_metadata": json.dumps({"year": year, "plan": shown}),
        "title": {"type": "plain_text", "text": _("The {year} schedule", year=year)},
        "submit": {"type": "plain_text", "text": _("Schedule these")},
        "close": {"type": "plain_text", "text": _("Cancel")},
        "blocks": blocks,
    }


def _hint(proposal: Proposal) -> str:
    times = proposal.times
    length = ngettext("{n} day", "{n} days", times.days) if times.days > 1 else _("one day")
    place = proposal.place
    if times.all_day:
        if place:
            return _("The first day; it keeps its length ({length}), all day, in {place}", length=length, place=place)
        return _("The first day; it keeps its length ({length}), all day, virtual", length=length)
    start = f"{times.start_time:%H:%M}"
    if place:
        return _(
            "The first day; it keeps its length ({length}), from {time} ({zone}), in {place}",
            length=length,
            time=start,
            zone=times.zone,
            place=place,
        )
    return _(
        "The first day; it keeps its length ({length}), from {time} ({zone}), virtual",
        length=length,
        time=start,
        zone=times.zone,
    )


def scheduled(meetings: list[Meeting]) -> Reply:
    lines = [meeting_line(m) for m in meetings]
    done = ngettext(
        "Scheduled {n} meeting; its reminders are planned.",
        "Scheduled {n} meetings; their reminders are planned.",
        len(meetings),
    )
    return Reply(
        text=ngettext("Scheduled {n} meeting", "Scheduled {n} meetings", len(meetings)),
        blocks=[
            section(f":calendar: {done}"),
            section("\n".join(lines)),
        ],
    )


def moved(was: Meeting, now: Meeting, items: int) -> Reply:
    """The channel's post: one, naming nobody."""
    agenda = (
        ngettext("Its agenda ({n} item) stays with it.", "Its agenda ({n} items) stays with it.", items)
        if items
        else ""
    )
    has_moved = _(
        "*{ref} {title}* has moved: it is now {when}, {where} (it was {was}).",
        ref=now.ref,
        title=escape(now.title),
        when=when(now),
        where=where(now),
        was=when(was),
    )
    text = f":calendar: {has_moved} {agenda}"
    command = f"`/agenda {now.ref}`"
    return Reply(
        text=_("{title} has moved", title=now.title),
        blocks=[section(text.strip()), context(_("{command} shows its agenda.", command=command))],
    )


def _items(items: list[AgendaItem]) -> str:
    return "\n".join(f"• *{i.ref}* {escape(truncate(i.text, 300))}" for i in items)


def items_moved(items: list[AgendaItem], was: Meeting, to: Meeting | None, why: str) -> Reply:
    """To a proposer whose items moved: because the meeting was cancelled, or someone moved them."""
    n, first = len(items), items[0].ref
    move, remove = f"`/agenda move {first} to M-…`", f"`/agenda remove {first}`"  # what to type
    ref, title = was.ref, escape(was.title)
    if why == "cancelled" and to is None:
        head = ngettext(
            "*{ref} {title}* was cancelled. Your agenda item stays with it for now: "
            "no quarterly meeting is scheduled after it.",
            "*{ref} {title}* was cancelled. Your agenda items stay with it for now: "
            "no quarterly meeting is scheduled after it.",
            n,
            ref=ref,
            title=title,
        )
        tail = ngettext(
            "{command} moves it once a meeting is scheduled.",
            "{command} moves one once a meeting is scheduled.",
            n,
            command=move,
        )
    elif why == "cancelled":
        head = ngettext(
            "*{ref} {title}* was cancelled. Your agenda item moved to *{to_ref} {to_title}*, {when}.",
            "*{ref} {title}* was cancelled. Your agenda items moved to *{to_ref} {to_title}*, {when}.",
            n,
            ref=ref,
            title=title,
            to_ref=to.ref,
            to_title=escape(to.title),
            when=when(to),
        )
        tail = ngettext("{command} withdraws it.", "{command} withdraws one.", n, command=remove)
    else:
        head = ngettext(
            "Your agenda item moved from *{ref} {title}* to *{to_ref} {to_title}*, {when}.",
            "Your agenda items moved from *{ref} {title}* to *{to_ref} {to_title}*, {when}.",
            n,
            ref=ref,
            title=title,
            to_ref=to.ref,
            to_title=escape(to.title),
            when=when(to),
        )
        show = f"`/agenda {to.ref}`"
        tail = _("{command} shows that agenda.", command=show)
    return Reply(
        text=ngettext("Your agenda item moved", "Your agenda items moved", n),
        blocks=[section(f":calendar: {head}"), section(_items(items)), context(tail)],
    )
