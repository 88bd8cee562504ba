"""Console mode: the README's first command, scripted through a pipe."""

from __future__ import annotations

import io
import os
import pty
import select
import sqlite3
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone

import pytest
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
    assert "You are now @U0BOB, a member (not a coordinator)." in out
    assert "Only coordinators can add coordinators." in out
    assert "*Coordinators* (2)" in out
    assert "`/unknown` is not a command of mine; `/iwg help` lists them." in out
    assert "IWG BOT" not in out


def test_the_console_keeps_its_database_between_runs(tmp_dir):
    run_console(tmp_dir, "/iwg coordinators add @U0AMINA\n")
    assert "@U0AMINA" in run_console(tmp_dir, "/iwg coordinators\n").stdout


def test_typed_text_is_escaped_as_slack_does():
    assert _as_slack_sends("a & <b> @U0AMINA me@x.org") == "a &amp; &lt;b&gt; <@U0AMINA> me@x.org"


@pytest.fixture
def printer():
    """The console's printing Web API on loopback: (slack, a client of it, what it printed)."""
    out = io.StringIO()
    slack = ConsoleSlack(out).start()
    yield slack, WebClient(token="xoxb-console", base_url=slack.api_url), out
    slack.stop()


def test_web_api_calls_and_responses_are_printed_not_sent(printer):
    slack, client, out = printer
    client.chat_postMessage(
        channel="C0IWG",
        text="fallback",
        blocks=[{"type": "section", "text": {"type": "mrkdwn", "text": "Hello <@U0AMINA> &amp; all"}}],
    )
    client.chat_postMessage(channel="D0CONSOLE", text="A direct message")
    client.chat_postMessage(channel="D0AMINA", text="For *Amina* only")
    WebhookClient(slack.response_url("x")).send(text="later", response_type="in_channel")
    before = out.getvalue()
    slack.switch_to("U0AMINA")
    assert "── posted to #C0IWG ──\nHello @U0AMINA & all" in before
    assert "── posted to your direct messages ──\nA direct message" in before
    assert "Amina* only" not in before  # someone else's DM: announced, not shown
    assert "   ✉ a direct message for @U0AMINA (as @U0AMINA to read it)" in before
    assert "── posted to #C0CONSOLE ──\nlater" in before
    assert "1 waiting for you:\n── in your direct messages ──\nFor *Amina* only" in out.getvalue()


def test_the_readme_tour_piped_clicks_fills_a_form_and_waits(tmp_dir):
    """The must-show, end to end through `python app.py`: a poll voted by two members with
    `click`, the /ta form filled field by field with a wrong country corrected when asked,
    a request assigned through its announcement's *Assign…*, and `wait` past a meeting's
    1-day reminder showing that reminder once."""
    meeting_day = (datetime.now(timezone.utc) + timedelta(days=5)).strftime("%d %B %Y")
    script = "\n".join(
        [
            '/poll "Where should the Q1 meeting be?" "Nairobi" "Virtual"',
            "click Nairobi",
            "as Amina",
            "click b2",
            "as me",
            "/ta",
            "Kenja",  # not a country the form takes: asked again
            "training for social workers",
            "4, 6",
            "Train",
            "-",
            "Kenya",
            "click Assign",
            "World Vision",
            "",
            f"/meetings add Q1 meeting on {meeting_day} at 14:00",
            "wait 8d",
            "quit",
        ]
    )
    result = run_console(tmp_dir, script + "\n")
    out = result.stdout
    assert result.returncode == 0 and result.stderr == "", result.stderr
    # the poll: both votes counted in the message, the vote buttons keeping their handles
    assert "`█████░░░░░` 1 (50%)  Console Coordinator\n    [b1 1. Nairobi]" in out
    assert "`█████░░░░░` 1 (50%)  Amina\n    [b2 2. Virtual]" in out
    assert "2 voters" in out
    # the form: the wrong country answered beside its field, then corrected
    assert "⚠ I don't know a country or region called “Kenja”. Did you mean Kenya?" in out
    assert out.count("── New TA request: sent ──") == 1
    # assigned from the announcement's button, through the assign form
    assert "── a form opens: Assign TA-1 ──" in out
    assert "*Organisation*: World Vision International" in out
    with sqlite3.connect(tmp_dir / "iwg.sqlite3") as db:
        rows = db.execute("SELECT country, status, strategies FROM ta_requests").fetchall()
    assert rows == [("KE", "assigned", "parenting response")]
    # time: the day-before reminder, once
    assert out.count("IN 24 HOURS") == 1
    assert "⏩ 8 days pass…" in out


def test_a_button_with_a_confirmation_asks_first(tmp_dir):
    script = "/ta new Uganda: parenting programme\nclick Decline\nn\nclick Decline\nyes\n"
    out = run_console(tmp_dir, script).stdout
    asked = "Decline TA-1? The requester will be told it was declined.\n(y: Decline; n or Enter: Keep it)"
    assert out.count(asked) == 2
    no, yes = out.split("[y/N] n\n")[1].split("[y/N] yes\n")
    assert no.startswith("Cancelled: nothing was sent.\niwg> click Decline") and "is declined" not in no
    assert ":no_entry_sign: TA-1 is declined; the requester has been told." in yes
    assert "*Status*: :no_entry_sign: declined" in yes


def test_the_console_starts_in_a_terminal_with_its_banner_and_prompt(tmp_dir):
    """Typed at a terminal (not piped): the banner names you, and each line has a prompt."""
    leader, follower = pty.openpty()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_dir,
        env=clean_env(TERM="dumb"),
        stdin=follower,
        stdout=follower,
        stderr=subprocess.PIPE,
    )
    os.close(follower)
    os.write(leader, b"who\nquit\n")
    seen = b""
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:  # until the console leaves (quit) and its terminal closes
        ready, _, _ = select.select([leader], [], [], 1)
        try:
            chunk = os.read(leader, 4096) if ready else b""
        except OSError:
            break
        if ready and not chunk:
            break
        seen += chunk
    assert proc.wait(timeout=30) == 0, proc.stderr.read().decode()
    os.close(leader)
    text = seen.decode(errors="replace")
    assert "you are Console Coordinator (@U0CONSOLE), a coordinator." in text
    assert "iwg> " in text and "You are Console Coordinator (@U0CONSOLE), a coordinator." in text


def test_the_console_says_what_slack_would_refuse_in_a_message(printer):
    _, client, out = printer
    client.chat_postMessage(
        channel="C0IWG",
        text="too long a header",
        blocks=[{"type": "header", "text": {"type": "plain_text", "text": "x" * 200}}],
    )
    client.chat_postMessage(channel="C0IWG", text="fine")
    printed = out.getvalue()
    assert printed.count("⚠ Slack would refuse this chat.postMessage call: block 0 ('header'): text") == 1
    assert "── posted to #C0IWG ──\nfine" in printed
