"""Delivers the outbox to Slack after the ack, and keeps trying until Slack takes it.

Handlers write a notice in the same transaction as the change it tells of, so a
notification is never lost to a crash or an outage; this thread sends it moments later.
Rate limits, 5xx and dropped connections are retried by the WebClient's retry handlers
first, then here with a growing delay; an error Slack will always give (the channel is
gone, the user left) ends the notice's tries at once.
"""

from __future__ import annotations

import contextlib
import logging
import threading
import time
from collections.abc import Callable
from datetime import timedelta

from slack_sdk.errors import SlackApiError

from bot.logs import failure
from storage.outbox import Notice, OutboxRepository

log = logging.getLogger("iwg.courier")

MAX_ATTEMPTS = 12
FIRST_RETRY = timedelta(seconds=5)
LONGEST_WAIT = timedelta(hours=1)
IDLE_POLL_SECONDS = 30.0  # also picks up notices that another process wrote

PERMANENT_ERRORS = frozenset({
    "channel_not_found", "user_not_found", "not_in_channel", "is_archived", "account_inactive",
    "cannot_dm_bot", "user_disabled", "invalid_blocks", "msg_too_long", "no_text",
    "restricted_action", "message_not_found", "cant_update_message",
})

Deliver = Callable[[Notice], tuple[str | None, str | None]]


class Courier:
    """One background thread that drains the outbox, oldest notice first."""

    def __init__(self, outbox: OutboxRepository, deliver: Deliver, give_way: Callable[[], None] = lambda: None):
        self.outbox = outbox
        self.deliver = deliver
        self.give_way = give_way  # before each notice: acks first (bot/traffic.py)
        self._stop = threading.Event()
        self._sending = threading.Lock()  # held while a notice is in flight, or by hold()
        self._thread = threading.Thread(target=self._run, name="iwg-courier", daemon=True)

    def start(self) -> "Courier":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.outbox.wakeup.set()
        self._thread.join(timeout=5)

    @contextlib.contextmanager
    def hold(self):
        """Deliver nothing while inside (the console prints a command's answer first)."""
        with self._sending:
            yield

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is due and nothing is in flight; False if time ran out."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            due = self.outbox.next_due()
            if due is None or due > self.outbox.storage.clock():
                with self._sending:
                    return True
            time.sleep(0.02)
        return False

    def _run(self) -> None:
        while not self._stop.is_set():
            self.outbox.wakeup.clear()
            try:
                self.drain()
            except Exception as error:  # the database itself failed: log, wait, try again
                log.error("courier: could not read the outbox: %s", failure(error))
            self.outbox.wakeup.wait(self._seconds_to_next())

    def drain(self) -> int:
        """Send every notice that is due now; how many were settled."""
        settled = 0
        while not self._stop.is_set():
            self.give_way()
            if self._stop.is_set():
                break
            with self._sending:
                notice = self.outbox.claim_due()
                if notice is None:
                    return settled
                self._send(notice)
                settled += 1
        return settled

    def _send(self, notice: Notice) -> None:
        try:
            channel, ts = self.deliver(notice)
        except SlackApiError as error:
            code = str(error.response.get("error", "")) if error.response is not None else ""
            self._settle_failure(notice, f"slack: {code or error}", permanent=code in PERMANENT_ERRORS)
        except Exception as error:  # network after the client's own retries, or a bug
            self._settle_failure(notice, failure(error), permanent=False)
        else:
            self.outbox.delivered(notice.id, channel, ts)

    def _settle_failure(self, notice: Notice, error: str, permanent: bool) -> None:
        if permanent or notice.attempts >= MAX_ATTEMPTS:
            log.error("notice %s (%s about %s) not delivered: %s", notice.id, notice.kind, notice.subject, error)
            self.outbox.failed(notice.id, error)
            return
        wait = min(FIRST_RETRY * 2 ** (notice.attempts - 1), LONGEST_WAIT)
        log.warning("notice %s (%s) will be retried in %s: %s", notice.id, notice.kind, wait, error)
        self.outbox.retry_at(notice.id, self.outbox.storage.clock() + wait, error)

    def _seconds_to_next(self) -> float:
        try:
            due = self.outbox.next_due()
        except Exception:
            return IDLE_POLL_SECONDS
        if due is None:
            return IDLE_POLL_SECONDS
        seconds = (due - self.outbox.storage.clock()).total_seconds()
        return min(max(seconds, 0.05), IDLE_POLL_SECONDS)
