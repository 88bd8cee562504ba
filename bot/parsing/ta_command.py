"""`/ta new`, `/ta list` and the request IDs of `/ta show|assign|status|note`, read.

`/ta new <country>: <need> [#strategy …] [by <date>]` becomes a NewRequest, the input the
TA rules (bot/domain/ta.py) take; `/ta list …` becomes the storage's TAFilter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.parsing.catalogue import usage
from bot.parsing.countries import find_country
from bot.parsing.dates import NotADate, parse_due_date
from bot.parsing.strategies import parse_tags
from bot.parsing.text import clean_text, parse_user, require_ref
from storage.ta_requests import OPEN_STATUSES, STATUSES, TAFilter

NEW_USAGE = usage("/ta new")
LIST_USAGE = usage("/ta list")
ASSIGN_USAGE = usage("/ta assign")
NOTE_USAGE = usage("/ta note")
SHOW_USAGE = usage("/ta show")
STATUS_USAGE = usage("/ta status", values="status one of: " + ", ".join(f"`{s}`" for s in STATUSES))
NEED_LIMIT = 2000

# A "by …" at the end is a due date when it reads as one; when it does not, it is part of
# the need ("training by phone", "by marine police") unless it is shaped like a date
# ("by 31 Febtember", "by 31/02"), which gets an answer instead of a silent mistake.
_DUE = re.compile(r"^(?P<need>.*?)\s+by\s+(?P<due>[^:]{1,60})$", re.IGNORECASE | re.DOTALL)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATE_SHAPED = re.compile(
    rf"^(?:\d{{1,4}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{2,4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?)$",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class NewRequest:
    country: str
    need: str
    strategies: list[str]
    kind: str | None = None
    due_date: date | None = None


def parse_new(text: str, zone: ZoneInfo, now: datetime) -> NewRequest:
    country_text, colon, rest = text.partition(":")
    if not colon or not country_text.strip():
        raise UserError("Start with the country and a colon, then what is needed.", NEW_USAGE)
    country = find_country(country_text, usage=NEW_USAGE)
    rest, strategies = parse_tags(rest, usage=NEW_USAGE)
    rest, due = _due_date(rest, zone, now)
    need = clean_text(rest, what="description of what is needed", limit=NEED_LIMIT, usage=NEW_USAGE)
    return NewRequest(country=country.code, need=need, strategies=[s.tag for s in strategies], due_date=due)


def _due_date(text: str, zone: ZoneInfo, now: datetime) -> tuple[str, date | None]:
    """(the need without its "by <date>", the date), or (the text as it was, None)."""
    match = _DUE.match(text.strip())
    if not match:
        return text, None
    try:
        due = parse_due_date(match.group("due"), zone, now)
    except NotADate:
        if _DATE_SHAPED.match(match.group("due").strip()):
            raise
        return text, None
    return match.group("need"), due


def parse_list(text: str, asker: str) -> TAFilter:
    rest, strategies = parse_tags(text, usage=LIST_USAGE)
    scope, _, country_text = rest.strip().partition(" ")
    statuses, involving = OPEN_STATUSES, None
    if scope.lower() == "all":
        statuses = None
    elif scope.lower() == "mine":
        statuses, involving = None, asker
    elif scope.lower() in STATUSES:
        statuses = (scope.lower(),)
    elif scope.lower() != "open":
        country_text = rest  # no scope given: all of it names the country
    country = find_country(country_text, usage=LIST_USAGE).code if country_text.strip() else None
    if len(strategies) > 1:
        raise UserError("Give one strategy to filter by.", LIST_USAGE)
    return TAFilter(
        statuses=statuses, involving=involving, country=country, strategy=strategies[0].tag if strategies else None
    )


def list_query(wanted: TAFilter) -> str:
    """The filter as `/ta list` would read it again (`all KE #laws`): what the *Next page*
    button carries, short by construction however the member typed it (a country's code,
    one status word, one tag), so the button stays within Slack's 2,000 characters."""
    if wanted.involving:
        scope = "mine"
    elif wanted.statuses is None:
        scope = "all"
    elif wanted.statuses == OPEN_STATUSES:
        scope = "open"
    else:
        scope = wanted.statuses[0]
    return " ".join(part for part in (scope, wanted.country, wanted.strategy and f"#{wanted.strategy}") if part)


def request_id(token: str, usage: str) -> int:
    return require_ref(token, "TA", "a request", usage)


def read_assign(text: str) -> tuple[int, str, str | None]:
    """`TA-7 World Health Organization @Amina` -> (7, "World Health Organization", "U…")."""
    ref, _, rest = text.strip().partition(" ")
    wanted = request_id(ref, ASSIGN_USAGE)
    words = rest.split()
    lead = parse_user(words[-1]) if words else None
    return wanted, " ".join(words[:-1] if lead else words), lead


def read_status(text: str) -> tuple[int, str, str | None]:
    """`TA-7 in-progress first call held` -> (7, "in-progress", "first call held")."""
    parts = text.strip().split(maxsplit=2)
    if len(parts) < 2:
        raise UserError("Say which request and its new status.", STATUS_USAGE)
    wanted = request_id(parts[0], STATUS_USAGE)
    note = clean_text(parts[2], what="note", limit=NEED_LIMIT, usage=STATUS_USAGE) if len(parts) > 2 else None
    return wanted, parts[1].lower(), note


def read_note(text: str) -> tuple[int, str]:
    ref, _, rest = text.strip().partition(" ")
    return request_id(ref, NOTE_USAGE), clean_text(rest, what="note", limit=NEED_LIMIT, usage=NOTE_USAGE)
