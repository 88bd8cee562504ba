"""Delivers the outbox to Slack after the ack, and keeps trying until Slack takes it.

Handlers write a notice in the same transaction as the change it tells of, so a
notification or a post is never lost to a crash or an outage; this thread sends it
moments later, in the order of the outbox's lanes (storage/outbox.py).

The courier's Web API client makes each call once (no retries inside a call, no sleeping
out a Retry-After): what to do next is decided here, so nothing holds a claim while it
waits, and one channel's wait never holds back another's.
- a 429 pauses that lane for its Retry-After; the notice's tries are not counted;
- an error Slack will always give (the channel is gone, the user left) ends the notice;
  a channel that refuses posts is told to the coordinators (`on_refused`);
- anything else (5xx, timeouts, dropped connections) is tried again with a growing
  delay; where the answer was lost the message may have been posted, so the notice is
  marked `maybe_sent` and the next try looks for it before posting.
A mail lane ("mail:<email>", bot/outbound/mail.py) follows the same rules: its SMTP errors
are network errors, tried again; a 5xx for the recipient (MailRefused) ends the notice; and
while mail is not configured (MailNotConfigured) it waits, its tries not counted.
"""

from __future__ import annotations

import contextlib
import http.client
import logging
import socket
import threading
import time
from collections.abc import Callable
from datetime import timedelta
from urllib.error import URLError

from slack_sdk.errors import SlackApiError

from bot.errors import failure
from bot.outbound.courier_client import CALL_TIMEOUT
from bot.outbound.mail import NOT_CONFIGURED_WAIT, MailNotConfigured, MailRefused
from storage.outbox import BURST, PACE_SECONDS, Notice, OutboxRepository

log = logging.getLogger("iwg.courier")

MAX_ATTEMPTS = 16  # about five hours of trying, at the growing delays
BUG_ATTEMPTS = 3  # when rendering or sending fails for a reason not of the network's making
GAVE_UP = "gave_up"  # the code `on_refused` is given when the tries ran out
MAIL_REFUSED = "mail_refused"  # the code `on_refused` is given when a mail server refused for good
FIRST_RETRY = timedelta(seconds=1)  # then 2, 4, 8 … up to LONGEST_WAIT
LONGEST_WAIT = timedelta(hours=1)
IDLE_POLL_SECONDS = 30.0  # also picks up notices that another process wrote
BLOCKED_POLL_SECONDS = 0.25  # something is due but its lane is busy in another process

# Errors that say the channel itself will not take posts: the coordinators hear of them.
CHANNEL_ERRORS = frozenset({"channel_not_found", "not_in_channel", "is_archived", "restricted_action"})
PERMANENT_ERRORS = CHANNEL_ERRORS | frozenset(
    {
        "user_not_found",
        "account_inactive",
        "cannot_dm_bot",
        "user_disabled",
        "invalid_blocks",
        "msg_too_long",
        "no_text",
        "message_not_found",
        "cant_update_message",
        "invalid_metadata_format",
    }
)

Deliver = Callable[[Notice], tuple[str | None, str | None]]


class Courier:
    """One background thread that drains the outbox, oldest notice first, lane by lane."""

    def __init__(
        self,
        outbox: OutboxRepository,
        deliver: Deliver,
        wait_for_quiet: Callable[[], None] = lambda: None,
        on_refused: Callable[[Notice, str], None] = lambda notice, code: None,
    ):
        self.outbox = outbox
        self.deliver = deliver
        self.wait_for_quiet = wait_for_quiet  # before each notice: acks first (bot/outbound/ack_priority.py)
        self.on_refused = on_refused  # a notice Slack will never take: tell who needs to know
        self._stop = threading.Event()
        self._sending = threading.Lock()  # held while a notice is in flight, or by hold()
        self._thread = threading.Thread(target=self._run, name="iwg-courier", daemon=True)

    def start(self) -> "Courier":
        self._thread.start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self.outbox.wakeup.set()
        self._thread.join(timeout=CALL_TIMEOUT + 1)

    @contextlib.contextmanager
    def hold(self):
        """Deliver nothing while inside (the console prints a command's answer first)."""
        with self._sending:
            yield

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is due, or due within a lane's pace, and nothing is in flight;
        False if time ran out. (The console: a poll's result, paced behind the posts before
        it, shows before the next prompt; a retry minutes away is not waited for.)"""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            due = self.outbox.next_due()
            if due is None or due > self.outbox.storage.clock() + timedelta(seconds=BURST * PACE_SECONDS):
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
        """Send every notice that can be sent now; how many were settled."""
        settled = 0
        while not self._stop.is_set():
            self.wait_for_quiet()
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
            self._refused(notice, error)
        except MailRefused as error:
            self._give_up(notice, MAIL_REFUSED, f"mail: {error}")
        except MailNotConfigured as error:  # said once, by the mail path; the notice waits
            until = self.outbox.storage.clock() + timedelta(seconds=NOT_CONFIGURED_WAIT)
            self.outbox.retry_at(notice, until, str(error), maybe_sent=notice.maybe_sent, count=False)
        except _NETWORK as error:
            self._retry(notice, failure(error), maybe_sent=notice.maybe_sent or not _never_sent(error))
        except Exception as error:  # a bug, or the database: a few tries, then it is given up
            self._retry(notice, failure(error), maybe_sent=notice.maybe_sent, most=BUG_ATTEMPTS)
        else:
            self.outbox.delivered(notice, channel, ts)

    def _refused(self, notice: Notice, error: SlackApiError) -> None:
        response = error.response
        code = str(response.get("error", "")) if response is not None else ""
        status = getattr(response, "status_code", 200)
        if status == 429 or code == "ratelimited":
            wait = timedelta(seconds=_retry_after(response))
            log.warning(
                "notice %s (%s): Slack asks to wait %s before posting to %s again",
                notice.id,
                notice.kind,
                wait,
                notice.recipient,
            )
            until = self.outbox.storage.clock() + wait
            self.outbox.hold_lane(notice.recipient, until)
            self.outbox.retry_at(notice, until, "slack: ratelimited", maybe_sent=notice.maybe_sent, count=False)
        elif code in PERMANENT_ERRORS:
            self._give_up(notice, code)
        else:  # a 5xx, fatal_error, request_timeout…: the post may have gone through
            self._retry(notice, f"slack: {code or status}", maybe_sent=True)

    def _retry(self, notice: Notice, error: str, maybe_sent: bool, most: int = MAX_ATTEMPTS) -> None:
        if notice.attempts >= most:
            self._give_up(notice, GAVE_UP, error)
            return
        wait = min(FIRST_RETRY * 2 ** (notice.attempts - 1), LONGEST_WAIT)
        log.warning("notice %s (%s) will be retried in %s: %s", notice.id, notice.kind, wait, error)
        self.outbox.retry_at(notice, self.outbox.storage.clock() + wait, error, maybe_sent=maybe_sent)

    def _give_up(self, notice: Notice, code: str, error: str = "") -> None:
        """No more tries: said in the log, and to whoever needs to know (`on_refused`)."""
        log.error(
            "notice %s (%s about %s) not delivered: %s",
            notice.id,
            notice.kind,
            notice.subject,
            error or f"slack: {code}",
        )
        self.outbox.failed(notice, error or f"slack: {code}")
        try:
            self.on_refused(notice, code)
        except Exception as told:
            log.error("notice %s: could not tell of the refusal: %s", notice.id, failure(told))

    def _seconds_to_next(self) -> float:
        try:
            due = self.outbox.next_due()
        except Exception:
            return IDLE_POLL_SECONDS
        if due is None:
            return IDLE_POLL_SECONDS
        seconds = (due - self.outbox.storage.clock()).total_seconds()
        return min(max(seconds, BLOCKED_POLL_SECONDS if seconds <= 0 else 0.01), IDLE_POLL_SECONDS)


_NETWORK = (OSError, http.client.HTTPException)  # URLError, timeouts, dropped connections


def _never_sent(error: Exception) -> bool:
    """The request surely never reached Slack: the connection was refused, or the name did
    not resolve. After anything else (a timeout, a dropped connection) the answer may only
    have been lost."""
    reason = error.reason if isinstance(error, URLError) else error
    return isinstance(reason, (ConnectionRefusedError, socket.gaierror))


def _retry_after(response) -> float:
    headers = {k.lower(): v for k, v in (getattr(response, "headers", None) or {}).items()}
    value = headers.get("retry-after")
    value = value[0] if isinstance(value, list) else value
    try:
        return min(max(float(value), 1.0), LONGEST_WAIT.total_seconds())
    except (TypeError, ValueError):
        return 1.0
