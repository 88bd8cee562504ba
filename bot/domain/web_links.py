"""The signed links of the public request page: confirming a submission, following a request.

A link carries the ID it is about, signed with IWG_SECRET_KEY (itsdangerous), so the bot
keeps no table of tokens and a changed character is caught. The confirmation link lives 48
hours, as long as an unconfirmed submission is kept; the status link does not expire (it
is the requester's way back to their request for as long as it runs). Each kind has its own
salt, so one kind of link cannot stand in for another.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from itsdangerous import BadSignature, SignatureExpired, URLSafeTimedSerializer

CONFIRM_LIFETIME = timedelta(hours=48)
_CONFIRM, _STATUS = "iwg-confirm-request", "iwg-request-status"


class LinkExpired(Exception):
    """A confirmation link older than CONFIRM_LIFETIME (or its submission is gone)."""


class LinkAltered(Exception):
    """Not a link the bot made: changed, truncated, or signed with another key."""


class WebLinks:
    def __init__(self, secret_key: str, public_url: str, clock: Callable[[], datetime] | None = None):
        self.public_url = public_url.rstrip("/")
        self._confirm = URLSafeTimedSerializer(secret_key, salt=_CONFIRM)
        self._status = URLSafeTimedSerializer(secret_key, salt=_STATUS)
        self._clock = clock or (lambda: datetime.now(timezone.utc))  # the storage's, so tests can age a link

    def confirm_token(self, submission_id: int, signed_at: datetime | None = None) -> str:
        """Signed at `signed_at`: the submission's own time, so a mail held up by a mail
        server that was down carries a link that lives exactly as long as the submission,
        and a mail sent twice carries the same link."""
        return self._dumps(self._confirm, submission_id, signed_at)

    def confirm_url(self, submission_id: int, signed_at: datetime | None = None) -> str:
        return f"{self.public_url}/request/confirm/{self.confirm_token(submission_id, signed_at)}"

    def status_token(self, request_id: int) -> str:
        return self._dumps(self._status, request_id)

    def status_url(self, request_id: int) -> str:
        return f"{self.public_url}/request/{self.status_token(request_id)}"

    def read_confirm(self, token: str, any_age: bool = False) -> int:
        """The submission a confirm link names; LinkExpired after CONFIRM_LIFETIME unless
        `any_age` (a link to a request confirmed already keeps saying so)."""
        return self._loads(self._confirm, token, None if any_age else CONFIRM_LIFETIME)

    def read_status(self, token: str) -> int:
        return self._loads(self._status, token, None)

    def _now(self) -> int:
        return int(self._clock().timestamp())

    def _dumps(self, serializer: URLSafeTimedSerializer, value: int, at: datetime | None = None) -> str:
        now = int(at.timestamp()) if at else self._now()
        signer = serializer.make_signer(serializer.salt)
        signer.get_timestamp = lambda: now  # itsdangerous reads the time here
        return signer.sign(serializer.dump_payload(value)).decode()

    def _loads(self, serializer: URLSafeTimedSerializer, token: str, lifetime: timedelta | None) -> int:
        try:
            value, signed_at = serializer.loads(token, return_timestamp=True)
        except SignatureExpired:  # not raised without max_age; kept for clarity
            raise LinkExpired() from None
        except BadSignature:
            raise LinkAltered() from None
        if not isinstance(value, int) or isinstance(value, bool):
            raise LinkAltered()
        age = self._now() - signed_at.timestamp()
        if age < -300 or (lifetime is not None and age > lifetime.total_seconds()):
            raise LinkExpired()
        return value
