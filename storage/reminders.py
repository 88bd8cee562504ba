"""Which meeting reminders have happened: a claim per (meeting, offset), taken once."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Iterable

from storage.db import Storage, to_iso

SENT = "sent"
SKIPPED = "skipped"


class ReminderRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def claim(self, meeting_id: int, offset: timedelta, outcome: str = SENT) -> bool:
        """Take the reminder for this process; False if it was taken already (here or elsewhere).

        Joins the caller's transaction, so the claim and what it causes commit together.
        """
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO reminders (meeting_id, offset_seconds, claimed_at, outcome) VALUES (?, ?, ?, ?)"
                " ON CONFLICT DO NOTHING",
                [meeting_id, int(offset.total_seconds()), to_iso(self.storage.clock()), outcome],
            )
            return cursor.rowcount == 1

    def claimed(self, meeting_id: int) -> dict[int, str]:
        """offset in seconds -> outcome, for one meeting."""
        rows = self.storage.db.execute(
            "SELECT offset_seconds, outcome FROM reminders WHERE meeting_id = ?", [meeting_id]
        )
        return dict(rows.fetchall())

    def sent_at(self, meeting_id: int) -> dict[int, datetime]:
        """offset in seconds -> when its reminder was claimed to be sent, for one meeting."""
        rows = self.storage.db.execute(
            "SELECT offset_seconds, claimed_at FROM reminders WHERE meeting_id = ? AND outcome = ?",
            [meeting_id, SENT],
        )
        return {seconds: datetime.fromisoformat(at) for seconds, at in rows.fetchall()}

    def forget(self, meeting_id: int, keep: Iterable[timedelta] = ()) -> int:
        """Drop the meeting's claims (it moved: its reminders are to come again), but those of
        the offsets in `keep`; how many were dropped. Joins the caller's transaction."""
        kept = [int(offset.total_seconds()) for offset in keep]
        with self.storage.write() as db:
            cursor = db.execute(
                f"DELETE FROM reminders WHERE meeting_id = ? AND offset_seconds NOT IN ({', '.join('?' * len(kept))})",
                [meeting_id, *kept],
            )
            return cursor.rowcount
