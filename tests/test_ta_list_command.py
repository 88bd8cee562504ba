"""`/ta list`'s words in any order, none of its keywords read as a place."""

from __future__ import annotations

import pytest

from bot.errors import UserError
from bot.parsing.ta_list_command import ListQuery, list_query, parse_list
from storage.ta_requests import CLOSED_STATUSES, OPEN_STATUSES

ME = "U0ME"


def read(text: str) -> ListQuery:
    return parse_list(text, ME)


@pytest.mark.parametrize(
    "text, statuses, flags",
    [
        ("", OPEN_STATUSES, set()),
        ("all", None, set()),
        ("closed", CLOSED_STATUSES, set()),
        ("overdue", OPEN_STATUSES, {"overdue"}),
        ("unassigned", OPEN_STATUSES, {"unassigned"}),
        ("stuck", OPEN_STATUSES, {"stuck"}),
        ("mine", None, {"mine"}),
        ("mine open", OPEN_STATUSES, {"mine"}),
        ("in progress", ("in-progress",), set()),
        ("inprogress", ("in-progress",), set()),
        ("done", ("completed",), set()),
        ("overdue mine", OPEN_STATUSES, {"overdue", "mine"}),
    ],
)
def test_keywords_are_never_places(text, statuses, flags):
    query = read(text)
    assert (query.statuses, set(query.flags), query.where) == (statuses, flags, None)


def test_places_tags_organisations_and_leads_in_any_order():
    query = read("#laws Uganda closed lead <@U0AMINA|amina> org World Health Organization")
    assert query.where.codes == "UG" and query.strategy == "laws" and query.statuses == CLOSED_STATUSES
    assert query.lead == "U0AMINA" and query.organisation == "World Health Organization"
    assert read("org WHO overdue").organisation == "WHO" and read("org WHO overdue").flags == {"overdue"}
    assert read("org Partners in Health").organisation == "Partners in Health"
    assert read("lead me").lead == ME


def test_a_place_that_starts_with_a_keyword_is_a_place():
    assert read("New Zealand").where.codes == "NZ" and read("New Zealand").statuses == OPEN_STATUSES
    assert read("new Papua New Guinea").where.codes == "PG" and read("new Papua New Guinea").statuses == ("new",)
    assert read("all Kenya, Uganda").where.codes == "KE UG"


@pytest.mark.parametrize(
    "text, problem",
    [
        ("lead @Juan", "pick the person from Slack's list so it becomes a mention"),
        ("lead", "Say whose requests"),
        ("org", "Say which organisation"),
        ("closed open", "Give one of"),
        ("Kenja", "Did you mean Kenya"),
        ("#laws #safe", "one strategy"),
    ],
)
def test_bad_lists_are_answered(text, problem):
    with pytest.raises(UserError, match=problem):
        read(text)


def test_the_next_page_reads_the_query_back_the_same():
    for text in ("closed overdue Kenya #laws lead <@U0AMINA> org WHO", "Eastern Africa, Kenya", "stuck", "mine"):
        query = read(text)
        assert read(list_query(query)) == query, text
    assert list_query(read("Eastern Africa in progress")) == "in-progress 014"
