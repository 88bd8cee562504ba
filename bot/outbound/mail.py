"""The mail lanes of the outbox ("mail:<email>"): what a requester from the public page is
sent, by SMTP, through the same outbox and courier as every Slack notice.

So a mail server that is down loses nothing: a refused connection, a timeout, a 4xx or a
dropped connection is an OSError (smtplib's errors are), which the courier tries again
with its growing delay. Only a refusal the server will always give (a 5xx for the
recipient or the message) ends the notice: `MailRefused`, which the courier gives up on.

A mail cannot be looked for after a lost answer, as a Slack post can, so a try whose
answer was lost sends it again, under the same Message-ID (made from the notice's ID):
the second copy is recognisably the same mail, and most mailboxes keep only one.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import smtplib
import ssl
from datetime import datetime, timezone
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from typing import TYPE_CHECKING

from bot.domain.web_links import CONFIRM_LIFETIME, WebLinks
from bot.parsing.text import parse_ref
from bot.render import mails
from bot.settings import SmtpServer
from storage.outbox import Notice, NoticeKind

if TYPE_CHECKING:
    from bot.services import Services

log = logging.getLogger("iwg.mail")

MAIL_TIMEOUT = 10.0  # seconds for each SMTP exchange: a lease (60 s) outlasts a whole mail
NOT_CONFIGURED_WAIT = 900  # seconds between looks at a mail lane while mail is not configured


class MailRefused(Exception):
    """The server will never take this mail (a 5xx for its recipient or its content): the
    courier ends the notice instead of trying for hours."""


class MailNotConfigured(Exception):
    """No mail server (or no signed links) in this process: the notice waits, uncounted,
    and goes out once the operator sets IWG_SMTP_URL and IWG_MAIL_FROM and restarts."""


class Mailer:
    """Sends one message per connection: a mail now and then needs no pool, and a fresh
    connection after an outage is what works."""

    def __init__(
        self,
        server: SmtpServer,
        sender: str,
        ssl_context: ssl.SSLContext | None = None,
        timeout: float = MAIL_TIMEOUT,
    ):
        self.server = server
        self.sender = sender  # "IWG Bot <iwg@example.org>" (IWG_MAIL_FROM)
        self.ssl_context = ssl_context or ssl.create_default_context()  # tests trust their own certificate
        self.timeout = timeout

    @property
    def domain(self) -> str:
        """The sender's domain, for the Message-IDs (`iwg@example.org` -> `example.org`)."""
        return parseaddr(self.sender)[1].rpartition("@")[2] or "localhost"

    def send(self, message: EmailMessage) -> str:
        """Hand `message` to the server; its Message-ID. MailRefused if the server will never
        take it; any other error (an OSError) is worth another try."""
        if "From" not in message:
            message["From"] = self.sender
        if "Date" not in message:
            message["Date"] = format_datetime(datetime.now(timezone.utc))
        if "Message-ID" not in message:
            message["Message-ID"] = make_msgid(domain=self.domain)
        smtp = self._connect()
        try:
            if self.server.security == "starttls":
                smtp.starttls(context=self.ssl_context)
            if self.server.username:
                smtp.login(self.server.username, self.server.password or "")
            smtp.send_message(message)
        except smtplib.SMTPRecipientsRefused as error:
            codes = [code for code, _ in error.recipients.values()]
            if codes and all(500 <= code < 600 for code in codes):
                raise MailRefused(_said(error.recipients)) from error
            raise
        except smtplib.SMTPDataError as error:
            if 500 <= error.smtp_code < 600:
                raise MailRefused(f"{error.smtp_code} {_text(error.smtp_error)}") from error
            raise
        finally:
            _close(smtp)  # the mail is sent once DATA is answered: a failed QUIT changes nothing
        return str(message["Message-ID"])

    def _connect(self) -> smtplib.SMTP:
        host, port = self.server.host, self.server.port
        if self.server.security == "tls":
            return smtplib.SMTP_SSL(host, port, timeout=self.timeout, context=self.ssl_context)
        return smtplib.SMTP(host, port, timeout=self.timeout)


def _close(smtp: smtplib.SMTP) -> None:
    with contextlib.suppress(smtplib.SMTPException, OSError):
        smtp.quit()
    smtp.close()


def _text(said: bytes | str) -> str:
    return said.decode(errors="replace") if isinstance(said, bytes) else str(said)


def _said(recipients: dict) -> str:
    return "; ".join(f"{address}: {code} {_text(text)}" for address, (code, text) in recipients.items())


def message_id(notice: Notice, domain: str) -> str:
    """The same for every try of a notice, so a resend after a lost answer is the same mail."""
    about = hashlib.sha256(notice.subject.encode()).hexdigest()[:12]
    return f"<notice-{notice.id}.{about}@{domain}>"


class MailNotices:
    """The courier's mail path (NoticeSender hands it every notice to a mail lane): the
    mail as things stand when it is sent, in the requester's language."""

    def __init__(self, services: "Services", mailer: Mailer | None):
        self.services = services
        self.mailer = mailer
        self._told = False  # "mail is not configured" is logged once per process

    def __call__(self, notice: Notice) -> tuple[str | None, str | None]:
        build = self._message_for(notice)
        if build is None:  # nothing to say any more (expired, confirmed, not public)
            return None, None
        mailer, links = self._ready(notice)
        try:
            message = build(links)
        except mails.NotAnAddress as error:  # it will never be one: end it, do not try again
            raise MailRefused(str(error)) from error
        message["Message-ID"] = message_id(notice, mailer.domain)
        self.services.outbox.renew(notice)  # a claim as long as the mail takes
        return None, mailer.send(message)

    def undelivered(self, notice: Notice, refused: bool) -> None:
        """A mail about a request that will never go (`refused`: the server refuses the
        address; else it could not be reached for hours): each coordinator is told, to reach
        the requester another way, once a day per request. A confirmation link is told to
        nobody: nothing was logged, and a visitor who gets no mail can send the form again."""
        if parse_ref(notice.subject, "TA") is None:
            return
        outbox = self.services.outbox
        if not outbox.channel_problem(f"{notice.recipient} {notice.subject}", "mail"):
            return  # told today already: a dead address fails every later mail too
        coordinators = self.services.coordinators.list()
        if not coordinators:
            log.warning(
                "mail about %s will not reach its requester, and there is no coordinator to tell", notice.subject
            )
        detail = {"kind": notice.kind, "refused": refused}
        with self.services.storage.write():
            for coordinator in coordinators:
                outbox.add(NoticeKind.MAIL_UNDELIVERED, notice.subject, coordinator.user_id, detail)

    def _ready(self, notice: Notice) -> tuple[Mailer, WebLinks]:
        links = self.services.web_requests.links
        if self.mailer is None or links is None:
            if not self._told:
                self._told = True
                log.warning(
                    "mail is not configured (IWG_SMTP_URL, IWG_MAIL_FROM, IWG_PUBLIC_URL, IWG_SECRET_KEY): "
                    "mail notices such as %s (%s) wait until it is",
                    notice.id,
                    notice.kind,
                )
            raise MailNotConfigured("mail is not configured")
        return self.mailer, links

    def _message_for(self, notice: Notice):
        """A function of the links that makes the mail, or None if none is to be sent."""
        if notice.kind == NoticeKind.WEB_CONFIRM:
            return self._confirm(notice)
        request = self.services.ta_requests.get(parse_ref(notice.subject, "TA") or 0)
        if request is None:
            return None
        if notice.kind == NoticeKind.WEB_LOGGED:
            return lambda links: mails.logged(request, links.status_url(request.id))
        if notice.kind == NoticeKind.TA_REQUESTER:
            detail = dict(notice.detail)
            reopened = detail.pop("reopened", None)
            change = request.model_copy(update=detail)  # as it was when it changed
            organisation = self.services.organisations.get(change.organisation_id or 0)
            return lambda links: mails.status_changed(change, organisation, reopened, links.status_url(request.id))
        if notice.kind == NoticeKind.TA_NOTE:
            event = self.services.ta_requests.event(notice.detail.get("event_id") or 0)
            if event is None or not event.public:  # a working note is never mailed
                return None
            return lambda links: mails.noted(request, event, links.status_url(request.id))
        log.warning("notice %s: %s is not mailed to a requester", notice.id, notice.kind)
        return None

    def _confirm(self, notice: Notice):
        submission = self.services.web_requests.submissions.get(parse_ref(notice.subject, "W") or 0)
        if submission is None or submission.request_id is not None:
            return None  # expired and deleted, or confirmed already (the link was not needed)
        if self.services.storage.clock() - submission.created_at >= CONFIRM_LIFETIME:
            return None  # about to be deleted: a link that cannot work is not worth sending
        return lambda links: mails.confirm(submission, links.confirm_url(submission.id, submission.created_at))
