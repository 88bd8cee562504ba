"""Requests the HTTP front door has already acted on (the SeenRequest aggregate)."""

from __future__ import annotations

from datetime import timedelta

from storage.db import Storage, to_iso

# Slack's signatures are good for five minutes either side of now; a key is kept a little
# longer than the whole window, so nothing still replayable is forgotten.
KEEP = timedelta(minutes=11)


class SeenRequestRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def first_time(self, key: str) -> bool:
        """Record `key`; False if it was recorded already (by this process or another)."""
        now = self.storage.clock()
        with self.storage.write() as db:
            db.execute("DELETE FROM seen_requests WHERE seen_at < ?", [to_iso(now - KEEP)])
            cursor = db.execute("INSERT OR IGNORE INTO seen_requests (key, seen_at) VALUES (?, ?)", [key, to_iso(now)])
            return cursor.rowcount == 1

    def forget(self, key: str) -> None:
        """A request that was not acted on after all (it failed): its retry is a first time."""
        with self.storage.write() as db:
            db.execute("DELETE FROM seen_requests WHERE key = ?", [key])
