"""Where a TA request is for: one country, several ("Kenya, Uganda and Tanzania"), a UN M49
region ("Eastern Africa", "Latin America and the Caribbean") or "Global".

A place is stored as a code: an ISO alpha-2 code for a country (bot/parsing/countries.py),
an M49 numeric code for a region ("014"), "001" (the M49 code of the world) for Global.
Which countries each region holds comes from country_converter's classification table (its
`UNregion` and `continent` columns follow UN M49), read as a plain file: importing the
package would import pandas, which costs start-up time for a lookup table. Only the region
names and their M49 codes are written here.

A request is found under every place it covers or is in (search_keys): `/ta list Uganda`
finds requests for Uganda and for any region Uganda is in (not Global: that answers `/ta
list global`); `/ta list Eastern Africa` finds the region's own requests, those of its
countries, and those for Africa.
"""

from __future__ import annotations

import csv
import difflib
import importlib.util
import re
import zlib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from bot.errors import UserError
from bot.i18n import N_, _, current, in_language, ngettext
from bot.parsing.countries import CLEAR_MATCH, CountryTypo, country_name, find_country, match_country, name_key
from bot.parsing.text import echo

GLOBAL = "001"
MAX_PLACES = 20  # a request for more is a regional or global one
MAX_TEXT = 600  # room for twenty long names: refused before any work is done
_LONGEST_NAME = 4  # pieces: "Saint Helena, Ascension and Tristan da Cunha" is three

# M49 code -> name, for the regions members name. The table's `UNregion` column names the
# smallest region each country is in; the larger ones are unions of those, as M49 nests them
# (_PARENT).
_REGIONS = {
    "002": "Africa",
    "015": "Northern Africa",
    "202": "Sub-Saharan Africa",
    "014": "Eastern Africa",
    "017": "Middle Africa",
    "018": "Southern Africa",
    "011": "Western Africa",
    "019": "Americas",
    "419": "Latin America and the Caribbean",
    "029": "Caribbean",
    "013": "Central America",
    "005": "South America",
    "021": "Northern America",
    "142": "Asia",
    "143": "Central Asia",
    "030": "Eastern Asia",
    "035": "South-eastern Asia",
    "034": "Southern Asia",
    "145": "Western Asia",
    "150": "Europe",
    "151": "Eastern Europe",
    "154": "Northern Europe",
    "039": "Southern Europe",
    "155": "Western Europe",
    "009": "Oceania",
    "053": "Australia and New Zealand",
    "054": "Melanesia",
    "057": "Micronesia",
    "061": "Polynesia",
}
_PARENT = {
    **dict.fromkeys(("015", "202"), "002"),
    **dict.fromkeys(("014", "017", "018", "011"), "202"),
    **dict.fromkeys(("419", "021"), "019"),
    **dict.fromkeys(("029", "013", "005"), "419"),
    **dict.fromkeys(("143", "030", "035", "034", "145"), "142"),
    **dict.fromkeys(("151", "154", "039", "155"), "150"),
    **dict.fromkeys(("053", "054", "057", "061"), "009"),
}

# What members say for a region or the world that M49 names otherwise.
_ALIASES = {
    "Global": GLOBAL,
    "World": GLOBAL,
    "Worldwide": GLOBAL,
    "All countries": GLOBAL,
    "East Africa": "014",
    "West Africa": "011",
    "Central Africa": "017",
    "North Africa": "015",
    "SSA": "202",
    "Latin America": "419",
    "LAC": "419",
    "Latin America & Caribbean": "419",
    "South Asia": "034",
    "Southeast Asia": "035",
    "South East Asia": "035",
    "East Asia": "030",
    "West Asia": "145",
    "Pacific": "009",
    "The Americas": "019",
}


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


def _table() -> list[dict[str, str]]:
    spec = importlib.util.find_spec("country_converter")
    folder = Path(spec.submodule_search_locations[0])
    with open(folder / "country_data.tsv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


@lru_cache(maxsize=1)
def _members() -> dict[str, frozenset[str]]:
    """M49 region code -> the alpha-2 codes of its countries, each region the union of the
    regions in it. The table writes a few codes as patterns (`^GB$|^UK$`): the first is ISO's."""
    by_name = {name: code for code, name in _REGIONS.items()}
    members: dict[str, set[str]] = {code: set() for code in _REGIONS}
    for row in _table():
        codes = re.findall(r"[A-Z]{2}", row["ISO2"])
        if codes and not row["obsolete"] and row["UNregion"] in by_name:
            region = by_name[row["UNregion"]]
            while region:
                members[region].add(codes[0])
                region = _PARENT.get(region)
    return {code: frozenset(found) for code, found in members.items()}


def _ancestors(region: str) -> list[str]:
    found = []
    while region in _PARENT:
        region = _PARENT[region]
        found.append(region)
    return found


@lru_cache(maxsize=1)
def _region_index() -> dict[str, str]:
    index: dict[str, str] = {name_key(_region_name(code)): code for code in _REGIONS}
    index.update((code, code) for code in [*_REGIONS, GLOBAL])  # as `/ta list`'s next page carries them
    index.update((name_key(alias), code) for alias, code in _ALIASES.items())
    return index


@lru_cache(maxsize=None)
def _region_name(code: str) -> str:
    """A region's name; "Micronesia (region)" where a country has the same name (the
    country keeps it: "Micronesia" is the Federated States)."""
    name = _REGIONS[code]
    return f"{name} (region)" if match_country(name) else name


def place_name(code: str) -> str:
    """The name to show for a stored place code."""
    if code == GLOBAL:
        return "Global"
    return _region_name(code) if code in _REGIONS else country_name(code)


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
    table = sorted((region, sorted(countries)) for region, countries in _members().items())
    return zlib.crc32(repr((KEYS_VERSION, table)).encode())


def search_keys(codes: str) -> list[str]:
    """Every place a `/ta list <place>` finds a request for `codes` under, so that a list is
    one indexed read of one key: each place; the regions a country or region is in; and for
    a region, every region and country in it. Global is found under Global alone."""
    keys: dict[str, None] = {}
    for code in codes.split():
        keys[code] = None
        if code in _REGIONS:
            keys.update(dict.fromkeys([*_ancestors(code), *_inside(code), *sorted(_members()[code])]))
        elif code != GLOBAL:
            keys.update(dict.fromkeys(_regions_of().get(code, ())))
    return list(keys)


@lru_cache(maxsize=1)
def _regions_of() -> dict[str, tuple[str, ...]]:
    """Country code -> the regions it is in, smallest first."""
    found: dict[str, list[str]] = {}
    for region, countries in sorted(_members().items(), key=lambda item: len(item[1])):
        for country in countries:
            found.setdefault(country, []).append(region)
    return {country: tuple(regions) for country, regions in found.items()}


def _inside(region: str) -> list[str]:
    return [r for r in _REGIONS if region in _ancestors(r)]


def match_place(text: str) -> Place | None:
    """The place `text` names exactly (after normalisation), or None. Never raises."""
    key = name_key(text)
    code = _region_index().get(key) if key else None
    if code:
        return Place(code, place_name(code))
    country = match_country(text)
    return Place(country.code, country.name) if country else None


# Between places: a comma, semicolon or slash, "&", or "and" (a name with "and" in it,
# like Trinidad and Tobago, is tried whole first).
_SEPARATOR = r"\s*(?:[,;/]|&amp;|&|\band\b{also})\s*"


@lru_cache(maxsize=None)
def _separator(language: str) -> re.Pattern:
    """_SEPARATOR, with the language's own "and" between spaces when places_label writes
    one (`Kenya, Uganda et Tanzania`), so a list the bot wrote (an edit form's) reads back."""
    joined = in_language(language, _AND)
    word = joined.removeprefix("{places}").removesuffix("{last}").strip()
    plain = joined.startswith("{places}") and joined.endswith("{last}") and re.fullmatch(r"[^\W\d_]+", word)
    also = rf"|(?<!\S){re.escape(word)}(?!\S)" if plain and word.casefold() != "and" else ""
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
    return _checked(places, corrected, usage)


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


def _one_place(text: str, usage: str | None, correct: bool) -> Place:
    """A piece that names no place exactly: the region or country it is a typo of."""
    key = name_key(text)
    regions = _region_index()
    close = difflib.get_close_matches(key, list(regions), n=3, cutoff=CLEAR_MATCH) if key else []
    guesses = list(dict.fromkeys(Place(regions[k], place_name(regions[k])) for k in close))
    clear = guesses[0] if len(guesses) == 1 else None
    try:
        country = find_country(text, usage)
        return Place(country.code, country.name)  # not reached: the whole text missed
    except CountryTypo as typo:
        clear = None if guesses else typo.clear and Place(typo.clear.code, typo.clear.name)
        guesses += [Place(c.code, c.name) for c in typo.suggestions]
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
