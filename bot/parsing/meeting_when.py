"""When a meeting is, as people type it: what follows "on" in `/meetings add` (read_when),
the text of `/meetings move` (read_move) and of `/meetings edit <id> time` (retime).

Single dates are read by dates.py (the group's zone, day first, the future preferred);
ranges, which dateparser cannot read, are read here first, after meeting_hours.py has
split off the hours typed at the end. The choices:

- All day unless a time is typed. Day ranges: `12-14 October 2027`, `26–28 June`,
  `12 Oct - 14 Oct 2027`, `30 June - 2 July`, `28 Dec 2027 - 2 Jan 2028` (any dash, or
  "to"). A year typed once applies to both ends; without one, the next range to come
  (its first day decides, as for "30 March"), an end month before the start's the next
  year's.
- Time ranges: `14:00-16:00`, `2-4pm`, `2pm-4pm`, `9:30-11`, `9.30-11.00`, `14h-16h`,
  `from 14:00 to 16:00`, with "at" or without. A side without am/pm takes the other's
  (`2-4pm` is 14:00-16:00) unless the start would then come after the end: `11-1pm` is
  11:00-13:00. Bare hours ("9-11", "at 9") are hours only after "at" or "from". A range
  ends after it starts, the same day: `22:00-01:00` is refused.
- `until <time>` ends a time range: `25 Feb 14:00 until 16:00` is 14:00-16:00.
  `until <date> at <time>` (or `27 May 14:00 - 28 May 12:00`) is one block through the
  night (each_day False, ends_at its end). `until <date>` alone is the last day: after a
  start time (`27 May 14:00 until 28 May`) it stays whole days from 14:00, never a
  26-hour block (end_time None, each_day False); a single time on a day range likewise.
- A time range over several days is a session each day: `12-14 October 2027 at
  14:00-16:00`, or `12 October 14:00-16:00 until 14 October`, is three sessions
  (each_day True, ends_at the last one's end).
- At most 31 days ("is that one meeting?"). Times typed with a zone ("14:00 UTC", "3pm
  EAT") are kept as the group's wall times. A move keeps what it does not say: its days,
  hours and duration (14:00-16:00 moved `to 3 March at 15:00` is 15:00-17:00); a range
  it gives, of days or hours, replaces the old one. retime changes only the hours.
"""

from __future__ import annotations

import calendar
import re
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo

from bot import i18n
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.parsing.catalogue import usage
from bot.parsing.dates import parse_moment, shown_day
from bot.parsing.meeting_hours import Times, split_times
from bot.parsing.text import echo, require_ref
from storage.meetings import MeetingTimes

ADD_USAGE = usage("/meetings add")
MOVE_USAGE = usage("/meetings move")
EDIT_USAGE = usage("/meetings edit")
MAX_DAYS = 31

_DASHES = re.compile(r"[\u2010-\u2015\u2212\ufe58\ufe63\uff0d]")  # hyphens, en and em dashes, minus: all "-"
_MONTHS = {name.lower(): n for n in range(1, 13) for name in (calendar.month_name[n], calendar.month_abbr[n])}
_MONTHS["sept"] = 9

_TYPED_CLOCK = re.compile(r"\d\s*(?::|am\b|pm\b|h\b)|\b(?:noon|midday)\b", re.I)  # a time inside a date
_AT = re.compile(r"\s+at\s+", re.I)
_UNTIL = re.compile(r"\s+until\s+", re.I)
_LEAD = re.compile(r"^(?:from|to)(?:\s+|$)", re.I)  # "from 12 to 14 October", "move M-3 to 3 March"
_ORDINAL = r"(?:st|nd|rd|th)?"
_WEEKDAY = r"(?:(?:mon|tue|tues|wed|thu|thur|thurs|fri|sat|sun)\.?|[a-z]+day),?\s+"  # "Mon 12 October": left out
_YEAR = r"(?:,?\s+(?P<year>\d{4}))?"
_LAST = rf"(?:\s*(?:-|to)\s*(?P<last>\d{{1,2}}){_ORDINAL})?"  # "12-14 October": one month for both days
_DAY_MONTH = re.compile(
    rf"(?:{_WEEKDAY})?(?P<day>\d{{1,2}}){_ORDINAL}{_LAST}\s+(?:of\s+)?(?P<month>[a-z]+)\.?{_YEAR}", re.I
)
_BARE_DAY = re.compile(rf"(?:{_WEEKDAY})?(?P<day>\d{{1,2}}){_ORDINAL}", re.I)  # "Mon 12 - Wed 14 October"
_MONTH_DAY = re.compile(rf"(?:{_WEEKDAY})?(?P<month>[a-z]+)\.?\s+(?P<day>\d{{1,2}}){_ORDINAL}{_LAST}{_YEAR}", re.I)
_SEPARATOR = re.compile(r"\s*-\s*|\s+to\s+", re.I)
Side = tuple[int, int, int | None] | str  # a range's end: (day, month, year or None), or text for dates.py


@dataclass(frozen=True)
class Typed:
    """When, as typed, in the group's zone: the parts a MeetingTimes is built from."""

    first: date
    last: date | None = None  # a day range's last day, or until's
    start: time | None = None
    end: time | None = None  # each day's end: a time range, or until <time>
    until: time | None = None  # the end on the last day: one block through the night
    length: timedelta | None = None  # (a move's) how long after its start it ends
    all_day: bool = False  # "all day" was typed


@contextmanager
def _usage(shown: str):
    """Every refusal inside answered with `shown`, the form it should have had."""
    try:
        yield
    except UserError as refusal:
        raise UserError(refusal.problem, shown, refusal.hint) from None


def _side(text: str) -> Side:
    match = _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    month = match and not match["last"] and _MONTHS.get(match["month"].lower())
    if not month:
        return text
    return _checked(int(match["day"]), month, match["year"] and int(match["year"]))


def _checked(day: int, month: int, year: int | None) -> Side:
    most = calendar.monthrange(year or 2028, month)[1]  # without a year, a leap year's
    if not 1 <= day <= most:
        raise _no_such_day(day, month, year)
    return day, month, year


def _range(text: str) -> tuple[Side, Side] | None:
    """The two ends of a day range, or None if `text` is not one."""
    text = _LEAD.sub("", text)
    shared = _DAY_MONTH.fullmatch(text) or _MONTH_DAY.fullmatch(text)
    month = shared and shared["last"] and _MONTHS.get(shared["month"].lower())
    if month:
        year = shared["year"] and int(shared["year"])
        return _checked(int(shared["day"]), month, year), _checked(int(shared["last"]), month, year or 0)
    for separator in _SEPARATOR.finditer(text):
        left, right = text[: separator.start()].strip(), text[separator.end() :].strip()
        if not left or not right:
            continue
        sides = _side(left), _side(right)
        if (bare := _BARE_DAY.fullmatch(left)) and isinstance(sides[1], tuple):  # the month and year are the end's
            sides = _checked(int(bare["day"]), sides[1][1], sides[1][2] or 0), sides[1]
        if all(isinstance(side, tuple) for side in sides) or separator.group() != "-":
            return sides
    return None


def _no_such_day(day: int, month: int, year: int | None) -> UserError:
    name = i18n.day(date(2028, month, 1), "MMMM")  # the month's name as a date writes it
    if year:
        return UserError(_("There is no {day} {month} {year}.", day=day, month=name, year=year))
    return UserError(_("There is no {day} {month}.", day=day, month=name))


def _read_side(side: Side, after: date, zone: ZoneInfo, now: datetime) -> date:
    """The day `side` names: its year if typed, else the first such day from `after` on."""
    if isinstance(side, str):
        start = datetime.combine(after, time(0), zone) - timedelta(seconds=1)
        return parse_moment(side, zone, max(now, start)).astimezone(zone).date()
    day, month, year = side
    for candidate in [year] if year else range(after.year, after.year + 9):
        if calendar.monthrange(candidate, month)[1] >= day and (year or date(candidate, month, day) >= after):
            return date(candidate, month, day)
    raise _no_such_day(day, month, year)


def _days(left: Side, right: Side, zone: ZoneInfo, now: datetime) -> tuple[date, date]:
    """The first and last day of a range: a year typed once applies to both ends."""
    today = now.astimezone(zone).date()
    right_year = right[2] if isinstance(right, tuple) else re.search(r"\d{4}", right)
    if isinstance(left, tuple) and not left[2] and right_year:
        last = _read_side(right, today, zone, now)
        first = _read_side((*left[:2], last.year), today, zone, now)
        if first > last and left[1] > last.month:  # "28 Dec - 2 Jan 2028"
            first = _read_side((*left[:2], last.year - 1), today, zone, now)
        return first, last
    first = _read_side(left, today, zone, now)
    if not isinstance(right, tuple):
        return first, _read_side(right, first, zone, now)
    day, month, year = right
    if not year:  # 0: the first's month, so its year; None: the next such day, within a year
        year = first.year + (1 if year is None and month < first.month else 0)
    return first, _read_side((day, month, year), first, zone, now)


def _local(day: date, at: time, typed_zone: str | None, zone: ZoneInfo, now: datetime) -> datetime:
    """`at` on `day` in the typed zone (the group's without one), as the group's wall time."""
    if not typed_zone:
        return datetime.combine(day, at, zone)
    return parse_moment(f"{day.day} {day:%B %Y} {at:%H:%M} {typed_zone}", zone, now).astimezone(zone)


def read_typed(text: str, zone: ZoneInfo, now: datetime) -> Typed:
    """What `text` says of when, in the group's zone (refusals without a usage)."""
    text = " ".join(_DASHES.sub("-", text).split())
    main, until = ([*_UNTIL.split(text, maxsplit=1), None])[:2]
    when, times = split_times(main)
    if not when:
        raise UserError(_("Say which day, e.g. 26 February at 14:00-16:00."))
    sides = _range(when)
    until_day, until_times = split_times(until) if until is not None else ("", None)
    block = bool(until_day)  # an until time is on the last day, not each day's end
    if sides and until_day:
        raise UserError(_("Say the last day once: 12-14 October, or 12 October until 14 October."))
    if sides and isinstance(sides[0], str) and (early := split_times(sides[0]))[1]:
        # "27 May 14:00 - 28 May 12:00": one block, as until says it
        if until is not None or (times and (times.end or times.all_day)):
            raise UserError(_("Say the end once, e.g. 27 May at 14:00 until 28 May at 12:00."))
        sides, times, until_times, block = (_side(early[0]), sides[1]), early[1], times, True
    if until_times and (until_times.end or until_times.all_day or (times and times.end)):
        raise UserError(_("Say the end once, e.g. 25 February 14:00-16:00 or 14:00 until 16:00."))
    if times and times.all_day and until_times:
        raise UserError(_("An all-day meeting ends with its last day; say `until <date>` without a time."))
    if sides:
        first, last = _days(*sides, zone, now)
    elif until_day:
        first, last = _days(_side(when), _side(until_day), zone, now)
    elif times or not (_TYPED_CLOCK.search(when) or _AT.search(when)):
        first, last = parse_moment(when, zone, now).astimezone(zone).date(), None
    else:  # "9am next Friday", "tomorrow at half past two": as dates.py reads them
        moment = parse_moment(_AT.sub(" ", when), zone, now).astimezone(zone)
        first, last, times = moment.date(), None, Times(moment.time().replace(microsecond=0), None, None)
    return _in_zone(first, last, times, until_times, block, zone, now)


def _in_zone(first: date, last: date | None, times: Times | None, until: Times | None, block: bool, zone, now) -> Typed:
    """The typed days and times made the group's wall times."""
    if times is None or times.start is None:
        if until:
            raise UserError(_("An end time needs a start time too, e.g. 14:00 until 16:00."))
        return Typed(first, last, all_day=bool(times and times.all_day))
    begins = _local(first, times.start, times.zone, zone, now)
    typed = Typed(begins.date(), last and last + (begins.date() - first), begins.time())
    if times.end or (until and not block):  # each day's end
        ends = _local(first, times.end or until.start, times.zone if times.end else until.zone or times.zone, zone, now)
        if ends.date() != begins.date():
            raise UserError(
                _("In {zone} that runs past midnight; say it with until, e.g. until 28 May at 01:00.", zone=zone.key)
            )
        return replace(typed, end=ends.time())
    if until:  # the end on the last day
        ends = _local(last or first, until.start, until.zone or times.zone, zone, now)
        return replace(typed, last=ends.date(), until=ends.time())
    return typed


def build(typed: Typed, zone: ZoneInfo) -> MeetingTimes:
    """The MeetingTimes `typed` makes, or a refusal saying what does not hold together."""
    first, last, start = typed.first, typed.last, typed.start
    if last and last < first:
        raise UserError(_("It ends ({end}) before it starts ({start}).", end=shown_day(last), start=shown_day(first)))
    days = (last - first).days + 1 if last else 1
    if days > MAX_DAYS:
        first_day, last_day = shown_day(first), shown_day(last)
        many = ngettext(
            "{first} to {last} is {days} day; is that one meeting? ({most} at most)",
            "{first} to {last} is {days} days; is that one meeting? ({most} at most)",
            days,
            first=first_day,
            last=last_day,
            days=days,
            most=MAX_DAYS,
        )
        raise UserError(many)
    last = last if days > 1 else None
    if start is None:
        midnight = datetime.combine(first, time(0), zone).astimezone(timezone.utc)
        return MeetingTimes(start_date=first, end_date=last, zone=zone.key, starts_at=midnight)
    starts = datetime.combine(first, start, zone)
    end_date, end, each_day, ends = last, None, False, None
    if typed.end:
        if typed.end <= start:
            raise UserError(_backwards(start, typed.end))
        end, each_day = typed.end, last is not None
        ends = datetime.combine(last or first, end, zone)
    elif typed.until or typed.length:
        ends = datetime.combine(last or first, typed.until, zone) if typed.until else starts + typed.length
        if ends <= starts:
            raise UserError(_backwards(start, ends.time(), ends.date() != first))
        end, end_date = ends.time(), ends.date() if ends.date() != first else None  # a length: from the meeting
    at = {
        "zone": zone.key,
        "starts_at": starts.astimezone(timezone.utc),
        "ends_at": ends and ends.astimezone(timezone.utc),
    }
    return MeetingTimes(start_date=first, start_time=start, end_date=end_date, end_time=end, each_day=each_day, **at)


def _backwards(start: time, end: time, later_day: bool = False) -> str:
    starts, ends = start.strftime("%H:%M"), end.strftime("%H:%M")
    if end == start and not later_day:
        return _("It ends when it starts ({start}); give its end, e.g. 14:00-16:00.", start=starts)
    return _("It ends ({end}) before it starts ({start}).", end=ends, start=starts)


def _not_past(times: MeetingTimes, zone: ZoneInfo, now: datetime) -> MeetingTimes:
    if times.start_date < now.astimezone(zone).date() if times.all_day else times.starts_at < now:
        shown = shown_day(times.start_date) + ("" if times.all_day else f" {times.start_time:%H:%M}")
        raise UserError(_("{when} is in the past; a meeting must be in the future.", when=shown))
    return times


def read_when(text: str, zone: ZoneInfo, now: datetime) -> MeetingTimes:
    """When a meeting `/meetings add` schedules is, from what follows "on" (its place split
    off): "12-14 October 2027", "25 Feb 14:00-16:00"; in the future. `now` is aware."""
    with _usage(ADD_USAGE):
        return _not_past(build(read_typed(text, zone, now), zone), zone, now)


def read_move(text: str, zone: ZoneInfo, now: datetime, current: MeetingTimes) -> tuple[int, MeetingTimes]:
    """`M-3 to 3 March [at 15:00[-17:00]]` -> (3, its new times); what is not said is kept."""
    with _usage(MOVE_USAGE):
        head, _space, rest = text.strip().partition(" ")
        meeting_id = require_ref(head, "M", "a meeting", MOVE_USAGE)
        rest = _LEAD.sub("", rest.strip())
        if not rest:
            raise UserError(_("Say when to, e.g. `to 3 March at 15:00`."))
        typed = read_typed(rest, zone, now)
        return meeting_id, _not_past(build(kept(typed, current, zone), zone), zone, now)


def retime(current: MeetingTimes, text: str, zone: ZoneInfo) -> MeetingTimes:
    """New hours, `14:00-16:00`, `2-4pm`, `15:00` or `all day`, on the same days (not checked
    against now: the caller knows)."""
    with _usage(EDIT_USAGE):
        text = " ".join(_DASHES.sub("-", text).split())
        rest, times = split_times(text, bare=True)
        if rest or times is None:
            raise UserError(
                _(
                    "I couldn't read “{typed}” as a time. Try e.g. 14:00-16:00, 2-4pm, 15:00 or all day.",
                    typed=echo(text),
                )
            )
        typed = _in_zone(current.start_date, None, times, None, False, zone, current.starts_at)
        return build(kept(typed, current, zone), zone)


def kept(typed: Typed, current: MeetingTimes, zone: ZoneInfo) -> Typed:
    """`typed` with what it leaves unsaid taken from `current`: days, hours, duration."""
    shift = typed.first - current.start_date
    last = typed.last or (current.end_date and current.end_date + shift)
    if typed.all_day or (typed.start is None and current.all_day):
        return replace(typed, last=last)
    daily = current.each_day or current.end_date is None  # its end time is each day's
    if typed.start is None:  # only days: its hours as they were
        return replace(typed, last=last, start=current.start_time, **{"end" if daily else "until": current.end_time})
    if typed.end or typed.until or current.end_time is None:
        return replace(typed, last=last)
    ended = datetime.combine(current.start_date if daily else current.end_date, current.end_time)
    was = ended - datetime.combine(current.start_date, current.start_time)  # on the clock
    if not daily and typed.last is None:  # one block: as long as it was
        return replace(typed, last=None, length=was)
    if not daily:  # a new last day: it ends there at the time it did
        return replace(typed, last=last, until=current.end_time)
    ends = datetime.combine(typed.first, typed.start) + was
    if ends.date() != typed.first:
        raise UserError(
            _(
                "Starting at {start} it would run past midnight; give its end, e.g. 15:00-17:00.",
                start=typed.start.strftime("%H:%M"),
            )
        )
    return replace(typed, last=last, end=ends.time())
