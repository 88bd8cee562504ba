"""How meetings and agendas look in Slack: the schedule, the agenda, and the reminder."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot.domain.meeting_plan import Proposal
from bot.i18n import N_, _, ngettext
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

ADD_ITEM_HINT = N_("Propose an item with `/agenda add <item> (10 min)`.")


def at_time() -> str:
    """The style of a date token with its hour: Slack fills in the date and the time."""
    # Translators: a Slack date format; keep {date_long_pretty} and {time} as they are.
    return _("{date_long_pretty} at {time}")


def minutes_text(minutes: int) -> str:
    """`45 min`: an agenda's or an item's length."""
    return ngettext("{n} min", "{n} min", minutes)


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
        return _(
            "{first} – {last}, {hours} each day",
            first=_day(meeting.start_date),
            last=_day(meeting.last_day),
            hours=hours,
        )
    text = date_token(meeting.starts_at, at_time())
    if meeting.ends_at and not meeting.end_date:
        return f"{text}–{date_token(meeting.ends_at, clock)}"
    if meeting.ends_at:
        return _("{start} until {end}", start=text, end=date_token(meeting.ends_at, at_time()))
    return _("{start} until {end}", start=text, end=_day(meeting.end_date)) if meeting.end_date else text


def where(meeting: Meeting | Proposal) -> str:
    return f":round_pushpin: {escape(meeting.place)}" if meeting.place else _(":computer: virtual")


def meeting_line(meeting: Meeting, past: bool = False) -> str:
    title = escape(meeting.title)
    if meeting.status == "cancelled":
        return _("~*{ref}* {title}~ · {when} · _cancelled_", ref=meeting.ref, title=title, when=when(meeting))
    if past:
        return _(
            "*{ref}* {title} · {when} · {where} · _past_",
            ref=meeting.ref,
            title=title,
            when=when(meeting),
            where=where(meeting),
        )
    return f"*{meeting.ref}* {title} · {when(meeting)} · {where(meeting)}"


def schedule(meetings: list[Meeting], title: str, now: datetime, hint: str | None = None) -> Reply:
    lines = [meeting_line(m, past=m.starts_at < now and m.last_day < now.date()) for m in meetings]
    blocks = [section(f"*{title}*"), *[section(line) for line in lines[: MAX_BLOCKS - 3]]]
    if len(lines) > MAX_BLOCKS - 3:
        left = len(lines) - (MAX_BLOCKS - 3)
        blocks.append(context(ngettext("…and {n} more.", "…and {n} more.", left)))
    if hint:
        blocks.append(context(hint))
    return Reply(text=title, blocks=blocks)


def upcoming_or_latest(
    meetings: list[Meeting], year: int | None, now: datetime, ephemeral: bool = True, to_coordinator: bool = False
) -> Reply:
    """What `/meetings` and `/meetings post` show: the upcoming meetings, else the latest
    year's (`year`); a coordinator reading it alone is told how to schedule the next."""
    if year is None and meetings:
        reply = schedule(meetings, _("Upcoming IWG meetings"), now)
    else:
        plan = f"`/meetings plan {now.year + (now.month >= 10)}`"
        hint = (
            _(
                "No meeting is scheduled ahead. Plan the year's with {command}, or add one with {usage}.",
                command=plan,
                usage=usage("/meetings add"),
            )
            if ephemeral and to_coordinator
            else None
        )
        if year is None:
            none = _("No meetings are scheduled.")
            reply = Reply.of(f"{none} {hint}" if hint else none)
        else:
            reply = schedule(meetings, _("No upcoming meetings; the {year} schedule", year=year), now, hint)
    reply.ephemeral = ephemeral
    return reply


def agenda_lines(items: list[AgendaItem], names: dict[str, str] | None = None) -> list[str]:
    """One line per item. With `names` (for a channel post) proposers are shown by name, so
    the post pings nobody; without, as mentions, which only the one member reading sees."""

    def proposer(user_id: str) -> str:
        return mention(user_id) if names is None else name(names, user_id)

    def line(item: AgendaItem) -> str:
        text = escape(truncate(item.text, 300))
        if item.minutes:
            return _(
                "• *{ref}* {text} ({minutes}) — {proposer}",
                ref=item.ref,
                text=text,
                minutes=minutes_text(item.minutes),
                proposer=proposer(item.proposer),
            )
        return f"• *{item.ref}* {text} — {proposer(item.proposer)}"

    return [line(i) for i in items]


def _summary(count: int, shown: int, total: int) -> str:
    """`3 items, 60 min in all.`, and how many are not shown: the footer of an agenda."""
    items = ngettext("{n} item", "{n} items", count)
    if count > shown:
        return ngettext(
            "{items}, {minutes} in all (…and {n} more).",
            "{items}, {minutes} in all (…and {n} more).",
            count - shown,
            items=items,
            minutes=minutes_text(total),
        )
    return _("{items}, {minutes} in all.", items=items, minutes=minutes_text(total))


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
    head = _("*Agenda for {ref} {title}*, {when}", ref=meeting.ref, title=escape(meeting.title), when=when(meeting))
    if not items:
        return Reply(
            text=_("Agenda for {ref}: no items yet", ref=meeting.ref),
            blocks=[section(head), section(_("No items yet.")), context(_(ADD_ITEM_HINT))],
            ephemeral=ephemeral,
        )
    lines = agenda_lines(items[:AGENDA_SHOWN], names)
    blocks = [section(head), *[section(line) for line in lines]]
    blocks.append(context(_footer(_summary(count, len(lines), total))))
    text = ngettext(
        "Agenda for {ref}: {n} item, {minutes}",
        "Agenda for {ref}: {n} items, {minutes}",
        count,
        ref=meeting.ref,
        minutes=minutes_text(total),
    )
    return Reply(text=text, blocks=blocks, ephemeral=ephemeral)


def _footer(said: str) -> str:
    """A sentence about the agenda, then how to add to it: two whole sentences."""
    hint = _(ADD_ITEM_HINT)
    return f"{said} {hint}"


def time_left(left: timedelta, days: int | None = None) -> str:
    """How long until it starts, as people say it: "in 1 hour", "in 2 days". With `days`
    (an all-day meeting's whole days to go, counted in the group's zone), by the calendar:
    "today", "tomorrow", "in 7 days"; never "in 15 hours" for a meeting with no hour."""
    if days is not None:
        return _("today") if days < 1 else _("tomorrow") if days == 1 else ngettext("in {n} day", "in {n} days", days)
    minutes = max(1, round(left.total_seconds() / 60))
    if minutes < 90:
        return ngettext("in {n} minute", "in {n} minutes", minutes)
    if minutes < 36 * 60:
        return ngettext("in {n} hour", "in {n} hours", max(1, round(minutes / 60)))
    return ngettext("in {n} day", "in {n} days", max(1, round(minutes / (24 * 60))))


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
        # Translators: {when} is how long is left: "in 24 hours", "tomorrow".
        header(_("Reminder: {title} {when}", title=truncate(meeting.title, 100), when=soon)),
        section(f"*{meeting.ref} {escape(meeting.title)}*\n:calendar: {when(meeting)}\n{where(meeting)}"),
    ]
    lines = agenda_lines(items[:REMINDER_SHOWN], names)
    if lines:
        blocks += [section(chunk) for chunk in pack_lines([_("*Agenda so far*"), *lines])][: MAX_BLOCKS - 4]
        blocks.append(context(_footer(_summary(count, len(lines), total))))
    else:
        blocks.append(context(_footer(_("No agenda items yet."))))
    text = _("Reminder: {title} {when}", title=escape(meeting.title), when=soon)
    return Reply(text=text, blocks=blocks, ephemeral=False)
