"""The hours at the end of what people type of a meeting's when: `at 14:00-16:00`, `2-4pm`,
`9:30-11`, `14h-16h`, `from 2 to 4pm`, `3pm EAT`, `all day` (split_times). The rules of
am/pm and of bare hours are meeting_when.py's docstring's; meeting_when.py reads the rest.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time

from bot.errors import UserError
from bot.i18n import _
from bot.parsing.text import echo

_CLOCK = r"(?:\d{1,2}(?:[:.h]\d{2}|h)?(?:\s*[ap]\.?m\.?)?|noon|midday)"
_ZONE = r"(?:(?:utc|gmt)(?:\s*[+-]\s*\d{1,2}(?::?\d{2})?)?|[+-]\d{1,2}(?::?\d{2})?|(?-i:[A-Z]{2,5}))"
# the times at the end of what is typed: "at 14:00-16:00", "from 2 to 4pm", "3pm EAT", "all day"
_TIMES = re.compile(
    rf"(?:(?P<lead>at|from|@)\s+)?(?P<t1>{_CLOCK})(?:\s*(?:-|to)\s*(?P<t2>{_CLOCK}))?(?:\s+(?P<zone>{_ZONE}))?"
    r"|(?P<all_day>all[\s-]?day)",
    re.I,
)
_ONE_CLOCK = re.compile(
    r"(?P<hour>\d{1,2})(?:(?P<sep>[:.h])(?P<minute>\d{2})|(?P<h>h))?(?:\s*(?P<half>[ap])\.?m\.?)?|(?P<noon>noon|midday)",
    re.I,
)


@dataclass(frozen=True)
class Times:
    """The times typed at the end of a text (wall times as typed, and the zone if one was)."""

    start: time | None
    end: time | None
    zone: str | None
    all_day: bool = False


def _clock(typed: str, paired: bool) -> tuple[int, int, str | None] | None:
    """(hour, minute, "a"/"p" or None); None if not a time ("30.03"; "9" unless `paired`)."""
    match = _ONE_CLOCK.fullmatch(typed.strip())
    if match["noon"]:
        return 12, 0, None
    hour, minute, half = int(match["hour"]), int(match["minute"] or 0), (match["half"] or "").lower() or None
    if (match["sep"] == "." and (hour > 23 or minute > 59)) or not (paired or match["sep"] or match["h"] or half):
        return None
    if minute > 59 or hour > 23 or (half and not 1 <= hour <= 12):
        raise UserError(_("There is no time “{typed}”; try e.g. 14:00 or 2pm.", typed=echo(typed)))
    return hour, minute, half


def _hour(hour: int, half: str | None) -> int:
    return hour if half is None or not 1 <= hour <= 12 else hour % 12 + (12 if half == "p" else 0)


def _read_times(match: re.Match, bare: bool) -> Times | None:
    """The Times a _TIMES match says, or None when it is not times after all."""
    if match["all_day"]:
        return Times(None, None, None, all_day=True)
    paired = bare or bool(match["lead"])
    first = _clock(match["t1"], paired)
    second = match["t2"] and _clock(match["t2"], paired or first is not None)
    if first is None and second:
        first = _clock(match["t1"], True)  # "9-11:30": the marked end makes the start a time
    if first is None or (match["t2"] and second is None):
        return None
    hour, minute, half = first
    if not second:
        return Times(time(_hour(hour, half), minute), None, match["zone"])
    end_hour, end_minute, end_half = second
    start, end = _hour(hour, half or end_half), _hour(end_hour, end_half or half)
    if not half and end_half and (start, minute) > (end, end_minute):  # "11-1pm": 11:00-13:00
        start = _hour(hour, "a" if end_half == "p" else "p")
    if half == "a" and not end_half and (end, end_minute) <= (start, minute):  # "11am-1": 11:00-13:00
        end = _hour(end_hour, "p")
    return Times(time(start, minute), time(end, end_minute), match["zone"])


def split_times(text: str, bare: bool = False) -> tuple[str, Times | None]:
    """(the date part, the times at its end): "25 Feb at 14:00-16:00" -> ("25 Feb", 14:00-16:00);
    with `bare`, hours without a mark ("9-11") are hours (what `/meetings edit … time` reads)."""
    starts = [0] + [space.end() for space in re.finditer(r"\s+", text)]
    for start in starts:
        match = _TIMES.fullmatch(text, start)
        if match and (found := _read_times(match, bare)):
            if start == 0 and not bare and not match["lead"] and not match["t2"] and "." in (match["t1"] or ":"):
                continue  # "12.10" alone is 12 October
            return text[:start].strip(), found
    return text.strip(), None
