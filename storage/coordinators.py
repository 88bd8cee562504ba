"""Who coordinates the group: the people allowed to broker, schedule and post."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from storage.db import Storage, to_iso

CONFIG = "config"
SLACK = "slack"
CONSOLE = "console"  # the console's own user (bot/run/console.py)


class Coordinator(BaseModel):
    user_id: str
    source: str  # CONFIG (IWG_COORDINATORS), SLACK (added with /iwg coordinators add) or CONSOLE
    added_by: str | None = None
    added_at: str


class Removal(str, Enum):
    REMOVED = "removed"
    NOT_A_COORDINATOR = "not a coordinator"
    FROM_CONFIG = "set in IWG_COORDINATORS"
    LAST_ONE = "the last coordinator"
    CONSOLE_USER = "the console's own user"


class CoordinatorRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def list(self) -> tuple[Coordinator, ...]:
        return self.storage.cached("coordinators", self._load)

    def _load(self) -> tuple[Coordinator, ...]:
        rows = self.storage.db.query("SELECT * FROM coordinators ORDER BY added_at, user_id")
        return tuple(Coordinator(**row) for row in rows)

    def is_coordinator(self, user_id: str) -> bool:
        return any(c.user_id == user_id for c in self.list())

    def sync_config(self, user_ids: tuple[str, ...], console_ids: tuple[str, ...] = ()) -> None:
        """Make the coordinators from IWG_COORDINATORS exactly those the setting lists now,
        and those the console makes (its own user) exactly `console_ids`: a database the
        console used and Slack later uses keeps no console user.

        Those added in Slack stay; one listed in the setting becomes a config coordinator.
        """
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            for source, ids in ((CONFIG, user_ids), (CONSOLE, console_ids)):
                marks = ",".join("?" * len(ids))
                db.execute(f"DELETE FROM coordinators WHERE source = ? AND user_id NOT IN ({marks})", [source, *ids])
            for source, ids in ((CONFIG, user_ids), (CONSOLE, console_ids)):
                for user_id in ids:
                    db.execute(
                        "INSERT INTO coordinators (user_id, source, added_by, added_at)"
                        " VALUES (?, ?, NULL, ?)"
                        " ON CONFLICT (user_id) DO UPDATE SET source = excluded.source",
                        [user_id, source, now],
                    )

    def add(self, user_id: str, added_by: str) -> bool:
        """False if they already coordinate."""
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO coordinators (user_id, source, added_by, added_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (user_id) DO NOTHING",
                [user_id, SLACK, added_by, to_iso(self.storage.clock())],
            )
            return cursor.rowcount == 1

    def remove(self, user_id: str) -> Removal:
        """Removes one added in Slack, but never the last coordinator (besides the console's)."""
        with self.storage.write() as db:
            row = db.execute("SELECT source FROM coordinators WHERE user_id = ?", [user_id]).fetchone()
            if row is None:
                return Removal.NOT_A_COORDINATOR
            if row[0] == CONFIG:
                return Removal.FROM_CONFIG
            if row[0] == CONSOLE:
                return Removal.CONSOLE_USER
            # the console's own user does not count: a database later used with Slack needs one
            if db.execute("SELECT count(*) FROM coordinators WHERE source != ?", [CONSOLE]).fetchone()[0] == 1:
                return Removal.LAST_ONE
            db.execute("DELETE FROM coordinators WHERE user_id = ?", [user_id])
            return Removal.REMOVED
