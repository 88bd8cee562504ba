"""Which language each member is answered in: the one they chose with `/iwg language`,
else their Slack locale (users.info with include_locale), else English.

Slack sends no locale with a slash command or a click, so it is asked of users.info. The
first time a member is answered, the ask is on that request's path (it is one call, given
at most LOOKUP_TIMEOUT; a failure answers in English and is tried again after the ack);
the answer is kept in the database, so every later request reads it from memory
(storage's cached table). Once it is older than LIFETIME it is asked again after the ack,
while the member is answered in the language known so far: a member who changes their
Slack language is answered in it from the next day on, or at once with `/iwg language`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from datetime import datetime, timedelta

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import normalise
from storage.db import Storage
from storage.member_languages import MemberLanguage, MemberLanguageRepository

log = logging.getLogger("iwg.languages")

LIFETIME = timedelta(days=1)
LOOKUP_TIMEOUT = 1.0  # seconds: of Slack's 3 for the ack
LATER_TIMEOUT = 10.0  # after the ack, nobody waits on it
RETRY_AFTER = timedelta(minutes=5)  # after a failed ask, before the next
AUTO = "auto"


class MemberLanguages:
    def __init__(self, storage: Storage, run_later: Callable[[Callable[[], object], str], None]):
        self.storage = storage
        self.repository = MemberLanguageRepository(storage)
        self.run_later = run_later  # AfterAck.run: off the ack's path
        self._asking: set[str] = set()
        self._failed: dict[str, datetime] = {}  # member -> when an ask last failed
        self._lock = threading.Lock()

    def of(self, user_id: str, client: WebClient | None) -> str:
        """The language to answer `user_id` in (one of bot.i18n.LANGUAGES)."""
        known = self.repository.get(user_id)
        if known is not None and known.chosen:
            return known.chosen
        if known is not None and known.slack_locale is not None:
            if self._stale(known) and client is not None:
                self._ask_later(user_id, client)
            return normalise(known.slack_locale)
        if client is None or self._failed_lately(user_id):
            return "en"
        found = self._ask(user_id, client)
        if found is None:
            self._ask_later(user_id, client)
            return "en"
        return normalise(found)

    def choose(self, user_id: str, code: str) -> None:
        """`/iwg language fr` (or `auto`: back to Slack's)."""
        self.repository.choose(user_id, None if code == AUTO else code)

    def chosen(self, user_id: str) -> MemberLanguage | None:
        return self.repository.get(user_id)

    # --- asking Slack ---------------------------------------------------------------------

    def _stale(self, known: MemberLanguage) -> bool:
        if known.looked_up_at is None:
            return True
        return self.storage.clock() - datetime.fromisoformat(known.looked_up_at) > LIFETIME

    def _failed_lately(self, user_id: str) -> bool:
        with self._lock:
            failed = self._failed.get(user_id)
        return failed is not None and self.storage.clock() - failed < RETRY_AFTER

    def _ask_later(self, user_id: str, client: WebClient) -> None:
        with self._lock:
            if user_id in self._asking:
                return
            self._asking.add(user_id)

        def ask() -> None:
            try:
                self._ask(user_id, client, timeout=LATER_TIMEOUT)
            finally:
                with self._lock:
                    self._asking.discard(user_id)

        self.run_later(ask, "asking a member's locale")

    def _ask(self, user_id: str, client: WebClient, timeout: float = LOOKUP_TIMEOUT) -> str | None:
        """users.info's locale for `user_id`, stored; None if Slack did not answer."""
        quick = WebClient(token=client.token, base_url=client.base_url, timeout=timeout, retry_handlers=[])
        try:
            user = quick.users_info(user=user_id, include_locale=True).get("user") or {}
        except (SlackApiError, OSError) as error:
            code = error.response.get("error") if isinstance(error, SlackApiError) else type(error).__name__
            log.info("no locale for a member: %s", code)
            if code in ("user_not_found", "users_not_found"):  # never will be: English, not asked again
                self.repository.looked_up(user_id, "", self.storage.clock())
                return ""
            with self._lock:
                self._failed[user_id] = self.storage.clock()
            return None
        locale = str(user.get("locale") or "")
        self.repository.looked_up(user_id, locale, self.storage.clock())
        with self._lock:
            self._failed.pop(user_id, None)
        return locale
