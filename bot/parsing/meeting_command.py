"""`/meetings add <title> on <when> [in <place>]` and `/agenda add <item> [(<n> min)]`, read.

What <when> means, days and hours and their ranges, is read in meeting_when.py: the
group's zone, the future preferred, all-day unless a time is given.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import N_, _, ngettext
from bot.parsing.catalogue import usage
from bot.parsing.meeting_when import read_when
from bot.parsing.text import clean_text, echo
from storage.meetings import MeetingTimes

ADD_USAGE = usage("/meetings add")
_WHERE = re.compile(r"^(?P<when>.+?)(?:\s+in\s+(?P<place>.+))?$", re.IGNORECASE | re.DOTALL)
_ON = re.compile(r"\s+on\s+", re.IGNORECASE)
# `(15 min)` at the end; what stands before "min" is checked, so `(abc min)` or `(9999 min)`
# are answered rather than kept as part of the item's text
_MINUTES = re.compile(r"\s*\(\s*([^()]{0,12}?)\s*(?:min|mins|minutes|m)\s*\)\s*$", re.IGNORECASE)
AGENDA_USAGE = usage("/agenda add")
MAX_MINUTES = 600
SAY_WHEN = N_("Say when, after “on”.")


@dataclass(frozen=True)
class NewMeeting:
    title: str
    times: MeetingTimes
    place: str | None


def read_meeting(text: str, zone: ZoneInfo, now: datetime) -> NewMeeting:
    """`<title> on <when> [in <place>]`, tried at each "on" in turn, so a title may say
    "on" too ("Workshop on parenting on 3 March"). <when> is read_when's: "26 February at
    14:00-16:00", "12-14 October 2027", "27 May at 14:00 until 28 May at 12:00"."""
    splits = list(_ON.finditer(text))
    if not splits:
        raise UserError(_(SAY_WHEN), ADD_USAGE)
    problem = None
    for split in reversed(splits):  # the last "on" first: titles say "on" more often than dates do
        title, where = text[: split.start()], _WHERE.match(text[split.end() :].strip())
        if not title.strip() or not where:
            continue
        try:
            return _meeting(title, where.group("when"), where.group("place"), zone, now)
        except UserError as refusal:
            problem = problem or refusal
    raise UserError((problem.problem if problem else _(SAY_WHEN)), ADD_USAGE)


def _meeting(title: str, when: str, place: str | None, zone: ZoneInfo, now: datetime) -> NewMeeting:
    return NewMeeting(
        title=clean_text(title, what="title", limit=150, usage=ADD_USAGE),
        times=read_when(when, zone, now),
        place=clean_text(place, what="place", limit=200, usage=ADD_USAGE) if place else None,
    )


def read_agenda_item(text: str) -> tuple[str, int | None]:
    """`Update on the handbook (15 min)` -> ("Update on the handbook", 15)."""
    minutes = None
    match = _MINUTES.search(text)
    if match:
        typed, text = match.group(1), text[: match.start()]
        if not typed.isascii() or not typed.isdigit():
            raise UserError(_("“{typed}” is not a number of minutes.", typed=echo(typed)), AGENDA_USAGE)
        minutes = check_minutes(int(typed))
    return clean_item(text), minutes


def clean_item(text: str) -> str:
    return clean_text(text, what="item", limit=300, usage=AGENDA_USAGE)


def check_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_MINUTES:
        shown = ngettext(
            "{minutes} minute is not a time an item can take (1 to {most}).",
            "{minutes} minutes is not a time an item can take (1 to {most}).",
            minutes,
            minutes=minutes,  # as typed (9999), not as a number is written (9,999)
            most=MAX_MINUTES,
        )
        raise UserError(shown, AGENDA_USAGE)
    return minutes
