"""Where a request is for: countries, several, UN M49 regions, Global (bot/parsing/places.py)."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.parsing.places import GLOBAL, match_place, places_label, read_where, search_keys


@pytest.mark.parametrize(
    "typed, codes",
    [
        ("Kenya", "KE"),
        ("Kenya, Uganda and Tanzania", "KE UG TZ"),
        ("Kenya; Uganda / Tanzania & Rwanda", "KE UG TZ RW"),
        ("Trinidad and Tobago", "TT"),  # "and" inside a name is kept whole
        ("Kenya and Trinidad and Tobago", "KE TT"),
        ("Bosnia and Herzegovina, Serbia and Kosovo", "BA RS XK"),
        ("Eastern Africa", "014"),
        ("East Africa", "014"),
        ("Latin America and the Caribbean", "419"),
        ("sub-saharan africa", "202"),
        ("Global", GLOBAL),
        ("worldwide", GLOBAL),
        ("Kenya, Kenya", "KE"),
        ("Côte d’Ivoire and Ghana", "CI GH"),
        ("Papua New Guinea", "PG"),
    ],
)
def test_places_are_read_as_typed(typed, codes):
    assert read_where(typed).codes == codes


def test_a_clear_typo_is_read_and_said_an_unclear_one_is_asked():
    where = read_where("Kenja, Uganda")
    assert where.codes == "KE UG" and [(typed, p.name) for typed, p in where.corrected] == [("Kenja", "Kenya")]
    with pytest.raises(UserError, match="Nigeria or Niger"):
        read_where("Nigera")
    with pytest.raises(UserError, match="Did you mean Cabo Verde"):
        read_where("overdue")  # 0.75 alike: asked, never taken
    with pytest.raises(UserError, match="Did you mean Kenya"):
        read_where("Kenja", correct=False)  # forms and lists ask instead


def test_a_request_is_found_under_each_place_it_covers_or_is_in():
    assert search_keys("UG") == ["UG", "014", "202", "002"]  # Eastern, Sub-Saharan, Africa
    eastern = search_keys("014")
    assert {"KE", "UG", "TZ", "ZM", "ZW", "202", "002"} <= set(eastern) and "ZA" not in eastern
    africa = set(search_keys("002"))
    assert {"014", "015", "202", "KE", "EG"} <= africa and "EG" not in search_keys("202")
    assert {"MX", "BR", "JM", "005", "029"} <= set(search_keys("419"))
    assert {"GB", "154", "150"} == set(search_keys("GB")) and "GR" in search_keys("039")  # ISO's GB, not UK
    assert {"005", "419", "MX"} <= set(search_keys("019")) and "053" in search_keys("009")
    assert search_keys(GLOBAL) == [GLOBAL] and search_keys("KE UG")[:5] == ["KE", "014", "202", "002", "UG"]


def test_labels_read_as_a_sentence():
    assert places_label("KE UG TZ") == "Kenya, Uganda and Tanzania"
    assert places_label("014") == "Eastern Africa" and places_label(GLOBAL) == "Global"
    assert match_place("014").name == "Eastern Africa"  # the next page of a list carries codes


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", "Which country or region"),
        ("Global, Kenya", "Global already covers every country"),
        (", ".join(["Kenya", "Uganda", "Tanzania", "Rwanda", "Burundi"] * 5), None),  # five, repeated: fine
        ("Atlantis", "I don't know a country"),
    ],
)
def test_bad_places_are_answered(typed, problem):
    if problem is None:
        assert read_where(typed).codes == "KE UG TZ RW BI"
        return
    with pytest.raises(UserError, match=problem):
        read_where(typed)


def test_more_than_twenty_places_are_refused():
    many = ", ".join(["Kenya", "Uganda", "Tanzania", "Rwanda", "Burundi", "Ethiopia", "Somalia", "Eritrea"] * 1)
    many += ", Ghana, Togo, Benin, Nigeria, Niger, Mali, Senegal, Gambia, Guinea, Liberia, Sierra Leone, Chad, Sudan"
    with pytest.raises(UserError, match="name at most 20, or their region"):
        read_where(many)


@pytest.mark.parametrize("flood", ["a," * 2000, "Kenya and " * 50, "Kenya, " * 41])
def test_a_flood_of_places_is_refused_before_any_work(flood):
    with pytest.raises(UserError, match="name at most 20"):
        read_where(flood)
