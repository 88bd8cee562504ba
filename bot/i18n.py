"""Every string a person reads, in their language: gettext catalogues (Babel's), the
language of the request being answered, and numbers and dates as that language writes
them. A leaf like bot/errors.py: it imports nothing of the app, so every layer may use it.

How a string is written, so that `pybabel extract` finds it and a translator can move
its parts (never join translated fragments in English word order):

    _("{ref} is now *{status}*.", ref=request.ref, status=label)
    ngettext("{n} request", "{n} requests", count)           # {n} is the count, formatted
    pgettext("status", "in-progress")                         # a word that needs its context
    N_("what the bot does")   # a constant: marked here, translated where it is shown: _(X)

Values are escaped by the caller, as before (bot.parsing.slack_text.escape); in Arabic each
value is wrapped in Unicode isolates (FSI … PDI), so `TA-7`, a name or a number keeps its
order inside a right-to-left sentence.

Whose language: the request's member (set by handlers/router.py around each listener),
the recipient of a DM or the group (IWG_LANGUAGE) for channel posts (set by the courier's
sender), English outside any of those. The catalogues live in bot/locales; `python -m
bot.i18n` re-extracts, updates and compiles them (see the README).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import date, datetime
from pathlib import Path

from babel import Locale, dates, numbers
from babel.support import NullTranslations, Translations

SOURCE = "en"
LANGUAGES = ("en", "fr", "es", "ar")  # English is the source; the others have catalogues
TRANSLATED = LANGUAGES[1:]
RIGHT_TO_LEFT = frozenset({"ar"})
LOCALES = Path(__file__).parent / "locales"
DOMAIN = "messages"
FSI, PDI = "\u2068", "\u2069"  # first-strong isolate, pop directional isolate
_MARKS = dict.fromkeys(map(ord, "\u200e\u200f\u061c\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u202e"))
_CODE = re.compile(r"`[^`]*`")
_PLACEHOLDER = re.compile(r"\{(\w+)\}")

_current: ContextVar[str] = ContextVar("iwg_language", default=SOURCE)


def normalise(locale: str | None) -> str:
    """A Slack locale (`fr-FR`, `es-419`, `ar`, `pt-BR`) as one of LANGUAGES; what the bot
    has no catalogue for is English."""
    code = (locale or "").replace("_", "-").split("-")[0].strip().lower()
    return code if code in LANGUAGES else SOURCE


@contextmanager
def language(code: str | None) -> Iterator[str]:
    """Answer in `code` inside the block (a locale is normalised; unknown is English)."""
    token = _current.set(normalise(code))
    try:
        yield _current.get()
    finally:
        _current.reset(token)


def current() -> str:
    return _current.get()


@functools.cache
def translations(code: str) -> NullTranslations:
    """The compiled catalogue of `code` (bot/locales/<code>/LC_MESSAGES/messages.mo)."""
    if code == SOURCE:
        return NullTranslations()
    return Translations.load(str(LOCALES), [code], DOMAIN)


def _(message: str, **values: object) -> str:
    """`message` in the current language, its `{placeholders}` filled with `values`."""
    return fill(translations(current()).gettext(message), values)


def ngettext(singular: str, plural: str, n: int, **values: object) -> str:
    """The form of `n` the language wants (Arabic has six); `{n}` is `n` formatted."""
    return fill(translations(current()).ngettext(singular, plural, n), {"n": number(n), **values})


def pgettext(context: str, message: str, **values: object) -> str:
    """`message` where the same English word means something else elsewhere."""
    return fill(translations(current()).pgettext(context, message), values)


def N_(message: str) -> str:
    """Marks a constant for extraction; `_()` translates it where it is shown."""
    return message


def in_language(code: str, message: str, context: str | None = None) -> str:
    """`message` in `code` whatever the request's language (to read input in it)."""
    catalogue = translations(normalise(code))
    return catalogue.pgettext(context, message) if context else catalogue.gettext(message)


class _Keep(dict):
    """Leaves a placeholder no value was given for as it is (`{date_long_pretty}`)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def fill(template: str, values: dict[str, object]) -> str:
    if not values:
        return template
    if current() in RIGHT_TO_LEFT:
        typed = _in_code(template)  # a command to copy must stay as it is typed
        values = {key: value if key in typed else isolate(value) for key, value in values.items()}
    return template.format_map(_Keep(values))


def _in_code(template: str) -> set[str]:
    """The placeholders inside `code` spans: `/ta note {ref} <text>`."""
    return set(_PLACEHOLDER.findall("".join(_CODE.findall(template))))


def without_marks(text: str) -> str:
    """`text` without direction marks and isolates: what a member copies from an Arabic
    message may carry them into a command (`TA-7` between U+2068 and U+2069)."""
    return text.translate(_MARKS)


def isolate(value: object) -> str:
    """`value` as a left-to-right island in Arabic text; as it is in other languages."""
    text = str(value)
    if current() not in RIGHT_TO_LEFT or not text or text.startswith(FSI):
        return text
    return f"{FSI}{text}{PDI}"


# --- numbers and dates as the language writes them (Babel, CLDR) -------------------------


def number(n: int | float) -> str:
    return numbers.format_decimal(n, locale=_locale())


def day(value: date, style: str = "medium") -> str:
    """A date alone (a due date), e.g. `30 mars 2027`, `30 mar 2027`, `30‏/03‏/2027`."""
    return dates.format_date(value, format=style, locale=_locale())


def moment_utc(value: datetime, with_time: bool = True) -> str:
    """The fallback text of a Slack date token (clients that cannot show the token): UTC."""
    pattern = "EEE dd MMM y HH:mm" if with_time else "EEE dd MMM y"
    return dates.format_datetime(value, pattern, tzinfo=dates.get_timezone("UTC"), locale=_locale()) + (
        " UTC" if with_time else ""
    )


def time_utc(value: datetime) -> str:
    return dates.format_time(value, "HH:mm", tzinfo=dates.get_timezone("UTC"), locale=_locale()) + " UTC"


def language_name(code: str) -> str:
    """A language as its speakers write it (Français, Español, العربية): the one name a
    member who reads it will recognise, whatever language the sentence is in."""
    name = _babel_locale(code).get_display_name(code)
    return name[:1].upper() + name[1:]


@functools.cache
def _babel_locale(code: str) -> Locale:
    return Locale.parse(code)


def _locale() -> Locale:
    return _babel_locale(current())
