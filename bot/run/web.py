"""The bot's web side on Flask: Slack's events through the front door, the health check, the
calendar feed and, when its settings are all there, the public request page (a blueprint
from handlers/web_pages.py, handed in by the run code through bot/run/app_factory.py, the
only module that may import handlers).

Slack's POSTs still pass bot/run/front_door.py rather than Bolt's own Flask adapter
(slack_bolt.adapter.flask): the adapter gives Bolt the body already decoded as text
(`request.get_data(as_text=True)`) and Bolt parses it before it checks the signature, so a
stranger's body that is not UTF-8 or not JSON reaches the parsers. FrontDoor checks the
signature on the raw bytes before anything parses them, then the shape, then replays.

What a stranger may send is bounded twice: waitress refuses a body over 1 MB before Flask
sees it (bot/run/http.py LIMITS, for Slack's largest form submissions), and Flask refuses
a page's body over 64 KB (MAX_CONTENT_LENGTH; only `/slack/events` raises it back to 1 MB).

Nothing here logs a path or a body: the feed's path holds its secret and a status page's
path (`/request/<token>`) the requester's private link, so a failure is logged as the
route's pattern and the error's type and frames (bot.errors.failure), and werkzeug's own
logger is kept to errors.
"""

from __future__ import annotations

import hmac
import json
import logging
from email.utils import format_datetime
from typing import TYPE_CHECKING

from flask import Blueprint, Flask, Response, request
from flask.sessions import SecureCookieSessionInterface
from werkzeug.middleware.proxy_fix import ProxyFix

from bot.errors import failure
from bot.render.ics import etag, feed_ics, feed_meetings
from bot.run.front_door import FrontDoor
from storage import Storage
from storage.meetings import MeetingRepository

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("iwg.http")

EVENTS_PATH = "/slack/events"
CALENDAR_PREFIX, CALENDAR_SUFFIX = "/calendar/", ".ics"  # the feed: /calendar/<secret>.ics
# Subscribed calendars fetch the feed once an hour at the most, and most far less often: five
# minutes in a cache in between costs nothing. The ETag lets a client ask "changed?" for a 304.
CALENDAR_CACHE = "max-age=300"
MEETINGS_IN_FEED = 2000  # the latest-starting meetings read for the feed: years of them
# The largest thing Slack posts is a form's submission: the whole view (100 blocks of at
# most 3,000 characters) and its state, a few hundred KB at the very most.
SLACK_BODY_MOST = 1024 * 1024
# A page's form is six short fields and a 3,000-character description: 64 KB is room for
# all of it written in Arabic (two bytes a letter), percent-encoded (three bytes a byte).
PAGE_BODY_MOST = 64 * 1024
PAGE_FIELDS_MOST = 100  # the form has fewer than 30 fields, checkboxes counted
PAGE_PREFIX = "/request"  # the public request page's paths: the only ones with a session
_PLAIN = "text/plain; charset=utf-8"


class PageSessions(SecureCookieSessionInterface):
    """Flask's signed-cookie sessions on the page's own paths only: elsewhere (Slack's
    events, the feed) no cookie is read, nor a signer made for one, on every request."""

    def open_session(self, app, request):
        if not request.path.startswith(PAGE_PREFIX):
            return None  # Flask's null session: readable as empty, never saved
        return super().open_session(app, request)


class WebApp(Flask):
    session_interface = PageSessions()

    def log_exception(self, exc_info) -> None:
        """A failed request as the route's pattern (`/request/<token>`, never the token) and
        the error's type and frames; Flask's own line names the path, and the traceback's
        message can quote what was typed."""
        rule = request.url_rule.rule if request.url_rule else "an unknown route"
        log.error("%s %s failed: %s", request.method, rule, failure(exc_info[1]))


def create_web_app(
    services: Services | None,
    door: FrontDoor | None,
    calendar_secret: str | None = None,
    pages: Blueprint | None = None,
    *,
    storage: Storage | None = None,
) -> Flask:
    """The routes: `POST /slack/events` through `door` (none: beside Socket Mode, where
    Slack's events come over the socket), `GET /healthz`, the feed with `calendar_secret`,
    and `pages` (the public request page) when given. Anything else is a plain 404, a feed
    address with a wrong secret included. `storage` defaults to the services'."""
    settings = services.settings if services is not None else None
    storage = storage or services.storage
    app = WebApp(__name__, static_folder=None)  # the page's stylesheet is its blueprint's
    app.url_map.merge_slashes = False  # `/calendar//x.ics` is not the feed, and not a redirect
    app.config.update(
        MAX_CONTENT_LENGTH=PAGE_BODY_MOST,
        MAX_FORM_MEMORY_SIZE=PAGE_BODY_MOST,
        MAX_FORM_PARTS=PAGE_FIELDS_MOST,
        PROVIDE_AUTOMATIC_OPTIONS=False,  # OPTIONS is a method like any other here: 404
        # the page's session (its CSRF token) is sent back to the page's own paths only
        SESSION_COOKIE_NAME="iwg_request",
        SESSION_COOKIE_PATH=PAGE_PREFIX,
        SESSION_COOKIE_HTTPONLY=True,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_SECURE=bool(settings and (settings.public_url or "").startswith("https://")),
        TEMPLATES_AUTO_RELOAD=False,
    )
    if settings is not None and settings.secret_key:
        key = settings.secret_key.get_secret_value()
        app.secret_key = key  # signs the session cookie (salt "cookie-session")
        app.config["WTF_CSRF_SECRET_KEY"] = key  # and the CSRF token (salt "wtf-csrf-token")
    if settings is not None and settings.trusted_proxies:
        # behind N proxies, the visitor's address and scheme are what the Nth from here saw:
        # the rate limits count visitors, not the proxy; a header the client sent is ignored
        n = settings.trusted_proxies
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=n, x_proto=n)
    logging.getLogger("werkzeug").setLevel(logging.ERROR)

    if door is not None:

        @app.post(EVENTS_PATH)
        def slack_events():
            request.max_content_length = SLACK_BODY_MOST
            raw = request.get_data(cache=False)  # the bytes as they arrived: nothing parsed them
            status, headers, body = door.handle(raw, {name.lower(): value for name, value in request.headers.items()})
            response = Response(body, status, headers)
            if not any(name.lower() == "content-type" for name in headers):
                del response.headers["Content-Type"]  # as Bolt answered it: an empty 200 has none
            return response

    @app.get("/healthz")
    def health():
        return _health(storage)

    if calendar_secret:

        @app.get(CALENDAR_PREFIX + "<path:name>")
        def calendar_feed(name: str):
            if not _is_feed(name, calendar_secret):
                return _not_found()
            return _feed(storage)

    if pages is not None:
        app.register_blueprint(pages)

    for status in (404, 405):  # an unknown path, or a known one asked with another method
        app.register_error_handler(status, lambda _error: _not_found())
    app.register_error_handler(413, lambda _error: Response("Payload Too Large", 413, content_type=_PLAIN))
    app.register_error_handler(500, lambda _error: Response("Internal Server Error", 500, content_type=_PLAIN))
    return app


def _not_found() -> Response:
    return Response("Not Found", 404, content_type=_PLAIN)


def _health(storage: Storage) -> Response:
    try:
        storage.db.execute("SELECT 1").fetchone()
        status, body = 200, {"ok": True}
    except Exception as error:  # the check's whole point is to report, not raise
        status, body = 503, {"ok": False, "error": type(error).__name__}
    return Response(json.dumps(body), status, content_type="application/json")


def _is_feed(name: str, secret: str) -> bool:
    """Whether `<name>` after /calendar/ is `<secret>.ics`, compared in constant time."""
    if not name.endswith(CALENDAR_SUFFIX):
        return False
    given = name[: -len(CALENDAR_SUFFIX)]
    # werkzeug decoded the path as UTF-8; a lone surrogate from bad bytes still encodes
    return hmac.compare_digest(given.encode("utf-8", "surrogatepass"), secret.encode())


def _feed(storage: Storage) -> Response:
    """The meetings of the last 12 months and to come, cancelled ones too, read on this
    request's thread (storage gives each thread its own connection). Nothing here logs the
    path, which holds the secret; waitress's own lines that name it are redacted (the secret
    is among Settings.secrets())."""
    try:
        now = storage.clock()
        shown = feed_meetings(MeetingRepository(storage).changed(MEETINGS_IN_FEED), now)
        body = feed_ics(shown, now)
    except Exception as error:  # answered, and logged without the path
        log.error("calendar feed: %s", failure(error))
        return Response("Unavailable", 503, content_type=_PLAIN)
    tag = etag(body)
    headers = {"Cache-Control": CALENDAR_CACHE, "ETag": tag}
    if shown:
        headers["Last-Modified"] = format_datetime(max(m.updated_at for m in shown), usegmt=True)
    asked = {t.strip().removeprefix("W/") for t in (request.headers.get("If-None-Match") or "").split(",")}
    if tag in asked or "*" in asked:
        return Response(b"", 304, headers)
    return Response(body, 200, headers, content_type="text/calendar; charset=utf-8")
