"""Console mode: the README's first command, scripted through a pipe."""

from __future__ import annotations

import io
import subprocess
import sys

from slack_sdk import WebClient
from slack_sdk.webhook import WebhookClient

from bot.run.console import ConsoleSlack, _as_slack_sends
from tests.conftest import ROOT, clean_env


def run_console(tmp_dir, script: str, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_dir,
        env=clean_env(**env),
        input=script,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_help_answers_in_the_console_on_an_embedded_database(tmp_dir):
    result = run_console(tmp_dir, "/iwg help\n")
    assert result.returncode == 0, result.stderr
    assert "── only you see this ──" in result.stdout
    assert "IWG BOT" in result.stdout and "/ta new <where>" in result.stdout
    assert "<!date" not in result.stdout and "&lt;" not in result.stdout  # rendered for people
    assert (tmp_dir / "iwg.sqlite3").exists()
    assert result.stderr == ""


def test_the_console_user_coordinates_and_can_act_as_a_member(tmp_dir):
    script = (
        "\n".join(
            [
                "/iwg coordinators add @U0AMINA",
                "as @U0BOB",
                "/iwg coordinators add @U0BOB",
                "as me",
                "/iwg coordinators",
                "/unknown thing",
                "quit",
                "/iwg help",  # after quit: never read
            ]
        )
        + "\n"
    )
    out = run_console(tmp_dir, script).stdout
    assert "@U0AMINA is now a coordinator." in out
    assert "You are now @U0BOB." in out
    assert "Only coordinators can add coordinators." in out
    assert "*Coordinators* (2)" in out
    assert "`/unknown` is not a command of mine; `/iwg help` lists them." in out
    assert "IWG BOT" not in out


def test_the_console_keeps_its_database_between_runs(tmp_dir):
    run_console(tmp_dir, "/iwg coordinators add @U0AMINA\n")
    assert "@U0AMINA" in run_console(tmp_dir, "/iwg coordinators\n").stdout


def test_typed_text_is_escaped_as_slack_does():
    assert _as_slack_sends("a & <b> @U0AMINA me@x.org") == "a &amp; &lt;b&gt; <@U0AMINA> me@x.org"


def test_web_api_calls_and_responses_are_printed_not_sent():
    out = io.StringIO()
    slack = ConsoleSlack(out).start()
    try:
        client = WebClient(token="xoxb-console", base_url=slack.api_url)
        client.chat_postMessage(
            channel="C0IWG",
            text="fallback",
            blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "Hello <@U0AMINA> &amp; all"}}],
        )
        client.chat_postMessage(channel="D0AMINA", text="A direct message")
        WebhookClient(slack.response_url("x")).send(text="later", response_type="in_channel")
    finally:
        slack.stop()
    printed = out.getvalue()
    assert "── posted to #C0IWG ──\nHello @U0AMINA & all" in printed
    assert "── posted to a direct message (D0AMINA) ──\nA direct message" in printed
    assert "── posted to #C0CONSOLE ──\nlater" in printed
