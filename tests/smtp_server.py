"""A mail server on the loopback (aiosmtpd), so the bot's mail is sent over real SMTP: it
keeps what it received, refuses on request (a 4xx or a 5xx), and stops and starts again on
the same port, to play a mail server that is down and then back.

    from tests.smtp_server import smtp_server  # noqa: F401   (the fixture: plain SMTP)
    SmtpServerStandIn(security="starttls", login=("iwg", "secret")).start()
"""

from __future__ import annotations

import ssl
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.certificate import self_signed_certificate
from tests.conftest import free_port

HOST = "127.0.0.1"


class _Handler:
    def __init__(self, server: "SmtpServerStandIn"):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.server.refuse_recipients:
            return self.server.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.refuse_data:
            return self.server.refuse_data
        raw = (envelope.original_content or envelope.content).replace(b"\r\n", b"\n")  # as a mail program keeps it
        message = message_from_bytes(raw, policy=policy.default)
        with self.server.lock:
            self.server.received.append(message)
            self.server.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos), bool(session.authenticated)))
            if self.server.lose_answers > 0:  # kept, but the sender hears no yes: as if the answer was lost
                self.server.lose_answers -= 1
                return "451 4.4.2 Connection dropped"
        return "250 Message accepted for delivery"


class SmtpServerStandIn:
    """`security`: "plain", "starttls" (STARTTLS offered, login only after it) or "tls"
    (implicit TLS, as on port 465). `login`: (user, password) the server requires."""

    def __init__(self, security: str = "plain", login: tuple[str, str] | None = None, port: int | None = None):
        self.security = security
        self.login = login
        self.port = port or free_port()
        self.host = HOST
        self.received: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str], bool]] = []  # (MAIL FROM, RCPT TOs, logged in)
        self.refuse_recipients: str | None = None  # e.g. "550 5.1.1 No such user", "451 4.3.0 Try later"
        self.refuse_data: str | None = None  # e.g. "554 5.7.1 Rejected as spam"
        self.lose_answers = 0  # how many mails to keep while answering as if they were not
        self.lock = threading.Lock()
        self._controller: Controller | None = None
        cert, key = self_signed_certificate()
        self.certificate = cert
        self._server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        self._server_context.load_cert_chain(cert, key)

    def client_context(self) -> ssl.SSLContext:
        """What the Mailer is given to trust this server's self-signed certificate."""
        return ssl.create_default_context(cafile=self.certificate)

    def _authenticate(self, server, session, envelope, mechanism, auth_data) -> AuthResult:
        good = isinstance(auth_data, LoginPassword) and self.login is not None
        good = good and (auth_data.login.decode(), auth_data.password.decode()) == self.login
        return AuthResult(success=good, handled=False)

    def start(self) -> "SmtpServerStandIn":
        kwargs: dict = {"hostname": self.host, "port": self.port, "ready_timeout": 5.0}
        if self.security == "starttls":
            kwargs.update(tls_context=self._server_context, require_starttls=True)
        elif self.security == "tls":
            kwargs.update(ssl_context=self._server_context)
        if self.login:
            # under implicit TLS aiosmtpd does not see the connection as encrypted: it is, from the first byte
            encrypted_only = self.security == "starttls"
            kwargs.update(authenticator=self._authenticate, auth_required=True, auth_require_tls=encrypted_only)
        self._controller = Controller(_Handler(self), **kwargs)
        self._controller.start()
        return self

    def stop(self) -> None:
        """Down: the port refuses connections until `start()` again."""
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def wait_for(self, count: int, within: float = 5.0) -> list[EmailMessage]:
        deadline = time.monotonic() + within
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.02)
        raise AssertionError(f"{count} mail(s) expected, {len(self.received)} received")

    @property
    def url(self) -> str:
        """IWG_SMTP_URL for this server."""
        scheme = {"plain": "smtp", "starttls": "smtp+starttls", "tls": "smtps"}[self.security]
        who = f"{self.login[0]}:{self.login[1]}@" if self.login else ""
        return f"{scheme}://{who}{self.host}:{self.port}"


@pytest.fixture
def smtp_server():
    """A plain SMTP server on a free loopback port, stopped after the test."""
    server = SmtpServerStandIn().start()
    yield server
    server.stop()
