"""The UN M49 regions a TA request may be for, and the world ("Global"): their codes and
names in English and in bot/parsing/countries.py's LANGUAGES, and which countries each holds.

Which countries each region holds comes from country_converter's classification table (its
`UNregion` and `continent` columns follow UN M49), read as a plain file: importing the
package would import pandas, which costs start-up time for a lookup table. Only the region
names and their M49 codes are written here; their names in French, Spanish and Arabic are
CLDR's (Babel's), with the usual short forms people type (ALIASES_IN).
"""

from __future__ import annotations

import csv
import importlib.util
import re
from functools import lru_cache
from pathlib import Path

from babel import Locale

from bot.parsing.countries import LANGUAGES, match_country, name_key

GLOBAL = "001"

# M49 code -> name, for the regions members name. The table's `UNregion` column names the
# smallest region each country is in; the larger ones are unions of those, as M49 nests them
# (PARENT).
REGIONS = {
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
PARENT = {
    **dict.fromkeys(("015", "202"), "002"),
    **dict.fromkeys(("014", "017", "018", "011"), "202"),
    **dict.fromkeys(("419", "021"), "019"),
    **dict.fromkeys(("029", "013", "005"), "419"),
    **dict.fromkeys(("143", "030", "035", "034", "145"), "142"),
    **dict.fromkeys(("151", "154", "039", "155"), "150"),
    **dict.fromkeys(("053", "054", "057", "061"), "009"),
}

# What members say for a region or the world that M49 names otherwise.
ALIASES = {
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


# What visitors and members say in LANGUAGES beyond CLDR's names (translated_regions): the
# usual short forms, as the English aliases above. Arabic's other spelling of Africa
# (إفريقيا) needs no entry: name_key drops the hamza either way.
ALIASES_IN = {
    "Monde entier": GLOBAL,
    "Mondial": GLOBAL,
    "Tous les pays": GLOBAL,
    "Afrique de l’Est": "014",
    "Afrique de l’Ouest": "011",
    "Afrique du Nord": "015",
    "Afrique sub-saharienne": "202",
    "Amérique latine et les Caraïbes": "419",
    "Pacifique": "009",
    "Mundial": GLOBAL,
    "Todo el mundo": GLOBAL,
    "Todos los países": GLOBAL,
    "África del Este": "014",
    "África del Oeste": "011",
    "África del Norte": "015",
    "América Latina": "419",
    "Pacífico": "009",
    "عالمي": GLOBAL,
    "جميع البلدان": GLOBAL,
    "المحيط الهادئ": "009",
}

# where CLDR's name is narrower than the M49 region: its 419 is "Latin America" alone (these
# are read as well as shown: translated_regions)
SHOWN_IN = {
    ("fr", "419"): "Amérique latine et Caraïbes",
    ("es", "419"): "América Latina y el Caribe",
    ("ar", "419"): "أمريكا اللاتينية والكاريبي",
}


def _table() -> list[dict[str, str]]:
    spec = importlib.util.find_spec("country_converter")
    folder = Path(spec.submodule_search_locations[0])
    with open(folder / "country_data.tsv", encoding="utf-8", newline="") as file:
        return list(csv.DictReader(file, delimiter="\t"))


@lru_cache(maxsize=1)
def members() -> dict[str, frozenset[str]]:
    """M49 region code -> the alpha-2 codes of its countries, each region the union of the
    regions in it. The table writes a few codes as patterns (`^GB$|^UK$`): the first is ISO's."""
    by_name = {name: code for code, name in REGIONS.items()}
    members: dict[str, set[str]] = {code: set() for code in REGIONS}
    for row in _table():
        codes = re.findall(r"[A-Z]{2}", row["ISO2"])
        if codes and not row["obsolete"] and row["UNregion"] in by_name:
            region = by_name[row["UNregion"]]
            while region:
                members[region].add(codes[0])
                region = PARENT.get(region)
    return {code: frozenset(found) for code, found in members.items()}


def ancestors(region: str) -> list[str]:
    found = []
    while region in PARENT:
        region = PARENT[region]
        found.append(region)
    return found


@lru_cache(maxsize=1)
def region_index() -> dict[str, str]:
    """Normalised name (name_key) or code -> M49 code: the English names and aliases first,
    then the other languages' where they name no country and take no English key."""
    index: dict[str, str] = {name_key(region_name(code)): code for code in REGIONS}
    index.update((code, code) for code in [*REGIONS, GLOBAL])  # as `/ta list`'s next page carries them
    index.update((name_key(alias), code) for alias, code in ALIASES.items())
    for name, code in [*translated_regions(), *ALIASES_IN.items()]:  # never over English
        key = name_key(name)
        if key and key not in index and not match_country(name):
            index[key] = code
    return index


@lru_cache(maxsize=1)
def region_typo_keys() -> list[str]:
    """The keys a typo is matched against: the English names and aliases only. Another
    language's name is taken as typed, never guessed at: كوريا الجنوبية (South Korea) is a
    few letters from أمريكا الجنوبية (South America)."""
    return [name_key(region_name(code)) for code in REGIONS] + [name_key(alias) for alias in ALIASES]


def translated_regions():
    """(a region's or the world's name in one of LANGUAGES, its M49 code): CLDR's, as Babel
    has them ("Afrique orientale", "África oriental", "شرق أفريقيا", "Monde"), and the one
    shown where CLDR's is narrower (SHOWN_IN)."""
    for code in [*REGIONS, GLOBAL]:
        for language in LANGUAGES:
            names = (Locale.parse(language).territories.get(code), SHOWN_IN.get((language, code)))
            for name in dict.fromkeys(name for name in names if name):
                yield name, code


@lru_cache(maxsize=None)
def region_name(code: str) -> str:
    """A region's name; "Micronesia (region)" where a country has the same name (the
    country keeps it: "Micronesia" is the Federated States)."""
    name = REGIONS[code]
    return f"{name} (region)" if match_country(name) else name


@lru_cache(maxsize=None)
def region_name_in(language: str, code: str) -> str:
    shown = SHOWN_IN.get((language, code)) or Locale.parse(language).territories.get(code)
    return shown or region_name(code)


@lru_cache(maxsize=1)
def regions_of() -> dict[str, tuple[str, ...]]:
    """Country code -> the regions it is in, smallest first."""
    found: dict[str, list[str]] = {}
    for region, countries in sorted(members().items(), key=lambda item: len(item[1])):
        for country in countries:
            found.setdefault(country, []).append(region)
    return {country: tuple(regions) for country, regions in found.items()}


def inside(region: str) -> list[str]:
    return [r for r in REGIONS if region in ancestors(r)]
