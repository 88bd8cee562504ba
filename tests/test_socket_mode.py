"""End to end: the real bot in Socket Mode, against a loopback Web API and WebSocket endpoint.

`python app.py` with an app token asks the stand-in (through SLACK_API_URL) for a
WebSocket URL with `apps.connections.open`, connects to the server the test runs, gets
Slack's `hello`, and acks slash command envelopes on the socket with the reply as payload.
"""

from __future__ import annotations

import socket
import sqlite3
import time
import uuid

import pytest

from bot.run.block_kit import message_problems
from tests.conftest import APP_TOKEN, BOT_TOKEN, COORDINATOR, BotProcess, clean_env
from tests.slack_standin import SlackStandIn
from tests.socket_server import SocketModeServer, WebSocket

CONNECT_TIMEOUT = 20  # start-up: imports, migration, auth.test, apps.connections.open
ACK_TIMEOUT = 10  # Slack itself waits 3 s for an ack; this only bounds a broken bot


class SocketSlack(SlackStandIn):
    """The stand-in, plus `apps.connections.open` handing out the loopback WebSocket URL."""

    def __init__(self, socket_url: str):
        super().__init__()
        self.socket_url = socket_url

    def answer(self, method: str, args: dict) -> dict:
        answer = super().answer(method, args)  # records the call
        if method == "apps.connections.open":
            return {"ok": True, "url": self.socket_url}
        return answer


@pytest.fixture
def socket_slack():
    server = SocketModeServer()
    slack = SocketSlack(server.url).start()
    yield slack, server
    slack.stop()
    server.close()
    assert slack.problems == [], "payloads Slack would reject:\n" + "\n".join(slack.problems)


@pytest.fixture
def socket_bot(socket_slack, tmp_dir):
    """The bot started in Socket Mode and connected: (process, the server's end of its socket)."""
    slack, server = socket_slack
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_APP_TOKEN=APP_TOKEN,
        SLACK_API_URL=slack.api_url,
        IWG_DATABASE=str(tmp_dir / "iwg.sqlite3"),
        IWG_COORDINATORS=COORDINATOR,
    )
    bot = BotProcess(env, tmp_dir)
    ws = None
    try:
        ws = wait_for_connection(bot, server)
        yield bot, ws
    finally:
        bot.stop()
        if ws is not None:
            ws.close()


def wait_for_connection(bot: BotProcess, server: SocketModeServer) -> WebSocket:
    deadline = time.monotonic() + CONNECT_TIMEOUT
    while time.monotonic() < deadline:
        if bot.proc.poll() is not None:
            raise AssertionError(f"the bot exited with {bot.proc.returncode}: {bot.logs()}")
        try:
            return server.accept(timeout=0.1)
        except (socket.timeout, TimeoutError):
            continue
    raise AssertionError(f"the bot did not open a WebSocket connection: {bot.logs()}")


def command_envelope(text: str, user_id: str, response_url: str) -> dict:
    """A slash command as Socket Mode delivers it: the HTTP form fields, in an envelope."""
    return {
        "envelope_id": str(uuid.uuid4()),
        "type": "slash_commands",
        "accepts_response_payload": True,
        "payload": {
            "token": "legacy-verification-token",
            "team_id": SlackStandIn.team_id,
            "team_domain": "iwg",
            "channel_id": "C0IWG",
            "channel_name": "iwg",
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": "/iwg",
            "text": text,
            "api_app_id": "A0IWG",
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": f"{int(time.time())}.{uuid.uuid4().hex[:12]}",
        },
    }


def ack(ws: WebSocket, bot: BotProcess, envelope: dict) -> dict:
    """Send `envelope`; the payload of the bot's ack for it (fails if none comes in time)."""
    ws.send_json(envelope)
    deadline = time.monotonic() + ACK_TIMEOUT
    while True:
        try:
            message = ws.receive_json(timeout=deadline - time.monotonic())
        except (TimeoutError, ConnectionError) as error:
            raise AssertionError(f"no ack for {envelope['payload']['text']!r} ({error}): {bot.logs()}") from None
        if message.get("envelope_id") == envelope["envelope_id"]:
            assert set(message) <= {"envelope_id", "payload"}, message
            return message.get("payload") or {}


def test_socket_mode_connects_through_the_api_url_and_answers_commands(socket_slack, socket_bot):
    slack, _ = socket_slack
    bot, ws = socket_bot

    # the bot found the WebSocket URL through SLACK_API_URL, with the app token
    [opened] = slack.calls_to("apps.connections.open")
    assert opened.args["_authorization"] == f"Bearer {APP_TOKEN}"
    # auth.test with the bot token: the start's probe (is Slack there?), then Bolt's own
    assert [c.args["_authorization"] for c in slack.calls_to("auth.test")] == [f"Bearer {BOT_TOKEN}"] * 2
    assert ws.request_line.startswith("GET /link/?ticket=local-ticket ")

    ws.send_json(
        {
            "type": "hello",
            "num_connections": 1,
            "connection_info": {"app_id": "A0IWG"},
            "debug_info": {"host": "applink-local", "approximate_connection_time": 18060},
        }
    )

    reply = ack(ws, bot, command_envelope("help", COORDINATOR, slack.response_url("sock")))
    assert message_problems(reply) == []
    assert reply.get("response_type") == "ephemeral"
    assert "/ta new" in str(reply["blocks"]) and "/iwg coordinators" in str(reply["blocks"])

    refused = ack(ws, bot, command_envelope("coordinators add <@U0NEW|new>", "U0MEMBER", slack.response_url("sock")))
    assert message_problems(refused) == []
    assert refused["text"].startswith("Only coordinators can"), refused
    with sqlite3.connect(bot.cwd / "iwg.sqlite3") as db:
        assert {row[0] for row in db.execute("SELECT user_id FROM coordinators")} == {COORDINATOR}

    bot.stop()  # SIGTERM: a clean exit
    logs = bot.stderr_path.read_text(errors="replace")  # stop() closed the handle logs() flushes
    assert bot.proc.returncode == 0, logs
    for secret in (BOT_TOKEN, APP_TOKEN):
        assert secret not in logs
