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
- Quarters are calendar quarters, and a quarter as a due date is its last day: "Q1 2027"
  and "first quarter of 2027" are 31 March 2027, "Q3" alone the next Q3 still to end,
  "this quarter" and "end of the quarter" the current one's last day, "next quarter" the
  next one's. Half-years likewise: "H1 2027" is 30 June 2027, "H2" 31 December.
- Parts of a month are fixed days: "early March" is the 10th (the end of its first third),
  "mid-March" the 15th, "late March" the last day (a period's last day, as for "by
  March"). Without a year, like "30 March", the next one to come.
- Times typed without a zone are in the group's zone (IWG_TIMEZONE); "14:00 UTC",
  "3pm EAT" and "+03:00" are honoured.

dateparser knows neither quarters, halves nor parts of a month (it reads "Q1 2027" as 25
February), so those are read here first. date_intended() tells text meant as a date from
ordinary words, for commands where a date is optional ("training by phone").
"""

from __future__ import annotations

import calendar
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from dateparser import DateDataParser

from bot import i18n
from bot.errors import UserError
from bot.i18n import _, current
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


_MONTH_NAMES = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip
# What names a month in a quarter or part of a month: its name, its first three letters, "sept".
_MONTHS = {name: n for n, name in enumerate(_MONTH_NAMES, 1)} | {name[:3]: n for n, name in enumerate(_MONTH_NAMES, 1)}
_MONTHS["sept"] = 9
# The patterns are ASCII (re.A): under Unicode case folding "mıd" and "ſept" would match
# too, and then miss the tables.
_YEAR = r"(?:,?\s+|\s+of\s+)(?P<year>[1-9]\d{3})"  # " 2027", ", 2027", " of 2027"
_PERIOD_YEAR = r"(?:,?\s+|\s+of\s+|\s*[-/]\s*)(?P<year>[1-9]\d{3})"  # also "Q1-2027", "Q1/2027"
_QUARTER = re.compile(
    r"^(?:(?P<year_first>[1-9]\d{3})[\s-]+)?(?:the\s+)?(?:q(?P<number>[1-4])|(?P<nth>\w+)\s+quarter)"
    rf"(?:{_PERIOD_YEAR})?$",
    re.I | re.A,
)  # "Q1 2027", "first quarter of 2027", and "2027 Q1" or "2027-Q1" as reports write it
# Half-years: "H1 2027", "1H 2027", "the first half of 2027" end on 30 June; H2 on 31 December.
_HALF = re.compile(
    r"^(?:(?P<year_first>[1-9]\d{3})[\s-]+)?(?:the\s+)?(?:h(?P<number>[12])|(?P<digit>[12])h|(?P<nth>first|second)\s+half)"
    rf"(?:{_PERIOD_YEAR})?$",
    re.I | re.A,
)
_NTH = {"1st": 1, "first": 1, "2nd": 2, "second": 2, "3rd": 3, "third": 3, "4th": 4, "fourth": 4}
_RELATIVE_QUARTER = re.compile(r"^(?P<which>this|next)\s+quarter$", re.I | re.A)
_PART_OF_MONTH = re.compile(rf"^(?P<part>early|mid|late)(?:\s*-\s*|\s+)(?P<month>\w+)(?:{_YEAR})?$", re.I | re.A)
_PART_DAY = {"early": 10, "mid": 15, "late": None}  # None: the month's last day


def shown_day(day: date) -> str:
    """A day as a member reads it in a reply, `30 March 2027` (month names in their language)."""
    return i18n.day(day, "d MMMM y")


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _next_day(today: date, month: int, day: int | None, year: str | None) -> date:
    """`day` of `month` (None: its last day) in `year`; without a year the first such day
    from today on, as "30 March" reads: this month's while the day is not past."""

    def in_year(number: int) -> date:
        return date(number, month, day) if day else _last_day(number, month)

    if year:
        return in_year(int(year))
    return in_year(today.year) if in_year(today.year) >= today else in_year(today.year + 1)


def _quarter_end(text: str, today: date) -> date | None:
    """The last day of the quarter `text` names ("Q3", "first quarter of 2027", "next
    quarter"), or None when it names none ("Q5", "fifth quarter"): dateparser has its turn."""
    relative = _RELATIVE_QUARTER.match(text)
    if relative:
        year, month = today.year, (today.month + 2) // 3 * 3  # the month this quarter ends in
        if relative["which"].lower() == "next":
            year, month = (year + 1, 3) if month == 12 else (year, month + 3)
        return _last_day(year, month)
    named = _QUARTER.match(text)
    number = named and (named["number"] or _NTH.get(named["nth"].lower()))
    if number and not (named["year"] and named["year_first"]):
        return _next_day(today, 3 * int(number), None, named["year"] or named["year_first"])
    half = _HALF.match(text)
    number = half and (half["number"] or half["digit"] or _NTH.get((half["nth"] or "").lower()))
    if number and not (half["year"] and half["year_first"]):
        return _next_day(today, 6 * int(number), None, half["year"] or half["year_first"])
    return None


def _part_of_month(text: str, today: date) -> date | None:
    """The day "early March" (10th), "mid-March" (15th) or "late March" (last day) names,
    or None when the month is not one ("mid-Febtember"): dateparser has its turn."""
    match = _PART_OF_MONTH.match(text)
    month = match and _MONTHS.get(match["month"].lower())
    if not month:
        return None
    return _next_day(today, month, _PART_DAY[match["part"].lower()], match["year"])


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
                    _("There is no day “{typed}”: dates are day first, e.g. 30/03/2027.", typed=echo(match.group(0)))
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


def _languages(language: str) -> list[str]:
    """The member's language, then English: "le 3 mars", "30 de marzo", "في 3 مارس" and
    "30 March" all read; never all of dateparser's languages (slow, and it finds dates in
    ordinary words)."""
    return ["en"] if language == "en" else [language, "en"]


def _parse(text: str, tz: ZoneInfo, now: datetime, settings: dict) -> tuple[datetime, str] | None:
    """(datetime, period) or None; period is "day", "week", "month", "year" or "time"."""
    if len(text) > MAX_INPUT or not _READABLE.search(text) or not text.isprintable():  # after split()
        return None
    local = _local(now, tz)
    settings = {**settings, "RELATIVE_BASE": local, "TIMEZONE": str(tz)}
    typed = _numeric_dates(text, local.date())
    data = DateDataParser(languages=_languages(current()), settings=settings).get_date_data(typed)
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

    Accepts a leading "by" ("by March") and "end of <month, quarter or year>".
    """
    text = _BY.sub("", " ".join(text.split()))
    rest = _END_OF.sub("", text)
    end_of = rest != text
    # "end of month" is this month's end, "end of quarter" this quarter's; but "by quarter"
    # alone is how figures are split, not a date
    if rest.lower() in ("month", "year") or (end_of and rest.lower() == "quarter"):
        rest = "this " + rest
    today = _local(now, tz).date()
    day = _quarter_end(rest, today) or _part_of_month(rest, today) or _read_due(rest, tz, now, end_of)
    if day is None:
        raise NotADate(
            _("I couldn't read “{typed}” as a date. Try e.g. 30 March 2027 or in 6 weeks.", typed=_shown(text))
        )
    if day < today:
        raise UserError(_("{day} is in the past; a due date must be today or later.", day=shown_day(day)))
    return day


def _read_due(text: str, tz: ZoneInfo, now: datetime, end_of: bool) -> date | None:
    """The day dateparser reads in `text`, with today put back in the running."""
    day = _due(text, tz, now, end_of)
    today = _local(now, tz).date()
    if day and (day.year, day.month) == (today.year + 1, today.month):
        # dateparser's "future" skips today: "25 November" or "November" typed on 25
        # November comes back a year on. Read it again from a month back; if it then falls
        # in what is left of this month, that was meant.
        again = _due(text, tz, now - timedelta(days=31), end_of)
        if again and again >= today and (again.year, again.month) == (today.year, today.month):
            day = again
    return day


_DATE_WORDS = {
    "today", "tomorrow", "tonight", "now",
    "day", "days", "week", "weeks", "month", "months", "year", "years", "quarter", "quarters",
    "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
    "spring", "summer", "autumn", "fall", "winter", "season", "rainy", "dry", "harvest", "term", "semester",
    "q1", "q2", "q3", "q4", "h1", "h2", "first", "second", "third", "fourth", "half",
    "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve",
}  # fmt: skip
# Words a date is built with that say nothing of one alone ("the end of", "in a").
_DATE_GLUE = {"the", "end", "of", "mid", "early", "late", "next", "this", "in", "a", "an", "from", "by"}
_MONTH_ENDINGS = {name[-3:] for name in _MONTH_NAMES}  # ary, rch, ril, may, une, uly, ust, ber


def date_intended(text: str) -> bool:
    """Whether `text`, the words after a "by", looks meant as a date, read or not.

    So that "by 31 Febtember" or "by mid-Febtember" get an answer instead of staying in
    the description unseen, while "by phone", "by early childhood educators" or "by 3
    partner NGOs" stay part of the need: every word must be one dates are made of (a
    number, a month or a slip of one, a weekday, a season, week, quarter, "end of", "mid"…)
    and at least one must say when.
    """
    words = re.findall(r"[^\W_]+", text.lower())
    return (
        bool(words)
        and all(_date_word(word) or word in _DATE_GLUE for word in words)
        and any(_date_word(word) for word in words)
    )


def _date_word(word: str) -> bool:
    return any(c.isdigit() for c in word) or word in _DATE_WORDS or word in _MONTHS or _misspelt_month(word)


def _misspelt_month(word: str) -> bool:
    """A word that begins like a month and ends like one, "Febtember", "Feburary": what a
    slip of the keys makes. "marine" and "Mary" begin like March but end as other words."""
    return len(word) >= 6 and word[:3] in _MONTHS and word[-3:] in _MONTH_ENDINGS


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
            _(
                "I couldn't read “{typed}” as a date and time. Try e.g. 30 March 2027 14:00 or tomorrow 9am.",
                typed=_shown(text),
            )
        )
    local_now = _local(now, tz)
    if (
        _CLOCK.search(text)
        and parsed[0].astimezone(tz).strftime("%H:%M") == local_now.strftime("%H:%M")
        and local_now.strftime("%H:%M") not in text
    ):
        # a time was typed but dateparser kept the clock's: "at 25:00", "99pm"
        raise NotADate(_("I couldn't read the time in “{typed}”. Try e.g. 14:00 or 2pm.", typed=_shown(text)))
    if parsed[1] in ("month", "year") and not _COUNTED.search(text):
        raise UserError(
            _("“{typed}” names a month or a year; which day? Try e.g. 30 March 2027 14:00.", typed=_shown(text))
        )
    return parsed[0].astimezone(timezone.utc)
