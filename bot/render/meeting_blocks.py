"""How meetings and agendas look in Slack: the schedule, the agenda, and the reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.domain.meeting_plan import Proposal
from bot.parsing.catalogue import usage
from bot.parsing.slack_text import escape, mention, truncate
from bot.render.blocks import (
    MAX_BLOCKS,
    Reply,
    context,
    date_token,
    header,
    name,
    pack_lines,
    section,
)
from storage.agenda import AgendaItem
from storage.meetings import Meeting, MeetingTimes

ADD_ITEM_HINT = "Propose an item with `/agenda add <item> (10 min)`."


def _day(day: date) -> str:
    """A date token at noon UTC: the same calendar day wherever a member reads it."""
    return date_token(datetime.combine(day, time(12), timezone.utc), "{date_long_pretty}")


def when(meeting: MeetingTimes) -> str:
    """The days and hours, each member reading the hours in their own zone (date tokens);
    the days of an all-day meeting are the same everywhere."""
    if meeting.all_day:
        text = _day(meeting.start_date)
        return f"{text} – {_day(meeting.end_date)}" if meeting.end_date else text
    clock = "{time}"
    if meeting.each_day and meeting.end_time:  # sessions on every day of the range
        first_end = datetime.combine(meeting.start_date, meeting.end_time, ZoneInfo(meeting.zone))
        hours = f"{date_token(meeting.starts_at, clock)}–{date_token(first_end, clock)}"
        return f"{_day(meeting.start_date)} – {_day(meeting.last_day)}, {hours} each day"
    text = date_token(meeting.starts_at, "{date_long_pretty} at {time}")
    if meeting.ends_at and not meeting.end_date:
        return f"{text}–{date_token(meeting.ends_at, clock)}"
    if meeting.ends_at:
        return f"{text} until {date_token(meeting.ends_at, '{date_long_pretty} at {time}')}"
    return f"{text} until {_day(meeting.end_date)}" if meeting.end_date else text


def where(meeting: Meeting | Proposal) -> str:
    return f":round_pushpin: {escape(meeting.place)}" if meeting.place else ":computer: virtual"


def meeting_line(meeting: Meeting, past: bool = False) -> str:
    title = escape(meeting.title)
    if meeting.status == "cancelled":
        return f"~*{meeting.ref}* {title}~ · {when(meeting)} · _cancelled_"
    return f"*{meeting.ref}* {title} · {when(meeting)} · {where(meeting)}" + (" · _past_" if past else "")


def schedule(meetings: list[Meeting], title: str, now: datetime, hint: str | None = None) -> Reply:
    lines = [meeting_line(m, past=m.starts_at < now and m.last_day < now.date()) for m in meetings]
    blocks = [section(f"*{title}*"), *[section(line) for line in lines[: MAX_BLOCKS - 3]]]
    if len(lines) > MAX_BLOCKS - 3:
        blocks.append(context(f"…and {len(lines) - (MAX_BLOCKS - 3)} more."))
    if hint:
        blocks.append(context(hint))
    return Reply(text=title, blocks=blocks)


def upcoming_or_latest(
    meetings: list[Meeting], year: int | None, now: datetime, ephemeral: bool = True, to_coordinator: bool = False
) -> Reply:
    """What `/meetings` and `/meetings post` show: the upcoming meetings, else the latest
    year's (`year`); a coordinator reading it alone is told how to schedule the next."""
    if year is None and meetings:
        reply = schedule(meetings, "Upcoming IWG meetings", now)
    else:
        hint = (
            f"No meeting is scheduled ahead. Plan the year's with `/meetings plan {now.year + (now.month >= 10)}`, "
            f"or add one with {usage('/meetings add')}."
            if ephemeral and to_coordinator
            else None
        )
        if year is None:
            reply = Reply.of("No meetings are scheduled." + (f" {hint}" if hint else ""))
        else:
            reply = schedule(meetings, f"No upcoming meetings; the {year} schedule", now, hint)
    reply.ephemeral = ephemeral
    return reply


def agenda_lines(items: list[AgendaItem], names: dict[str, str] | None = None) -> list[str]:
    """One line per item. With `names` (for a channel post) proposers are shown by name, so
    the post pings nobody; without, as mentions, which only the one member reading sees."""

    def proposer(user_id: str) -> str:
        return mention(user_id) if names is None else name(names, user_id)

    return [
        f"• *{i.ref}* {escape(truncate(i.text, 300))}"
        + (f" ({i.minutes} min)" if i.minutes else "")
        + f" — {proposer(i.proposer)}"
        for i in items
    ]


AGENDA_SHOWN = MAX_BLOCKS - 3  # items listed in /agenda; the rest are counted


def agenda(
    meeting: Meeting,
    items: list[AgendaItem],
    count: int,
    total: int,
    ephemeral: bool = True,
    names: dict[str, str] | None = None,
) -> Reply:
    """The first AGENDA_SHOWN `items`; `count` and `total` (minutes) are of the whole agenda;
    `names` for the channel's copy (see agenda_lines)."""
    head = f"*Agenda for {meeting.ref} {escape(meeting.title)}*, {when(meeting)}"
    if not items:
        return Reply(
            text=f"Agenda for {meeting.ref}: no items yet",
            blocks=[section(head), section("No items yet."), context(ADD_ITEM_HINT)],
            ephemeral=ephemeral,
        )
    lines = agenda_lines(items[:AGENDA_SHOWN], names)
    blocks = [section(head), *[section(line) for line in lines]]
    more = f" (…and {count - len(lines)} more)" if count > len(lines) else ""
    blocks.append(context(f"{count} item{'s' if count != 1 else ''}, {total} min in all{more}. {ADD_ITEM_HINT}"))
    return Reply(text=f"Agenda for {meeting.ref}: {count} items, {total} min", blocks=blocks, ephemeral=ephemeral)


def time_left(left: timedelta, days: int | None = None) -> str:
    """How long until it starts, as people say it: "in 1 hour", "in 2 days". With `days`
    (an all-day meeting's whole days to go, counted in the group's zone), by the calendar:
    "today", "tomorrow", "in 7 days"; never "in 15 hours" for a meeting with no hour."""
    if days is not None:
        return "today" if days < 1 else "tomorrow" if days == 1 else f"in {days} days"
    minutes = max(1, round(left.total_seconds() / 60))
    for unit, size, up_to in (("minute", 1, 90), ("hour", 60, 36 * 60), ("day", 24 * 60, None)):
        if up_to is None or minutes < up_to:
            count = max(1, round(minutes / size))
            return f"in {count} {unit}{'s' if count != 1 else ''}"
    return "soon"


REMINDER_SHOWN = MAX_BLOCKS - 5  # agenda items listed in a reminder


def reminder(
    meeting: Meeting,
    items: list[AgendaItem],
    count: int,
    total: int,
    left: timedelta,
    names: dict[str, str],
    zone: ZoneInfo | str | None = None,
) -> Reply:
    """The reminder as it is sent: how long is left then, and the agenda so far (`items`:
    its first REMINDER_SHOWN; `count` and `total` minutes: all of it), proposers by name.
    An all-day meeting's time left is in whole days in `zone` (the group's, IWG_TIMEZONE:
    a ZoneInfo or its name; the meeting's own zone when not given)."""
    days = None
    if meeting.all_day:
        from bot.domain.reminder_times import days_ahead

        days = days_ahead(meeting, meeting.starts_at - left, ZoneInfo(str(zone or meeting.zone)))
    soon = time_left(left, days)
    blocks = [
        header(f"Reminder: {truncate(meeting.title, 100)} {soon}"),
        section(f"*{meeting.ref} {escape(meeting.title)}*\n:calendar: {when(meeting)}\n{where(meeting)}"),
    ]
    lines = agenda_lines(items[:REMINDER_SHOWN], names)
    if lines:
        blocks += [section(chunk) for chunk in pack_lines(["*Agenda so far*", *lines])][: MAX_BLOCKS - 4]
        more = f" (…and {count - len(lines)} more)" if count > len(lines) else ""
        blocks.append(context(f"{count} items, {total} min in all{more}. {ADD_ITEM_HINT}"))
    else:
        blocks.append(context(f"No agenda items yet. {ADD_ITEM_HINT}"))
    return Reply(text=f"Reminder: {escape(meeting.title)} {soon}", blocks=blocks, ephemeral=False)
