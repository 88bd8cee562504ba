"""`/iwg orgs add <name> [(<short name>)] [#strategy …]`, read."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.parsing.catalogue import usage
from bot.parsing.strategies import parse_tags
from bot.parsing.text import clean_text

ORGS_USAGE = usage("/iwg orgs", "/iwg orgs add")


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    short_name: str | None
    strategies: list[str] | None  # None: keep what it offers already


def read_organisation(text: str) -> NewOrganisation:
    rest, strategies = parse_tags(text, usage=ORGS_USAGE)
    # a short name only from brackets the member typed (a link's label is not one)
    bracket = re.fullmatch(r"(.+?)\s*\(([^()<>]{1,30})\)\s*", rest.strip())
    full_text, short_text = (bracket.group(1), bracket.group(2)) if bracket else (rest, None)
    full = clean_text(full_text, what="organisation's name", limit=150, usage=ORGS_USAGE)
    short = clean_text(short_text, what="short name", limit=30, usage=ORGS_USAGE) if short_text else None
    return NewOrganisation(full, short, [s.tag for s in strategies] or None)
