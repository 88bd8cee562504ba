"""`/meetings add <title> on <date> …` and `/agenda add <item> [(<n> min)]`, read.

What a date means here is the schedule's rule: the group's zone, the future preferred,
all-day unless a time is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.parsing.catalogue import usage
from bot.parsing.dates import parse_moment
from bot.parsing.text import clean_text, echo

ADD_USAGE = usage("/meetings add")
_WHEN = re.compile(
    r"^(?P<date>.+?)(?:\s+at\s+(?P<time>.+?))?(?:\s+until\s+(?P<until>.+?))?(?:\s+in\s+(?P<place>.+))?$",
    re.IGNORECASE | re.DOTALL,
)
_ON = re.compile(r"\s+on\s+", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*(?:am|pm)\b|\b(?:noon|midday)\b", re.IGNORECASE)
# `(15 min)` at the end; what stands before "min" is checked, so `(abc min)` or `(9999 min)`
# are answered rather than kept as part of the item's text
_MINUTES = re.compile(r"\s*\(\s*([^()]{0,12}?)\s*(?:min|mins|minutes|m)\s*\)\s*$", re.IGNORECASE)
AGENDA_USAGE = usage("/agenda add")
MAX_MINUTES = 600


@dataclass(frozen=True)
class NewMeeting:
    title: str
    start_date: date
    start_time: time | None
    end_date: date | None
    starts_at: datetime
    place: str | None


def read_meeting(text: str, zone: ZoneInfo, now: datetime) -> NewMeeting:
    """`<title> on <date> [at <time>] [until <date>] [in <place>]`, tried at each "on" in
    turn, so a title may say "on" too ("Workshop on parenting on 3 March")."""
    splits = list(_ON.finditer(text))
    if not splits:
        raise UserError("Say when, after “on”.", ADD_USAGE)
    problem = None
    for split in reversed(splits):  # the last "on" first: titles say "on" more often than dates do
        title, when = text[: split.start()], _WHEN.match(text[split.end() :].strip())
        if not title.strip() or not when:
            continue
        try:
            return _meeting(title, when, zone, now)
        except UserError as refusal:
            problem = problem or refusal
    raise UserError((problem.problem if problem else "Say when, after “on”."), ADD_USAGE)


def _meeting(title: str, when: re.Match, zone: ZoneInfo, now: datetime) -> NewMeeting:
    typed_time = when.group("time")
    moment = parse_moment(f"{when.group('date')} {typed_time or ''}".strip(), zone, now).astimezone(zone)
    # timed only if a time was typed: "tomorrow" keeps dateparser's clock time, which nobody meant
    timed = typed_time is not None or bool(_CLOCK.search(when.group("date")))
    if (moment if timed else moment.date()) < (now if timed else now.astimezone(zone).date()):
        raise UserError(f"{moment:%d %B %Y} is in the past; a meeting must be in the future.", ADD_USAGE)
    end = None
    if when.group("until"):
        end = parse_moment(when.group("until"), zone, moment).astimezone(zone).date()  # counted from the start
        if end < moment.date():
            raise UserError(f"It ends ({end:%d %B %Y}) before it starts ({moment:%d %B %Y}).", ADD_USAGE)
    place = when.group("place")
    return NewMeeting(
        title=clean_text(title, what="title", limit=150, usage=ADD_USAGE),
        start_date=moment.date(),
        start_time=moment.time().replace(second=0, microsecond=0) if timed else None,
        end_date=end if end and end != moment.date() else None,
        starts_at=moment if timed else datetime.combine(moment.date(), time(0), zone),
        place=clean_text(place, what="place", limit=200, usage=ADD_USAGE) if place else None,
    )


def read_agenda_item(text: str) -> tuple[str, int | None]:
    """`Update on the handbook (15 min)` -> ("Update on the handbook", 15)."""
    minutes = None
    match = _MINUTES.search(text)
    if match:
        typed, text = match.group(1), text[: match.start()]
        if not typed.isascii() or not typed.isdigit():
            raise UserError(f"“{echo(typed)}” is not a number of minutes.", AGENDA_USAGE)
        minutes = check_minutes(int(typed))
    return clean_item(text), minutes


def clean_item(text: str) -> str:
    return clean_text(text, what="item", limit=300, usage=AGENDA_USAGE)


def check_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_MINUTES:
        raise UserError(f"{minutes} minutes is not a time an item can take (1 to {MAX_MINUTES}).", AGENDA_USAGE)
    return minutes
