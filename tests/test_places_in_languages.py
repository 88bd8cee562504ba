"""Places as visitors to the public page and members type them in French, Spanish and
Arabic: regions and the world by their CLDR names and the usual ways of saying them, and
Arabic's "and" written onto the next word (bot/parsing/places.py)."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.i18n import language, without_marks
from bot.parsing.places import GLOBAL, places_label, read_where


@pytest.mark.parametrize(
    "typed, codes",
    [
        ("Afrique de l'Est", "014"),
        ("Afrique orientale", "014"),
        ("Afrique de l’Ouest, Sénégal", "011 SN"),
        ("Amérique latine et Caraïbes", "419"),
        ("Mondial", GLOBAL),
        ("África Oriental", "014"),
        ("África del Oeste", "011"),
        ("América Latina y el Caribe", "419"),
        ("Mundial", GLOBAL),
        ("شرق أفريقيا", "014"),
        ("شرق إفريقيا", "014"),  # the other common spelling of Africa
        ("عالمي", GLOBAL),
    ],
)
def test_regions_and_the_world_in_every_language(typed, codes):
    assert read_where(typed).codes == codes  # in any language the bot answers in


@pytest.mark.parametrize(
    "typed, codes",
    [
        ("كينيا وأوغندا", "KE UG"),  # "and" written onto the next word, as Arabic does
        ("كينيا وأوغندا وتنزانيا", "KE UG TZ"),
        ("كينيا و أوغندا", "KE UG"),
        ("ترينيداد وتوباغو", "TT"),  # an "and" inside a name is kept whole
        ("كينيا وترينيداد وتوباغو", "KE TT"),
        ("واليس وفوتونا وكينيا", "WF KE"),  # a name that starts with the letter is not split there
        ("كينيا ووسط أفريقيا", "KE 017"),
    ],
)
def test_arabic_and_joined_to_the_next_word(typed, codes):
    with language("ar"):
        assert read_where(typed).codes == codes
    assert read_where(typed).codes == codes  # a member answered in English types it so too


def test_arabic_comma_between_places():
    assert read_where("كينيا، أوغندا، تنزانيا").codes == "KE UG TZ"


def test_labels_name_regions_and_the_world_in_the_language_answered_in():
    with language("fr"):
        assert places_label("014") == "Afrique orientale" and places_label(GLOBAL) == "Mondial"
    with language("es"):
        assert places_label("419 KE") == "América Latina y el Caribe y Kenia"
    with language("ar"):
        assert without_marks(places_label("KE UG")) == "كينيا وأوغندا"  # (isolated, as Arabic text is)
        assert read_where(without_marks(places_label("KE 014"))).codes == "KE 014"
    assert places_label("014") == "Eastern Africa" and places_label(GLOBAL) == "Global"


@pytest.mark.parametrize(
    "typed, codes",
    [
        ("كينيا، وسط أفريقيا", "KE 017"),  # a name that starts with the letter, after a comma
        ("كينيا، واليس وفوتونا", "KE WF"),
        ("كينيا; وسط آسيا", "KE 143"),
    ],
)
def test_a_name_starting_with_the_letter_after_another_separator(typed, codes):
    assert read_where(typed).codes == codes


@pytest.mark.parametrize("typed, code", [("جزر والس وفوتونا", "WF"), ("ساو تومي وبرينسيبي", "ST")])
def test_a_name_with_and_in_it_spelled_otherwise_is_still_one_place(typed, code):
    assert read_where(typed).codes == code  # CLDR's spelling, not ISO's: a clear typo of one name


def test_a_translated_region_name_is_never_a_typos_guess():
    try:
        codes = read_where("كوريا الجنوبية").codes  # South Korea, a few letters from South America
    except UserError:
        codes = None
    assert codes != "005"


@pytest.mark.parametrize(
    "typed, code",
    [("سوريا", "SY"), ("Îles Cocos", "CC"), ("Islas Cocos", "CC"), ("سان مارتن", "MF")],  # were SR, CK, CK, SM
)
def test_countries_by_their_everyday_names_as_well_as_isos(typed, code):
    assert read_where(typed).codes == code and read_where(typed).corrected == ()
