"""`/poll "Question?" "Option 1" "Option 2" … [flags] [closes <when>]`, read into a NewPoll."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.parsing.catalogue import usage
from bot.parsing.dates import parse_moment
from bot.parsing.text import clean_text, echo

USAGE = usage("/poll")
FLAGS = ("anonymous", "multiple", "hidden")
MIN_OPTIONS, MAX_OPTIONS = 2, 10
OPTION_LIMIT = 75  # a button's text
QUESTION_LIMIT = 200
# opening quote -> (the quotes that close it, and a pair that may nest inside it). Slack's
# clients turn "a" into “a”, and some keyboards give ”a” or „a“; a question may quote
# something itself ("Adopt the “INSPIRE” handbook?"). Single curly quotes work too, where
# ’ closes only before a space or the end, as it is also the apostrophe (‘Côte d’Ivoire?’).
QUOTES = {
    '"': ('"”', ("“", "”")),
    "“": ('”"', ("“", "”")),
    "”": ('”"“', None),
    "„": ('“”"', None),
    "«": ("»", ("«", "»")),
    "‘": ("’", ("‘", "’")),
}


@dataclass(frozen=True)
class NewPoll:
    question: str
    options: list[str]
    anonymous: bool = False
    multiple: bool = False
    hidden: bool = False
    closes_at: datetime | None = None


def read_poll(text: str, zone: ZoneInfo, now: datetime) -> NewPoll:
    """Quoted question and options (straight or curly quotes), then flags and `closes <when>`."""
    quoted, words, closes = _tokens(text)
    if not quoted:
        raise UserError(_("Put the question and each option in quotes."), USAGE)
    question, options = quoted[0], quoted[1:]
    bare = [w for w in words if w.lower() not in FLAGS]
    if len(options) < MIN_OPTIONS and bare:  # `"Where?" Bogotá, Nairobi`: the options typed without quotes
        raise UserError(
            _("Put each option in quotes too, e.g. `{example}`", example=_quoted(question, options, bare)), USAGE
        )
    if len(options) < MIN_OPTIONS:
        shown = ngettext(
            "A poll needs at least {n} option; this one has {count}.",
            "A poll needs at least {n} options; this one has {count}.",
            MIN_OPTIONS,
            count=len(options),
        )
        raise UserError(shown, USAGE)
    if len(options) > MAX_OPTIONS:
        shown = ngettext(
            "A poll takes at most {n} option; this one has {count}.",
            "A poll takes at most {n} options; this one has {count}.",
            MAX_OPTIONS,
            count=len(options),
        )
        raise UserError(shown, USAGE)
    question = clean_text(question, what="question", limit=QUESTION_LIMIT, usage=USAGE)
    options = [clean_text(o, what=f"option {n}", limit=OPTION_LIMIT, usage=USAGE) for n, o in enumerate(options, 1)]
    if len({o.casefold() for o in options}) < len(options):
        raise UserError(_("Two options are the same; each must differ."), USAGE)
    unknown = [w for w in words if w.lower() not in FLAGS]
    if unknown:
        raise UserError(
            _(
                "I don't know “{typed}”: options go in quotes, and the words after them can be "
                "anonymous, multiple, hidden and closes <when>.",
                typed=echo(unknown[0]),
            ),
            USAGE,
        )
    closes_at = None
    if closes is not None:
        if not closes.strip():
            raise UserError(_("Say when it closes, e.g. closes in 3 days."), USAGE)
        closes_at = parse_moment(closes, zone, now)
        if closes_at <= now:
            raise UserError(_("“{typed}” is in the past; a poll must close in the future.", typed=echo(closes)), USAGE)
    flags = {w.lower() for w in words}
    return NewPoll(question, options, "anonymous" in flags, "multiple" in flags, "hidden" in flags, closes_at)


def _quoted(question: str, options: list[str], bare: list[str]) -> str:
    """The poll as it should have been typed: the bare words, split at commas (else at
    spaces), each in quotes after the quoted ones."""
    text = " ".join(bare)
    parts = [p.strip() for p in text.split(",")] if "," in text else bare
    shown = [question, *options, *(p for p in parts if p)]
    return echo(" ".join(f'"{p}"' for p in shown), limit=200)


def _tokens(text: str) -> tuple[list[str], list[str], str | None]:
    """(the quoted texts, the bare words before `closes`, the text after `closes` or None)."""
    quoted, words, i = [], [], 0
    while i < len(text):
        char = text[i]
        if char in QUOTES:
            end = _closing(text, i)
            if end is None:
                raise UserError(_("A quote is not closed: {typed}", typed=echo(text[i:], 40)), USAGE)
            quoted.append(text[i + 1 : end])
            i = end + 1
        elif char.isspace():
            i += 1
        else:
            match = re.match(r"\S+", text[i:])
            word = match.group(0)
            if word.lower() == "closes":
                return quoted, words, text[i + len(word) :]
            words.append(word)
            i += len(word)
    return quoted, words, None


def _closing(text: str, start: int) -> int | None:
    """Where the quote opened at `start` closes, past any pair nested inside it."""
    closers, nested = QUOTES[text[start]]
    depth = 0
    for j in range(start + 1, len(text)):
        char = text[j]
        if nested and char == nested[0]:
            depth += 1
        elif nested and depth and char == nested[1]:
            depth -= 1
        elif char in closers and (char != "’" or j + 1 == len(text) or text[j + 1].isspace() or text[j + 1] in QUOTES):
            return j
    return None
