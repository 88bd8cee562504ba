"""The requester's mail (bot/outbound/mail.py, bot/render/mails.py): sent over real SMTP to a
local server in each security mode, rendered in the requester's language, and delivered
through the outbox like every notice, so a mail server that is down loses nothing."""

from __future__ import annotations

import json
import logging
import re
import smtplib
import ssl
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage

import pytest

from bot.i18n import _ as translated
from bot.i18n import language
from bot.outbound.courier import Courier
from bot.outbound.mail import Mailer, MailRefused
from bot.outbound.notices import NoticeSender
from bot.parsing.places import places_label
from bot.parsing.vocabulary import status_label
from bot.render import mails, ta_notices
from bot.settings import parse_smtp_url
from storage.organisations import Organisation
from storage.ta_requests import TAEvent, TARequest
from storage.web_submissions import WebSubmission
from tests import test_web_requests
from tests.clocked import ClockedBot
from tests.conftest import COORDINATOR
from tests.smtp_server import SmtpServerStandIn, smtp_server  # noqa: F401
from tests.test_http import valid_ephemeral

SENDER = "IWG Bot <iwg@example.org>"
PUBLIC_URL = "https://iwg.example.org"
LANE = "mail:amina@labour.go.ke"
# the web form of tests/test_web_requests.py, for two places and a need over two lines
FORM = test_web_requests.FORM.model_copy(
    update={
        "places": "KE UG",
        "need": "Training for <b>social workers</b>\non case management",
        "strategies": ("response",),
    }
)
WHEN = datetime(2031, 3, 10, 9, 0, tzinfo=timezone.utc)


def a_mail(to: str = "amina@labour.go.ke") -> EmailMessage:
    message = EmailMessage()
    message["To"], message["Subject"] = to, "[IWG] Test"
    message.set_content("Bonjour, ceci est un essai.\n")
    return message


# --- the Mailer, in the three security modes ---------------------------------------------


def test_plain_smtp_delivers_the_mail_with_its_message_id(smtp_server):  # noqa: F811
    mailer = Mailer(parse_smtp_url(smtp_server.url), SENDER)
    message = a_mail()
    message["Message-ID"] = "<notice-7.abc@example.org>"
    assert mailer.send(message) == "<notice-7.abc@example.org>"
    (received,) = smtp_server.wait_for(1)
    assert received["Message-ID"] == "<notice-7.abc@example.org>" and received["From"] == SENDER
    assert received.get_content() == "Bonjour, ceci est un essai.\n"
    assert smtp_server.envelopes == [("iwg@example.org", ["amina@labour.go.ke"], False)]


@pytest.mark.parametrize("security", ["starttls", "tls"])
@pytest.mark.filterwarnings("ignore:Requiring AUTH while not requiring TLS")  # implicit TLS: it is encrypted
def test_starttls_and_implicit_tls_log_in_over_an_encrypted_connection(security):
    server = SmtpServerStandIn(security, login=("iwg", "p@ss word")).start()
    try:
        settings = parse_smtp_url(server.url.replace("p@ss word", "p%40ss%20word"))
        assert (settings.security, settings.password) == (security, "p@ss word")
        Mailer(settings, SENDER, ssl_context=server.client_context()).send(a_mail())
        server.wait_for(1)
        assert server.envelopes[0][2] is True  # logged in
        wrong = Mailer(settings._replace(password="nope"), SENDER, ssl_context=server.client_context())
        with pytest.raises(smtplib.SMTPAuthenticationError) as refused:
            wrong.send(a_mail())
        assert isinstance(refused.value, OSError)  # the courier tries again: a setting to fix
        with pytest.raises(ssl.SSLCertVerificationError):  # a certificate nobody vouches for
            Mailer(settings, SENDER).send(a_mail())
    finally:
        server.stop()


def test_only_a_5xx_for_the_recipient_or_the_message_is_a_refusal_for_good(smtp_server):  # noqa: F811
    mailer = Mailer(parse_smtp_url(smtp_server.url), SENDER)
    smtp_server.refuse_recipients = "550 5.1.1 No such user"
    with pytest.raises(MailRefused, match="550"):
        mailer.send(a_mail())
    smtp_server.refuse_recipients = "451 4.3.0 Try again later"
    with pytest.raises(smtplib.SMTPRecipientsRefused):  # an OSError: tried again
        mailer.send(a_mail())
    smtp_server.refuse_recipients, smtp_server.refuse_data = None, "554 5.7.1 Rejected as spam"
    with pytest.raises(MailRefused, match="554"):
        mailer.send(a_mail())
    smtp_server.stop()
    with pytest.raises(ConnectionRefusedError):
        mailer.send(a_mail())
    assert smtp_server.received == []


# --- the mails, in the requester's language ------------------------------------------------

SUBMISSION = WebSubmission(id=3, form_token="t", created_at=WHEN, address="", **FORM.model_dump())
REQUEST = TARequest(
    id=12,
    country="KE UG",
    need="Training",
    requester=LANE,
    status="in-progress",
    organisation_id=1,
    lead="U0LEAD",
    created_at=WHEN,
    updated_at=WHEN,
    source="web",
    requester_name="Amina Njoroge",
    requester_email="Amina@Labour.go.ke",
    requester_language="es",
)
WHO = Organisation(id=1, name="World Health Organization", short_name="WHO")


def body(message: EmailMessage) -> str:
    return message.get_content()


@pytest.mark.parametrize("code", ["en", "fr", "ar"])
def test_the_confirmation_mail_sums_up_the_request_and_carries_its_link(code):
    url = f"{PUBLIC_URL}/request/confirm/abc.DEF-123"
    message = mails.confirm(SUBMISSION.model_copy(update={"language": code}), url)
    text = body(message)
    assert message["To"] == "Amina Njoroge <Amina@Labour.go.ke>" and message["Content-Language"] == code
    assert message.get_content_type() == "text/plain" and message.get_content_charset() == "utf-8"
    assert url in text.splitlines()  # on a line of its own: clickable whole, no isolates around it
    with language(code):
        assert places_label("KE UG") in text
    assert "Training for <b>social workers</b> on case management" in text  # the need: one line, as typed
    if code == "en":
        assert message["Subject"] == "[IWG] Confirm your request for technical assistance"
        assert "48 hours" in text and "ignore this mail and nothing happens" in text
        assert "June 30, 2031" in text


def test_a_visitor_name_cannot_add_a_header():
    sneaky = SUBMISSION.model_copy(update={"name": "Eve\r\nBcc: victim@example.org\r\n\r\nhi", "language": "en"})
    message = mails.confirm(sneaky, f"{PUBLIC_URL}/request/confirm/x")
    raw = message.as_bytes()
    assert b"\nBcc:" not in raw and message["Bcc"] is None
    assert message["To"].addresses[0].display_name == "Eve Bcc: victim@example.org hi"
    assert message["To"].addresses[0].addr_spec == "Amina@Labour.go.ke"
    with pytest.raises(mails.NotAnAddress):
        mails.confirm(SUBMISSION.model_copy(update={"email": "a@b.org\r\nBcc: c@d.org"}), "x")


@pytest.mark.parametrize("code", ["en", "es"])
def test_the_requester_mails_say_what_changed_and_link_to_the_status_page(code):
    url = f"{PUBLIC_URL}/request/abc"
    request = REQUEST.model_copy(update={"requester_language": code})
    logged = mails.logged(request, url)
    moved = mails.status_changed(request, WHO, None, url)
    reopened = mails.status_changed(request.model_copy(update={"status": "assigned"}), WHO, "Budget found", url)
    note = TAEvent(id=5, request_id=12, at=WHEN, actor="U0C", kind="note", text="First session:\n3 May", public=True)
    noted = mails.noted(request, note, url)
    for message in (logged, moved, reopened, noted):
        assert message["To"] == "Amina Njoroge <Amina@Labour.go.ke>" and message["Content-Language"] == code
        assert url in body(message).splitlines() and "U0LEAD" not in body(message)  # no Slack IDs
        assert "TA-12" in message["Subject"] and message["Subject"].startswith("[IWG] ")
    with language(code):
        assert status_label("in-progress") in body(moved) and status_label("in-progress") in moved["Subject"]
        assert status_label("assigned") in body(reopened)
    assert "World Health Organization (WHO)" in body(moved)
    assert "> Budget found" in body(reopened) and "> First session:\n> 3 May" in body(noted)
    if code == "en":
        assert moved["Subject"] == "[IWG] TA-12: in-progress"
        assert "logged as TA-12" in body(logged) and "reopened" in reopened["Subject"]


# --- through the outbox: the courier, the notice sender and the SMTP server -----------------


@pytest.fixture
def web_bot(tmp_dir, standin, smtp_server):  # noqa: F811
    settings = {"IWG_PUBLIC_URL": PUBLIC_URL, "IWG_SMTP_URL": smtp_server.url, "IWG_MAIL_FROM": SENDER}
    bot = ClockedBot(tmp_dir, standin, IWG_SECRET_KEY="k" * 32, **settings)
    yield bot
    bot.close()


def courier(bot, mailer: Mailer | None) -> Courier:
    sender = NoticeSender(bot.services, bot.sender.courier.deliver.client, mailer)
    return Courier(bot.services.outbox, sender, on_refused=sender.refused)


def mailer_for(bot) -> Mailer:
    return Mailer(bot.services.settings.smtp, bot.services.settings.mail_from)


def mail_rows(bot) -> list[tuple]:
    return bot.services.storage.db.execute(
        "SELECT kind, attempts, sent_at IS NOT NULL, failed_at IS NOT NULL, ts, error FROM outbox"
        " WHERE recipient LIKE 'mail:%' ORDER BY id"
    ).fetchall()


def test_a_confirmation_goes_out_through_the_outbox_and_its_link_confirms(web_bot, smtp_server):  # noqa: F811
    submission = web_bot.services.web_requests.hold(FORM, "nonce-1", "203.0.113.9")
    courier(web_bot, mailer_for(web_bot)).drain()
    (mail,) = smtp_server.wait_for(1)
    assert mail["To"] == "Amina Njoroge <Amina@Labour.go.ke>" and mail["Content-Language"] == "fr"
    assert re.fullmatch(r"<notice-1\.[0-9a-f]{12}@example\.org>", mail["Message-ID"])
    assert mail_rows(web_bot) == [("web.confirm", 1, 1, 0, mail["Message-ID"], None)]
    (link,) = [line for line in mail.get_content().splitlines() if line.startswith(PUBLIC_URL)]
    confirmation = web_bot.services.web_requests.confirm(link.rsplit("/", 1)[1])
    assert confirmation.first_time and confirmation.request.requester_email == submission.email
    courier(web_bot, mailer_for(web_bot)).drain()
    logged = smtp_server.wait_for(2)[1]
    assert "TA-1" in logged["Subject"] and any(
        line.startswith(f"{PUBLIC_URL}/request/") for line in logged.get_content().splitlines()
    )


def test_a_mail_server_that_is_down_loses_nothing_and_sends_once_when_back(web_bot, smtp_server):  # noqa: F811
    smtp_server.stop()
    web_bot.services.web_requests.hold(FORM, "nonce-1", "203.0.113.9")
    sending = courier(web_bot, mailer_for(web_bot))
    for _ in range(3):  # three tries, a growing delay apart
        sending.drain()
        web_bot.clock.now += timedelta(minutes=5)
    ((kind, attempts, sent, failed, _ts, error),) = mail_rows(web_bot)
    assert (kind, attempts, sent, failed) == ("web.confirm", 3, 0, 0) and "refused" in error.lower()
    smtp_server.start()
    web_bot.clock.now += timedelta(minutes=5)
    sending.drain()
    sending.drain()
    assert len(smtp_server.wait_for(1)) == 1 and mail_rows(web_bot)[0][1:4] == (4, 1, 0)
    web_bot.clock.now += timedelta(hours=2)
    sending.drain()
    assert len(smtp_server.received) == 1  # exactly once


def test_a_resend_after_a_lost_answer_is_the_same_mail(web_bot, smtp_server):  # noqa: F811
    smtp_server.lose_answers = 1
    web_bot.services.web_requests.hold(FORM, "nonce-1", "203.0.113.9")
    sending = courier(web_bot, mailer_for(web_bot))
    sending.drain()
    web_bot.clock.now += timedelta(seconds=5)
    sending.drain()
    first, second = smtp_server.wait_for(2)
    assert first["Message-ID"] == second["Message-ID"] and first["Subject"] == second["Subject"]
    unsigned = [re.sub(r"/confirm/\S+", "/confirm/…", mail.get_content()) for mail in (first, second)]
    assert unsigned[0] == unsigned[1]  # the link is signed again, as it is sent: both work
    assert mail_rows(web_bot)[0][1:5] == (2, 1, 0, first["Message-ID"])


def test_a_permanent_refusal_ends_the_notice_with_a_log_line(web_bot, smtp_server, caplog):  # noqa: F811
    smtp_server.refuse_recipients = "451 4.2.1 Mailbox busy"
    web_bot.services.web_requests.hold(FORM, "nonce-1", "203.0.113.9")
    sending = courier(web_bot, mailer_for(web_bot))
    sending.drain()
    assert mail_rows(web_bot)[0][1:4] == (1, 0, 0)  # a 4xx: tried again
    smtp_server.refuse_recipients = "550 5.1.1 No such user"
    web_bot.clock.now += timedelta(minutes=1)
    with caplog.at_level(logging.ERROR, logger="iwg.courier"):
        sending.drain()
    ((_kind, attempts, sent, failed, _ts, error),) = mail_rows(web_bot)
    assert (attempts, sent, failed) == (2, 0, 1) and error.startswith("mail: ") and "550" in error
    assert any("not delivered" in r.getMessage() and "550" in r.getMessage() for r in caplog.records)
    web_bot.clock.now += timedelta(hours=2)
    sending.drain()
    assert smtp_server.received == [] and mail_rows(web_bot)[0][1] == 2  # not tried again


def test_without_a_mailer_mail_waits_uncounted_and_is_logged_once(web_bot, smtp_server, caplog):  # noqa: F811
    service = web_bot.services.web_requests
    service.hold(FORM, "nonce-1", "203.0.113.9")
    service.hold(FORM.model_copy(update={"email": "other@example.org"}), "nonce-2", "203.0.113.9")
    sending = courier(web_bot, None)
    with caplog.at_level(logging.WARNING, logger="iwg.mail"):
        for _ in range(3):
            sending.drain()
            web_bot.clock.now += timedelta(hours=1)
    told = [r for r in caplog.records if "mail is not configured" in r.getMessage()]
    assert len(told) == 1
    assert [row[1:4] for row in mail_rows(web_bot)] == [(0, 0, 0), (0, 0, 0)]  # waiting, tries not counted
    courier(web_bot, mailer_for(web_bot)).drain()
    assert len(smtp_server.wait_for(2)) == 2


def test_a_confirmation_confirmed_or_expired_before_it_goes_out_is_not_sent(web_bot, smtp_server):  # noqa: F811
    service = web_bot.services.web_requests
    first = service.hold(FORM, "nonce-1", "203.0.113.9")
    service.confirm(service.links.confirm_token(first.id))  # (a link from a lost try, say)
    courier(web_bot, mailer_for(web_bot)).drain()
    (logged,) = smtp_server.wait_for(1)
    assert "TA-1" in logged["Subject"]  # the logged mail only
    service.hold(FORM, "nonce-2", "203.0.113.9")
    web_bot.clock.now += timedelta(hours=49)
    courier(web_bot, mailer_for(web_bot)).drain()
    assert len(smtp_server.received) == 1
    assert [row[:5] for row in mail_rows(web_bot)] == [
        ("web.confirm", 1, 1, 0, None),
        ("web.logged", 1, 1, 0, logged["Message-ID"]),
        ("web.confirm", 1, 1, 0, None),
    ]


def test_status_changes_and_public_notes_are_mailed_private_ones_are_not(web_bot, smtp_server):  # noqa: F811
    service = web_bot.services.web_requests
    submission = service.hold(FORM, "nonce-1", "203.0.113.9")
    ref = service.confirm(service.links.confirm_token(submission.id)).request.ref
    run = web_bot.driver.command
    valid_ephemeral(run("/iwg", "orgs add World Health Organization (WHO) #response", user_id=COORDINATOR))
    valid_ephemeral(run("/ta", f"assign {ref} WHO <@{COORDINATOR}>", user_id=COORDINATOR))
    valid_ephemeral(run("/ta", f"note {ref} budget still unclear", user_id=COORDINATOR))
    valid_ephemeral(run("/ta", f"note {ref} public The first session is on 3 May", user_id=COORDINATOR))
    sending = courier(web_bot, mailer_for(web_bot))
    for _ in range(5):  # the mail lane's pace: one a second after a burst of three
        sending.drain()
        web_bot.clock.now += timedelta(seconds=2)
    mails_sent = smtp_server.wait_for(3)  # the confirmation was confirmed before it went out
    with language("fr"):  # the language the form was filled in, as the catalogue words it
        expected = [
            translated("[IWG] {ref}: your request is logged", ref=ref),
            translated("[IWG] {ref}: {status}", ref=ref, status=status_label("assigned")),
            translated("[IWG] {ref}: a note from the coordinators", ref=ref),
        ]
    assert [m["Subject"] for m in mails_sent] == expected
    assert expected[0] != f"[IWG] {ref}: your request is logged"  # French, not English
    texts = [m.get_content() for m in mails_sent]
    assert "World Health Organization (WHO)" in texts[1] and "> The first session is on 3 May" in texts[2]
    assert not any("budget still unclear" in text for text in texts)
    assert len({m["Message-ID"] for m in mails_sent}) == 3 and len(smtp_server.received) == 3


def test_a_requester_whose_mail_is_refused_for_good_is_told_to_the_coordinators(web_bot, smtp_server, standin):  # noqa: F811
    service = web_bot.services.web_requests
    unconfirmed = service.hold(FORM.model_copy(update={"email": "gone@example.org"}), "nonce-0", "203.0.113.9")
    submission = service.hold(FORM, "nonce-1", "203.0.113.9")
    ref = service.confirm(service.links.confirm_token(submission.id)).request.ref
    smtp_server.refuse_recipients = "550 5.1.1 No such user"
    sending = courier(web_bot, mailer_for(web_bot))
    sending.drain()  # the mails fail for good: the confirmation link, and TA-1's number and link
    assert [row[:4] for row in mail_rows(web_bot)] == [
        ("web.confirm", 1, 0, 1),
        ("web.confirm", 1, 1, 0),  # confirmed before it went out: not sent
        ("web.logged", 1, 0, 1),
    ]
    sending.drain()  # what the coordinators are told goes out

    def told() -> list[str]:
        texts = [json.dumps(message["blocks"]) for message in standin.dms_to(COORDINATOR)]
        return [text for text in texts if "could not mail" in text]

    (text,) = standin.wait_for(told, what="the coordinator told of the mail")
    assert ref in text and "Amina@Labour.go.ke" in text and "refused that address for good" in text
    assert "the link to its status page" in text  # which mail it was
    assert unconfirmed.email not in "".join(told())  # a confirmation link: nothing was logged, nobody to tell
    valid_ephemeral(web_bot.driver.command("/ta", f"status {ref} declined out of scope", user_id=COORDINATOR))
    sending.drain()  # its mail fails too
    sending.drain()
    assert mail_rows(web_bot)[-1][:4] == ("ta.requester", 1, 0, 1) and len(told()) == 1  # told once a day


def test_a_mail_server_unreachable_for_hours_is_told_as_such(web_bot):
    service = web_bot.services.web_requests
    request = service.confirm(service.links.confirm_token(service.hold(FORM, "nonce-1", "203.0.113.9").id)).request
    reply = ta_notices.mail_undelivered(request, {"kind": "ta.note", "refused": False})
    text = json.dumps(reply.blocks)
    assert "in hours of trying" in text and "the mail with a public note" in text
    assert "Ministry of Labour &amp; Social Protection" in text  # what the visitor typed, escaped
