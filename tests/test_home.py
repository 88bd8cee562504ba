"""The coordinator's App Home: "Needs you" first, the stuck requests by why they are stuck.

The app runs in this process on a clock the test moves (tests/clocked.py), so requests are
logged, assigned and noted weeks ago as a coordinator would have done it, and the Home is
opened today; the stand-in checks every view it receives.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from storage.db import to_iso
from tests.clocked import NOW, ClockedBot
from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral

MEMBER, LEAD, OTHER_LEAD = "U0MEMBER", "U0LEAD", "U0LEAD2"
WHO = "World Health Organization (WHO)"


@pytest.fixture
def clocked(tmp_dir, standin):
    bot = ClockedBot(tmp_dir, standin)
    yield bot
    bot.close()


def run(bot: ClockedBot, command: str, text: str, user_id: str = COORDINATOR) -> str:
    reply = valid_ephemeral(bot.driver.command(command, text, user_id=user_id))
    return json.dumps(reply, ensure_ascii=False)


def log(bot: ClockedBot, text: str) -> None:
    assert "Logged" in run(bot, "/ta", f"new {text}", MEMBER)


def some_stuck(bot: ClockedBot) -> None:
    """TA-1 unassigned 40 days; TA-2 past its due date; TA-3 quiet 31 days; TA-4 quiet 29
    days, TA-5 unassigned 10 days and TA-6 completed 40 days ago, none of them stuck."""
    bot.days_ago(40)
    log(bot, "Peru: teacher training #education")
    log(bot, f"Chile: parenting programme #parenting by {NOW - timedelta(days=5):%d %B %Y}")
    run(bot, "/ta", f"assign TA-2 WHO <@{LEAD}>")
    log(bot, "Ghana: evidence review")
    run(bot, "/ta", "assign TA-3 WHO")
    run(bot, "/ta", "status TA-3 completed")
    bot.days_ago(31)
    log(bot, "Kenya: national action plan #laws")
    run(bot, "/ta", f"assign TA-4 WHO <@{OTHER_LEAD}>")
    bot.days_ago(29)
    log(bot, "Uganda: survey support #monitoring")
    run(bot, "/ta", "assign TA-5 ISS")
    bot.days_ago(10)
    log(bot, "Brazil: school safety #safe")
    bot.days_ago(2)
    run(bot, "/ta", "note TA-2 first workshop planned", LEAD)  # activity, but still past its due date
    bot.days_ago(0)


def section_texts(view: dict) -> list[str]:
    return [b["text"]["text"] for b in view["blocks"] if b["type"] in ("section", "context") and "text" in b]


def line_of(view: dict, ref: str) -> dict:
    (found,) = [b for b in view["blocks"] if b["type"] == "section" and f"*{ref}*" in b["text"]["text"]]
    return found


def test_a_coordinators_home_opens_with_what_needs_them(clocked):
    some_stuck(clocked)
    view = clocked.home(COORDINATOR)
    texts = section_texts(view)
    assert texts[0].startswith("*Needs you*"), texts[:2]

    unassigned = line_of(view, "TA-1")
    assert "Peru" in unassigned["text"]["text"] and "unassigned for 40 days" in unassigned["text"]["text"]
    assert unassigned["accessory"]["action_id"] == "ta_assign" and unassigned["accessory"]["value"] == "TA-1"

    overdue = line_of(view, "TA-2")["text"]["text"]
    assert "5 days past its due date" in overdue and WHO in overdue and f"<@{LEAD}>" in overdue
    assert "`/ta show TA-2`" in overdue
    quiet = line_of(view, "TA-4")["text"]["text"]
    assert "quiet since" in quiet and WHO in quiet and f"<@{OTHER_LEAD}>" in quiet and "`/ta show TA-4`" in quiet
    assert "accessory" not in line_of(view, "TA-2") and "accessory" not in line_of(view, "TA-4")

    shown = json.dumps(view)
    for not_stuck in ("TA-3", "TA-5", "TA-6"):
        assert f"*{not_stuck}*" not in shown
    # in the order the coordinator acts: assign, then chase what is late, then what is quiet
    order = [i for i, text in enumerate(texts) if any(f"*TA-{n}*" in text for n in (1, 2, 4))]
    assert [texts[i].split("*")[1] for i in order] == ["TA-1", "TA-2", "TA-4"]
    assert "For coordinators" in shown and "stuck: *3*" in shown


def test_a_members_home_has_no_needs_you(clocked):
    some_stuck(clocked)
    view = json.dumps(clocked.home(MEMBER))
    assert "Needs you" not in view and "For coordinators" not in view
    assert "*TA-1*" in view  # their own requests, as before


def test_assign_from_the_home_opens_the_form_and_assigns(clocked):
    some_stuck(clocked)
    clocked.home(COORDINATOR)
    # a click in a Home view has no response_url and no channel
    assert clocked.driver.home_click("ta_assign", "TA-1", COORDINATOR).status == 200
    form = clocked.standin.wait_for(lambda: clocked.standin.calls_to("views.open"), what="the assign form")[-1]
    view = form.args["view"]
    assert view["callback_id"] == "ta_assign_form" and view["private_metadata"] == "1"
    who = next(o for o in view["blocks"][1]["element"]["options"] if o["text"]["text"] == WHO)
    answer = clocked.driver.submit(
        view,
        {
            "organisation": {"value": {"type": "static_select", "selected_option": who}},
            "lead": {"value": {"type": "users_select", "selected_user": LEAD}},
        },
        COORDINATOR,
    )
    assert (answer.status, answer.body) == (200, "")
    assert clocked.services.ta_service.get(1).status == "assigned"
    assert "*TA-1*" not in json.dumps(clocked.home(COORDINATOR))


def test_a_refused_click_in_the_home_is_answered_by_direct_message(clocked):
    some_stuck(clocked)
    clocked.home(COORDINATOR)
    run(clocked, "/ta", "assign TA-1 WHO")  # meanwhile, from a command
    assert clocked.driver.home_click("ta_assign", "TA-1", COORDINATOR).status == 200
    clocked.drain()
    (answer,) = [m for m in clocked.standin.dms_to(COORDINATOR) if "already assigned" in json.dumps(m)]
    assert "TA-1 is already assigned" in answer["text"]


def test_the_needs_you_list_is_capped_within_a_home_views_limits(clocked):
    long_ago, recent = to_iso(NOW - timedelta(days=60)), to_iso(NOW - timedelta(days=1))
    rows = [("KE", f"need {n} <!channel> " + "x" * 300, MEMBER, "new", None, long_ago, long_ago) for n in range(300)]
    rows += [("UG", f"late {n}", MEMBER, "assigned", "2031-01-01", long_ago, recent) for n in range(300)]
    rows += [("PE", f"quiet {n}", MEMBER, "in-progress", None, long_ago, long_ago) for n in range(300)]
    rows += [("GH", f"mine {n}", COORDINATOR, "new", None, recent, recent) for n in range(30)]
    with clocked.services.storage.write() as db:
        db.conn.executemany(
            "INSERT INTO ta_requests (country, need, strategies, requester, status, due_date, created_at, updated_at)"
            " VALUES (?, ?, '', ?, ?, ?, ?, ?)",
            rows,
        )
    for n in range(3):  # open polls take one section however many (the stand-in posts four at once)
        assert clocked.driver.command("/poll", f'"Question {n}?" "Yes" "No"', user_id=MEMBER).status == 200
    clocked.drain()
    run(clocked, "/meetings", f"add Q1 on {NOW + timedelta(days=9):%d %B %Y} at 10:00")
    for n in range(12):
        run(clocked, "/agenda", f"add Item {n} (10 min)", MEMBER)
    view = clocked.home(COORDINATOR)
    shown = json.dumps(view, ensure_ascii=False)
    # Slack takes 100 blocks in a Home view; the stand-in holds views to a message's 50
    assert len(view["blocks"]) <= 50 and len(shown) < 100_000
    assert "Next meeting: M-" in shown and "…and 2 more: `/agenda`" in shown and "Question 2?" in shown
    assert "<!channel>" not in shown
    for what in ("unassigned", "past their due date", "quiet"):
        assert f"…and 295 more {what}: `/ta list stuck`" in shown, what
    assert "stuck: *900*" in shown
    # the stand-in has checked the view with slack_sdk's View model (its teardown fails the test otherwise)
