"""How planning and changing meetings look: a year's proposed schedule with its buttons and
form, the channel's post when a meeting moves, and a proposer's DM when their items move."""

from __future__ import annotations

import json
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.domain.meeting_plan import Proposal
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
    days = f"{times.start_date:%A} {times.start_date.day} {times.start_date:%B %Y}"
    if times.end_date:
        days += f" – {times.last_day:%A} {times.last_day.day} {times.last_day:%B}"
    if times.all_day:
        return days
    hours = date_token(times.starts_at, "{time}")
    if times.end_time:
        end = datetime.combine(
            times.start_date if times.each_day else times.last_day, times.end_time, ZoneInfo(times.zone)
        )
        hours += f"–{date_token(end, '{time}')}"
    return f"{days}, {hours}" + (" each day" if times.each_day else "")


def plan(year: int, proposals: list[Proposal], pattern: int | None, shown: str) -> Reply:
    """The proposal shown to the coordinator; nothing is written until they confirm."""
    source = f"the pattern of {pattern}" if pattern else "the last week of each quarter's second month"
    lines = [f"• *{escape(p.title)}* · {_proposed_when(p)} · {where(p)}" for p in proposals]
    value = json.dumps({"year": year, "plan": shown})
    buttons = {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": SCHEDULE_PLAN_BUTTON,
                "text": {"type": "plain_text", "text": "Schedule these"},
                "style": "primary",
                "value": value,
            },
            {
                "type": "button",
                "action_id": EDIT_PLAN_BUTTON,
                "text": {"type": "plain_text", "text": "Edit…"},
                "value": value,
            },
        ],
    }
    return Reply(
        text=f"Proposed {year} schedule: {len(proposals)} meetings",
        blocks=[
            section(f"*Proposed {year} quarterly schedule*, from {source}:"),
            section("\n".join(lines)),
            buttons,
            context(f"Nothing is scheduled until you confirm. Or type `/meetings plan {year} confirm`."),
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
        "title": {"type": "plain_text", "text": f"The {year} schedule"},
        "submit": {"type": "plain_text", "text": "Schedule these"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": blocks,
    }


def _hint(proposal: Proposal) -> str:
    times = proposal.times
    length = f"{times.days} days" if times.days > 1 else "one day"
    hours = "all day" if times.all_day else f"from {times.start_time:%H:%M} ({times.zone})"
    return f"The first day; it keeps its length ({length}), {hours}, " + (
        f"in {proposal.place}" if proposal.place else "virtual"
    )


def scheduled(meetings: list[Meeting]) -> Reply:
    lines = [meeting_line(m) for m in meetings]
    return Reply(
        text=f"Scheduled {len(meetings)} meetings",
        blocks=[
            section(f":calendar: Scheduled {len(meetings)} meetings; their reminders are planned."),
            section("\n".join(lines)),
        ],
    )


def moved(was: Meeting, now: Meeting, items: int) -> Reply:
    """The channel's post: one, naming nobody."""
    agenda = f"Its agenda ({items} item{'s' if items != 1 else ''}) stays with it." if items else ""
    text = (
        f":calendar: *{now.ref} {escape(now.title)}* has moved: it is now {when(now)}, {where(now)} "
        f"(it was {when(was)}). {agenda}"
    )
    return Reply(
        text=f"{now.title} has moved", blocks=[section(text.strip()), context(f"`/agenda {now.ref}` shows its agenda.")]
    )


def _items(items: list[AgendaItem]) -> str:
    return "\n".join(f"• *{i.ref}* {escape(truncate(i.text, 300))}" for i in items)


def items_moved(items: list[AgendaItem], was: Meeting, to: Meeting | None, why: str) -> Reply:
    """To a proposer whose items moved: because the meeting was cancelled, or someone moved them."""
    one = len(items) == 1
    yours = "Your agenda item" + ("" if one else "s")
    if why == "cancelled" and to is None:
        head = (
            f":calendar: *{was.ref} {escape(was.title)}* was cancelled. {yours} stay{'s' if one else ''} with it for "
            "now: no quarterly meeting is scheduled after it."
        )
        tail = f"`/agenda move {items[0].ref} to M-…` moves {'it' if one else 'one'} once a meeting is scheduled."
    elif why == "cancelled":
        head = (
            f":calendar: *{was.ref} {escape(was.title)}* was cancelled. {yours} moved to "
            f"*{to.ref} {escape(to.title)}*, {when(to)}."
        )
        tail = f"`/agenda remove {items[0].ref}` withdraws {'it' if one else 'one'}."
    else:
        head = (
            f":calendar: {yours} moved from *{was.ref} {escape(was.title)}* to *{to.ref} {escape(to.title)}*, "
            f"{when(to)}."
        )
        tail = f"`/agenda {to.ref}` shows that agenda."
    return Reply(text=f"{yours} moved", blocks=[section(head), section(_items(items)), context(tail)])
