"""`/ta list …`, read: keywords in any order, and what is left names the place.

    /ta list [open|all|closed|<status>] [mine] [overdue] [unassigned] [stuck]
             [<where>] [#strategy] [org <name>] [lead @user|me]

A word that is a keyword is never read as a place ("closed" is not a country), but a place
whose name starts with one is ("New Zealand", "Papua New Guinea"). `org` takes the words
after it up to the next keyword; the TA rules find the organisation (bot/domain/ta.py).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.parsing.catalogue import usage
from bot.parsing.places import Where, match_place, read_where
from bot.parsing.strategies import parse_tags
from bot.parsing.ta_command import STATUS_WORDS, mentioned, read_status_word
from storage.ta_requests import CLOSED_STATUSES, OPEN_STATUSES

LIST_USAGE = usage("/ta list")
_SCOPES = {"open": OPEN_STATUSES, "all": None, "closed": CLOSED_STATUSES}
FLAGS = ("mine", "overdue", "unassigned", "stuck")
ORGANISATION_LIMIT = 150  # as /iwg orgs add allows


@dataclass(frozen=True)
class ListQuery:
    scope: str | None = None  # open, all, closed or a status, as typed; None: the default
    flags: frozenset[str] = frozenset()  # of FLAGS
    where: Where | None = None
    strategy: str | None = None
    organisation: str | None = None  # as typed, found by the TA rules
    lead: str | None = None

    @property
    def statuses(self) -> tuple[str, ...] | None:
        """The statuses asked for: open by default, any for `mine` alone (a member's history)."""
        if self.scope is None:
            return None if self.flags == {"mine"} else OPEN_STATUSES
        return _SCOPES[self.scope] if self.scope in _SCOPES else (self.scope,)


def _is_keyword(words: list[str], i: int) -> bool:
    low = words[i].lower()
    if low == "in":  # only as "in progress": "Partners in Health" is a name
        return " ".join(words[i : i + 2]).lower() in STATUS_WORDS
    return low in _SCOPES or low in FLAGS or low in STATUS_WORDS or low in ("org", "lead")


def parse_list(text: str, asker: str) -> ListQuery:
    rest, strategies = parse_tags(text, usage=LIST_USAGE)
    if len(strategies) > 1:
        raise UserError(_("Give one strategy to filter by."), LIST_USAGE)
    words, found, place_words = rest.split(), {"flags": set()}, []
    i = 0
    while i < len(words):
        place_end = _place_at(words, i)
        if place_end:
            place_words += words[i:place_end]
            i = place_end
        elif words[i].lower() == "org":
            i = _read_organisation(words, i + 1, found)
        elif words[i].lower() == "lead":
            i = _read_lead(words, i + 1, asker, found)
        elif words[i].lower() in FLAGS:
            found["flags"].add(words[i].lower())
            i += 1
        else:
            i = _read_scope(words, i, found, place_words)
    where = read_where(" ".join(place_words), usage=LIST_USAGE, correct=False) if place_words else None
    return ListQuery(
        scope=found.get("scope"),
        flags=frozenset(found["flags"]),
        where=where,
        strategy=strategies[0].tag if strategies else None,
        organisation=found.get("organisation"),
        lead=found.get("lead"),
    )


def _place_at(words: list[str], i: int) -> int:
    """The end of the longest run of words from `i` that names a place, when it is one; a
    keyword alone is not ("new"), a place starting with one is ("New Zealand")."""
    for end in range(min(len(words), i + 6), i, -1):
        if (end - i > 1 or not _is_keyword(words, i)) and match_place(" ".join(words[i:end])):
            return end
    return 0


def _read_scope(words: list[str], i: int, found: dict, place_words: list[str]) -> int:
    low = words[i].lower()
    status, used = read_status_word(words[i : i + 2])
    scope = low if low in _SCOPES else status
    if scope is None:
        place_words.append(words[i])  # not a keyword: part of the place, checked at the end
        return i + 1
    if found.get("scope") not in (None, scope):
        raise UserError(_("Give one of `open`, `all`, `closed` or a status."), LIST_USAGE)
    found["scope"] = scope
    return i + (used or 1)


def _read_organisation(words: list[str], i: int, found: dict) -> int:
    end = i + 1
    while end < len(words) and not _is_keyword(words, end):
        end += 1
    name = " ".join(words[i:end])
    if not name:
        raise UserError(_("Say which organisation after `org`, e.g. `/ta list org WHO`."), LIST_USAGE)
    if len(name) > ORGANISATION_LIMIT:
        raise UserError(
            ngettext(
                "That organisation's name is over {n} character.",
                "That organisation's name is over {n} characters.",
                ORGANISATION_LIMIT,
            ),
            LIST_USAGE,
        )
    found["organisation"] = name
    return end


def _read_lead(words: list[str], i: int, asker: str, found: dict) -> int:
    word = words[i] if i < len(words) else ""
    lead = asker if word.lower() == "me" else mentioned(word, LIST_USAGE) if word else None
    if lead is None:
        raise UserError(_("Say whose requests after `lead`: pick the person from Slack's list, or `me`."), LIST_USAGE)
    found["lead"] = lead
    return i + 1


def list_query(query: ListQuery) -> str:
    """The query as `/ta list` reads it again (`closed overdue KE #laws org WHO`): what the
    *Next page* button carries, short by construction however the member typed it (codes,
    one word each), so the button stays within Slack's 2,000 characters."""
    parts = [query.scope, *sorted(query.flags)]
    if query.where:
        parts.append(", ".join(p.code for p in query.where.places))
    if query.strategy:
        parts.append(f"#{query.strategy}")
    if query.lead:
        parts.append(f"lead <@{query.lead}>")
    if query.organisation:
        parts.append(f"org {query.organisation}")
    return " ".join(part for part in parts if part)
