"""The INSPIRE strategies, as hashtags in command text: `/ta new Kenya: … #parenting`.

Requests and organisations store the short tags, so matching a request to the members who
offer TA on its strategies is a comparison of words. Members type tags loosely (any case,
the strategy's full name, a plural), and Slack may turn one into a channel link; all of
those read as the same tag, and anything else is refused with the list of tags.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from bot.errors import UserError
from bot.i18n import N_, _
from bot.parsing.slack_text import unescape
from bot.parsing.text import echo

MAX_WORD = 60  # longer than any strategy name


@dataclass(frozen=True)
class Strategy:
    tag: str  # what is stored and shown, without the "#"
    name: str  # in English, marked for translation: shown as _(strategy.name)


STRATEGIES: tuple[Strategy, ...] = (
    Strategy("laws", N_("Implementation and enforcement of laws")),
    Strategy("norms", N_("Norms and values")),
    Strategy("safe", N_("Safe environments")),
    Strategy("parenting", N_("Parent and caregiver support")),
    Strategy("income", N_("Income and economic strengthening")),
    Strategy("response", N_("Response and support services")),
    Strategy("education", N_("Education and life skills")),
    Strategy("multisectoral", N_("Multisectoral actions and coordination")),
    Strategy("monitoring", N_("Monitoring and evaluation")),
)

_ALIASES = {
    "law": "laws",
    "values": "norms",
    "environments": "safe",
    "parent": "parenting",
    "parents": "parenting",
    "caregiver": "parenting",
    "caregivers": "parenting",
    "economic": "income",
    "services": "response",
    "lifeskills": "education",
    "evaluation": "monitoring",
    "m&e": "monitoring",
    "coordination": "multisectoral",
}

TAG_LIST = " ".join(f"#{s.tag}" for s in STRATEGIES)


def _key(word: str) -> str:
    """`#Safe-Environments`, `safe_environments`, `safe environments` -> "safeenvironments"."""
    return re.sub(r"[\s_-]+", "", unescape(word).strip().lstrip("#").casefold())


_BY_TAG = {s.tag: s for s in STRATEGIES}
_INDEX = {**{_key(s.name): s for s in STRATEGIES}, **{a: _BY_TAG[t] for a, t in _ALIASES.items()}, **_BY_TAG}


def find_strategy(word: str, usage: str | None = None) -> Strategy:
    """The strategy a tag names, with or without its "#"; otherwise a UserError listing the tags."""
    key = _key(word) if len(word) <= MAX_WORD else None
    if key in _INDEX:
        return _INDEX[key]
    shown = echo("#" + word[:MAX_WORD].strip().lstrip("#"), 40)
    close = difflib.get_close_matches(key, _INDEX, n=4, cutoff=0.7) if key else []
    guesses = list(dict.fromkeys(f"#{_INDEX[k].tag}" for k in close))[:2]
    raise UserError(_not_a_strategy(shown, guesses), usage)


def _not_a_strategy(shown: str, guesses: list[str]) -> str:
    if len(guesses) > 1:
        return _(
            "“{typed}” is not an INSPIRE strategy. Did you mean {tag} or {other}? Tags: {tags}",
            typed=shown,
            tag=guesses[0],
            other=guesses[1],
            tags=TAG_LIST,
        )
    if guesses:
        return _(
            "“{typed}” is not an INSPIRE strategy. Did you mean {tag}? Tags: {tags}",
            typed=shown,
            tag=guesses[0],
            tags=TAG_LIST,
        )
    return _("“{typed}” is not an INSPIRE strategy. Tags: {tags}", typed=shown, tags=TAG_LIST)


# A hashtag starts after whitespace or at the start (so not `C#`, `&#39;` or a URL's
# `#fragment`), begins with a letter (so not `#3`), and ends at whitespace or punctuation.
# Anything in angle brackets is one token, so a tag inside a link's label is left alone;
# of those, only `<#C123|name>` (a tag Slack turned into a channel link) counts.
_TOKEN = re.compile(
    r"(?<![ \t])(?P<lead>[ \t]*)(?:(?P<angle><[^<>]*>)"
    r"|(?<!\S)#(?P<word>[^\W\d_](?:[\w-]|&amp;|&)*)(?=[\s.,;:!?)]|$))"
)
_CHANNEL = re.compile(r"<#[CG][A-Z0-9]+(?:\|([^>]*))?>")


def channel_tag(token: str, usage: str | None = None) -> Strategy | None:
    """The strategy a tag names that Slack turned into a channel link (`<#C123|safe>`), or
    None when `token` is no channel link."""
    channel = _CHANNEL.fullmatch(token)
    if not channel:
        return None
    word = (channel[1] or "").strip()
    if not word:
        raise UserError(
            _(
                "Slack turned a strategy tag into a channel link. Type the tag as plain text, e.g. #education."
                " Tags: {tags}",
                tags=TAG_LIST,
            ),
            usage,
        )
    return find_strategy(word, usage)


def parse_tags(text: str, usage: str | None = None) -> tuple[str, list[Strategy]]:
    """(text without its strategy tags, the strategies in order without repeats).

    Works on command text as Slack sends it (`&amp;` for a typed `&`) and returns the rest
    unchanged but for the removed tags and tidied spaces. Every hashtag must be a strategy.
    """
    found: list[Strategy] = []

    def take(match: re.Match) -> str:
        if match["angle"]:
            strategy = channel_tag(match["angle"], usage)
            if strategy is None:
                return match[0]  # a link, a mention: not ours
        else:
            strategy = find_strategy(match["word"], usage)
        if strategy not in found:
            found.append(strategy)
        return ""

    rest = _TOKEN.sub(take, text)
    rest = "\n".join(" ".join(line.split()) for line in rest.splitlines())
    return rest.strip(), found
