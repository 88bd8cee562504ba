"""Polls and their votes (the Poll aggregate)."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from enum import Enum

from pydantic import BaseModel

from storage.db import Storage, to_iso


class Poll(BaseModel):
    id: int
    question: str
    options: list[str]
    anonymous: bool = False
    multiple: bool = False
    hidden: bool = False
    author: str
    channel: str
    ts: str | None = None
    closes_at: datetime | None = None
    closed_at: datetime | None = None
    closed_by: str | None = None
    voters: int = 0  # members with a vote in it (kept by migration m011's triggers)

    @property
    def ref(self) -> str:
        return f"P-{self.id}"

    @property
    def is_open(self) -> bool:
        return self.closed_at is None

    @classmethod
    def from_row(cls, row: dict) -> "Poll":
        fields = {k: v for k, v in row.items() if k != "created_at"}
        return cls(**{**fields, "options": json.loads(row["options"])})


class Vote(str, Enum):
    CAST = "cast"
    MOVED = "moved"
    WITHDRAWN = "withdrawn"
    CLOSED = "closed"
    MISSING = "missing"  # no such poll: nothing recorded
    INVALID = "invalid"  # no such option: nothing recorded


@dataclass(frozen=True)
class Ballot:
    """What a click did: the outcome, and the member's choices before it."""

    outcome: Vote
    before: frozenset[int] = frozenset()


# Open polls whose message is posted, in the channels a member may see: the group's channel,
# and those where they asked a poll or voted in one (what a private channel holds is for its
# members).
_OPEN_AND_VISIBLE = """closed_at IS NULL AND ts IS NOT NULL AND (channel = :group OR channel IN (
                 SELECT channel FROM polls WHERE author = :member
                 UNION SELECT p.channel FROM poll_votes v JOIN polls p ON p.id = v.poll_id WHERE v.user_id = :member))"""


class PollRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, poll_id: int) -> Poll | None:
        return self.storage.one("SELECT * FROM polls WHERE id = ?", [poll_id], Poll.from_row)

    def add(
        self,
        *,
        question: str,
        options: list[str],
        anonymous: bool,
        multiple: bool,
        hidden: bool,
        author: str,
        channel: str,
        closes_at: datetime | None,
    ) -> Poll:
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO polls (question, options, anonymous, multiple, hidden, author, channel, closes_at,"
                " created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    question,
                    json.dumps(options, ensure_ascii=False),
                    anonymous,
                    multiple,
                    hidden,
                    author,
                    channel,
                    closes_at and to_iso(closes_at),
                    to_iso(self.storage.clock()),
                ],
            )
            return self.get(cursor.lastrowid)

    def posted(self, poll_id: int, ts: str) -> Poll:
        """Record where its message is; the poll as it is now (it may have closed meanwhile)."""
        with self.storage.write() as db:
            db.execute("UPDATE polls SET ts = ? WHERE id = ?", [ts, poll_id])
            return self.get(poll_id)

    def discard(self, poll_id: int) -> None:
        """A poll whose message could not be posted never existed."""
        with self.storage.write() as db:
            db.execute("DELETE FROM poll_votes WHERE poll_id = ?", [poll_id])
            db.execute("DELETE FROM polls WHERE id = ?", [poll_id])

    def vote(self, poll_id: int, user_id: str, option: int) -> Ballot:
        """A click on an option: cast, move (single choice), or withdraw (a second click)."""
        with self.storage.write() as db:
            poll = self.get(poll_id)
            if poll is None:
                return Ballot(Vote.MISSING)
            if not poll.is_open:
                return Ballot(Vote.CLOSED)
            if not 0 <= option < len(poll.options):
                return Ballot(Vote.INVALID)
            mine = frozenset(
                row[0]
                for row in db.execute(
                    "SELECT option FROM poll_votes WHERE poll_id = ? AND user_id = ?", [poll_id, user_id]
                )
            )
            if option in mine:
                db.execute(
                    "DELETE FROM poll_votes WHERE poll_id = ? AND user_id = ? AND option = ?",
                    [poll_id, user_id, option],
                )
                return Ballot(Vote.WITHDRAWN, mine)
            if not poll.multiple:
                db.execute("DELETE FROM poll_votes WHERE poll_id = ? AND user_id = ?", [poll_id, user_id])
            db.execute(
                "INSERT INTO poll_votes (poll_id, user_id, option, voted_at) VALUES (?, ?, ?, ?)",
                [poll_id, user_id, option, to_iso(self.storage.clock())],
            )
            return Ballot(Vote.MOVED if mine and not poll.multiple else Vote.CAST, mine)

    def votes(self, poll_id: int) -> dict[int, list[str]]:
        """option -> voters, in the order they voted."""
        result: dict[int, list[str]] = {}
        for option, user_id in self.storage.db.execute(
            "SELECT option, user_id FROM poll_votes WHERE poll_id = ? ORDER BY voted_at, rowid", [poll_id]
        ):
            result.setdefault(option, []).append(user_id)
        return result

    def close(self, poll_id: int, by: str) -> bool:
        """Close it; False if it was closed already (by someone else, or the scheduler)."""
        with self.storage.write() as db:
            cursor = db.execute(
                "UPDATE polls SET closed_at = ?, closed_by = ? WHERE id = ? AND closed_at IS NULL",
                [to_iso(self.storage.clock()), by, poll_id],
            )
            return cursor.rowcount == 1

    def open_polls(self, member: str, group_channel: str | None, limit: int = 40) -> list[Poll]:
        """The newest open polls `member` may see (see _OPEN_AND_VISIBLE)."""
        rows = self.storage.db.query(
            f"SELECT * FROM polls WHERE {_OPEN_AND_VISIBLE} ORDER BY id DESC LIMIT :limit",
            {"member": member, "group": group_channel, "limit": limit},
        )
        return [Poll.from_row(row) for row in rows]

    def open_count(self, member: str, group_channel: str | None) -> int:
        """How many polls open_polls() would list without a limit."""
        return self.storage.db.execute(
            f"SELECT count(*) FROM polls WHERE {_OPEN_AND_VISIBLE}", {"member": member, "group": group_channel}
        ).fetchone()[0]

    def closing(self) -> list[Poll]:
        """Open polls the scheduler must close."""
        rows = self.storage.db.query("SELECT * FROM polls WHERE closed_at IS NULL AND closes_at IS NOT NULL")
        return [Poll.from_row(row) for row in rows]
