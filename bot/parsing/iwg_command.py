"""`/iwg orgs add|set|rename|remove …`, read.

An organisation's name comes first, then its short name in brackets, then its strategy
tags, which come last: the first tag ends the name, and after it only tags may follow
(separated by spaces, commas or "and"), so `WHO #income strengthening` is refused rather
than read as an organisation called "WHO strengthening". A strategy's full name works
after its "#" (`#safe environments`), as bot/parsing/strategies.py reads it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.i18n import _
from bot.parsing.catalogue import usage
from bot.parsing.slack_text import escape, truncate
from bot.parsing.strategies import TAG_LIST, channel_tag, find_strategy
from bot.parsing.text import clean_text, echo

LANGUAGE_USAGE = usage("/iwg language")
ORGS_USAGE = usage("/iwg orgs", "/iwg orgs add", "/iwg orgs set", "/iwg orgs rename", "/iwg orgs remove")
ADD_USAGE = usage("/iwg orgs add")
SET_USAGE = usage("/iwg orgs set")
RENAME_USAGE = usage("/iwg orgs rename")
REMOVE_USAGE = usage("/iwg orgs remove")

NAME_LIMIT, SHORT_LIMIT = 150, 30
LONGEST_STRATEGY = 6  # words in a strategy's name, "#income and economic strengthening"

# Where the tags begin: a `#` and a letter after a space, comma or the start, or a tag Slack
# turned into a channel link. A link or a mention (`<https://…|#x>`) is skipped whole.
_TAG_START = re.compile(r"<[^<>]*>|(?<![^\s,;])#[^\W\d_]")
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")
_TAIL_WORD = re.compile(r"<[^<>]*>|[^\s,;<]+|<")
_SEPARATORS = {"and", "&amp;", "&", "+"}
# a short name only from brackets the member typed (a link's label is not one)
_BRACKETS = re.compile(r"(.+?)\s*\(([^()<>]{0,40})\)\s*", re.DOTALL)
_STRAY_START = re.compile(r"^[\s,;:.\-–—/|*_~]+")
# a trailing ";" is kept when it ends Slack's escaping of a typed "<", ">" or "&" (`&gt;`)
_STRAY_END = re.compile(r"(?:[\s,:\-–—/|*_~]|(?<!&gt)(?<!&lt)(?<!&amp);)+$")
_NONE = re.compile(r"(.*?)[\s,;]+#?none[\s.]*", re.IGNORECASE | re.DOTALL)
_TO = re.compile(r"\s+to\s+", re.IGNORECASE)
_QUOTES = "\"'“”‘’«»"


@dataclass(frozen=True)
class NewOrganisation:
    name: str
    short_name: str | None
    strategies: list[str]  # tags in the order typed, no repeats; [] when none were typed


@dataclass(frozen=True)
class NewName:
    name: str
    short_name: str | None  # None: keep the short name it has; "": clear it


def read_organisation(text: str) -> NewOrganisation:
    """`/iwg orgs add <name> [(<short name>)] [#strategy …]`."""
    head, strategies = split_tags(text, ADD_USAGE)
    name, short = _name_and_short(head, ADD_USAGE)
    return NewOrganisation(name, short or None, strategies)


def read_set(text: str) -> tuple[str, list[str]]:
    """`/iwg orgs set <name> #strategy …` or `… none`: (the name as typed, the strategies)."""
    cleared = _NONE.fullmatch(text.strip())
    if cleared and _first_tag(cleared.group(1)) is None:
        return read_lookup(cleared.group(1), SET_USAGE), []
    head, strategies = split_tags(text, SET_USAGE)
    name = read_lookup(head, SET_USAGE)
    if not strategies:
        raise UserError(
            _(
                "Say which strategies *{name}* offers, each with its #, or `none` to clear them. Tags: {tags}",
                name=_plain(name),
                tags=TAG_LIST,
            ),
            SET_USAGE,
        )
    return name, strategies


def read_lookup(text: str, usage: str) -> str:
    """An organisation named in a command (set, rename, remove): plain text, checked."""
    limit = NAME_LIMIT + SHORT_LIMIT + 3  # its label, `Name (Short)`, names it too
    return " ".join(clean_text(text, what="organisation's name", limit=limit, usage=usage).split())


def rename_splits(text: str) -> list[tuple[str, str]]:
    """Every way to read `<name> to <new name>`, left to right: a name may hold " to "
    itself, so the rules pick the reading whose left side names one organisation. Quotes
    around the current name are dropped (they settle which " to " is meant)."""
    splits = [(text[: m.start()].strip(), text[m.end() :]) for m in _TO.finditer(text)]
    if text.strip()[:1] in _QUOTES:
        splits = [(left, right) for left, right in splits if len(left) > 1 and left[-1] in _QUOTES]
    splits = [(left.strip(_QUOTES).strip(), right) for left, right in splits if left.strip(_QUOTES).strip()]
    if not splits:
        raise UserError(_("Say the new name after `to`."), RENAME_USAGE)
    return splits


def read_new_name(text: str) -> NewName:
    """The `<new name> [(<short name>)]` of a rename; `()` clears the short name."""
    if _first_tag(text) is not None:
        raise UserError(
            _("A rename changes the name only; `/iwg orgs set <name> #strategy …` changes its strategies."),
            RENAME_USAGE,
        )
    name, short = _name_and_short(text, RENAME_USAGE)
    return NewName(name, short)


def split_tags(text: str, usage: str) -> tuple[str, list[str]]:
    """(the text before the first strategy tag, the tags from there on, in order, no
    repeats). Only tags may follow the first one: any other word is refused."""
    start = _first_tag(text)
    if start is None:
        return text.strip(), []
    words = _TAIL_WORD.findall(text[start:])
    found: list[str] = []
    at = 0
    while at < len(words):
        word = words[at]
        if word.casefold() in _SEPARATORS:
            at += 1
            continue
        if not _is_tag(word):
            raise UserError(
                _(
                    "“{typed}” comes after the strategy tags. The name goes before them and "
                    "only tags come last, each with its #, e.g. `#laws #safe`. Tags: {tags}",
                    typed=echo(word, 40),
                    tags=TAG_LIST,
                ),
                usage,
            )
        tag, at = _one_tag(words, at, usage)
        if tag not in found:
            found.append(tag)
    return _STRAY_END.sub("", text[:start]), found


def _first_tag(text: str) -> int | None:
    return next((m.start() for m in _TAG_START.finditer(text) if _is_tag(m.group())), None)


def _is_tag(word: str) -> bool:
    return bool(_CHANNEL.fullmatch(word)) or bool(re.match(r"#[^\W\d_]", word))


def _one_tag(words: list[str], at: int, usage: str) -> tuple[str, int]:
    """The strategy the tag at `words[at]` names, and where the next word is: the longest
    run of plain words after it that spells a strategy's name, else the tag alone."""
    from_channel = channel_tag(words[at], usage)
    if from_channel:
        return from_channel.tag, at + 1
    first = words[at].rstrip(".!?:)")
    plain = 0
    while plain < LONGEST_STRATEGY and at + 1 + plain < len(words) and not _is_tag(words[at + 1 + plain]):
        plain += 1
    for extra in range(plain, 0, -1):
        phrase = " ".join([first, *words[at + 1 : at + 1 + extra]]).rstrip(".!?:)")
        try:
            return find_strategy(phrase).tag, at + 1 + extra
        except UserError:
            continue
    return find_strategy(first, usage).tag, at + 1


def _name_and_short(text: str, usage: str) -> tuple[str, str | None]:
    """(the name, the short name typed in brackets at its end: None if none, "" for `()`)."""
    text = _STRAY_END.sub("", text.strip())
    bracket = _BRACKETS.fullmatch(text)
    full_text, short_text = (bracket.group(1), bracket.group(2)) if bracket else (text, None)
    name = _tidy(clean_text(full_text, what="organisation's name", limit=NAME_LIMIT, usage=usage))
    if not re.search(r"[^\W_]", name):
        raise UserError(
            _("The organisation's name has no letters in it.") if name else _("The organisation's name is empty."),
            usage,
        )
    if short_text is None or not short_text.strip():
        return name, None if short_text is None else ""
    short = _tidy(clean_text(short_text, what="short name", limit=SHORT_LIMIT, usage=usage))
    if not re.search(r"[^\W_]", short):
        raise UserError(_("The short name has no letters in it."), usage)
    return name, short


def _tidy(text: str) -> str:
    """One line, single spaces, no stray punctuation at either end or before a comma."""
    text = re.sub(r"\s+([,;:])", r"\1", " ".join(text.split()))
    return _STRAY_END.sub("", _STRAY_START.sub("", text))


def _plain(text: str) -> str:
    return escape(truncate(text, 60))
