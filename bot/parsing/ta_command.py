"""`/ta new`, `/ta edit`, `/ta status` and the request IDs of the other `/ta` forms, read.

`/ta new <where>: <need> [#strategy …] [by <date>]` becomes a NewRequest, the input the TA
rules (bot/domain/ta.py) take. `/ta list` has its own grammar (bot/parsing/ta_list_command.py).
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import _, current, in_language, pgettext
from bot.parsing.catalogue import usage
from bot.parsing.dates import NotADate, date_intended, parse_due_date
from bot.parsing.places import Place, Where, read_where
from bot.parsing.strategies import parse_tags
from bot.parsing.text import clean_text, echo, parse_user, require_ref
from bot.parsing.vocabulary import read_status as status_in_language
from storage.ta_requests import STATUSES

NEW_USAGE = usage("/ta new")
ASSIGN_USAGE = usage("/ta assign")
NOTE_USAGE = usage("/ta note")
SHOW_USAGE = usage("/ta show")
EDIT_USAGE = usage("/ta edit")
REOPEN_USAGE = usage("/ta reopen")
STATUS_USAGE = usage("/ta status", values="status one of: " + ", ".join(f"`{s}`" for s in STATUSES))
NEED_LIMIT = 2000

# The words members use for each status, as `/ta status` and `/ta list` read them.
STATUS_WORDS = {
    "new": "new",
    "assigned": "assigned",
    "in-progress": "in-progress",
    "inprogress": "in-progress",
    "in progress": "in-progress",
    "started": "in-progress",
    "ongoing": "in-progress",
    "underway": "in-progress",
    "completed": "completed",
    "complete": "completed",
    "done": "completed",
    "finished": "completed",
    "closed": "completed",
    "declined": "declined",
    "decline": "declined",
    "rejected": "declined",
    "refused": "declined",
}

# A "by …" at the end is a due date when it reads as one. When it does not, it is part of
# the need ("training by phone", "by marine police") unless it looks meant as a date
# ("by Febtember", "by Q5"): then it is left out of the need and the answer says so.
# In French, Spanish or Arabic the member's own words for "by" work too ("avant le 3 mars",
# "para el 30 de marzo"), from the catalogue, beside the English.


@functools.cache
def _due_pattern(language: str) -> re.Pattern:
    # Translators: the words that introduce a due date at the end of a request ("training by 30 March"),
    # lower case; several may be given, separated by |, e.g. "avant le|d'ici le|pour le"
    words = {"by", *(w.strip() for w in in_language(language, "by", "due date").split("|") if w.strip())}
    markers = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in sorted(words, key=len, reverse=True))
    return re.compile(rf"^(?P<need>.*)\s+(?:{markers})\s+(?P<due>[^:]{{1,60}})$", re.IGNORECASE | re.DOTALL)


@dataclass(frozen=True)
class NewRequest:
    places: str  # place codes, space-separated (bot/parsing/places.py)
    need: str
    strategies: list[str]
    kind: str | None = None
    due_date: date | None = None
    corrected: tuple[tuple[str, Place], ...] = ()  # typos read as a place: (typed, read as)
    due_problem: str | None = None  # a "by …" meant as a date that could not be read


def parse_new(text: str, zone: ZoneInfo, now: datetime) -> NewRequest:
    where_text, colon, rest = text.partition(":")
    if not colon or not where_text.strip():
        raise UserError(
            _("Start with the country (or countries, a region, Global) and a colon, then the need."), NEW_USAGE
        )
    where = read_where(where_text, usage=NEW_USAGE)
    rest, strategies = parse_tags(rest, usage=NEW_USAGE)
    rest, due, problem = _due_date(rest, zone, now)
    need = clean_text(rest, what="description of what is needed", limit=NEED_LIMIT, usage=NEW_USAGE)
    return NewRequest(
        places=where.codes,
        need=need,
        strategies=[s.tag for s in strategies],
        due_date=due,
        corrected=where.corrected,
        due_problem=problem,
    )


def _due_date(text: str, zone: ZoneInfo, now: datetime) -> tuple[str, date | None, str | None]:
    """(the need without its "by <date>", the date, what could not be read)."""
    match = _due_pattern(current()).match(text.strip())
    if not match:
        return text, None, None
    try:
        due = parse_due_date(match.group("due"), zone, now)
    except UserError as problem:
        if isinstance(problem, NotADate) and not date_intended(match.group("due")):
            return text, None, None
        return match.group("need"), None, problem.problem
    return match.group("need"), due, None


def read_status_word(words: list[str]) -> tuple[str | None, int]:
    """(the status the first words name, how many words), or (None, 0): `in progress` is two;
    punctuation after it is not part of it (`done.`, `finished:`). A status is read in
    English and as the member's language writes it (bot/parsing/vocabulary.py)."""
    plain = [word.lower().rstrip(".,:;!") for word in words[:2]]
    if len(plain) > 1 and f"{plain[0]} {plain[1]}" in STATUS_WORDS:
        return STATUS_WORDS[f"{plain[0]} {plain[1]}"], 2
    if plain and plain[0] in STATUS_WORDS:
        return STATUS_WORDS[plain[0]], 1
    # a status as the member's language shows it (`en cours`, `terminé`)
    if len(plain) > 1 and (status := status_in_language(f"{plain[0]} {plain[1]}")):
        return status, 2
    if plain and (status := status_in_language(plain[0])):
        return status, 1
    return None, 0


def request_id(token: str, usage: str) -> int:
    return require_ref(token, "TA", "a request", usage)


def mentioned(word: str, usage_text: str) -> str | None:
    """The member a word mentions; an `@Juan` typed rather than picked is answered, since
    Slack sends a picked name as `<@U…>` and a typed one as plain text."""
    user = parse_user(word)
    if user is None and word.startswith("@") and len(word) > 1:
        raise UserError(
            _(
                "“{typed}” is typed, not a mention: pick the person from Slack's list so it becomes a mention.",
                typed=echo(word),
            ),
            usage_text,
        )
    return user


def read_assign(text: str) -> tuple[int, str, str | None]:
    """`TA-7 World Health Organization @Amina` -> (7, "World Health Organization", "U…")."""
    ref, _space, rest = text.strip().partition(" ")
    wanted = request_id(ref, ASSIGN_USAGE)
    words = rest.split()
    lead = mentioned(words[-1], ASSIGN_USAGE) if words else None
    return wanted, " ".join(words[:-1] if lead else words), lead


def read_status(text: str) -> tuple[int, str, str | None]:
    """`TA-7 in progress first call held` -> (7, "in-progress", "first call held")."""
    parts = text.strip().split()
    if len(parts) < 2:
        raise UserError(_("Say which request and its new status."), STATUS_USAGE)
    wanted = request_id(parts[0], STATUS_USAGE)
    status, used = read_status_word(parts[1:3])
    if status is None:
        raise UserError(_("“{typed}” is not a status.", typed=echo(parts[1])), STATUS_USAGE)
    rest = text.strip().split(maxsplit=1 + used)[1 + used :]
    note = clean_text(rest[0], what="note", limit=NEED_LIMIT, usage=STATUS_USAGE) if rest else None
    return wanted, status, note


# `/ta edit <id> <field> <value>`: the fields a requester may correct, and their other names.
EDIT_FIELDS = {
    "need": "need",
    "description": "need",
    "country": "places",
    "countries": "places",
    "where": "places",
    "region": "places",
    "place": "places",
    "strategies": "strategies",
    "strategy": "strategies",
    "tags": "strategies",
    "due": "due",
    "date": "due",
    "deadline": "due",
}


@dataclass(frozen=True)
class Edit:
    field: str  # need, places, strategies or due
    need: str | None = None
    where: Where | None = None
    strategies: list[str] | None = None
    due: date | None = None  # with field "due": None clears it


def read_edit(text: str, zone: ZoneInfo, now: datetime) -> tuple[int, Edit]:
    """`TA-7 country Uganda` -> (7, Edit("places", where=Uganda)); `due none` clears the date."""
    parts = text.strip().split(maxsplit=2)
    if len(parts) < 3:
        raise UserError(_("Say which request, what to change and its new value."), EDIT_USAGE)
    wanted = request_id(parts[0], EDIT_USAGE)
    field_name = EDIT_FIELDS.get(parts[1].lower())
    if field_name is None:
        raise UserError(_("“{typed}” is not something a request has.", typed=echo(parts[1])), EDIT_USAGE)
    value = parts[2].strip()
    if field_name == "need":
        return wanted, Edit("need", need=clean_text(value, what="need", limit=NEED_LIMIT, usage=EDIT_USAGE))
    if field_name == "places":
        return wanted, Edit("places", where=read_where(value, usage=EDIT_USAGE, correct=False))
    if field_name == "strategies":
        rest, strategies = parse_tags(value, usage=EDIT_USAGE)
        rest = rest.replace(",", " ").strip()  # "#laws, #safe": the commas between tags
        if rest.lower() not in ("", "none") or (rest and strategies):
            raise UserError(_("Give the strategy tags, e.g. #parenting #laws, or `none`."), EDIT_USAGE)
        return wanted, Edit("strategies", strategies=[s.tag for s in strategies])
    if value.lower() in ("none", "no date", "-"):
        return wanted, Edit("due", due=None)
    return wanted, Edit("due", due=parse_due_date(value, zone, now))


def read_reopen(text: str) -> tuple[int, str | None]:
    ref, _space, rest = text.strip().partition(" ")
    note = clean_text(rest, what="note", limit=NEED_LIMIT, usage=REOPEN_USAGE) if rest.strip() else None
    return request_id(ref, REOPEN_USAGE), note


def read_note(text: str) -> tuple[int, str, bool]:
    """`TA-7 [public] <text>` -> (7, text, public). `public` is the English word or the
    member's language's (pgettext "note", "public"), first after the ID; a note that is
    only that word is an ordinary note."""
    ref, _space, rest = text.strip().partition(" ")
    first, _space, after = rest.strip().partition(" ")
    public = bool(after.strip()) and first.lower() in _public_words()
    body = after if public else rest
    return request_id(ref, NOTE_USAGE), clean_text(body, what="note", limit=NEED_LIMIT, usage=NOTE_USAGE), public


def _public_words() -> set[str]:
    return {"public", pgettext("note", "public").lower()}
