"""What Slack sends to the bot, built in one place: slash commands (form-encoded), events
(JSON), button clicks and form submissions (`payload=`), each signed with the v0 scheme.

The console builds every request it sends here, and the tests' driver (tests/driver.py)
builds the same ones, so what a newcomer clicks in the console is what the tests prove
against the stand-in: one imitation of Slack, not two.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from urllib.parse import urlencode

FORM = "application/x-www-form-urlencoded"


def sign(secret: str, timestamp: str, body: str | bytes) -> str:
    """Slack's v0 scheme: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret."""
    raw = body.encode() if isinstance(body, str) else body
    digest = hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    return f"v0={digest}"


def signed_headers(secret: str, body: str, content_type: str = FORM, timestamp: int | None = None) -> dict[str, str]:
    ts = str(int(time.time()) if timestamp is None else timestamp)
    return {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(secret, ts, body),
    }


def trigger_id() -> str:
    """A trigger_id minted now (milliseconds first), as Slack's lasts 3 s from the click."""
    return f"{int(time.time() * 1000)}.{secrets.token_hex(6)}"


def command_body(
    team_id: str,
    command: str,
    text: str,
    user_id: str,
    channel_id: str,
    channel_name: str,
    response_url: str,
    app_id: str = "A0IWG",
) -> str:
    return urlencode(
        {
            "token": "legacy-verification-token",
            "team_id": team_id,
            "team_domain": "iwg",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": user_id.lower(),
            "command": command,
            "text": text,
            "api_app_id": app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": trigger_id(),
        }
    )


def event_body(team_id: str, event: dict, app_id: str = "A0IWG") -> str:
    """An Events API callback, as JSON."""
    return json.dumps(
        {
            "token": "legacy",
            "team_id": team_id,
            "api_app_id": app_id,
            "type": "event_callback",
            "event": event,
            "event_id": f"Ev{secrets.token_hex(5)}",
            "event_time": int(time.time()),
        }
    )


def interaction_body(payload: dict) -> str:
    return urlencode({"payload": json.dumps(payload)})


def _who(team_id: str, user_id: str, app_id: str) -> dict:
    return {
        "user": {"id": user_id, "username": user_id.lower()},
        "team": {"id": team_id, "domain": "iwg"},
        "api_app_id": app_id,
        "trigger_id": trigger_id(),
    }


def block_actions(
    team_id: str, user_id: str, button: dict, block_id: str = "b", app_id: str = "A0IWG", **where
) -> dict:
    """A click on `button` (the element as the bot drew it). `where` is what Slack adds for
    the surface it sits on: for a message, `container`, `channel`, `message` and a fresh
    `response_url`; for the App Home, `container` and `view`, and no response_url."""
    action = {
        "type": button.get("type", "button"),
        "action_id": button.get("action_id", ""),
        "block_id": block_id,
        "action_ts": f"{time.time():.6f}",
    }
    if "value" in button:
        action["value"] = button["value"]
    if isinstance(button.get("text"), dict):
        action["text"] = button["text"]
    return {"type": "block_actions", **_who(team_id, user_id, app_id), **where, "actions": [action]}


def message_where(channel_id: str, message_ts: str, message: dict | None, response_url: str, ephemeral=False) -> dict:
    """Where a click in a message comes from. Slack sends no `message` for an ephemeral one."""
    container = {"type": "message", "channel_id": channel_id, "message_ts": message_ts, "is_ephemeral": ephemeral}
    where = {"container": container, "channel": {"id": channel_id}, "response_url": response_url}
    if not ephemeral:
        where["message"] = message or {"ts": message_ts, "text": ""}
    return where


def home_where(view: dict) -> dict:
    """Where a click in the App Home comes from: the view, and no response_url or channel."""
    home = {"type": "home", "blocks": [], "state": {"values": {}}, **view, "id": view.get("id") or "V0HOME"}
    return {"container": {"type": "view", "view_id": home["id"]}, "view": home}


def view_submission(team_id: str, user_id: str, view: dict, values: dict, app_id: str = "A0IWG") -> dict:
    """A modal's submission: `view` as the bot opened it, `values` as Slack's state."""
    submitted = {**view, "id": view.get("id") or "V0FORM", "state": {"values": values}}
    return {"type": "view_submission", **_who(team_id, user_id, app_id), "view": submitted}
