"""`/ta status`, `/ta edit` and `/ta new`'s due date, read (bot/parsing/ta_command.py)."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.parsing.ta_command import parse_new, read_assign, read_edit, read_status

UTC = ZoneInfo("UTC")
NOW = datetime(2026, 11, 25, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "typed, status, note",
    [
        ("TA-1 in progress", "in-progress", None),
        ("TA-1 In Progress first call held", "in-progress", "first call held"),
        ("TA-1 inprogress", "in-progress", None),
        ("TA-1 started", "in-progress", None),
        ("1 done report shared", "completed", "report shared"),
        ("1 closed", "completed", None),
        ("1 finished", "completed", None),
        ("1 rejected out of scope", "declined", "out of scope"),
        ("1 in-progress", "in-progress", None),
        ("1 Done.", "completed", None),
        ("1 finished: report shared", "completed", "report shared"),
    ],
)
def test_statuses_are_read_in_their_natural_words(typed, status, note):
    assert read_status(typed) == (1, status, note)


def test_an_unknown_status_says_so_and_shows_them():
    with pytest.raises(UserError, match="“in” is not a status") as caught:
        read_status("TA-1 in")
    assert "`in-progress`" in caught.value.usage


def test_edits_name_a_field_and_its_value():
    assert read_edit("TA-3 country Kenya and Uganda", UTC, NOW)[1].where.codes == "KE UG"
    assert read_edit("3 where Eastern Africa", UTC, NOW)[1].where.codes == "014"
    assert read_edit("3 strategies #laws, #safe", UTC, NOW)[1].strategies == ["laws", "safe"]
    assert read_edit("3 strategies none", UTC, NOW)[1].strategies == []
    assert read_edit("3 due Q1 2027", UTC, NOW)[1].due == date(2027, 3, 31)
    assert read_edit("3 due none", UTC, NOW)[1].due is None
    assert read_edit("3 need  training for judges ", UTC, NOW)[1].need == "training for judges"
    for bad, problem in (
        ("3", "what to change"),
        ("3 colour red", "not something a request has"),
        ("3 strategies laws", "Give the strategy tags"),
        ("3 country kenja", "Did you mean Kenya"),  # an edit is a correction: asked, not guessed
        ("3 due Febtember", "couldn't read"),
    ):
        with pytest.raises(UserError, match=problem):
            read_edit(bad, UTC, NOW)


@pytest.mark.parametrize(
    "typed, need, due, problem",
    [
        ("Kenya: training by end of March", "training", date(2027, 3, 31), None),
        ("Kenya: training by mid-January", "training", date(2027, 1, 15), None),
        ("Kenya: training by Q1 2027", "training", date(2027, 3, 31), None),  # was 1 March
        ("Kenya: training by next quarter", "training", date(2027, 3, 31), None),
        ("Kenya: training by in 6 weeks", "training", date(2027, 1, 6), None),
        ("Kenya: training by phone", "training by phone", None, None),
        ("Kenya: training by phone by March", "training by phone", date(2027, 3, 31), None),  # the last "by"
        (
            "Kenya: coaching delivered by early childhood educators",
            "coaching delivered by early childhood educators",
            None,
            None,
        ),
        ("Kenya: mentoring by 3 partner NGOs", "mentoring by 3 partner NGOs", None, None),
        ("Kenya: training by Febtember", "training", None, "“Febtember”"),
        ("Kenya: training by 1 January 2020", "training", None, "in the past"),
    ],
)
def test_a_due_date_is_read_or_said_never_silently_kept_in_the_need(typed, need, due, problem):
    new = parse_new(typed, UTC, NOW)
    assert (new.need, new.due_date) == (need, due)
    assert (problem is None and new.due_problem is None) or problem in new.due_problem


def test_a_typed_at_name_is_not_taken_for_a_lead():
    assert read_assign("TA-5 SVRI <@U0JUAN>") == (5, "SVRI", "U0JUAN")
    with pytest.raises(UserError, match="pick the person from Slack's list so it becomes a mention"):
        read_assign("TA-5 svri @Juan")
