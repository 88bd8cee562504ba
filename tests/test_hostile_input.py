"""Forms and buttons sent back odd, tampered or impossible: each gets a field error or an
ephemeral answer saying what was wrong, nothing half-written, nothing typed in the log."""

from __future__ import annotations

import json
from datetime import date

import pytest

from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_polls import CHANNEL, click, post_poll
from tests.test_ta import count_requests, log_request, rows

MEMBER = "U0MEMBER"
MARKER = "typedmarker"
NEXT_YEAR = date.today().year + 1


def request_form(driver, standin) -> dict:
    assert driver.command("/ta", "", user_id=MEMBER).body == ""
    return standin.wait_for(lambda: standin.calls_to("views.open"), what="the request form")[-1].args["view"]


def form_values(**fields) -> dict:
    """A state.values with good fields, and those given replaced as they are."""
    values = {
        "country": {"value": {"type": "plain_text_input", "value": "Kenya"}},
        "need": {"value": {"type": "plain_text_input", "value": "Training for social workers"}},
        "strategies": {"value": {"type": "multi_static_select", "selected_options": [{"value": "safe"}]}},
        "kind": {"value": {"type": "static_select", "selected_option": {"value": "training"}}},
        "due": {"value": {"type": "datepicker", "selected_date": None}},
    }
    values.update(fields)
    return values


def assert_field_errors(answer, fields: set[str]) -> dict:
    assert answer.status == 200, answer
    reply = answer.json
    assert reply.get("response_action") == "errors", reply
    assert set(reply["errors"]) == fields, reply["errors"]
    assert all(text and "Something went wrong" not in text for text in reply["errors"].values())
    return reply["errors"]


@pytest.mark.parametrize(
    "fields, wrong",
    [
        ({"due": {"value": {"type": "datepicker", "selected_date": "tomorrow"}}}, {"due"}),
        ({"due": {"value": {"type": "datepicker", "selected_date": f"{NEXT_YEAR}-02-30"}}}, {"due"}),
        ({"due": {"value": {"type": "datepicker", "selected_date": f"'{MARKER}'"}}}, {"due"}),
        ({"need": {"value": {"type": "plain_text_input", "value": 123}}}, {"need"}),
        ({"country": {"value": {"type": "plain_text_input", "value": ["Kenya"]}}}, {"country"}),
        ({"strategies": {"value": {"type": "multi_static_select", "selected_options": "safe"}}}, {"strategies"}),
        ({"kind": {"value": {"type": "static_select", "selected_option": "abc"}}}, {"kind"}),
        ({"kind": {"value": {"type": "static_select", "selected_option": {"value": "bribes"}}}}, {"kind"}),
        ({"country": {}, "need": {"value": {}}}, {"country", "need"}),
    ],
)
def test_the_request_form_answers_odd_values_by_field(bot, standin, fields, wrong):
    driver, process = bot
    form = request_form(driver, standin)
    assert_field_errors(driver.submit(form, form_values(**fields), MEMBER), wrong)
    assert count_requests(process) == 0
    logs = process.logs()
    assert MARKER not in logs and "listener failed" not in logs and "Traceback" not in logs


def assign_form(driver, standin) -> dict:
    log_request(driver)
    driver.click("ta_assign", "1", COORDINATOR)
    return standin.wait_for(lambda: standin.calls_to("views.open"), what="the assign form")[-1].args["view"]


@pytest.mark.parametrize(
    "organisation, lead, metadata, wrong",
    [
        ({"value": "abc"}, None, None, {"organisation"}),
        (None, None, None, {"organisation"}),
        ("not an option", None, None, {"organisation"}),
        ({"value": "99999"}, None, None, {"organisation"}),
        ({"value": "1"}, "<!channel>", None, {"lead"}),
        ({"value": "1"}, None, "TA-1; DROP TABLE", {"organisation"}),
        ({"value": "1"}, None, "", {"organisation"}),
        ({"value": "1"}, None, "424242", {"organisation"}),
    ],
)
def test_the_assign_form_answers_odd_values_by_field(bot, standin, organisation, lead, metadata, wrong):
    driver, process = bot
    form = assign_form(driver, standin)
    if metadata is not None:
        form = {**form, "private_metadata": metadata}
    values = {
        "organisation": {"value": {"type": "static_select", "selected_option": organisation}},
        "lead": {"value": {"type": "users_select", "selected_user": lead}},
    }
    assert_field_errors(driver.submit(form, values, COORDINATOR), wrong)
    assert rows(process, "SELECT status, organisation_id FROM ta_requests") == [("new", None)]
    assert "listener failed" not in process.logs()


def agenda_form(driver, standin) -> dict:
    answer = driver.command("/meetings", f"add Q1 meeting on 24 February {NEXT_YEAR + 1}", user_id=COORDINATOR)
    assert "Scheduled" in answer.body
    driver.click("home_propose_item", "", MEMBER)
    return standin.wait_for(lambda: standin.calls_to("views.open"), what="the agenda form")[-1].args["view"]


def agenda_values(item, minutes=None) -> dict:
    return {
        "item": {"value": {"type": "plain_text_input", "value": item}},
        "minutes": {"value": {"type": "number_input", "value": minutes}},
    }


@pytest.mark.parametrize(
    "values, metadata, wrong",
    [
        ({}, None, {"item"}),
        (agenda_values(None), None, {"item"}),
        (agenda_values("Budget", "abc"), None, {"minutes"}),
        (agenda_values("Budget", "99999"), None, {"minutes"}),
        (agenda_values("Budget", "0"), None, {"minutes"}),
        (agenda_values("Budget", "1.5"), None, {"minutes"}),
        (agenda_values("Budget", "15"), "x", {"item"}),
        (agenda_values("Budget", "15"), "1", {"item"}),  # M-1: the 2024 Q1 meeting, long over
        (agenda_values("Budget", "15"), "999", {"item"}),
    ],
)
def test_the_agenda_form_answers_odd_values_and_stores_nothing(bot, standin, values, metadata, wrong):
    driver, process = bot
    form = agenda_form(driver, standin)
    if metadata is not None:
        form = {**form, "private_metadata": metadata}
    errors = assert_field_errors(driver.submit(form, values, MEMBER), wrong)
    assert rows(process, "SELECT count(*) FROM agenda_items") == [(0,)]
    if metadata == "1":
        assert "M-1 is over" in errors["item"]


def test_the_agenda_form_stores_its_minutes_as_minutes(bot, standin):
    driver, process = bot
    form = agenda_form(driver, standin)
    assert driver.submit(form, agenda_values("Budget (abc min)", "20"), MEMBER).status == 200
    assert rows(process, "SELECT text, minutes FROM agenda_items") == [("Budget (abc min)", 20)]


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("Budget (abc min)", "“abc” is not a number of minutes"),
        ("Budget (9999 min)", "9999 minutes is not a time an item can take"),
    ],
)
def test_agenda_add_refuses_minutes_it_cannot_read(bot, typed, problem):
    driver, process = bot
    driver.command("/meetings", f"add Q1 meeting on 24 February {NEXT_YEAR + 1}", user_id=COORDINATOR)
    answer = valid_ephemeral(driver.command("/agenda", f"add {typed}"))
    assert problem in answer["text"]
    assert rows(process, "SELECT count(*) FROM agenda_items") == [(0,)]


def answers(standin) -> list[str]:
    return [call.args["text"] for call in standin.responses]


def test_votes_that_cannot_be_counted_say_why(bot, standin):
    driver, process = bot
    first, _ = post_poll(driver, standin, '"Venue?" "Nairobi" "Lima" "Quito"')
    second, _ = post_poll(driver, standin, '"Date?" "May" "June"')
    for value in ("99999:0", "1:8", "2:1"):  # no such poll; no option 9; another poll's vote in P-1's message
        driver.click("poll_vote:0", value, "U0ODD", channel_id=CHANNEL, message_ts=first["ts"])
    said = standin.wait_for(lambda: len(answers(standin)) == 3 and answers(standin), what="three answers")
    assert sorted(said) == sorted(
        [
            "There is no poll P-99999.",
            "P-1 has no option 9, so no vote was counted.",
            "That button is not in the message of P-2, so I did nothing.",
        ]
    )
    assert rows(process, "SELECT count(*) FROM poll_votes") == [(0,)]
    click(driver, second, 1, "U0ODD")  # the same vote, from its own message, counts
    standin.wait_for(lambda: rows(process, "SELECT poll_id, option FROM poll_votes") == [(2, 1)], what="the vote")


def test_a_close_button_from_another_message_closes_nothing(bot, standin):
    driver, process = bot
    first, _ = post_poll(driver, standin, '"Venue?" "Nairobi" "Lima"')
    post_poll(driver, standin, '"Date?" "May" "June"')
    driver.click("poll_close", "2", "U0ASKER", channel_id=CHANNEL, message_ts=first["ts"])
    standin.wait_for(lambda: answers(standin), what="the answer")
    assert answers(standin) == ["That button is not in the message of P-2, so I did nothing."]
    assert rows(process, "SELECT count(*) FROM polls WHERE closed_at IS NOT NULL") == [(0,)]


@pytest.mark.parametrize(
    "action_id, value, expected",
    [
        ("ta_history_page", json.dumps({"id": 99, "before": 5}), "There is no request TA-99."),
        ("ta_history_page", "{not json", "That button is not one I made"),
        ("ta_history_page", json.dumps({"id": "x"}), "That button is not one I made"),
        ("ta_list_page", json.dumps({"q": "all", "p": "x"}), "That button is not one I made"),
        ("ta_list_page", "[]", "That button is not one I made"),
        ("ta_decline", "abc", "That button is not one I made"),
        ("ta_assign", "TA-99", "There is no request TA-99."),
        ("poll_close", "x", "That button is not one I made"),
    ],
)
def test_tampered_buttons_get_an_answer_and_no_error_in_the_log(bot, standin, action_id, value, expected):
    driver, process = bot
    assert driver.click(action_id, value, COORDINATOR).status == 200
    said = standin.wait_for(lambda: answers(standin), what="the answer")
    assert said[0].startswith(expected), said
    assert " ERROR " not in process.logs()


def test_a_long_list_query_makes_a_button_slack_takes(bot):
    driver, _ = bot
    for n in range(16):
        log_request(driver, f"Kenya: need number {n} #laws")
    listed = valid_ephemeral(driver.command("/ta", "list all" + " " * 2500 + "#laws", user_id=MEMBER))
    button = next(b for b in listed["blocks"] if b["type"] == "actions")["elements"][0]
    assert json.loads(button["value"]) == {"q": "all #laws", "p": 1}
