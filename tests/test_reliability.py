"""Unbreakable under odd input and Slack's bad days: fuzzed commands, outages, replays."""

from __future__ import annotations

import sqlite3

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.run.block_kit import message_problems
from tests.conftest import COORDINATOR
from tests.test_ta import log_request

FORMS = {
    "/iwg": ["", "help", "coordinators", "coordinators add", "coordinators remove", "orgs", "orgs add", "digest"],
    "/ta": ["help", "new", "list", "show", "assign", "status", "note", "export"],
    "/meetings": ["", "help", "2024", "post", "add", "cancel", "ics"],
    "/agenda": ["", "help", "add", "remove", "post", "M-1"],
    "/poll": ["help", "list", "close", '"Q?" "a" "b"', "“Q?” “a”"],
}
SLACKISH = st.sampled_from(
    [
        "<@U0X|x>",
        "<!channel>",
        "&lt;",
        "&amp;",
        "<#C1|general>",
        "<https://x.org|x>",
        "#safe",
        "TA-1",
        "M-5",
        "A-1",
        "P-1",
        "by 30 March",
        "on 3 March",
        "at 14:00",
        "(15 min)",
        "closes",
        "anonymous",
        '"',
        "“",
        "”",
        ":",
        "\x00",
        "\x1b",
        "\u202e",
        "تدريب",
        "9" * 30,
        "-1",
        "0",
    ]
)
WORDS = st.lists(st.one_of(SLACKISH, st.text(max_size=20)), max_size=8).map(" ".join)


@st.composite
def commands(draw):
    command = draw(st.sampled_from(sorted(FORMS)))
    text = f"{draw(st.sampled_from(FORMS[command]))} {draw(WORDS)}".strip()
    if draw(st.booleans()):
        text = draw(st.text(max_size=300))
    return command, text, draw(st.sampled_from([COORDINATOR, "U0MEMBER"]))


def test_any_command_text_gets_an_answer_and_the_database_stays_sound(bot, standin):
    driver, process = bot
    log_request(driver)
    answered = []

    @settings(
        max_examples=250,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    )
    @given(commands())
    def run(case):
        command, text, user = case
        answer = driver.command(command, text, user_id=user)
        assert answer.status == 200, (command, text, answer.status)
        if answer.body:  # an empty ack only where a form opens or a poll is posted
            message = answer.json
            assert message_problems(message) == [], (command, text)
            assert "Something went wrong" not in message["text"], (command, text)  # a crash behind a polite face
        else:
            assert (command, text.split(" ")[0]) in {("/ta", ""), ("/poll", text.split(" ")[0])}, (command, text)
        answered.append(command)

    run()
    assert len(answered) >= 250
    with sqlite3.connect(process.cwd / "iwg.sqlite3") as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
        assert db.execute("PRAGMA foreign_key_check").fetchall() == []
    assert "Traceback" not in process.logs()
    for call in standin.calls:  # whatever was typed, no channel post pings anyone
        if call.method in ("chat.postMessage", "chat.update") and not str(call.args.get("channel")).startswith("D"):
            posted = str(call.args)
            assert not any(ping in posted for ping in ("<@U", "<!channel>", "<!here>", "<!everyone>")), posted[:300]


def test_notifications_survive_rate_limits_errors_and_dropped_connections(bot, standin):
    driver, _ = bot
    standin.http_failures["conversations.open"] = [(0, {}), (429, {"Retry-After": "1"}), (500, {}), (0, {}), (0, {})]
    log_request(driver)
    announced = standin.wait_for(lambda: standin.dms_to(COORDINATOR), timeout=30, what="the announcement")
    assert len(announced) == 1
    tries = [c.method for c in standin.calls if c.method.startswith("conversations.open")]
    assert (
        tries[:5]
        == [
            "conversations.open:dropped",
            "conversations.open:429",
            "conversations.open:500",
            "conversations.open:dropped",
            "conversations.open:dropped",
        ]
        and tries[-1] == "conversations.open"
    )
