"""HTTP mode: the front door (bot/run/front_door.py) and Bolt behind waitress, a health check,
and the calendar feed (`GET /calendar/<IWG_CALENDAR_SECRET>.ics`)."""

from __future__ import annotations

import hmac
import json
import logging
import time
from email.utils import format_datetime
from http import HTTPStatus

import waitress
from slack_bolt import App
from waitress.channel import HTTPChannel

from bot.render.ics import etag, feed_ics, feed_meetings
from bot.run.front_door import FrontDoor
from storage import Storage
from storage.meetings import MeetingRepository
from storage.seen_requests import SeenRequestRepository

log = logging.getLogger("iwg.http")

EVENTS_PATH = "/slack/events"
CALENDAR_PREFIX, CALENDAR_SUFFIX = "/calendar/", ".ics"  # the feed: /calendar/<secret>.ics
# Subscribed calendars fetch the feed once an hour at the most, and most far less often: five
# minutes in a cache in between costs nothing. The ETag lets a client ask "changed?" for a 304.
CALENDAR_CACHE = "max-age=300"
MEETINGS_IN_FEED = 2000  # the latest-starting meetings read for the feed: years of them
# One worker thread. The handlers are short and CPU-bound (Web API calls run after the ack,
# on other threads), and Python runs one thread at a time: a second worker only adds GIL
# handoffs, one each time sqlite3 steps a row (it lets go of the GIL there). bench/ack.py
# measured, at concurrency 8, the bot's CPU per `/agenda` at 1.67 ms with two workers and
# 0.98 ms with one, and p99 17.7 ms against 10.9 ms. What one worker gives up: while it
# waits on another process's write lock (the busy timeout), the next requests wait too.
THREADS = 1

# The server's limits, set for what Slack sends rather than left at waitress's defaults
# (100 connections, 120 s of silence allowed, 1 GB bodies), under which 100 connections that
# sent headers and then stalled kept every genuine request out for two minutes. Waitress
# reads a whole request before a worker sees it, so a slow client holds a connection,
# never the worker; what it must not hold is every connection, for long.
LIMITS = {
    "connection_limit": 1000,  # connections open at once; poll() below, as select() stops at 1024
    "asyncore_use_poll": True,
    "channel_timeout": 10,  # seconds a connection may stay silent: Slack sends a request in
    "cleanup_interval": 2,  # milliseconds and gives up on the answer after 3 s
    "max_request_header_size": 32 * 1024,  # Slack's headers are well under 2 KB
    # The largest thing Slack posts is a form's submission: the whole view (100 blocks of
    # at most 3,000 characters) and its state, a few hundred KB at the very most.
    "max_request_body_size": 1024 * 1024,
}
# channel_timeout counts silence only, so a client that trickles a byte every few seconds
# would keep its connection, and a thousand of them every connection. A request must
# arrive whole within this many seconds of its first byte (Slack's take milliseconds).
REQUEST_SECONDS = 5


class SlackChannel(HTTPChannel):
    """A waitress connection that remembers when the request it is receiving began."""

    request_started: float | None = None

    def received(self, data):
        if self.request is None and data:  # the first bytes of a new request
            self.request_started = time.time()
        done = super().received(data)
        if self.request is None:  # nothing partly received is left
            self.request_started = None
        return done


def close_slow_requests(server, now: float) -> None:
    """Close each connection whose request has taken longer than REQUEST_SECONDS to arrive
    (run by waitress's maintenance, every cleanup_interval, in its main loop)."""
    for channel in list(server.active_channels.values()):
        started = getattr(channel, "request_started", None)
        if started is not None and now - started > REQUEST_SECONDS:
            channel.will_close = True


def wsgi_app(app: App, storage: Storage, signing_secret: str, calendar_secret: str | None = None):
    """`POST /slack/events` through the front door to Bolt; `GET /healthz` answers 200 while
    the database answers; with `calendar_secret`, `GET /calendar/<it>.ics` is the feed.
    Anything else, a feed address with a wrong secret or with none set included, is 404."""
    door = FrontDoor(signing_secret, app, SeenRequestRepository(storage))

    def application(environ, start_response):
        method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO") or ""
        head = method == "HEAD"
        if path == "/healthz" and method in ("GET", "HEAD"):
            return _health(storage, start_response, head)
        if method in ("GET", "HEAD") and _is_feed(path, calendar_secret):
            return _feed(storage, environ, start_response, head)
        if path != EVENTS_PATH or method != "POST":
            return _answer(start_response, 404, {"Content-Type": "text/plain; charset=utf-8"}, "Not Found", head)
        status, headers, body = door.handle(_body(environ), _headers(environ))
        return _answer(start_response, status, headers, body)

    return application


def _body(environ) -> bytes:
    """The body as it arrived. Waitress has read all of it (at most max_request_body_size)."""
    stream = environ.get("wsgi.input")
    if stream is None:
        return b""
    length = environ.get("CONTENT_LENGTH") or ""
    return stream.read(int(length)) if length.isdigit() else stream.read(LIMITS["max_request_body_size"])


def _headers(environ) -> dict[str, str]:
    headers = {name[5:].lower().replace("_", "-"): value for name, value in environ.items() if name.startswith("HTTP_")}
    for name in ("CONTENT_TYPE", "CONTENT_LENGTH"):
        if environ.get(name):
            headers[name.lower().replace("_", "-")] = environ[name]
    return headers


def _answer(start_response, status: int, headers: dict[str, str], body: str | bytes, head: bool = False):
    """The response; to a HEAD, its headers (the length a GET would have) and no body."""
    payload = body.encode() if isinstance(body, str) else body
    start_response(f"{status} {HTTPStatus(status).phrase}", [*headers.items(), ("Content-Length", str(len(payload)))])
    return [b"" if head else payload]


def _health(storage: Storage, start_response, head: bool = False):
    try:
        storage.db.execute("SELECT 1").fetchone()
        status, body = 200, {"ok": True}
    except Exception as error:  # the check's whole point is to report, not raise
        status, body = 503, {"ok": False, "error": type(error).__name__}
    return _answer(start_response, status, {"Content-Type": "application/json"}, json.dumps(body), head)


def _is_feed(path: str, secret: str | None) -> bool:
    """Whether `path` is the feed's, compared in constant time; never, with no secret set."""
    if not secret or not (path.startswith(CALENDAR_PREFIX) and path.endswith(CALENDAR_SUFFIX)):
        return False
    given = path[len(CALENDAR_PREFIX) : -len(CALENDAR_SUFFIX)]
    # PATH_INFO is the raw bytes decoded as latin-1 (PEP 3333): encoding it back cannot fail
    return hmac.compare_digest(given.encode("latin-1"), secret.encode())


def _feed(storage: Storage, environ, start_response, head: bool):
    """The meetings of the last 12 months and to come, cancelled ones too, read on this
    request's thread (storage gives each thread its own connection). Nothing here logs the
    path, which holds the secret; waitress's own lines that name it are redacted (the secret
    is among Settings.secrets())."""
    try:
        now = storage.clock()
        shown = feed_meetings(MeetingRepository(storage).changed(MEETINGS_IN_FEED), now)
        body = feed_ics(shown, now)
    except Exception as error:  # answered, and logged without the path
        log.error("calendar feed: %s: %s", type(error).__name__, error)
        return _answer(start_response, 503, {"Content-Type": "text/plain; charset=utf-8"}, "Unavailable", head)
    tag = etag(body)
    headers = {"Cache-Control": CALENDAR_CACHE, "ETag": tag}
    if shown:
        headers["Last-Modified"] = format_datetime(max(m.updated_at for m in shown), usegmt=True)
    asked = {t.strip().removeprefix("W/") for t in (environ.get("HTTP_IF_NONE_MATCH") or "").split(",")}
    if tag in asked or "*" in asked:
        start_response("304 Not Modified", list(headers.items()))
        return [b""]
    headers["Content-Type"] = "text/calendar; charset=utf-8"
    return _answer(start_response, 200, headers, body, head)


def make_server(
    app: App,
    storage: Storage,
    port: int,
    signing_secret: str,
    host: str = "0.0.0.0",
    calendar_secret: str | None = None,
):
    """A waitress server with the limits above; `.run()` serves until the process ends."""
    server = waitress.create_server(
        wsgi_app(app, storage, signing_secret, calendar_secret),
        host=host,
        port=port,
        threads=THREADS,
        ident="iwg-bot",
        **LIMITS,
    )
    server.channel_class = SlackChannel  # waitress makes each accepted connection of this class
    idle_check = server.maintenance

    def maintenance(now: float) -> None:
        idle_check(now)
        close_slow_requests(server, now)

    server.maintenance = maintenance
    log.info("HTTP mode: POST %s and GET /healthz on port %s", EVENTS_PATH, server.effective_port)
    if calendar_secret:  # its address holds the secret: named, never shown
        log.info("Calendar feed: GET %s<IWG_CALENDAR_SECRET>%s", CALENDAR_PREFIX, CALENDAR_SUFFIX)
    return server
