"""Country names as members type them, checked against ISO 3166-1 (via pycountry).

A TA request is filed under an alpha-2 code, so `/ta list kenya` and the CSV export agree
however the country was typed. Members type names (in English, and in French, Spanish
and Arabic, the group's other working languages, from pycountry's ISO 3166 catalogues:
Filipinas, Costa de Marfil, Sénégal, كينيا), codes, old names and misspellings;
`find_country` accepts all but the last and answers a typo with a suggestion.

Everything is looked up in one dict of normalised keys, built on first use: a lookup is
one normalisation and one dict get. Only a miss pays for difflib.
"""

from __future__ import annotations

import difflib
import gettext
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import pycountry
from babel import Locale

from bot.errors import UserError
from bot.i18n import _, current
from bot.parsing.slack_text import unescape
from bot.parsing.text import echo

LANGUAGES = ("fr", "es", "ar")  # names in these are found as well as the English ones
MAX_INPUT = 100  # longer than any country name: refused before any work is done
# A typo is read as the one country it is close to only this close ("kenia" is 0.8 from
# "kenya"; "overdue" is 0.75 from "caboverde", and is asked about instead).
CLEAR_MATCH = 0.8


@dataclass(frozen=True)
class Country:
    code: str  # ISO 3166-1 alpha-2 (XK for Kosovo, a user-assigned code in wide use)
    name: str  # the name to show


# Shown instead of pycountry's name where that is inverted ("Congo, The Democratic
# Republic of the") or not what people say. Both Congos are spelled out, since "Congo"
# alone is ambiguous in conversation (see _AMBIGUOUS).
_DISPLAY = {
    "BN": "Brunei",
    "CD": "Democratic Republic of the Congo",
    "CG": "Republic of the Congo",
    "FM": "Micronesia",
    "PS": "Palestine",
    "RU": "Russia",
    "VA": "Holy See",
    "VG": "British Virgin Islands",
    "VI": "US Virgin Islands",
}

# Not in pycountry, but the group works there.
_EXTRA = {"XK": "Kosovo"}

# Names people use that ISO does not give (the names in _DISPLAY are found too).
_ALIASES = {
    "UK": "GB",
    "Britain": "GB",
    "Great Britain": "GB",
    "DRC": "CD",
    "DR Congo": "CD",
    "Democratic Republic of Congo": "CD",
    "Democratic Republic of the Congo": "CD",
    "Congo-Kinshasa": "CD",
    "Congo-Brazzaville": "CG",
    "Republic of Congo": "CG",
    "Ivory Coast": "CI",
    "Turkey": "TR",
    "Swaziland": "SZ",
    "Macedonia": "MK",
    "Cape Verde": "CV",
    "Burma": "MM",
    "East Timor": "TL",
    "Vatican": "VA",
    "Vatican City": "VA",
    "Kosovo": "XK",
    "XKX": "XK",
}

# Not countries in ISO 3166, so never accepted; a miss suggests the country they are in.
_HINTS = {"england": "GB", "scotland": "GB", "wales": "GB", "northernireland": "GB", "america": "US"}

# Keys that name more than one country: answered with a question, never a guess.
_AMBIGUOUS = {"congo": ("CD", "CG"), "korea": ("KP", "KR"), "virginislands": ("VG", "VI")}


# A flag emoji is two regional indicator letters (🇰🇪 = K E); Slack may send it as :flag-ke:.
_FLAG_LETTERS = {0x1F1E6 + i: chr(ord("a") + i) for i in range(26)}
_FLAG_CODE = re.compile(r":flag-([a-z]{2}):")


def _key(text: str) -> str:
    """ "Côte d’Ivoire", "cote d'ivoire" and "COTE-DIVOIRE" -> "cotedivoire".

    Accents, case, punctuation and spaces are dropped; a leading "the" too ("The Gambia"),
    "St" reads as "Saint", "&" as "and", and a flag as its code.
    """
    text = _FLAG_CODE.sub(r"\1", unescape(text).casefold().translate(_FLAG_LETTERS))
    text = unicodedata.normalize("NFKD", text.replace("&", " and "))
    words = re.findall(r"[^\W_]+", "".join(c for c in text if not unicodedata.combining(c)))
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return "".join("saint" if word == "st" else word for word in words)


def _display(record) -> str:
    return _DISPLAY.get(record.alpha_2) or getattr(record, "common_name", None) or record.name


@lru_cache(maxsize=1)
def _index() -> tuple[dict[str, Country], dict[str, Country], list[str]]:
    """(key -> country, code -> country, keys difflib may suggest), built once.

    Codes and ISO names come first; then aliases; then derived names, each kept only if
    unclaimed and unique: the part before a comma ("Tanzania, United Republic of") and
    the name without a parenthesis ("Holy See (Vatican City State)").
    """
    by_code = {r.alpha_2: Country(r.alpha_2, _display(r)) for r in pycountry.countries}
    by_code.update((code, Country(code, name)) for code, name in _EXTRA.items())
    index: dict[str, Country] = {}
    derived: dict[str, set[str]] = {}
    for r in pycountry.countries:
        country = by_code[r.alpha_2]
        for text in (
            r.alpha_2,
            r.alpha_3,
            r.name,
            getattr(r, "official_name", ""),
            getattr(r, "common_name", ""),
            country.name,
        ):
            if text:
                index[_key(text)] = country
        for text in (r.name, getattr(r, "official_name", "")):
            if "," in text:
                derived.setdefault(_key(text.split(",")[0]), set()).add(r.alpha_2)
            if "(" in text:
                derived.setdefault(_key(re.sub(r"\(.*?\)", "", text)), set()).add(r.alpha_2)
    for code, name in _EXTRA.items():
        index[_key(code)] = index[_key(name)] = by_code[code]
    for alias, code in _ALIASES.items():
        index[_key(alias)] = by_code[code]
    translated: dict[str, set[str]] = {}
    for name, code in _translated():
        translated.setdefault(_key(name), set()).add(code)
        before_comma = re.split("[,،]", name)[0]  # the Arabic comma too
        if before_comma != name:  # "Congo, República Democrática del", as the English ones
            derived.setdefault(_key(before_comma), set()).add(code)
    for key, codes in [*translated.items(), *derived.items()]:
        if len(codes) == 1 and key not in index:
            index[key] = by_code[codes.pop()]
    for key in _AMBIGUOUS:
        index.pop(key, None)
    names = [key for key in index if len(key) > 3]  # codes make poor suggestions
    return index, by_code, names


def _translated():
    """(a country's name in one of LANGUAGES, its alpha-2 code), for each name ISO gives
    (short, official, common) that the language's catalogue translates, and CLDR's
    everyday name. A name that is the same in English is already in the index."""
    for language in LANGUAGES:
        catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
        everyday = Locale.parse(language).territories  # CLDR's (Babel's): سوريا where ISO has سورية
        for r in pycountry.countries:
            for text in {r.name, getattr(r, "official_name", ""), getattr(r, "common_name", "")} - {""}:
                if (name := catalogue.gettext(text)) != text:
                    yield name, r.alpha_2
            if everyday.get(r.alpha_2):
                yield everyday[r.alpha_2], r.alpha_2


def match_country(text: str) -> Country | None:
    """The country `text` names exactly (after normalisation), or None. Never raises."""
    if len(text) > MAX_INPUT:
        return None
    return _index()[0].get(_key(text))


class CountryTypo(UserError):
    """`find_country`'s answer to a misspelling, with the countries it may have meant, so
    a caller can take a single clear one (`/ta new kenia: …` is logged under Kenya)."""

    def __init__(self, problem: str, usage: str | None, suggestions: list[Country], clear: Country | None):
        super().__init__(problem, usage)
        self.suggestions = suggestions
        self.clear = clear  # the one suggestion, when it is close enough to take unasked


def name_key(text: str) -> str:
    """The normalised form names are compared in (see `_key`), for other lists of places."""
    return _key(text) if len(text) <= MAX_INPUT else ""


def find_country(text: str, usage: str | None = None) -> Country:
    """The country `text` names: an English name (short, official or common), one in
    LANGUAGES, an alpha-2 or alpha-3 code, or a familiar alias. Otherwise a UserError that suggests what was meant
    (a CountryTypo when the suggestions come from the spelling).
    """
    country = match_country(text)
    if country:
        return country
    shown = echo("".join(c for c in text[:MAX_INPUT] if unicodedata.category(c) != "Cc"), 40).strip()
    if not shown:
        raise UserError(_("Which country? Use its name or ISO code, e.g. Kenya or KE."), usage)
    key = _key(text) if len(text) <= MAX_INPUT else ""  # "": nothing difflib could use
    index, by_code, names = _index()
    if key in _AMBIGUOUS:
        one, other = (by_code[code].name for code in _AMBIGUOUS[key])
        raise UserError(_("“{typed}” could be {one} or {other}: which one?", typed=shown, one=one, other=other), usage)
    if key in _HINTS:
        raise UserError(_did_you_mean(shown, [by_code[_HINTS[key]].name]), usage)
    close = difflib.get_close_matches(key, names, n=8, cutoff=0.75) if key else []
    suggestions = list(dict.fromkeys(index[k] for k in close))[:3]
    if suggestions:
        clear = len(suggestions) == 1 and difflib.SequenceMatcher(None, key, close[0]).ratio() >= CLEAR_MATCH
        raise CountryTypo(
            _did_you_mean(shown, [c.name for c in suggestions]),
            usage,
            suggestions,
            suggestions[0] if clear else None,
        )
    raise UserError(
        _("I don't know a country called “{typed}”. Use its name or ISO code, e.g. Kenya or KE.", typed=shown),
        usage,
    )


def _did_you_mean(shown: str, names: list[str]) -> str:
    """What a miss answers: the one to three countries `shown` may have meant."""
    if len(names) > 2:
        first, second, third = names[:3]
        return _(
            "I don't know a country called “{typed}”. Did you mean {first}, {second} or {third}?",
            typed=shown,
            first=first,
            second=second,
            third=third,
        )
    if len(names) == 2:
        return _(
            "I don't know a country called “{typed}”. Did you mean {first} or {second}?",
            typed=shown,
            first=names[0],
            second=names[1],
        )
    return _("I don't know a country called “{typed}”. Did you mean {first}?", typed=shown, first=names[0])


def country_name(code: str) -> str:
    """The name to show for a stored alpha-2 code, in the language being answered in
    (Sénégal, Filipinas, كينيا: ISO's own translations); an unknown code is shown as it is."""
    country = _index()[1].get(code.upper())
    if country is None:
        return code
    return country.name if current() == "en" else _name_in(current(), country.code, country.name)


@lru_cache(maxsize=None)
def _name_in(language: str, code: str, shown: str) -> str:
    """ISO 3166's name of `country` in `language`: its common name's translation, else its
    short name's (pycountry's gettext catalogue); the English where ISO has none."""
    catalogue = gettext.translation("iso3166-1", pycountry.LOCALES_DIR, languages=[language], fallback=True)
    record = pycountry.countries.get(alpha_2=code)
    for name in (shown, getattr(record, "common_name", ""), getattr(record, "name", "")):
        if name and (translated := catalogue.gettext(name)) != name:
            return translated
    return shown
