"""Acks first: work that can wait holds back while members' requests are being answered."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Iterator

QUIET = 0.005  # a gap this long between requests counts as a quiet moment (s)
MOST = 0.05  # the longest a notice or a poll update waits for one (s)


class AckPriority:
    """How many requests are being answered right now, and since when none is.

    Slack gives an ack 3 seconds and shows the member an error after that; a direct message
    or a poll's refreshed message has no deadline. Python runs one thread at a time, so a
    notice being sent (about 1 ms of slack_sdk and urllib) holds up any ack due meanwhile.
    So the courier calls `wait_for_quiet()` before each notice: it
    returns as soon as no request has been answered for QUIET seconds, and at the latest
    after MOST seconds. A wait that runs out opens the way for the next MOST seconds, so
    under steady traffic the background work still gets half the time, not one notice per
    MOST (a reminder queued behind announcements must still go out within a second). The
    router marks each request with `answering()`.
    """

    def __init__(self, quiet: float = QUIET, most: float = MOST):
        self.quiet, self.most = quiet, most
        self._answering = 0
        self._last_done = 0.0  # time.monotonic() when the last request was answered
        self._open_until = 0.0  # after a wait that ran out: no waiting until then
        self._changed = threading.Condition()

    @contextlib.contextmanager
    def answering(self) -> Iterator[None]:
        with self._changed:
            self._answering += 1
        try:
            yield
        finally:
            with self._changed:
                self._answering -= 1
                self._last_done = time.monotonic()
                self._changed.notify_all()

    def wait_for_quiet(self) -> None:
        deadline = time.monotonic() + self.most
        with self._changed:
            while True:
                now = time.monotonic()
                if now < self._open_until:
                    return
                if now >= deadline:
                    self._open_until = now + self.most
                    return
                if self._answering == 0:
                    quiet_from = self._last_done + self.quiet
                    if now >= quiet_from:
                        return
                    self._changed.wait(min(quiet_from, deadline) - now)
                else:
                    self._changed.wait(deadline - now)
