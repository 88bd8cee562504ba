"""The weekly digest and the App Home."""

from __future__ import annotations

import json
import sqlite3
import time
from datetime import datetime, timedelta, timezone

import pytest

from tests.clocked import ClockedBot
from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_ta import log_request

MEMBER = "U0MEMBER"


def shift(process, sql: str, *params) -> None:
    with sqlite3.connect(process.cwd / "iwg.sqlite3") as db:
        db.execute(sql, params)


def ago(days: int) -> str:
    return (datetime.now(timezone.utc) - timedelta(days=days)).isoformat(timespec="seconds")


def digests_to(standin, user_id: str) -> list[dict]:
    return [m for m in standin.dms_to(user_id) if m["text"].startswith("IWG weekly digest")]


def test_the_digest_names_what_is_stuck_next_and_open(bot, standin):
    driver, process = bot
    for n in range(5):
        log_request(driver, f"Peru: need {n} #safe")
    shift(process, "UPDATE ta_requests SET created_at = ? WHERE id IN (1, 2)", ago(20))  # unassigned for 20 days
    driver.command("/ta", "assign 3 WHO", user_id=COORDINATOR)
    shift(process, "UPDATE ta_requests SET due_date = ? WHERE id = 3", "2020-01-01")  # past its due date
    driver.command("/ta", "assign 4 WHO", user_id=COORDINATOR)
    driver.command("/ta", "status 4 in-progress", user_id=COORDINATOR)
    driver.command("/ta", "status 4 completed", user_id=COORDINATOR)
    soon = datetime.now(timezone.utc) + timedelta(days=10)
    driver.command("/meetings", f"add Soon meeting on {soon:%d %B %Y} at 10:00", user_id=COORDINATOR)
    driver.command("/agenda", "add Item one (15 min)", user_id=MEMBER)
    driver.command("/agenda", "add Item two (30 min)", user_id=MEMBER)
    driver.command("/poll", '"Open question?" "Yes" "No"', user_id=MEMBER)
    standin.wait_for(lambda: [c for c in standin.calls_to("chat.postMessage") if "Open question" in c.args["text"]])

    assert valid_ephemeral(driver.command("/iwg", "digest", user_id=MEMBER))["text"].startswith("Only coordinators")
    assert "on its way" in valid_ephemeral(driver.command("/iwg", "digest", user_id=COORDINATOR))["text"]
    digest = standin.wait_for(lambda: digests_to(standin, COORDINATOR), what="the digest")[0]
    text = json.dumps(digest["blocks"], ensure_ascii=False)
    assert "new this week: 3*" in text  # 5 logged, 2 of them moved 20 days back
    assert ":new: new: *3*" in text and "assigned: *1*" in text and "in-progress: *0*" in text
    assert "Completed this week: *1*" in text
    assert "*Stuck: 3*" in text
    stuck = [b for b in digest["blocks"] if b.get("accessory", {}).get("action_id") == "ta_assign"]
    assert [b["accessory"]["value"] for b in stuck] == ["TA-1", "TA-2"]  # oldest first, with the assign button
    assert "unassigned for 20 days" in json.dumps(stuck)
    (late,) = [b["text"]["text"] for b in digest["blocks"] if "past its due date" in b.get("text", {}).get("text", "")]
    assert "*TA-3*" in late and "World Health Organization (WHO)" in late and "no lead named" in late
    assert "*TA-3*" in text and "Soon meeting" in text and "2 agenda items, 45 min" in text
    assert "Open question?" in text and "0 voted" in text


def test_the_digest_goes_out_once_a_week_across_processes_and_restarts(start_bot, standin):
    # due at the next minute's start, today: two processes wait for it, a third starts after
    due = (datetime.now(timezone.utc) + timedelta(minutes=1)).replace(second=0, microsecond=0)
    if (due - datetime.now(timezone.utc)).total_seconds() < 8:  # too close to plan both in time
        due += timedelta(minutes=1)
    setting = {"IWG_DIGEST": f"{due:%a %H:%M}"}
    start_bot(**setting)
    start_bot(**setting)
    wait = (due - datetime.now(timezone.utc)).total_seconds()
    standin.wait_for(lambda: digests_to(standin, COORDINATOR), timeout=wait + 10, what="the digest")
    start_bot(**setting)  # a restart after it went out: its catch-up finds the week claimed
    time.sleep(2)
    assert len(digests_to(standin, COORDINATOR)) == 1


def test_the_home_shows_a_members_part_within_block_kit_limits(bot, standin):
    driver, process = bot
    log_request(driver, user_id=MEMBER)
    driver.event({"type": "app_home_opened", "user": MEMBER, "tab": "home", "channel": "D0MEMBER"})
    one = standin.wait_for(lambda: standin.calls_to("views.publish"), what="the Home")[-1].args
    assert (
        one["user_id"] == MEMBER
        and "TA-1" in json.dumps(one["view"])
        and "For coordinators" not in json.dumps(one["view"])
    )

    with sqlite3.connect(process.cwd / "iwg.sqlite3") as db:  # 10,000 more, straight into the file
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        db.executemany(
            "INSERT INTO ta_requests (country, need, strategies, requester, status, created_at, updated_at)"
            " VALUES ('KE', ?, 'safe', ?, 'new', ?, ?)",
            [(f"need {n} <!channel> " + "x" * 300, MEMBER, now, now) for n in range(10_000)],
        )
    for user in (MEMBER, COORDINATOR):
        driver.event({"type": "app_home_opened", "user": user, "tab": "home", "channel": "D0X"})
    views = standin.wait_for(
        lambda: len(standin.calls_to("views.publish")) == 3 and standin.calls_to("views.publish"), what="the Homes"
    )
    latest = {call.args["user_id"]: call.args["view"] for call in views[1:]}  # the two may come in either order
    member_view, coordinator_view = json.dumps(latest[MEMBER]), json.dumps(latest[COORDINATOR])
    assert "and 9,991 more" in member_view and "<!channel>" not in member_view
    assert len(latest[MEMBER]["blocks"]) <= 100
    assert "For coordinators" in coordinator_view and "New this week: *10001*" in coordinator_view
    # the stand-in has checked each view with slack_sdk's View model (its teardown fails the test otherwise)


@pytest.fixture
def clocked(tmp_dir, standin):
    bot = ClockedBot(tmp_dir, standin)
    yield bot
    bot.close()


def test_an_assigned_request_quiet_for_30_days_is_stuck_and_names_who_holds_it(clocked):
    def run(text: str, user_id: str = COORDINATOR) -> None:
        valid_ephemeral(clocked.driver.command("/ta", text, user_id=user_id))

    clocked.days_ago(45)
    run("new Kenya: national action plan #laws", MEMBER)
    run("assign TA-1 WHO <@U0LEAD>")
    clocked.days_ago(31)
    run("status TA-1 in-progress", "U0LEAD")  # the last activity: 31 days ago
    clocked.days_ago(40)
    run("new Uganda: survey support #monitoring", MEMBER)
    clocked.days_ago(29)
    run("assign TA-2 ISS <@U0LEAD2>")  # 29 days ago: not quiet yet
    clocked.days_ago(0)

    assert "on its way" in valid_ephemeral(clocked.driver.command("/iwg", "digest", user_id=COORDINATOR))["text"]
    clocked.drain()
    digest = clocked.standin.wait_for(lambda: digests_to(clocked.standin, COORDINATOR), what="the digest")[0]
    texts = [b["text"]["text"] for b in digest["blocks"] if b["type"] == "section"]
    (heading,) = [t for t in texts if t.startswith("*Stuck")]
    assert heading.startswith("*Stuck: 1* (unassigned for more than 14 days, past their due date, or quiet for 30 days")
    (line,) = [t for t in texts if "*TA-1*" in t]
    assert "quiet since" in line and "World Health Organization (WHO)" in line and "<@U0LEAD>" in line
    assert "*TA-2*" not in json.dumps(digest)
