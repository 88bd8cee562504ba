"""End to end: the real bot in HTTP mode, driven by signed requests like Slack's."""

from __future__ import annotations

import sqlite3
import time
from urllib.parse import urlencode

from bot.run.block_kit import message_problems
from tests.conftest import BOT_TOKEN, COORDINATOR, SIGNING_SECRET
from tests.driver import sign


def coordinators_in(bot) -> set[str]:
    with sqlite3.connect(bot.cwd / "iwg.sqlite3") as db:
        return {row[0] for row in db.execute("SELECT user_id FROM coordinators")}


def valid_ephemeral(answer) -> dict:
    assert answer.status == 200, answer.body
    message = answer.json
    assert message_problems(message) == []
    assert message["response_type"] == "ephemeral"
    return message


def test_help_lists_every_command_with_an_example(bot):
    driver, _ = bot
    message = valid_ephemeral(driver.command("/iwg", "help"))
    text = str(message["blocks"])
    for command in (
        "/iwg coordinators",
        "/iwg orgs",
        "/ta new",
        "/ta assign",
        "/meetings add",
        "/agenda add",
        "/poll close",
    ):
        assert command in text
    assert text.count("e.g. `") >= 25
    assert valid_ephemeral(driver.command("/iwg", ""))["blocks"] == message["blocks"]


def test_health_check(bot):
    driver, _ = bot
    answer = driver.get("/healthz")
    assert (answer.status, answer.json) == (200, {"ok": True})
    assert driver.get("/nowhere").status == 404


def test_bad_signatures_get_401_and_change_nothing(bot):
    driver, process = bot
    body = driver.command_body("/iwg", "coordinators add <@U0EVE|eve>", user_id=COORDINATOR)
    now = int(time.time())
    refused = {
        "unsigned": driver.post(body, signed=False),
        "wrong secret": driver.post(body, secret="not-the-secret"),
        "stale": driver.post(body, timestamp=now - 6 * 60),
        "garbage signature": driver.post(body, signature="v0=deadbeef"),
        "altered": driver.post(
            body.replace("U0EVE", "U0MAL"), signature=sign(SIGNING_SECRET, str(now), body), timestamp=now
        ),
    }
    assert {name: answer.status for name, answer in refused.items()} == dict.fromkeys(refused, 401)
    assert coordinators_in(process) == {COORDINATOR}
    # and the same request, properly signed, does go through
    assert "now a coordinator" in driver.post(body).body
    assert coordinators_in(process) == {COORDINATOR, "U0EVE"}


def test_no_secret_or_body_in_the_logs(bot):
    driver, process = bot
    marker = "bodymarker-7f3a"
    body = driver.command_body("/iwg", f"coordinators {marker}", user_id=COORDINATOR)
    assert driver.post(body, secret="wrong").status == 401
    assert driver.post(body, signed=False).status == 401
    assert driver.post(body).status == 200
    driver.command("/nonexistent", marker)  # unhandled: Bolt warns about it
    logs = process.logs()
    assert "Invalid request signature" not in logs and "request body" not in logs.lower()
    for secret in (BOT_TOKEN, SIGNING_SECRET, marker, "xoxb-"):
        assert secret not in logs


def test_coordinators_list_add_remove(bot):
    driver, process = bot
    listing = valid_ephemeral(driver.command("/iwg", "coordinators"))
    assert f"<@{COORDINATOR}>" in str(listing["blocks"])

    added = valid_ephemeral(driver.command("/iwg", "coordinators add <@U0AMINA|amina>", user_id=COORDINATOR))
    assert "<@U0AMINA> is now a coordinator" in added["text"]
    again = valid_ephemeral(driver.command("/iwg", "coordinators add <@U0AMINA|amina>", user_id=COORDINATOR))
    assert "already" in str(again["blocks"])
    assert coordinators_in(process) == {COORDINATOR, "U0AMINA"}

    # the new coordinator can act; the configured one cannot be removed from Slack
    refused = valid_ephemeral(driver.command("/iwg", f"coordinators remove <@{COORDINATOR}|c>", user_id="U0AMINA"))
    assert "IWG_COORDINATORS" in refused["text"]
    removed = valid_ephemeral(driver.command("/iwg", "coordinators remove <@U0AMINA|amina>", user_id="U0AMINA"))
    assert "no longer a coordinator" in removed["text"]
    assert coordinators_in(process) == {COORDINATOR}


def test_members_are_refused_coordinator_actions_and_nothing_changes(bot):
    driver, process = bot
    for text in ("coordinators add <@U0EVE|eve>", f"coordinators remove <@{COORDINATOR}|c>"):
        message = valid_ephemeral(driver.command("/iwg", text, user_id="U0MEMBER"))
        assert message["text"].startswith("Only coordinators can")
        assert f"<@{COORDINATOR}>" in message["text"]  # whom to ask
    assert coordinators_in(process) == {COORDINATOR}


def test_bad_input_gets_a_clear_ephemeral_answer(bot):
    driver, process = bot
    cases = {
        "frobnicate": "not a command I know",
        "coordinators add": "I need one person",
        "coordinators add @amina": "I need one person",
        "coordinators promote <@U0X|x>": "not a form I know",
        "coordinators remove <@U0NOBODY|n>": "not a coordinator",
        "x" * 5000: "the most a command takes",
    }
    for text, expected in cases.items():
        message = valid_ephemeral(driver.command("/iwg", text, user_id=COORDINATOR))
        assert expected in message["text"], (text, message["text"])
        assert message["blocks"][0]["text"]["text"].startswith(":warning:")
    assert coordinators_in(process) == {COORDINATOR}


def test_user_text_is_escaped_in_replies(bot):
    driver, _ = bot
    # Slack sends typed & < > as entities; a reply must never turn them back into markup
    for typed in (
        "&lt;!channel&gt; &amp; &lt;https://evil.example|bank&gt;",
        "<!channel>",
        "<https://evil.example|bank>",
    ):
        message = valid_ephemeral(driver.command("/iwg", typed))
        text = str(message)
        assert "<!channel>" not in text and "<https://evil" not in text, text
        assert "&lt;" in text


def test_every_family_answers_help(bot):
    driver, _ = bot
    for command in ("/iwg", "/ta", "/meetings", "/agenda", "/poll"):
        message = valid_ephemeral(driver.command(command, "help"))
        text = str(message["blocks"])
        assert f"*{command}*" in text and "e.g. `" in text


def test_interactions_are_verified_too(bot):
    driver, _ = bot
    payload = {
        "type": "block_actions",
        "user": {"id": "U0MEMBER"},
        "team": {"id": "T0LOCAL"},
        "actions": [{"action_id": "nothing", "type": "button"}],
        "api_app_id": "A0IWG",
    }
    assert driver.interaction(payload, signed=False).status == 401
    assert driver.post(urlencode({"payload": "{}"}), secret="wrong").status == 401


def test_startup_checks_the_token_with_slack(bot, standin):
    auth = standin.calls_to("auth.test")
    assert auth and auth[0].args["_authorization"] == f"Bearer {BOT_TOKEN}"


def test_logs_say_what_runs(bot):
    _, process = bot
    logs = process.logs()
    assert "HTTP mode: POST /slack/events and GET /healthz on port" in logs
    assert "will be unused" not in logs and "WARNING" not in logs


def test_commands_buttons_and_forms_nobody_handles_get_an_answer_not_an_error(bot, standin):
    driver, _ = bot
    message = valid_ephemeral(driver.command("/unknown", "hi"))
    assert "`/unknown` is not a command of mine; `/iwg help` lists them." in str(message)
    calls_before = len(standin.calls)
    assert driver.click("some_old_button", "1", user_id="U0MEMBER").status == 200
    assert (
        driver.submit(
            {"type": "modal", "callback_id": "some_old_form", "private_metadata": ""}, {}, user_id="U0MEMBER"
        ).status
        == 200
    )
    assert len(standin.calls) == calls_before  # acknowledged; nothing posted, nothing changed


def test_the_router_refuses_two_handlers_for_one_name():
    import pytest

    from handlers.router import Router

    router = Router()
    router.command("/ta")(lambda ack: None)
    with pytest.raises(ValueError, match="/ta"):
        router.command("/ta")(lambda ack: None)


def test_a_start_while_slack_is_unreachable_waits_for_it_in_one_line_each_try(tmp_dir):
    from tests.conftest import CHANNEL, COORDINATOR, BotProcess, clean_env, free_port
    from tests.slack_standin import SlackStandIn

    api_port, port = free_port(), free_port()  # nothing listens on api_port yet: Slack is down
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        PORT=str(port),
        SLACK_API_URL=f"http://127.0.0.1:{api_port}/api/",
        IWG_DATABASE=str(tmp_dir / "iwg.sqlite3"),
        IWG_COORDINATORS=COORDINATOR,
        IWG_CHANNEL=CHANNEL,
    )
    bot = BotProcess(env, tmp_dir)
    slack = None
    try:
        deadline = time.monotonic() + 20
        while "trying again" not in bot.logs() and time.monotonic() < deadline:
            assert bot.proc.poll() is None, bot.logs()
            time.sleep(0.1)
        time.sleep(1.5)  # a second try, after its 1 s wait
        logs = bot.logs()
        assert "Traceback" not in logs and "slack_sdk" not in logs and "Failed to send" not in logs, logs
        assert logs.count("Slack cannot be reached") >= 2  # one line a try, nothing else
        slack = SlackStandIn(port=api_port).start()  # Slack is back
        bot.wait_healthy(port, timeout=30)
        assert "Traceback" not in bot.logs()
    finally:
        bot.stop()
        if slack:
            slack.stop()
