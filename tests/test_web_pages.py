"""The public request page over real HTTP: the Flask app (bot/run/web.py, handlers/web_pages.py)
served by waitress on loopback with the production limits, driven by a visitor with a
cookie jar and no JavaScript, on the clocked bot (tests/clocked.py) so a form can be
"filled in" for three seconds, or a link aged 48 hours, without waiting. The refusals are
in tests/test_web_refusals.py."""

from __future__ import annotations

import http.cookiejar
import logging
import re
import threading
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from datetime import timedelta
from email.message import Message

import pytest

from bot.run.app_factory import public_pages
from bot.run.http import make_server
from tests.clocked import ClockedBot
from tests.conftest import COORDINATOR, free_port

SECRET_KEY = "Zq3x_Kd8-PvN2mW7tR9yB4cL1sE6uA0h"
FILLED = {
    "name": "Amina Njoroge",
    "organisation": "Ministry of Labour & Social Protection",
    "email": "Amina@Labour.go.ke",
    "place": "Kenya and Uganda",
    "need": "Training for social workers\r\non case management",
    "strategies": ["response", "parenting"],
    "kind": "training",
    "due": "2031-06-30",  # the clocked bot's today is 10 March 2031
}


@dataclass
class Page:
    status: int
    headers: Message
    text: str

    @property
    def why(self) -> str | None:
        """Which refusal page this is (its data-why), None if it is not one."""
        found = re.search(r'data-why="([^"]+)"', self.text)
        return found and found.group(1)

    def hidden(self) -> dict[str, str]:
        """The hidden fields of the page's form."""
        return dict(re.findall(r'name="(csrf_token|form_token|lang)"(?: type="hidden")? value="([^"]*)"', self.text))


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a 303 is looked at, not followed


class Visitor:
    """A browser without JavaScript: a cookie jar, its Accept-Language, nothing followed."""

    def __init__(self, base_url: str, accept_language: str | None = None):
        self.base_url = base_url
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects)
        self.accept_language = accept_language
        self.headers: dict[str, str] = {}  # sent with every request

    def request(self, method: str, path: str, data: bytes | None = None, headers: dict | None = None) -> Page:
        sent = {"Accept-Language": self.accept_language} if self.accept_language else {}
        sent.update(self.headers)
        if data is not None:
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        request = urllib.request.Request(
            self.base_url + path, data=data, headers={**sent, **(headers or {})}, method=method
        )
        try:
            with self.opener.open(request, timeout=10) as response:
                return Page(response.status, response.headers, response.read().decode())
        except urllib.error.HTTPError as error:
            return Page(error.code, error.headers, error.read().decode())

    def get(self, path: str, **headers) -> Page:
        return self.request("GET", path, headers=headers)

    def post(self, path: str, fields: dict | list) -> Page:
        return self.request("POST", path, urllib.parse.urlencode(fields, doseq=True).encode())

    def open_form(self, path: str = "/request") -> dict[str, str]:
        """GET the form: its hidden fields (CSRF token, form token, language)."""
        page = self.get(path)
        assert page.status == 200, page.text
        return page.hidden()

    def send(self, hidden: dict[str, str], **changes) -> Page:
        return self.post("/request", {**hidden, **FILLED, **changes})


@dataclass
class Site:
    bot: ClockedBot
    base_url: str
    server: object
    visitors: list[Visitor] = field(default_factory=list)

    def visitor(self, accept_language: str | None = None) -> Visitor:
        return Visitor(self.base_url, accept_language)

    def wait(self, seconds: float = 3) -> None:
        """The visitor takes this long to fill in the form (on the bot's clock)."""
        self.bot.clock.now += timedelta(seconds=seconds)

    def count(self, table: str) -> int:
        return self.bot.services.storage.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]

    def outbox(self, kind: str | None = None) -> list[tuple[str, str, str]]:
        rows = self.bot.services.storage.db.execute("SELECT kind, subject, recipient FROM outbox ORDER BY id")
        return [tuple(row) for row in rows if kind is None or row[0] == kind]

    def stored(self) -> tuple[int, int]:
        """(submissions held, notices queued): what a refusal must leave as it was."""
        return self.count("web_submissions"), len(self.outbox())

    @property
    def links(self):
        return self.bot.services.web_requests.links

    def path(self, url: str) -> str:
        assert url.startswith(self.base_url), url
        return url[len(self.base_url) :]


def web_settings(port: int, **more: str) -> dict[str, str]:
    return {
        "IWG_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "IWG_SMTP_URL": "smtp://127.0.0.1:2525",
        "IWG_MAIL_FROM": "IWG Bot <iwg@example.org>",
        "IWG_SECRET_KEY": SECRET_KEY,
        **more,
    }


def serve(bot: ClockedBot, port: int, pages=True):
    """The bot's web server beside Socket Mode (no Slack route), running on a thread."""
    blueprint = public_pages(bot.services) if pages else None
    server = make_server(None, bot.services.storage, port, host="127.0.0.1", services=bot.services, pages=blueprint)
    threading.Thread(target=server.run, daemon=True, name="web-test-server").start()
    return server


def stop(server) -> None:
    server.task_dispatcher.shutdown(timeout=2)
    server.close()


@pytest.fixture
def site(tmp_dir, standin, caplog):
    caplog.set_level(logging.DEBUG)  # everything any logger says, to look for tokens in it
    port = free_port()
    bot = ClockedBot(tmp_dir, standin, **web_settings(port))
    server = serve(bot, port)
    yield Site(bot, f"http://127.0.0.1:{port}", server)
    stop(server)
    bot.close()


def held(site: Site, visitor: Visitor | None = None, **changes) -> Page:
    """A form filled in and sent like a person would: shown, three seconds, sent."""
    visitor = visitor or site.visitor()
    hidden = visitor.open_form()
    site.wait()
    page = visitor.send(hidden, **changes)
    assert page.status == 303, (page.status, page.why, page.text[-1500:])
    return page


# --- the way through ---------------------------------------------------------------------


def test_a_request_from_the_form_to_the_coordinators(site, standin, caplog):
    visitor = site.visitor()
    sent = held(site, visitor)
    assert sent.headers["Location"] == "/request/sent?lang=en"
    check = visitor.get(sent.headers["Location"])
    assert check.status == 200 and "Check your email" in check.text and "Amina@Labour.go.ke" in check.text
    assert "Check your email" in visitor.get("/request/sent").text  # a reload sends nothing again
    submission = site.bot.services.web_requests.submissions.get(1)
    assert (submission.name, submission.places, submission.need, submission.language) == (
        "Amina Njoroge",
        "KE UG",
        "Training for social workers\non case management",
        "en",
    )
    assert (submission.strategies, submission.kind, str(submission.due_date), submission.address) == (
        ["response", "parenting"],
        "training",
        "2031-06-30",
        "127.0.0.1",
    )
    assert site.outbox() == [("web.confirm", "W-1", "mail:amina@labour.go.ke")]
    assert site.count("ta_requests") == 0  # nobody in Slack has heard of it yet

    # the emailed link opens a button, so a mail scanner's fetch confirms nothing
    confirm = site.path(site.links.confirm_url(submission.id))
    button = visitor.get(confirm)
    assert button.status == 200 and "Confirm my request" in button.text and '<form method="post">' in button.text
    assert site.count("ta_requests") == 0
    thanks = visitor.post(confirm, {})
    assert thanks.status == 200
    assert "Your request is TA-1; the coordinators have it." in thanks.text
    status_url = re.search(r'id="status-link" href="([^"]+)"', thanks.text).group(1)
    assert status_url == site.links.status_url(1)
    assert site.count("ta_requests") == 1
    assert ("ta.announce", "TA-1", COORDINATOR) in site.outbox()
    again = visitor.post(confirm, {})
    assert "confirmed already: it is TA-1" in again.text and site.count("ta_requests") == 1
    reopened = visitor.get(confirm)  # the mail's link, opened again: no button to press twice
    assert "confirmed already: it is TA-1" in reopened.text and "Confirm my request" not in reopened.text

    # the status page: read-only, private, in the history what the requester may see
    status = visitor.get(site.path(status_url))
    assert status.status == 200
    assert '<meta name="robots" content="noindex">' in status.text
    for shown in ("Request TA-1", "Kenya and Uganda", "Training for social workers", "Ministry of Labour &amp; Social"):
        assert shown in status.text, shown
    assert re.search(r'id="status">\s*new\s*<', status.text)
    assert "Received and logged as TA-1." in status.text and "10 March 2031" in status.text

    # the secrets of its address never reach a log line
    token = status_url.rsplit("/", 1)[1]
    for secret in (token, confirm.rsplit("/", 1)[1], SECRET_KEY):
        assert secret not in caplog.text


def test_every_page_carries_the_security_headers(site):
    page = site.visitor().get("/request")
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'; frame-ancestors 'none'")
    assert page.headers["X-Content-Type-Options"] == "nosniff"
    assert page.headers["Referrer-Policy"] == "no-referrer"
    assert page.headers["Cache-Control"] == "no-store"
    cookie = page.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Path=/request" in cookie
    assert "Secure" not in cookie  # IWG_PUBLIC_URL is http:// here; https:// makes it Secure
    assert "<script" not in page.text and "style=" not in page.text  # the CSP allows neither
    css = site.visitor().get("/request/static/page.css")
    assert css.status == 200 and css.headers["Content-Type"].startswith("text/css")


def test_the_server_beside_socket_mode_has_no_slack_route(site):
    visitor = site.visitor()
    assert visitor.get("/healthz").status == 200
    refused = visitor.post("/slack/events", {"command": "/iwg"})
    assert (refused.status, refused.text, refused.headers["Content-Type"]) == (
        404,
        "Not Found",
        "text/plain; charset=utf-8",
    )
    assert visitor.get("/nowhere").status == 404 and visitor.request("PUT", "/request", b"").status == 404


def test_the_start_says_whether_the_page_is_on(tmp_dir, standin, caplog):
    caplog.set_level(logging.INFO)
    port = free_port()
    bot = ClockedBot(tmp_dir, standin, IWG_PUBLIC_URL=f"http://127.0.0.1:{port}")
    server = serve(bot, port, pages=False)
    try:
        assert "Public request page: off; it needs IWG_SMTP_URL, IWG_MAIL_FROM, IWG_SECRET_KEY" in caplog.text
        assert Visitor(f"http://127.0.0.1:{port}").get("/request").status == 404
    finally:
        stop(server)
        bot.close()


def test_the_start_line_names_the_page(site, caplog):
    started = [record.getMessage() for record in caplog.get_records("setup")]
    assert f"Public request page: on at {site.base_url}/request" in started


# --- languages, and what is typed shown back ----------------------------------------------


def test_arabic_reads_right_to_left(site):
    page = site.visitor().get("/request?lang=ar")
    assert '<html lang="ar" dir="rtl">' in page.text and page.hidden()["lang"] == "ar"
    assert '<input type="hidden" name="lang" value="ar">' in page.text
    assert '<textarea id="need" name="need" dir="auto"' in page.text  # a French need reads left to right


def test_french_from_the_browser_and_kept_through_the_form(site):
    visitor = site.visitor("fr-CH, fr;q=0.9, en;q=0.8")
    page = visitor.get("/request")
    assert '<html lang="fr" dir="ltr">' in page.text and "Pays ou région" in page.text
    assert 'href="?lang=es"' in page.text and ">Español<" in page.text
    hidden = page.hidden()
    visitor.accept_language = "en"  # the form's own language wins over the browser's now
    refused = visitor.send(hidden, email="")  # re-shown at once: too fast is checked first
    assert refused.status == 400 and '<html lang="fr"' in refused.text
    assert site.visitor("de-DE, de").get("/request").text.startswith('<!doctype html>\n<html lang="en"')


def test_problems_are_shown_at_their_fields_and_what_was_typed_kept_escaped(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait()
    typed = '<script>alert("x")</script> & Co'
    page = visitor.send(hidden, name=typed, email="not an address", place="Atlantis", due="2020-01-01")
    assert page.status == 422
    assert "<script>alert" not in page.text
    assert 'value="&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; Co"' in page.text
    assert 'aria-describedby="email-hint email-problem" aria-invalid="true"' in page.text
    assert re.search(r'id="email-problem">“not an address” is not an email address', page.text)
    assert re.search(r'id="place-problem">I don&#39;t know a country called “Atlantis”', page.text)
    assert re.search(r'id="due-problem">1 January 2020 is in the past', page.text)
    assert "There are 3 problems with the form" in page.text and 'href="#place"' in page.text
    assert 'id="strategy-response" name="strategies" value="response" checked' in page.text
    assert site.stored() == (0, 0)
    fixed = visitor.send(page.hidden(), name=typed)  # the same form, put right, goes through
    assert fixed.status == 303 and site.count("web_submissions") == 1


def test_a_status_page_escapes_what_the_requester_typed(site):
    held(site, need="<script>alert(1)</script> & <b>bold</b>", organisation="R&D <i>Unit</i>")
    confirmation = site.bot.services.web_requests.confirm(site.links.confirm_token(1))
    page = site.visitor().get(site.path(site.links.status_url(confirmation.request.id)))
    assert "<script>" not in page.text and "<b>" not in page.text and "<i>" not in page.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &lt;b&gt;bold&lt;/b&gt;" in page.text
    assert "R&amp;D &lt;i&gt;Unit&lt;/i&gt;" in page.text
    assert '<dd class="need" dir="auto">&lt;script&gt;' in page.text  # its own direction on an Arabic page


def test_the_status_page_follows_the_request(site):
    held(site)
    request = site.bot.services.web_requests.confirm(site.links.confirm_token(1)).request
    run = site.bot.driver.command
    run("/iwg", "orgs add World Health Organization (WHO) #response", user_id=COORDINATOR)
    site.bot.clock.now += timedelta(days=2)
    run("/ta", f"assign {request.ref} WHO <@U0LEAD>", user_id=COORDINATOR)
    run("/ta", f"note {request.ref} budget still unclear", user_id=COORDINATOR)
    run("/ta", f"note {request.ref} public The first session is on 3 May", user_id=COORDINATOR)
    page = site.visitor().get(site.path(site.links.status_url(request.id)) + "?lang=es")
    assert '<html lang="es"' in page.text
    assert "World Health Organization (WHO)" in page.text and "The first session is on 3 May" in page.text
    assert "budget still unclear" not in page.text and "U0LEAD" not in page.text
    assert "12 marzo 2031" in page.text  # the assignment, two days on, with the Spanish month


def test_the_emailed_links_open_in_the_language_the_form_was_filled_in(site):
    visitor = site.visitor("en-GB, en")  # a French speaker on an English browser
    hidden = visitor.open_form("/request?lang=fr")
    site.wait()
    assert visitor.send(hidden).status == 303
    confirm = site.path(site.links.confirm_url(1))  # the mail's links carry no ?lang=
    assert '<html lang="fr"' in visitor.get(confirm).text
    thanks = visitor.post(confirm, {})
    assert '<html lang="fr"' in thanks.text
    status_url = re.search(r'id="status-link" href="([^"]+)"', thanks.text).group(1)
    assert '<html lang="fr"' in visitor.get(site.path(status_url)).text
    assert '<html lang="ar"' in visitor.get(site.path(status_url) + "?lang=ar").text  # its own choice wins


def test_a_failure_is_logged_without_the_link_and_answered_with_a_page(site, caplog, monkeypatch):
    def broken(token: str):
        raise RuntimeError(f"could not read {token}")  # a message that quotes the link

    monkeypatch.setattr(site.bot.services.web_requests, "status", broken)
    token = site.links.status_token(1)
    page = site.visitor().get(f"/request/{token}")
    assert page.status == 500 and "Something went wrong" in page.text
    assert "GET /request/<token> failed: RuntimeError at " in caplog.text
    assert token not in caplog.text and "could not read" not in caplog.text
