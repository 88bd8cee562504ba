"""Sends what Slack sends: form-encoded slash commands and `payload=` interactions, signed v0.

The payloads themselves come from bot/run/slack_requests.py, which the console sends too:
what the tests prove is what a newcomer clicks."""

from __future__ import annotations

import json
import secrets
import time
import urllib.error
import urllib.request
from dataclasses import dataclass

from bot.run import slack_requests
from bot.run.slack_requests import sign

__all__ = ["Answer", "SlackDriver", "sign"]


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

    trigger_id = staticmethod(slack_requests.trigger_id)  # the stand-in refuses one after 3 s

    def command_body(
        self,
        command: str,
        text: str = "",
        user_id: str = "U0MEMBER",
        channel_id: str = "C0IWG",
        channel_name: str = "iwg",
        response_url: str | None = None,
    ) -> str:
        return slack_requests.command_body(
            self.team_id,
            command,
            text,
            user_id,
            channel_id,
            channel_name,
            response_url or self.fresh_response_url(),
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
        return self.post(slack_requests.interaction_body(payload), **kwargs)

    def event(self, event: dict) -> Answer:
        """An Events API callback, as JSON."""
        return self.post(slack_requests.event_body(self.team_id, event), content_type="application/json")

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
        where = slack_requests.message_where(channel_id, message_ts, message, self.fresh_response_url())
        return self._button(action_id, value, user_id, **where)

    def home_click(self, action_id: str, value: str, user_id: str) -> Answer:
        """A button clicked in the App Home: Slack sends no response_url and no channel,
        and the container is the view."""
        return self._button(action_id, value, user_id, **slack_requests.home_where({"id": "V0HOME"}))

    def _button(self, action_id: str, value: str, user_id: str, **where) -> Answer:
        button = {"type": "button", "action_id": action_id, "value": value}
        return self.interaction(slack_requests.block_actions(self.team_id, user_id, button, **where))

    def submit(self, view: dict, values: dict, user_id: str) -> Answer:
        """A modal's submission: `view` as the bot opened it, `values` as Slack's state."""
        return self.interaction(slack_requests.view_submission(self.team_id, user_id, view, values))

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
            sent.update({"X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(self.secret, ts, raw)})
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
