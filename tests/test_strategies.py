"""INSPIRE strategy tags: found however typed, pulled out of command text, junk refused."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.parsing.strategies import STRATEGIES, find_strategy, parse_tags

TAGS = "#laws #norms #safe #parenting #income #response #education #multisectoral #monitoring"


def test_the_nine_strategies_in_spec_order():
    assert " ".join(f"#{s.tag}" for s in STRATEGIES) == TAGS
    assert STRATEGIES[3].name == "Parent and caregiver support"


@pytest.mark.parametrize(
    "typed, tag",
    [
        ("#parenting", "parenting"),
        ("parenting", "parenting"),
        ("#PARENTING", "parenting"),
        ("#parent-and-caregiver-support", "parenting"),
        ("Parent and caregiver support", "parenting"),
        ("#parents", "parenting"),
        ("#caregivers", "parenting"),
        ("#safe_environments", "safe"),
        ("#safeenvironments", "safe"),
        ("#Safe-Environments", "safe"),
        ("#environments", "safe"),
        ("#law", "laws"),
        ("#implementation-and-enforcement-of-laws", "laws"),
        ("#values", "norms"),
        ("#norms-and-values", "norms"),
        ("#economic", "income"),
        ("#services", "response"),
        ("#life-skills", "education"),
        ("#lifeskills", "education"),
        ("#evaluation", "monitoring"),
        ("#m&e", "monitoring"),
        ("#M&amp;E", "monitoring"),
        ("#coordination", "multisectoral"),
        ("#multi-sectoral", "multisectoral"),
    ],
)
def test_a_strategy_is_found_however_it_is_typed(typed, tag):
    assert find_strategy(typed).tag == tag


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("#parentin", "“#parentin” is not an INSPIRE strategy. Did you mean #parenting? Tags: " + TAGS),
        ("eduction", "“#eduction” is not an INSPIRE strategy. Did you mean #education? Tags: " + TAGS),
        ("#zzz", "“#zzz” is not an INSPIRE strategy. Tags: " + TAGS),
        ("#<!here>", "“#&lt;!here&gt;” is not an INSPIRE strategy. Tags: " + TAGS),
        ("#تعليم", "“#تعليم” is not an INSPIRE strategy. Tags: " + TAGS),
        ("", "“#” is not an INSPIRE strategy. Tags: " + TAGS),
    ],
)
def test_anything_else_is_refused_with_the_list_of_tags(typed, problem):
    with pytest.raises(UserError) as caught:
        find_strategy(typed, usage="`/ta new …`")
    assert caught.value.problem == problem
    assert caught.value.usage == "`/ta new …`"


def test_very_long_word_is_refused_with_a_short_answer():
    with pytest.raises(UserError) as caught:
        find_strategy("#" + "parenting" * 1200)
    assert len(caught.value.problem) < 250


def tags(text: str) -> tuple[str, list[str]]:
    rest, found = parse_tags(text)
    return rest, [s.tag for s in found]


def test_tags_are_pulled_out_of_the_text_in_order_without_repeats():
    assert tags("Kenya: a parenting programme #parenting #Safe #parenting by March") == (
        "Kenya: a parenting programme by March",
        ["parenting", "safe"],
    )
    assert tags("#laws Uganda: review, #norms. Soon") == ("Uganda: review,. Soon", ["laws", "norms"])
    assert tags("Kenya: help with #m&amp;e") == ("Kenya: help with", ["monitoring"])
    assert tags("no tags here") == ("no tags here", [])
    assert tags("") == ("", [])


def test_spaces_are_tidied_but_lines_kept():
    assert tags("a   #income\n  b  #laws  c ") == ("a\nb c", ["income", "laws"])


def test_slack_channel_links_read_as_their_names():
    assert tags("Ghana: teachers <#C0123ABC|education> <#C0456DEF|safe-environments>") == (
        "Ghana: teachers",
        ["education", "safe"],
    )


@pytest.mark.parametrize("text", ["Ghana <#C0123ABC>", "Ghana <#C0123ABC|>"])
def test_a_channel_link_without_a_name_asks_for_plain_text(text):
    with pytest.raises(UserError, match="type the tag as plain text|Type the tag as plain text"):
        parse_tags(text)


@pytest.mark.parametrize(
    "text",
    [
        "Training in C# and F#",
        "it&#39;s fine",
        "see <https://example.org/guide#laws|the guide #norms>",
        "request #3 and #12",
        "mail <mailto:a@b.org|a#b>",
        "<@U0AMINA|amina> asked",
        "<!here>",
        "a#laws",
    ],
)
def test_things_that_are_not_tags_are_left_alone(text):
    assert parse_tags(text) == (text, [])


def test_an_unknown_tag_in_text_is_refused():
    with pytest.raises(UserError, match="“#general” is not an INSPIRE strategy"):
        parse_tags("Kenya: see <#C0999|general>")
    with pytest.raises(UserError, match="“#parentng” is not an INSPIRE strategy. Did you mean #parenting?"):
        parse_tags("Kenya: #parentng support", usage="u")


@pytest.mark.parametrize("text", [" " * 10_000, "x" * 10_000, "# " * 5_000, "<" * 10_000, "#a" * 5_000])
def test_very_long_text_gets_an_answer(text):
    try:
        rest, tags = parse_tags(text)
    except UserError as refusal:
        assert len(refusal.problem) < 300
    else:
        assert tags == [] and len(rest) <= len(text)
