"""The courier's Web API client: each call tried once, the claim renewed as it goes, and
one connection kept alive instead of a new TCP and TLS handshake per call.

slack_sdk's WebClient opens a new connection for every call (about 4 ms over TLS on
loopback, against 0.5 ms on a kept-alive connection: `python bench/visible.py`), and the
courier makes two calls per DM. A connection idle longer than IDLE_SECONDS is not reused,
and one the server has closed meanwhile (it reads as ready) is replaced before the request
is sent; should a kept-alive connection fail anyway, the error reaches the courier like any other
(the notice is marked maybe-sent and looked for before it is posted again).
"""

from __future__ import annotations

import http.client
import io
import select
import ssl
import threading
import time
from collections.abc import Callable
from urllib.error import HTTPError
from urllib.parse import urlsplit
from urllib.request import Request

from slack_sdk import WebClient

from storage.outbox import LEASE

CALL_TIMEOUT = 10  # seconds: one Web API call, well inside a LEASE
IDLE_SECONDS = 20.0


class LeasedClient(WebClient):
    """One try per call (no retries, no sleeping out a Retry-After: bot/outbound/courier.py decides),
    and before each call the claim on the notice being sent is renewed once half its lease
    is spent, so a notice whose work takes many calls is never taken by another sender."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, timeout=CALL_TIMEOUT, retry_handlers=[], **kwargs)
        self.renew: Callable[[], None] = lambda: None
        self._renewed = time.monotonic()
        self._open = threading.local()  # this thread's (connection, where, last used)

    def claimed(self, renew: Callable[[], None]) -> None:
        self.renew, self._renewed = renew, time.monotonic()

    def api_call(self, *args, **kwargs):
        if time.monotonic() - self._renewed > LEASE.total_seconds() / 2:
            self.renew()
            self._renewed = time.monotonic()
        return super().api_call(*args, **kwargs)

    def _perform_urllib_http_request_internal(self, url: str, req: Request) -> dict:
        """slack_sdk's one HTTP exchange, on a kept-alive connection; answers and errors as urllib gives them."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or self.proxy:
            return super()._perform_urllib_http_request_internal(url, req)
        conn = self._connection(parts)
        try:
            conn.request(
                "POST",
                parts.path + (f"?{parts.query}" if parts.query else ""),
                body=req.data,
                headers=dict(req.header_items()),
            )
            response = conn.getresponse()
            data = response.read()
        except BaseException:
            self._forget()
            raise
        if response.will_close:
            self._forget()
        else:
            self._open.used = time.monotonic()
        if response.status >= 400:  # as urllib raises it, for slack_sdk's handling of 429 and 5xx
            raise HTTPError(url, response.status, response.reason, response.headers, io.BytesIO(data))
        return {
            "status": response.status,
            "headers": response.headers,
            "body": data.decode(response.headers.get_content_charset() or "utf-8"),
        }

    def _connection(self, parts) -> http.client.HTTPConnection:
        conn = getattr(self._open, "conn", None)
        where = (parts.scheme, parts.hostname, parts.port)
        if conn is not None and (
            self._open.where != where or time.monotonic() - self._open.used > IDLE_SECONDS or _closed_by_server(conn)
        ):
            self._forget()
            conn = None
        if conn is None:
            if parts.scheme == "https":
                conn = http.client.HTTPSConnection(
                    parts.hostname, parts.port, timeout=self.timeout, context=self.ssl or ssl.create_default_context()
                )
            else:
                conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=self.timeout)
            self._open.conn, self._open.where, self._open.used = conn, where, time.monotonic()
        return conn

    def _forget(self) -> None:
        conn = getattr(self._open, "conn", None)
        self._open.conn = None
        if conn is not None:
            conn.close()


def _closed_by_server(conn: http.client.HTTPConnection) -> bool:
    """A kept-alive connection the server has closed (or that holds bytes nobody asked for) reads
    as ready: such a one is not reused, so the request is never sent into a closed socket."""
    if conn.sock is None:
        return True
    readable, _, _ = select.select([conn.sock], [], [], 0)
    return bool(readable)
