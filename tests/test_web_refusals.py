"""What the public request page refuses, over real HTTP (tests/test_web_pages.py's site): each
refusal is a page that says what happened, in the visitor's language, with a link to a
fresh form, and leaves nothing behind (no submission held, no notice queued, nothing
logged as a request)."""

from __future__ import annotations

import copy
import re
from datetime import timedelta

import pytest

from bot.run.app_factory import public_pages
from bot.run.web import create_web_app
from tests import test_web_pages
from tests.clocked import ClockedBot
from tests.conftest import free_port
from tests.test_web_pages import FILLED, Page, Site, held, serve, stop, web_settings

site = test_web_pages.site  # the fixture: the page served on loopback


def refused(page: Page, why: str, status: int = 400) -> None:
    assert (page.status, page.why) == (status, why), (page.status, page.why, page.text[-1500:])
    assert "Your request was not sent" in page.text
    assert "Nothing was sent to the coordinators, and nothing you typed was kept." in page.text
    assert re.search(r'<a class="button" href="/request\?lang=\w\w">Fill in a fresh form</a>', page.text)


def shown_again(page: Page, why: str) -> None:
    """A person's form sent too soon or too late: not sent, but shown again as typed, with a
    fresh form token and CSRF token, so nothing they wrote is lost."""
    assert (page.status, page.why) == (400, why), (page.status, page.why, page.text[-1500:])
    assert "Your request was not sent yet" in page.text and "check it and send it again" in page.text
    assert 'value="Ministry of Labour &amp; Social Protection"' in page.text
    assert ">Training for social workers\r\non case management</textarea>" in page.text
    assert 'value="training" checked' in page.text


def test_a_form_without_its_csrf_token(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait()
    refused(visitor.send({k: v for k, v in hidden.items() if k != "csrf_token"}), "csrf")
    refused(visitor.send({**hidden, "csrf_token": hidden["csrf_token"][:-2] + "xx"}), "csrf")
    assert site.stored() == (0, 0)


def test_the_same_form_sent_twice(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    replay = site.visitor()
    for cookie in visitor.jar:  # the session as it was before the first send
        replay.jar.set_cookie(copy.copy(cookie))
    site.wait()
    assert visitor.send(hidden).status == 303
    assert site.stored() == (1, 1)
    # sent again from the same page: its CSRF token went with the first submission
    refused(visitor.send(hidden), "reused")
    # the very same request replayed, its old cookie and all: the form token's nonce is used
    refused(replay.send(hidden), "reused")
    assert site.stored() == (1, 1)


def test_the_honeypot_filled_in(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait()
    refused(visitor.send(hidden, website="https://cheap-pills.example"), "honeypot")
    assert site.stored() == (0, 0)


def test_a_form_sent_under_two_seconds_after_it_was_shown(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait(1.9)
    page = visitor.send(hidden)
    shown_again(page, "too-fast")
    assert site.stored() == (0, 0)
    site.wait(1)  # not yet two seconds since it was shown again
    shown_again(visitor.send(page.hidden()), "too-fast")
    site.wait(2.1)  # the form shown again, sent after a person's pause, goes through
    assert visitor.send(page.hidden()).status == 303 and site.stored() == (1, 1)
    refused(visitor.send(hidden), "reused")  # the first form's session token went with it


def test_a_form_left_open_longer_than_its_tokens_live(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait(3601)
    page = visitor.send(hidden)
    shown_again(page, "stale")
    assert site.stored() == (0, 0)
    site.wait()
    assert visitor.send(page.hidden()).status == 303 and site.stored() == (1, 1)


def test_an_altered_form_token(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait()
    nonce, shown, *signature = hidden["form_token"].split(".")
    earlier = f"{nonce}.{int(shown) - 60_000}.{'.'.join(signature)}"  # "shown a minute earlier"
    for token in (earlier, "", "made-up", hidden["form_token"] + "x"):
        refused(visitor.send({**hidden, "form_token": token}), "altered")
    assert site.stored() == (0, 0)


def test_a_browser_that_keeps_no_cookie(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    visitor.jar.clear()
    site.wait()
    refused(visitor.send(hidden), "no-cookie")
    assert site.stored() == (0, 0)


def test_the_eleventh_submission_in_an_hour_from_one_address(site):
    visitors = [site.visitor() for _ in range(11)]
    forms = [visitor.open_form() for visitor in visitors]
    site.wait()
    for n, (visitor, hidden) in enumerate(zip(visitors[:10], forms)):
        assert visitor.send(hidden, email=f"person{n}@example.org").status == 303
    assert site.stored() == (10, 10)
    refused(visitors[10].send(forms[10], email="person10@example.org"), "too-many", 429)
    assert site.stored() == (10, 10)


def test_the_sixth_submission_in_an_hour_for_one_email_address(site, caplog):
    for _ in range(5):
        held(site, email="Amina@Labour.go.ke")
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait()
    refused(visitor.send(hidden, email=" amina@labour.go.ke "), "too-many", 429)
    assert site.stored() == (5, 5)
    assert "amina@labour.go.ke" not in caplog.text.lower()  # the limiter's own line names the key


def test_a_body_over_the_pages_limit(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    site.wait()
    refused(visitor.send(hidden, need="x" * 70_000), "too-large", 413)
    assert site.stored() == (0, 0)


def test_a_refusal_is_in_the_visitors_language(site):
    visitor = site.visitor()
    hidden = visitor.open_form("/request?lang=ar")
    page = visitor.send(hidden)  # too fast
    assert (page.status, page.why) == (400, "too-fast") and '<html lang="ar" dir="rtl">' in page.text


def test_an_expired_confirmation_link(site):
    held(site)
    confirm = site.path(site.links.confirm_url(1))
    site.bot.clock.now += timedelta(hours=48, minutes=1)
    visitor = site.visitor()
    for page in (visitor.get(confirm), visitor.post(confirm, {})):
        assert page.status == 410 and "This link has expired" in page.text and "48 hours" in page.text
        assert 'href="/request?lang=en">Fill in a fresh form' in page.text
    assert site.count("ta_requests") == 0 and site.outbox() == [("web.confirm", "W-1", "mail:amina@labour.go.ke")]


def test_a_confirmed_requests_link_still_says_so_after_48_hours(site):
    held(site)
    confirm = site.path(site.links.confirm_url(1))
    visitor = site.visitor()
    assert visitor.post(confirm, {}).status == 200
    site.bot.clock.now += timedelta(days=30)
    for page in (visitor.get(confirm), visitor.post(confirm, {})):
        assert page.status == 200 and "confirmed already: it is TA-1" in page.text
    assert site.count("ta_requests") == 1


def test_an_altered_confirmation_or_status_link(site, caplog):
    held(site)
    token = site.links.confirm_token(1)
    visitor = site.visitor()
    for path in (
        f"/request/confirm/{token[:-2]}{'AA' if token[-2:] != 'AA' else 'BB'}",
        "/request/confirm/1",
        f"/request/confirm/{site.links.status_token(1)}",  # a status link is no confirmation
    ):
        for page in (visitor.get(path), visitor.post(path, {})):
            assert page.status == 404 and "This link is not valid" in page.text, path
    for path in (f"/request/{token}", "/request/1.2.3", "/request/static"):
        page = visitor.get(path)
        assert page.status == 404 and "This link is not valid" in page.text, path
    assert site.count("ta_requests") == 0
    assert token not in caplog.text and FILLED["email"] not in caplog.text


def test_a_forged_forwarded_for_does_not_get_round_the_limit(site):
    """With no proxy trusted (IWG_TRUSTED_PROXIES=0), X-Forwarded-For is anyone's to write."""
    visitors = [site.visitor() for _ in range(11)]
    for n, visitor in enumerate(visitors):
        visitor.headers["X-Forwarded-For"] = f"198.51.100.{n}"
    forms = [visitor.open_form() for visitor in visitors]
    site.wait()
    for n, (visitor, hidden) in enumerate(zip(visitors[:10], forms)):
        assert visitor.send(hidden, email=f"person{n}@example.org").status == 303
    refused(visitors[10].send(forms[10], email="person10@example.org"), "too-many", 429)
    addresses = site.bot.services.storage.db.execute("SELECT DISTINCT address FROM web_submissions").fetchall()
    assert [row[0] for row in addresses] == ["127.0.0.1"]


@pytest.fixture
def proxied(tmp_dir, standin):
    """The page behind one trusted reverse proxy, whose public address is https://."""
    port = free_port()
    bot = ClockedBot(tmp_dir, standin, **web_settings(port, IWG_TRUSTED_PROXIES="1"))
    server = serve(bot, port)
    yield Site(bot, f"http://127.0.0.1:{port}", server)
    stop(server)
    bot.close()


def test_behind_a_trusted_proxy_the_visitor_is_who_it_says(proxied):
    for n in range(11):
        visitor = proxied.visitor()
        visitor.headers["X-Forwarded-For"] = f"203.0.113.7, 198.51.100.{n}"  # the proxy adds the last
        assert held(proxied, visitor, email=f"person{n}@example.org").status == 303
    addresses = proxied.bot.services.storage.db.execute("SELECT address FROM web_submissions").fetchall()
    assert sorted({row[0] for row in addresses}) == sorted(f"198.51.100.{n}" for n in range(11))


def test_the_session_cookie_is_secure_when_the_page_is_on_https(tmp_dir, standin):
    bot = ClockedBot(tmp_dir, standin, **web_settings(1, IWG_PUBLIC_URL="https://iwg.example.org"))
    try:
        app = create_web_app(bot.services, None, None, public_pages(bot.services))
        cookie = app.test_client().get("/request").headers["Set-Cookie"]
        assert "Secure" in cookie and "HttpOnly" in cookie and "SameSite=Lax" in cookie
    finally:
        bot.close()


def test_the_honeypot_is_checked_before_a_form_is_shown_again(site):
    visitor = site.visitor()
    hidden = visitor.open_form()
    refused(visitor.send(hidden, website="https://cheap-pills.example"), "honeypot")  # and too fast
    site.wait(3601)
    refused(visitor.send(hidden, website="https://cheap-pills.example"), "honeypot")  # and stale
    assert site.stored() == (0, 0)
