"""The few words that are both shown and typed, in every language the bot speaks: a TA
request's statuses. Shown translated (`status_label`), and read back in the member's
language beside the English (`read_status`), from the same catalogue entries, so what a
member reads is what they may type.

Each English word is written out here with its context, so `pybabel extract` finds it.
"""

from __future__ import annotations

import unicodedata

from bot.i18n import current, in_language, pgettext


def _fold(word: str) -> str:
    """Case and accents aside (`Terminé`, `termine`), spaces as hyphens (`in progress`)."""
    decomposed = unicodedata.normalize("NFKD", word.strip().casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c)).replace(" ", "-")


def _statuses() -> dict[str, str]:
    return {
        "new": pgettext("status", "new"),
        "assigned": pgettext("status", "assigned"),
        "in-progress": pgettext("status", "in-progress"),
        "completed": pgettext("status", "completed"),
        "declined": pgettext("status", "declined"),
    }


def status_label(status: str) -> str:
    """A status as the current language writes it (`in-progress` → `en cours`)."""
    return _statuses().get(status, status)


def read_status(word: str) -> str | None:
    """The status a member typed, in English or in their language (`terminé` → completed);
    None if it is none of them."""
    typed = _fold(word)
    for status in _statuses():
        if typed == status or _agrees(typed, _fold(in_language(current(), status, "status"))):
            return status
    return None


def _agrees(typed: str, word: str) -> bool:
    """`typed` is `word`, or `word` without its agreement ending: `termine` for `terminee`
    (French agrees a status with "demande"; a member may write it for "le projet")."""
    return typed == word or (len(typed) >= 4 and word.startswith(typed) and word[len(typed) :] in ("e", "a", "s", "es"))
