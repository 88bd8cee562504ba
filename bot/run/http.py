"""HTTP mode: the bot's web side (bot/run/web.py: the front door and Bolt behind it, a
health check, the calendar feed, the public request page) served by waitress, with the
limits below. Beside Socket Mode the same server serves all of it but Slack's events."""

from __future__ import annotations

import logging
import time
from typing import TYPE_CHECKING

import waitress
from flask import Blueprint
from slack_bolt import App
from waitress.channel import HTTPChannel

from bot.run.front_door import FrontDoor
from bot.run.web import CALENDAR_PREFIX, CALENDAR_SUFFIX, EVENTS_PATH, SLACK_BODY_MOST, create_web_app
from storage import Storage
from storage.seen_requests import SeenRequestRepository

if TYPE_CHECKING:
    from bot.services import Services

__all__ = ["EVENTS_PATH", "LIMITS", "THREADS", "SlackChannel", "close_slow_requests", "make_server", "wsgi_app"]

log = logging.getLogger("iwg.http")

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
    # Slack's form submissions (bot/run/web.py SLACK_BODY_MOST); a page's body is held to
    # 64 KB by Flask itself
    "max_request_body_size": SLACK_BODY_MOST,
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


def wsgi_app(
    app: App | None,
    storage: Storage,
    signing_secret: str | None = None,
    calendar_secret: str | None = None,
    *,
    services: Services | None = None,
    pages: Blueprint | None = None,
):
    """The Flask app (bot/run/web.py): with a Bolt `app`, `POST /slack/events` through the
    front door to it; without one (beside Socket Mode) no Slack route at all. `pages` is
    the public request page's blueprint (bot.run.app_factory.public_pages)."""
    door = FrontDoor(signing_secret or "", app, SeenRequestRepository(storage)) if app is not None else None
    return create_web_app(services, door, calendar_secret, pages, storage=storage)


def make_server(
    app: App | None,
    storage: Storage,
    port: int,
    signing_secret: str | None = None,
    host: str = "0.0.0.0",
    calendar_secret: str | None = None,
    *,
    services: Services | None = None,
    pages: Blueprint | None = None,
):
    """A waitress server with the limits above; `.run()` serves until the process ends.
    `app=None` serves only the health check, the feed and the page (beside Socket Mode)."""
    proxied = bool(services is not None and services.settings.trusted_proxies)
    server = waitress.create_server(
        wsgi_app(app, storage, signing_secret, calendar_secret, services=services, pages=pages),
        host=host,
        port=port,
        threads=THREADS,
        ident="iwg-bot",
        # waitress drops X-Forwarded-For and -Proto unless told to keep them: behind the
        # proxies IWG_TRUSTED_PROXIES counts, werkzeug's ProxyFix reads them (bot/run/web.py);
        # with none, a visitor's own such header never reaches the app
        clear_untrusted_proxy_headers=not proxied,
        **LIMITS,
    )
    server.channel_class = SlackChannel  # waitress makes each accepted connection of this class
    idle_check = server.maintenance

    def maintenance(now: float) -> None:
        idle_check(now)
        close_slow_requests(server, now)

    server.maintenance = maintenance
    if app is not None:
        log.info("HTTP mode: POST %s and GET /healthz on port %s", EVENTS_PATH, server.effective_port)
    else:
        log.info("Web server beside Socket Mode: GET /healthz on port %s", server.effective_port)
    if calendar_secret:  # its address holds the secret: named, never shown
        log.info("Calendar feed: GET %s<IWG_CALENDAR_SECRET>%s", CALENDAR_PREFIX, CALENDAR_SUFFIX)
    if services is not None:
        log.info("%s", _page_line(services, pages))
    return server


def _page_line(services: Services, pages: Blueprint | None) -> str:
    """Whether the public request page is served, and if not, what it still needs."""
    settings = services.settings
    if pages is not None:
        return f"Public request page: on at {settings.public_url.rstrip('/')}/request"
    missing = settings.public_page_missing
    if missing:
        return f"Public request page: off; it needs {', '.join(missing)}"
    return "Public request page: off"
