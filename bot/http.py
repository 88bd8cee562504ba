"""HTTP mode: Bolt's WSGI adapter behind waitress, plus a health check."""

from __future__ import annotations

import json
import logging

import waitress
from slack_bolt import App
from slack_bolt.adapter.wsgi import SlackRequestHandler

from storage import Storage

log = logging.getLogger("iwg.http")

EVENTS_PATH = "/slack/events"
# One worker thread. The handlers are short and CPU-bound (Web API calls run after the ack,
# on other threads), and Python runs one thread at a time: a second worker only adds GIL
# handoffs, one each time sqlite3 steps a row (it lets go of the GIL there). bench/ack.py
# measured, at concurrency 8, the bot's CPU per `/agenda` at 1.67 ms with two workers and
# 0.98 ms with one, and p99 17.7 ms against 10.9 ms. What one worker gives up: while it
# waits on another process's write lock (the busy timeout), the next requests wait too.
THREADS = 1


def wsgi_app(app: App, storage: Storage):
    """`POST /slack/events` to Bolt; `GET /healthz` answers 200 while the database answers."""
    bolt = SlackRequestHandler(app, path=EVENTS_PATH)

    def application(environ, start_response):
        if environ.get("PATH_INFO") == "/healthz" and environ.get("REQUEST_METHOD") in ("GET", "HEAD"):
            return _health(storage, start_response)
        return bolt(environ, start_response)

    return application


def _health(storage: Storage, start_response):
    try:
        storage.db.execute("SELECT 1").fetchone()
        status, body = "200 OK", {"ok": True}
    except Exception as error:  # the check's whole point is to report, not raise
        status, body = "503 Service Unavailable", {"ok": False, "error": type(error).__name__}
    payload = json.dumps(body).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]


def make_server(app: App, storage: Storage, port: int, host: str = "0.0.0.0"):
    """A waitress server with a thread pool; `.run()` serves until the process ends."""
    server = waitress.create_server(wsgi_app(app, storage), host=host, port=port, threads=THREADS, ident="iwg-bot")
    log.info("HTTP mode: POST %s and GET /healthz on port %s", EVENTS_PATH, server.effective_port)
    return server
