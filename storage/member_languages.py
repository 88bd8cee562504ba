"""The language each member is answered in: what they chose (`/iwg language`) and what
Slack said their locale is (users.info), with when it said so."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from storage.db import Storage, to_iso


class MemberLanguage(BaseModel):
    user_id: str
    chosen: str | None = None  # en, fr, es, ar; None: as Slack says
    slack_locale: str | None = None  # e.g. fr-FR; '' when Slack gave none; None: never asked
    looked_up_at: str | None = None  # UTC ISO


class MemberLanguageRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, user_id: str) -> MemberLanguage | None:
        return self.storage.cached("member_languages", self._load).get(user_id)

    def _load(self) -> dict[str, MemberLanguage]:
        rows = self.storage.db.query("SELECT * FROM member_languages")
        return {row["user_id"]: MemberLanguage(**row) for row in rows}

    def choose(self, user_id: str, chosen: str | None) -> None:
        """`chosen` from now on; None goes back to Slack's locale."""
        with self.storage.write() as db:
            db.execute(
                "INSERT INTO member_languages (user_id, chosen) VALUES (?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET chosen = excluded.chosen",
                [user_id, chosen],
            )

    def looked_up(self, user_id: str, slack_locale: str, at: datetime) -> None:
        with self.storage.write() as db:
            db.execute(
                "INSERT INTO member_languages (user_id, slack_locale, looked_up_at) VALUES (?, ?, ?)"
                " ON CONFLICT (user_id) DO UPDATE SET slack_locale = excluded.slack_locale,"
                " looked_up_at = excluded.looked_up_at",
                [user_id, slack_locale, to_iso(at)],
            )
