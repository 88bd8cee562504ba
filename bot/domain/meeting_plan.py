"""Next year's quarterly schedule, proposed from the pattern of the latest year on record,
and the rule that keeps one meeting from being scheduled twice.

The pattern is each meeting's weekday in its week of the month: 28 February 2024 was the
fourth Wednesday of February, so the plan for 2027 proposes the fourth Wednesday of
February 2027, the 24th. A meeting in the last days of its month that was a fifth
weekday becomes the last such weekday. Each keeps its title, its length in days, its
times of day and zone; a place is proposed as "to be confirmed", since hosts change. With
no year on record the plan proposes the Wednesday of the last week of each quarter's
second month (February, May, August, November), all day, virtual.

A proposal is recomputed when it is confirmed, and its fingerprint must match what the
coordinator was shown: if the schedule changed meanwhile, they are shown the new one.
"""

from __future__ import annotations

import calendar
import hashlib
import json
import re
from datetime import date, datetime, time, timedelta
from difflib import SequenceMatcher
from zoneinfo import ZoneInfo

from pydantic import BaseModel

from bot.i18n import N_, _
from storage.meetings import QUARTERLY, Meeting, MeetingRepository, MeetingTimes

# Translators: after a meeting's place in next year's proposed schedule: the host may change
TO_BE_CONFIRMED = N_("(to be confirmed)")
PLAN_AHEAD_YEARS = 5
_WEDNESDAY = 2


class Proposal(BaseModel):
    """One meeting of a proposed schedule; `follows` the meeting whose pattern it repeats."""

    title: str
    times: MeetingTimes
    place: str | None = None
    follows: int | None = None


def quarter_of(day: date) -> int:
    return (day.month - 1) // 3 + 1


def same_weekday(day: date, year: int) -> date:
    """The day in `year` that is the same weekday in the same week of the same month."""
    week = (day.day - 1) // 7  # 0: the first such weekday of the month … 4: a fifth
    first = date(year, day.month, 1)
    offset = (day.weekday() - first.weekday()) % 7
    days_in_month = calendar.monthrange(year, day.month)[1]
    candidate = 1 + offset + 7 * week
    while candidate > days_in_month:  # no fifth one this year: the last
        candidate -= 7
    return date(year, day.month, candidate)


def times_from(start: date, like: MeetingTimes) -> MeetingTimes:
    """`like`'s times of day, length and zone, from `start`."""
    zone = ZoneInfo(like.zone)
    last = start + timedelta(days=like.days - 1)
    starts_at = datetime.combine(start, like.start_time or time(0), zone)
    ends_at = datetime.combine(last, like.end_time, zone) if like.end_time else None
    return MeetingTimes(
        start_date=start,
        start_time=like.start_time,
        end_date=last if like.end_date else None,
        end_time=like.end_time,
        each_day=like.each_day,
        zone=like.zone,
        starts_at=starts_at.astimezone(ZoneInfo("UTC")),
        ends_at=ends_at and ends_at.astimezone(ZoneInfo("UTC")),
    )


def _unconfirmed(place: str | None) -> str | None:
    """The place, marked as to be confirmed (once, whichever language marked it before)."""
    if not place:
        return None
    mark = _(TO_BE_CONFIRMED)
    return f"{place.removesuffix(mark).removesuffix(TO_BE_CONFIRMED).strip()} {mark}"


def propose(meetings: MeetingRepository, year: int, zone: ZoneInfo, today: date) -> tuple[list[Proposal], int | None]:
    """The quarterly meetings `year` lacks, from the latest earlier year's pattern (and that
    year, None for the default pattern); quarters already scheduled, and days already past,
    are left out."""
    pattern_year = meetings.latest_year(series=QUARTERLY, before=year)
    taken = {quarter_of(m.start_date) for m in meetings.of_year(year, series=QUARTERLY)}
    if pattern_year:
        proposals = [
            Proposal(
                title=m.title,
                times=times_from(same_weekday(m.start_date, year), m),
                place=_unconfirmed(m.place),
                follows=m.id,
            )
            for m in meetings.of_year(pattern_year, series=QUARTERLY)
        ]
    else:
        proposals = [_default(year, quarter, zone) for quarter in (1, 2, 3, 4)]
    fresh = [p for p in proposals if quarter_of(p.times.start_date) not in taken and p.times.start_date > today]
    return fresh, pattern_year


def _default(year: int, quarter: int, zone: ZoneInfo) -> Proposal:
    """The Wednesday of the last week of the quarter's second month."""
    month = 3 * quarter - 1
    last = date(year, month, calendar.monthrange(year, month)[1])
    day = last - timedelta(days=(last.weekday() - _WEDNESDAY) % 7)
    starts_at = datetime.combine(day, time(0), zone).astimezone(ZoneInfo("UTC"))
    times = MeetingTimes(start_date=day, zone=zone.key, starts_at=starts_at)
    # Translators: the title proposed for a quarter's meeting: Q1 meeting … Q4 meeting
    return Proposal(title=_("Q{quarter} meeting", quarter=quarter), times=times)


def fingerprint(proposals: list[Proposal]) -> str:
    """A short digest of what was proposed, carried by the *Schedule these* button."""
    shown = json.dumps([p.model_dump(mode="json") for p in proposals], sort_keys=True)
    return hashlib.sha256(shown.encode()).hexdigest()[:16]


# --- the same meeting twice ---------------------------------------------------------------

_FILLER = {"meeting", "meetings", "the", "iwg", "call", "session", "a", "of", "group", "working"}


def _words(title: str) -> list[str]:
    return [w for w in re.findall(r"[^\W_]+", title.casefold()) if w not in _FILLER]


def similar_titles(one: str, other: str) -> bool:
    """ "Q4 meeting" and "Q4 Meeting (in person)", "Q1 meeting" and "Q1 meting": the same
    meeting typed twice. "Q1 meeting" and "Q2 meeting" are not."""
    a, b = _words(one), _words(other)
    if not a or not b:
        return " ".join(one.casefold().split()) == " ".join(other.casefold().split())
    if set(a) <= set(b) or set(b) <= set(a):
        return True
    return SequenceMatcher(None, " ".join(a), " ".join(b)).ratio() >= 0.85


def same_meeting(
    meetings: MeetingRepository, title: str, times: MeetingTimes, but: int | None = None
) -> Meeting | None:
    """A scheduled meeting on one of the same days with the same or a similar title."""
    for meeting in meetings.on_days(times.start_date, times.last_day):
        if meeting.id != but and similar_titles(meeting.title, title):
            return meeting
    return None
