"""Dates and times as members type them: "30 March", "next Friday", "in 3 weeks".

dateparser reads them, restricted to English: left to guess among its 200 languages it
is slow and finds dates in ordinary words. Choices the group should know:

- Numeric dates are day first (DMY): 03/04/2027 is 3 April. Most members are outside the
  US; an impossible day-first reading (3/30/2027) still falls back to 30 March.
- A date without a year is the next one to come ("30 March" typed in November is next
  year's), and a due date given as a month or a year is its last day: "by March" is
  31 March, "2027" is 31 December 2027, "next month" is the last day of next month
  ("end of March", "end of next month" say so explicitly). A count of months or years
  is kept to the day: "in 2 months" typed on 25 November is 25 January.
- Times typed without a zone are in the group's zone (IWG_TIMEZONE); "14:00 UTC",
  "3pm EAT" and "+03:00" are honoured.
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateparser import DateDataParser

from bot.errors import UserError
from bot.parsing.text import echo

MAX_INPUT = 100  # longer than any date anyone types: refused before dateparser sees it

# The settings every call shares; each call adds only its "now" and zone (dateparser
# caches its English data, so a parser costs microseconds to make). Unix timestamps and
# runs of digits (dateparser's "timestamp" and "no-spaces-time" parsers) read nonsense
# out of numbers like 1700000000, so only the relative and absolute parsers run.
# PREFER_DAY_OF_MONTH / PREFER_MONTH_OF_YEAR stay at their defaults: they also move
# "in 2 months" and "14:00" off their day; month-only dates are handled below instead.
_SETTINGS = {
    "PREFER_DATES_FROM": "future",
    "DATE_ORDER": "DMY",
    "PREFER_LOCALE_DATE_ORDER": False,  # English's own order is MDY
    "PARSERS": ["relative-time", "absolute-time"],
}
_DUE = {**_SETTINGS, "RETURN_AS_TIMEZONE_AWARE": False}
_MOMENT = {**_SETTINGS, "RETURN_AS_TIMEZONE_AWARE": True}

_BY = re.compile(r"^by\s+", re.I)
_CLOCK = re.compile(r"\d\s*(?::|am\b|pm\b|h\b)", re.I)  # a time of day typed: 14:00, 2pm, 9 am, 14h
_END_OF = re.compile(r"^(?:the\s+)?end\s+of\s+(?:the\s+)?", re.I)
_READABLE = re.compile(r"\d|[A-Za-z]{3}")  # dateparser reads a lone "a" as a date
# "in 3 months", "a year from now": a count of months or years, kept to the day, unlike
# "March" or "next month", which name a whole month.
_COUNTED = re.compile(
    r"\b(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve)"
    r"\s+(?:months?|years?)\b",
    re.I,
)


_NUMERIC = re.compile(r"(?<![\d/.-])(\d{1,2})[/.-](\d{1,2})(?:[/.-](\d{4}|\d{2}))?(?![\d/.-])")
_FAR = timedelta(days=2 * 366)  # further than anyone means without typing the year


def _numeric_dates(text: str, today: date) -> str:
    """Numeric dates made explicit (ISO) before dateparser sees them, which reads a
    year-less "12/25" as a day in 2125: day first, month first only when it must be, and
    without a year the next such day."""

    def iso(match: re.Match) -> str:
        first, second, year = int(match.group(1)), int(match.group(2)), match.group(3)
        day, month = (first, second) if second <= 12 else (second, first)
        years = [int(year) + (2000 if len(year) == 2 else 0)] if year else [today.year, today.year + 1]
        for candidate in years:
            try:
                found = date(candidate, month, day)
            except ValueError:
                raise UserError(
                    f"There is no day “{echo(match.group(0))}”: dates are day first, e.g. 30/03/2027."
                ) from None
            if year or found >= today:
                return found.isoformat()
        return found.isoformat()

    return _NUMERIC.sub(iso, text)


class NotADate(UserError):
    """The text does not read as a date at all (as opposed to a date that cannot be used)."""


def _local(now: datetime, tz: ZoneInfo) -> datetime:
    """`now` as naive wall time in `tz`, as dateparser's RELATIVE_BASE wants it."""
    return (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).astimezone(tz).replace(tzinfo=None)


def _shown(text: str) -> str:
    return echo("".join(c for c in text[:MAX_INPUT] if c.isprintable() or c == " "), 40)


def _parse(text: str, tz: ZoneInfo, now: datetime, settings: dict) -> tuple[datetime, str] | None:
    """(datetime, period) or None; period is "day", "week", "month", "year" or "time"."""
    if len(text) > MAX_INPUT or not _READABLE.search(text) or not text.isprintable():  # after split()
        return None
    local = _local(now, tz)
    settings = {**settings, "RELATIVE_BASE": local, "TIMEZONE": str(tz)}
    typed = _numeric_dates(text, local.date())
    data = DateDataParser(languages=["en"], settings=settings).get_date_data(typed)
    if not data.date_obj:
        return None
    if not re.search(r"\d{4}", typed) and data.date_obj.replace(tzinfo=None) - local > _FAR:
        return None  # a year nobody typed, years away: dateparser misread something
    return data.date_obj, data.period


def _due(text: str, tz: ZoneInfo, now: datetime, end_of: bool) -> date | None:
    """The day `text` names; a whole month or year (or "end of" one) gives its last day."""
    parsed = _parse(text, tz, now, _DUE)
    if not parsed:
        return None
    day, period = parsed[0].date(), parsed[1]
    whole = period in ("month", "year") and not _COUNTED.search(text)
    if end_of and not whole:
        return None  # "end of next week": no single day is meant
    if period == "year" and whole:
        return date(day.year, 12, 31)
    if whole:
        return day.replace(day=calendar.monthrange(day.year, day.month)[1])
    return day


def parse_due_date(text: str, tz: ZoneInfo, now: datetime) -> date:
    """The day a due date names, in `tz`, today or later; `now` is aware (naive means UTC).

    Accepts a leading "by" ("by March") and "end of <month or year>".
    """
    text = _BY.sub("", " ".join(text.split()))
    rest = _END_OF.sub("", text)
    if rest.lower() in ("month", "year"):
        rest = "this " + rest
    day = _due(rest, tz, now, end_of=rest != text)
    if day is None:
        raise NotADate(f"I couldn't read “{_shown(text)}” as a date. Try e.g. 30 March 2027 or in 6 weeks.")
    today = _local(now, tz).date()
    if (day.year, day.month) == (today.year + 1, today.month):
        # dateparser's "future" skips today: "25 November" or "November" typed on 25
        # November comes back a year on. Read it again from a month back; if it then falls
        # in what is left of this month, that was meant.
        again = _due(rest, tz, now - timedelta(days=31), end_of=rest != text)
        if again and again >= today and (again.year, again.month) == (today.year, today.month):
            day = again
    if day < today:
        raise UserError(f"{day.day} {day:%B %Y} is in the past; a due date must be today or later.")
    return day


def parse_moment(text: str, tz: ZoneInfo, now: datetime) -> datetime:
    """The instant `text` names, aware and in UTC, for meetings and polls.

    A time without a zone is in `tz`; a date without a time is its midnight in `tz`; a
    bare month or year is refused (which day?). Not checked against `now`: the caller
    knows whether a past instant is an error.
    """
    text = " ".join(text.split())
    parsed = _parse(text, tz, now, _MOMENT)
    if not parsed:
        raise NotADate(
            f"I couldn't read “{_shown(text)}” as a date and time. Try e.g. 30 March 2027 14:00 or tomorrow 9am."
        )
    local_now = _local(now, tz)
    if (
        _CLOCK.search(text)
        and parsed[0].astimezone(tz).strftime("%H:%M") == local_now.strftime("%H:%M")
        and local_now.strftime("%H:%M") not in text
    ):
        # a time was typed but dateparser kept the clock's: "at 25:00", "99pm"
        raise NotADate(f"I couldn't read the time in “{_shown(text)}”. Try e.g. 14:00 or 2pm.")
    if parsed[1] in ("month", "year") and not _COUNTED.search(text):
        raise UserError(f"“{_shown(text)}” names a month or a year; which day? Try e.g. 30 March 2027 14:00.")
    return parsed[0].astimezone(timezone.utc)
