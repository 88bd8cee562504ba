"""Where a TA request is for: one country, several ("Kenya, Uganda and Tanzania"), a UN M49
region ("Eastern Africa", "Latin America and the Caribbean") or "Global".

A place is stored as a code: an ISO alpha-2 code for a country (bot/parsing/countries.py),
an M49 numeric code for a region ("014"), "001" (the M49 code of the world) for Global.
The regions themselves, their names in every language and which countries each holds, are
bot/parsing/regions.py's.

A request is found under every place it covers or is in (search_keys): `/ta list Uganda`
finds requests for Uganda and for any region Uganda is in (not Global: that answers `/ta
list global`); `/ta list Eastern Africa` finds the region's own requests, those of its
countries, and those for Africa.
"""

from __future__ import annotations

import difflib
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache

from bot.errors import UserError
from bot.i18n import N_, _, current, in_language, ngettext
from bot.parsing.countries import (
    CLEAR_MATCH,
    CountryTypo,
    country_name,
    find_country,
    match_country,
    name_key,
)
from bot.parsing.regions import (
    GLOBAL,
    REGIONS,
    ancestors,
    inside,
    members,
    region_index,
    region_name,
    region_name_in,
    region_typo_keys,
    regions_of,
)
from bot.parsing.text import echo

MAX_PLACES = 20  # a request for more is a regional or global one
MAX_TEXT = 600  # room for twenty long names: refused before any work is done
_LONGEST_NAME = 4  # pieces: "Saint Helena, Ascension and Tristan da Cunha" is three

_GLOBAL_NAME = N_("Global")  # how a request for every country is shown


@dataclass(frozen=True)
class Place:
    code: str
    name: str

    @property
    def is_country(self) -> bool:
        return len(self.code) == 2


@dataclass(frozen=True)
class Where:
    """The places a member named, and the typos read as a place (typed, read as)."""

    places: tuple[Place, ...]
    corrected: tuple[tuple[str, Place], ...] = ()

    @property
    def codes(self) -> str:
        return " ".join(p.code for p in self.places)


def place_name(code: str) -> str:
    """The name to show for a stored place code, in the language being answered in: a
    region by CLDR's name for it, a country by ISO's (bot/parsing/countries.py)."""
    if code == GLOBAL:
        return _(_GLOBAL_NAME)
    if code not in REGIONS:
        return country_name(code)
    if current() == "en":
        return region_name(code)
    return region_name_in(current(), code)


# The last two of several places, as the language joins them: read back too (_separator).
_AND = N_("{places} and {last}")


def places_label(codes: str | list[str]) -> str:
    """ "KE UG TZ" -> "Kenya, Uganda and Tanzania"; "014" -> "Eastern Africa"."""
    names = [place_name(code) for code in (codes.split() if isinstance(codes, str) else codes)]
    return names[0] if len(names) == 1 else _(_AND, places=", ".join(names[:-1]), last=names[-1])


# Bumped when search_keys' rule changes; with the region table's own contents it makes
# keys_version(), and when that moves (a country_converter upgrade that moves a country,
# say) every request's keys are written again on the next start (TAService.index_places).
KEYS_VERSION = 1


def keys_version() -> int:
    """The version of the keys requests are indexed under: the rule's and the table's."""
    table = sorted((region, sorted(countries)) for region, countries in members().items())
    return zlib.crc32(repr((KEYS_VERSION, table)).encode())


def search_keys(codes: str) -> list[str]:
    """Every place a `/ta list <place>` finds a request for `codes` under, so that a list is
    one indexed read of one key: each place; the regions a country or region is in; and for
    a region, every region and country in it. Global is found under Global alone."""
    keys: dict[str, None] = {}
    for code in codes.split():
        keys[code] = None
        if code in REGIONS:
            keys.update(dict.fromkeys([*ancestors(code), *inside(code), *sorted(members()[code])]))
        elif code != GLOBAL:
            keys.update(dict.fromkeys(regions_of().get(code, ())))
    return list(keys)


def match_place(text: str) -> Place | None:
    """The place `text` names exactly (after normalisation), or None. Never raises."""
    key = name_key(text)
    code = region_index().get(key) if key else None
    if code:
        return Place(code, place_name(code))
    country = match_country(text)
    return Place(country.code, place_name(country.code)) if country else None


# Between places: a comma (Arabic's too), semicolon or slash, "&", or "and"; and Arabic's
# "and", on its own or written onto the next word (كينيا وأوغندا), in any language, as no
# English word has the letter, but never right after another separator (كينيا، وسط أفريقيا
# is Middle Africa). A name with "and" in it (Trinidad and Tobago, ترينيداد وتوباغو) is
# tried whole first; so is a clear typo of one (read_where).
_SEPARATOR = r"\s*(?:[,;/،]|&amp;|&|\band\b{also})\s*|(?<=[^\s,;/،&])\s+و\s*"
_ARABIC_AND = re.compile(r"\sو")


@lru_cache(maxsize=None)
def _separator(language: str) -> re.Pattern:
    """_SEPARATOR, with the language's own "and" between spaces when places_label writes
    one (`Kenya, Uganda et Tanzania`), so a list the bot wrote (an edit form's) reads back."""
    joined = in_language(language, _AND)
    word = joined.removeprefix("{places}").removesuffix("{last}").strip()
    plain = joined.startswith("{places}") and joined.endswith("{last}") and re.fullmatch(r"[^\W\d_]+", word)
    also = ""
    if plain and word.casefold() != "and":
        also = rf"|(?<!\S){re.escape(word)}(?!\S)"
    return re.compile(_SEPARATOR.format(also=also), re.IGNORECASE)


def read_where(text: str, usage: str | None = None, correct: bool = True) -> Where:
    """The places in `text`. A typo with one clear match is read as that match when
    `correct` (and listed in `corrected`); one that could be several is asked about."""
    if not text.strip():
        raise UserError(
            _("Which country or region? E.g. Kenya, or Kenya and Uganda, or Eastern Africa, or Global."), usage
        )
    if len(text) > MAX_TEXT:
        raise UserError(
            ngettext(
                "That is {length} character of places; name at most {most}, or their region.",
                "That is {length} characters of places; name at most {most}, or their region.",
                len(text),
                length=len(text),  # as before, without grouping
                most=MAX_PLACES,
            ),
            usage,
        )
    whole = match_place(text)
    if whole:
        return _checked([whole], [], usage)
    try:
        places, corrected = _pieces(text, usage, correct)
    except UserError:
        typo = _clear_typo(text) if correct and _ARABIC_AND.search(text) else None
        if typo is None:  # not one name with Arabic's "and" in it, spelled otherwise (جزر والس وفوتونا)
            raise
        places, corrected = [typo], [(text.strip(), typo)]
    return _checked(places, corrected, usage)


def _pieces(text: str, usage: str | None, correct: bool) -> tuple[list[Place], list]:
    """The places between the separators, each the longest run of pieces that names one."""
    pieces, separators = _split(text)
    if len(pieces) > 2 * MAX_PLACES:
        raise UserError(
            ngettext(
                "That is {n} place; name at most {most}, or their region.",
                "That is {n} places; name at most {most}, or their region.",
                len(pieces),
                most=MAX_PLACES,
            ),
            usage,
        )
    places, corrected = [], []
    start = 0
    while start < len(pieces):
        end, found = _longest_name(pieces, separators, start)
        if found is None:
            found = _one_place(pieces[start], usage, correct)
            corrected.append((pieces[start].strip(), found))
        places.append(found)
        start = end
    return places, corrected


def _split(text: str) -> tuple[list[str], list[str]]:
    separator = _separator(current())
    parts = separator.split(text)
    separators = separator.findall(text)
    if any(not part.strip() for part in parts):  # "Kenya,, Uganda" or a trailing "and"
        kept = [(part, sep) for part, sep in zip(parts, [*separators, ""]) if part.strip()]
        parts, separators = [p for p, _sep in kept], [s for _part, s in kept][:-1]
    return parts, separators


def _longest_name(pieces: list[str], separators: list[str], start: int) -> tuple[int, Place | None]:
    """The longest run of pieces from `start` that names a place, joined as typed."""
    for end in range(min(len(pieces), start + _LONGEST_NAME), start, -1):
        joined = pieces[start]
        for i in range(start + 1, end):
            joined += separators[i - 1] + pieces[i]
        found = match_place(joined)
        if found:
            return end, found
    return start + 1, None


def _clear_typo(text: str) -> Place | None:
    try:
        return _one_place(text, None, correct=True)
    except UserError:
        return None


def _one_place(text: str, usage: str | None, correct: bool) -> Place:
    """A piece that names no place exactly: the region or country it is a typo of."""
    key = name_key(text)
    regions = region_index()
    close = difflib.get_close_matches(key, region_typo_keys(), n=3, cutoff=CLEAR_MATCH) if key else []
    guesses = list(dict.fromkeys(Place(regions[k], place_name(regions[k])) for k in close))
    clear = guesses[0] if len(guesses) == 1 else None
    try:
        country = find_country(text, usage)
        return Place(country.code, place_name(country.code))  # not reached: the whole text missed
    except CountryTypo as typo:
        clear = None if guesses else typo.clear and Place(typo.clear.code, place_name(typo.clear.code))
        guesses += [Place(c.code, place_name(c.code)) for c in typo.suggestions]
        problem = typo.problem
    except UserError as refusal:
        if not guesses:
            raise
        problem = refusal.problem
    if correct and clear:
        return clear
    if guesses:
        shown = echo(text.strip(), 40)
        problem = _did_you_mean(shown, [g.name for g in guesses[:3]])
    raise UserError(problem, usage)


def _checked(places: list[Place], corrected: list, usage: str | None) -> Where:
    unique = list(dict.fromkeys(places))
    if any(p.code == GLOBAL for p in unique) and len(unique) > 1:
        raise UserError(_("Global already covers every country: name Global alone, or the places."), usage)
    if len(unique) > MAX_PLACES:
        raise UserError(
            ngettext(
                "That is {n} place; name at most {most}, or their region (e.g. Eastern Africa).",
                "That is {n} places; name at most {most}, or their region (e.g. Eastern Africa).",
                len(unique),
                most=MAX_PLACES,
            ),
            usage,
        )
    return Where(tuple(unique), tuple(corrected))


def _did_you_mean(shown: str, names: list[str]) -> str:
    """What a miss answers: the one to three places `shown` may have meant."""
    if len(names) > 2:
        first, second, third = names[:3]
        return _(
            "I don't know a country or region called “{typed}”. Did you mean {first}, {second} or {third}?",
            typed=shown,
            first=first,
            second=second,
            third=third,
        )
    if len(names) == 2:
        return _(
            "I don't know a country or region called “{typed}”. Did you mean {first} or {second}?",
            typed=shown,
            first=names[0],
            second=names[1],
        )
    return _("I don't know a country or region called “{typed}”. Did you mean {first}?", typed=shown, first=names[0])
