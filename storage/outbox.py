"""Notices waiting to be delivered to Slack: written with the change they tell of.

A notice is claimed before it is sent, so two processes never send the same one; a claim
that is not settled within LEASE (the sender died) can be taken again. Sending is
therefore at least once: only a crash between Slack's answer and `delivered()` repeats one.
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta

from pydantic import BaseModel

from storage.db import Storage, to_iso

LEASE = timedelta(minutes=2)


class Notice(BaseModel):
    id: int
    kind: str  # what to render, e.g. "ta.announce"
    subject: str  # what it is about, e.g. "TA-7"
    recipient: str  # a user ID (a direct message) or a channel ID
    detail: dict = {}
    attempts: int = 0
    channel: str | None = None
    ts: str | None = None

    @classmethod
    def from_row(cls, row: dict) -> "Notice":
        return cls(**{**row, "detail": json.loads(row["detail"])})


class OutboxRepository:
    def __init__(self, storage: Storage):
        self.storage = storage
        self.wakeup = threading.Event()  # set once a new notice is committed

    def add(self, kind: str, subject: str, recipient: str, detail: dict | None = None) -> None:
        """Queue a notice; joins the caller's transaction, so it exists only if the change does."""
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute(
                "INSERT INTO outbox (kind, subject, recipient, detail, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?)",
                [kind, subject, recipient, json.dumps(detail or {}, ensure_ascii=False), now, now])
        self.storage.after_commit(self.wakeup.set)

    def claim_due(self) -> Notice | None:
        """The notice due first, not claimed by a live sender, claimed for this one (in the
        order of the outbox_due index, so no sort however long the backlog)."""
        now = self.storage.clock()
        with self.storage.write() as db:
            row = db.execute(
                """SELECT id FROM outbox
                   WHERE sent_at IS NULL AND failed_at IS NULL AND due_at <= ?
                     AND (claimed_at IS NULL OR claimed_at < ?)
                   ORDER BY due_at, id LIMIT 1""", [to_iso(now), to_iso(now - LEASE)]).fetchone()
            if row is None:
                return None
            db.execute("UPDATE outbox SET claimed_at = ?, attempts = attempts + 1 WHERE id = ?", [to_iso(now), row[0]])
            return Notice.from_row(next(db.query("SELECT * FROM outbox WHERE id = ?", [row[0]])))

    def delivered(self, notice_id: int, channel: str | None, ts: str | None) -> None:
        with self.storage.write() as db:
            db.execute("UPDATE outbox SET sent_at = ?, channel = ?, ts = ?, error = NULL WHERE id = ?",
                       [to_iso(self.storage.clock()), channel, ts, notice_id])

    def retry_at(self, notice_id: int, due: datetime, error: str) -> None:
        with self.storage.write() as db:
            db.execute("UPDATE outbox SET due_at = ?, claimed_at = NULL, error = ? WHERE id = ?",
                       [to_iso(due), error[:500], notice_id])

    def failed(self, notice_id: int, error: str) -> None:
        """Slack will never take it (the user left, the channel is gone): stop trying."""
        with self.storage.write() as db:
            db.execute("UPDATE outbox SET failed_at = ?, claimed_at = NULL, error = ? WHERE id = ?",
                       [to_iso(self.storage.clock()), error[:500], notice_id])

    def delivered_about(self, subject: str, kind: str) -> list[Notice]:
        """The delivered notices of one kind about one subject (to update them in place)."""
        rows = self.storage.db.query(
            "SELECT * FROM outbox WHERE subject = ? AND kind = ? AND sent_at IS NOT NULL ORDER BY id", [subject, kind])
        return [Notice.from_row(row) for row in rows]

    def next_due(self) -> datetime | None:
        """When a notice can next be claimed: one claimed by another sender only once its lease ends."""
        unclaimed, claimed = self.storage.db.execute(
            """SELECT min(CASE WHEN claimed_at IS NULL THEN due_at END), min(claimed_at)
               FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL""").fetchone()
        times = [datetime.fromisoformat(unclaimed)] if unclaimed else []
        times += [datetime.fromisoformat(claimed) + LEASE] if claimed else []
        return min(times, default=None)
