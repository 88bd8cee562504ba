"""Sends what Slack sends: form-encoded slash commands and `payload=` interactions, signed v0."""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from urllib.parse import urlencode


def sign(secret: str, timestamp: str, body: str) -> str:
    """Slack's v0 scheme: HMAC-SHA256 of `v0:<timestamp>:<body>` with the signing secret."""
    digest = hmac.new(secret.encode(), f"v0:{timestamp}:{body}".encode(), hashlib.sha256).hexdigest()
    return f"v0={digest}"


@dataclass
class Answer:
    status: int
    body: str

    @property
    def json(self) -> dict:
        return json.loads(self.body) if self.body else {}


class SlackDriver:
    """Plays Slack's side of HTTP mode against a running bot."""

    def __init__(self, base_url: str, signing_secret: str, response_url: str, team_id: str = "T0LOCAL"):
        self.base_url = base_url.rstrip("/")
        self.secret = signing_secret
        self.response_url = response_url
        self.team_id = team_id

    def fresh_response_url(self) -> str:
        """A response_url of its own for each request, as Slack gives: minted now (its
        milliseconds inside, so the stand-in can expire it after 30 minutes)."""
        return f"{self.response_url}.{int(time.time() * 1000)}.{secrets.token_hex(4)}"

    @staticmethod
    def trigger_id() -> str:
        """A trigger_id minted now (milliseconds first): the stand-in refuses it after 3 s."""
        return f"{int(time.time() * 1000)}.{secrets.token_hex(6)}"

    def command_body(
        self,
        command: str,
        text: str = "",
        user_id: str = "U0MEMBER",
        channel_id: str = "C0IWG",
        channel_name: str = "iwg",
        response_url: str | None = None,
    ) -> str:
        return urlencode(
            {
                "token": "legacy-verification-token",
                "team_id": self.team_id,
                "team_domain": "iwg",
                "channel_id": channel_id,
                "channel_name": channel_name,
                "user_id": user_id,
                "user_name": user_id.lower(),
                "command": command,
                "text": text,
                "api_app_id": "A0IWG",
                "is_enterprise_install": "false",
                "response_url": response_url or self.fresh_response_url(),
                "trigger_id": self.trigger_id(),
            }
        )

    def command(
        self,
        command: str,
        text: str = "",
        user_id: str = "U0MEMBER",
        channel_id: str = "C0IWG",
        channel_name: str = "iwg",
        **kwargs,
    ) -> Answer:
        return self.post(self.command_body(command, text, user_id, channel_id, channel_name), **kwargs)

    def interaction(self, payload: dict, **kwargs) -> Answer:
        return self.post(urlencode({"payload": json.dumps(payload)}), **kwargs)

    def event(self, event: dict) -> Answer:
        """An Events API callback, as JSON."""
        body = json.dumps(
            {
                "token": "legacy",
                "team_id": self.team_id,
                "api_app_id": "A0IWG",
                "type": "event_callback",
                "event": event,
                "event_id": f"Ev{secrets.token_hex(5)}",
                "event_time": int(time.time()),
            }
        )
        return self.post(body, content_type="application/json")

    def click(
        self,
        action_id: str,
        value: str,
        user_id: str,
        channel_id: str = "D0COORD",
        message: dict | None = None,
        message_ts: str = "1.000001",
    ) -> Answer:
        """A button click in the message at (channel_id, message_ts), as a block_actions payload."""
        return self._button(
            action_id,
            value,
            user_id,
            response_url=self.fresh_response_url(),
            container={"type": "message", "channel_id": channel_id, "message_ts": message_ts},
            channel={"id": channel_id},
            message=message or {"ts": message_ts, "text": ""},
        )

    def home_click(self, action_id: str, value: str, user_id: str) -> Answer:
        """A button clicked in the App Home: Slack sends no response_url and no channel,
        and the container is the view."""
        return self._button(
            action_id,
            value,
            user_id,
            container={"type": "view", "view_id": "V0HOME"},
            view={"id": "V0HOME", "type": "home", "blocks": [], "state": {"values": {}}},
        )

    def _button(self, action_id: str, value: str, user_id: str, **where) -> Answer:
        return self.interaction(
            {
                "type": "block_actions",
                "user": {"id": user_id, "username": user_id.lower()},
                "team": {"id": self.team_id, "domain": "iwg"},
                "api_app_id": "A0IWG",
                "trigger_id": self.trigger_id(),
                **where,
                "actions": [
                    {
                        "type": "button",
                        "action_id": action_id,
                        "block_id": "b",
                        "value": value,
                        "action_ts": f"{time.time():.6f}",
                    }
                ],
            }
        )

    def submit(self, view: dict, values: dict, user_id: str) -> Answer:
        """A modal's submission: `view` as the bot opened it, `values` as Slack's state."""
        return self.interaction(
            {
                "type": "view_submission",
                "user": {"id": user_id, "username": user_id.lower()},
                "team": {"id": self.team_id, "domain": "iwg"},
                "api_app_id": "A0IWG",
                "trigger_id": self.trigger_id(),
                "view": {**view, "id": "V0FORM", "state": {"values": values}},
            }
        )

    def post(
        self,
        body: str,
        *,
        secret: str | None = None,
        timestamp: int | None = None,
        signature: str | None = None,
        signed: bool = True,
        path: str = "/slack/events",
        content_type: str = "application/x-www-form-urlencoded",
    ) -> Answer:
        """POST `body`; by default signed now with the right secret, or as the test says."""
        ts = str(int(time.time()) if timestamp is None else timestamp)
        headers = {"Content-Type": content_type}
        if signed:
            headers["X-Slack-Request-Timestamp"] = ts
            headers["X-Slack-Signature"] = signature or sign(secret or self.secret, ts, body)
        return self.request("POST", path, body.encode(), headers)

    def post_raw(
        self,
        raw: bytes,
        headers: dict[str, str] | None = None,
        *,
        signed: bool = True,
        timestamp: str | None = None,
        content_type: str = "application/x-www-form-urlencoded",
    ) -> Answer:
        """POST bytes as they are (not necessarily UTF-8), signed over those very bytes unless not."""
        ts = str(int(time.time())) if timestamp is None else timestamp
        sent = {"Content-Type": content_type}
        if signed:
            digest = hmac.new(self.secret.encode(), b"v0:" + ts.encode() + b":" + raw, hashlib.sha256).hexdigest()
            sent.update({"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"})
        sent.update(headers or {})
        return self.request("POST", "/slack/events", raw, sent)

    def get(self, path: str) -> Answer:
        return self.request("GET", path)

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
        req = urllib.request.Request(self.base_url + path, data=data, headers=headers or {}, method=method)
        try:
            with urllib.request.urlopen(req, timeout=10) as response:
                return Answer(response.status, response.read().decode())
        except urllib.error.HTTPError as error:
            return Answer(error.code, error.read().decode())
