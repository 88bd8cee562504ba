"""What visitors send from the public request page, held until they confirm it (the
WebSubmission aggregate)."""

from __future__ import annotations

import sqlite3
from datetime import date, datetime

from pydantic import BaseModel

from storage.db import Storage, to_iso


class WebSubmission(BaseModel):
    id: int
    form_token: str
    name: str
    organisation: str
    email: str
    places: str  # place codes, space-separated, as TARequest.country
    need: str
    strategies: list[str] = []
    kind: str | None = None
    due_date: date | None = None
    language: str = "en"
    address: str = ""  # the visitor's IP address, for the record of who sent it
    created_at: datetime
    confirmed_at: datetime | None = None
    request_id: int | None = None

    @property
    def ref(self) -> str:
        return f"W-{self.id}"

    @classmethod
    def from_row(cls, row: dict) -> "WebSubmission":
        return cls(**{**row, "strategies": row["strategies"].split()})


class WebSubmissionRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, submission_id: int) -> WebSubmission | None:
        return self.storage.one("SELECT * FROM web_submissions WHERE id = ?", [submission_id], WebSubmission.from_row)

    def hold(self, *, form_token: str, strategies: list[str], due_date: date | None, **fields) -> WebSubmission | None:
        """Store a submission; None if its form was used before (form_token is unique)."""
        now = to_iso(self.storage.clock())
        values = {
            **fields,
            "form_token": form_token,
            "strategies": " ".join(strategies),
            "due_date": due_date and due_date.isoformat(),
            "created_at": now,
        }
        columns = ", ".join(values)
        with self.storage.write() as db:
            try:
                cursor = db.execute(
                    f"INSERT INTO web_submissions ({columns}) VALUES ({', '.join('?' for _ in values)})",
                    list(values.values()),
                )
            except sqlite3.IntegrityError:
                return None
            return self.get(cursor.lastrowid)

    def confirmed(self, submission_id: int, request_id: int) -> None:
        with self.storage.write() as db:
            db.execute(
                "UPDATE web_submissions SET confirmed_at = ?, request_id = ? WHERE id = ?",
                [to_iso(self.storage.clock()), request_id, submission_id],
            )

    def expire(self, before: datetime) -> int:
        """Delete the submissions left unconfirmed since before `before`; how many."""
        with self.storage.write() as db:
            return db.execute(
                "DELETE FROM web_submissions WHERE confirmed_at IS NULL AND created_at < ?", [to_iso(before)]
            ).rowcount
