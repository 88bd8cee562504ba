"""The public request page in a real browser (headless Chromium), against the real bot in
HTTP mode, a real SMTP server on loopback and the Slack stand-in: a visitor asks, confirms
from their mail, the coordinators are told in Slack, and the requester hears what happens."""

from __future__ import annotations

import json
import re
import time

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.wait import WebDriverWait

from tests.conftest import COORDINATOR, free_port
from tests.smtp_server import SmtpServerStandIn
from tests.test_http import valid_ephemeral

SECRET_KEY = "browser-test-key-" + "k" * 16
ORGANISATION = "Ministère de la Santé & <Protection>"


@pytest.fixture
def smtp():
    server = SmtpServerStandIn().start()
    yield server
    server.stop()


@pytest.fixture
def site(start_bot, smtp):
    """The bot serving the page at its own address: (base URL, Slack driver)."""
    port = free_port()
    public = f"http://127.0.0.1:{port}"
    driver, _process = start_bot(
        PORT=str(port),
        IWG_PUBLIC_URL=public,
        IWG_SMTP_URL=smtp.url,
        IWG_MAIL_FROM="IWG Bot <iwg-bot@example.org>",
        IWG_SECRET_KEY=SECRET_KEY,
    )
    return public, driver


def fill_and_send(browser, public: str, language: str = "en") -> None:
    """Fill the form as a person would, and send it once the two seconds have passed."""
    browser.get(f"{public}/request?lang={language}")
    shown = time.monotonic()
    browser.find_element(By.ID, "name").send_keys("Amina Njoroge")
    browser.find_element(By.ID, "organisation").send_keys(ORGANISATION)
    browser.find_element(By.ID, "email").send_keys("amina@sante.example.org")
    browser.find_element(By.ID, "place").send_keys("Kenya")
    browser.find_element(By.ID, "need").send_keys("Training for 40 social workers on case management")
    browser.find_element(By.ID, "strategy-response").click()
    browser.find_element(By.CSS_SELECTOR, "input[name=kind][value=training]").click()
    time.sleep(max(0.0, 2.2 - (time.monotonic() - shown)))  # the page refuses a form sent sooner
    submit(browser)


def submit(browser) -> None:
    """Press the form's button and wait for the next page (not the old one, still shown)."""
    old = browser.find_element(By.TAG_NAME, "html")
    browser.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    WebDriverWait(browser, 10).until(expected_conditions.staleness_of(old))


def link_in(mail, path: str) -> str:
    body = mail.get_body(("plain",)).get_content()
    found = re.search(rf"http://127\.0\.0\.1:\d+/request/{path}\S+", body)
    assert found, body
    return found.group(0)


def announcement_of(standin, ref: str) -> str:
    def found():
        texts = [json.dumps(m, ensure_ascii=False) for m in standin.dms_to(COORDINATOR)]
        return next((t for t in texts if ref in t), None)

    return standin.wait_for(found, timeout=10, what=f"the announcement of {ref}")


def test_from_the_form_to_the_coordinators_and_back_by_mail(site, smtp, standin, browser):
    public, slack = site
    fill_and_send(browser, public)
    assert "/request/sent" in browser.current_url
    (confirmation,) = smtp.wait_for(1, within=10)
    assert confirmation["To"].addresses[0].addr_spec == "amina@sante.example.org"
    assert not standin.dms_to(COORDINATOR)  # nobody is bothered before the requester confirms

    browser.get(link_in(confirmation, "confirm/"))
    submit(browser)
    assert "TA-1" in browser.find_element(By.TAG_NAME, "main").text

    announcement = announcement_of(standin, "TA-1")
    assert "Ministère de la Santé &amp; &lt;Protection&gt;" in announcement and "Amina Njoroge" in announcement
    logged = smtp.wait_for(2, within=10)[1]
    assert "TA-1" in logged["Subject"]

    valid_ephemeral(slack.command("/iwg", "orgs add UNICEF #response", user_id=COORDINATOR))
    valid_ephemeral(slack.command("/ta", "assign TA-1 UNICEF", user_id=COORDINATOR))
    status_mail = smtp.wait_for(3, within=10)[2]
    assert "TA-1" in status_mail["Subject"] and "UNICEF" in status_mail.get_body(("plain",)).get_content()

    browser.get(link_in(status_mail, ""))
    page = browser.find_element(By.TAG_NAME, "main").text
    assert "TA-1" in page and "UNICEF" in page and "Training for 40 social workers" in page
    assert len(smtp.received) == 3


def test_mails_wait_for_a_mail_server_that_is_down(site, smtp, standin, browser):
    public, slack = site
    smtp.stop()
    fill_and_send(browser, public, language="ar")
    assert browser.find_element(By.TAG_NAME, "html").get_attribute("dir") == "rtl"
    assert "/request/sent" in browser.current_url  # taken: its mail waits in the outbox
    time.sleep(1.5)  # the courier tries and fails at least once
    smtp.start()
    (confirmation,) = smtp.wait_for(1, within=15)
    assert confirmation["Content-Language"] == "ar"
    browser.get(link_in(confirmation, "confirm/"))
    submit(browser)
    announcement_of(standin, "TA-1")
    smtp.wait_for(2, within=10)

    smtp.stop()
    valid_ephemeral(slack.command("/ta", "status TA-1 declined out of scope", user_id=COORDINATOR))
    time.sleep(1.5)
    smtp.start()
    mails = smtp.wait_for(3, within=15)
    time.sleep(1)  # a second copy would have come by now
    assert len(smtp.received) == 3 and "TA-1" in mails[2]["Subject"]
    subjects = [m["Message-ID"] for m in smtp.received]
    assert len(set(subjects)) == 3
