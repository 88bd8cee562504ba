"""Which weekly digests have gone out: one claim per week."""

from __future__ import annotations

from datetime import datetime

from storage.db import Storage, to_iso


class DigestRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def claim(self, week: str) -> bool:
        """Take this week's digest; False if it was taken (here or by another process).
        Joins the caller's transaction, so the claim commits with the notices it queues."""
        with self.storage.write() as db:
            return (
                db.execute(
                    "INSERT INTO digests (week, claimed_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
                    [week, to_iso(self.storage.clock())],
                ).rowcount
                == 1
            )

    def kept_since(self) -> datetime | None:
        """When this database began keeping digests (its migration ran)."""
        row = self.storage.db.execute(
            "SELECT applied_at FROM _sqlite_migrations WHERE name = 'm009_digests'"
        ).fetchone()
        return datetime.fromisoformat(row[0]) if row else None
