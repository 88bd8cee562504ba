"""The real Bolt app in this process, on a clock the test moves, against the Slack stand-in.

Requests are signed and sent as Slack sends them (tests/driver.py), but dispatched to the
app directly instead of over HTTP, so that everything the bot writes (a request logged, an
assignment, a note) is stamped with the test's clock: a request can be logged forty days
ago and the App Home opened today. What the bot sends after the ack (the App Home, forms)
reaches the stand-in, which checks every view; the outbox (DMs, the digest) goes out when
the test calls `drain()`.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone

from slack_bolt import BoltRequest

from bot.run.app_factory import create_app
from tests.conftest import CHANNEL, Clock, Sender
from tests.driver import Answer, SlackDriver

NOW = datetime(2031, 3, 10, 9, 0, tzinfo=timezone.utc)  # a Monday
SIGNING_SECRET = "s3cret"  # the Sender's settings


class InProcessDriver(SlackDriver):
    """SlackDriver's payloads and signatures, handed to the app in this process."""

    def __init__(self, app, response_url: str):
        super().__init__("http://in-process", SIGNING_SECRET, response_url)
        self.app = app

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None) -> Answer:
        answer = self.app.dispatch(BoltRequest(body=(data or b"").decode(), headers=headers or {}))
        body = answer.body if isinstance(answer.body, str) else answer.body.decode()
        return Answer(answer.status, body)


class ClockedBot:
    """The app on `clock` (standing at NOW until moved), with its courier on the same file."""

    def __init__(self, tmp_dir, standin, **settings: str):
        self.clock = Clock(NOW)
        self.standin = standin
        self.sender = Sender(tmp_dir / "iwg.sqlite3", self.clock, standin, CHANNEL, **settings)
        self.services = self.sender.services
        self.driver = InProcessDriver(create_app(self.services, token_verification=False), standin.response_url("cmd"))

    def days_ago(self, days: float) -> None:
        self.clock.now = NOW - timedelta(days=days)

    def home(self, user_id: str) -> dict:
        """Open the App Home as `user_id`: the view the stand-in received."""
        before = len(self._published(user_id))
        answer = self.driver.event(
            {"type": "app_home_opened", "user": user_id, "tab": "home", "channel": "D" + user_id[1:]}
        )
        assert answer.status == 200
        views = self.standin.wait_for(lambda: len(self._published(user_id)) > before and self._published(user_id))
        return views[-1]

    def _published(self, user_id: str) -> list[dict]:
        return [c.args["view"] for c in self.standin.calls_to("views.publish") if c.args.get("user_id") == user_id]

    def drain(self, within: float = 30.0) -> None:
        """Deliver the outbox: the clock steps a second at a time for each lane's pace, and
        real time passes too, for the stand-in's own rate limits (one post a second a channel)."""
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            self.sender.drain()
            if not self.services.storage.db.execute(
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
            ).fetchone()[0]:
                return
            self.clock.now += timedelta(seconds=1)
            time.sleep(0.25)
        raise AssertionError(f"the outbox was not empty after {within}s")

    def close(self) -> None:
        self.services.after_ack.wait()
        self.sender.close()
