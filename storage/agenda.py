"""Agenda items proposed for a meeting."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

from storage.db import Storage, to_iso


class AgendaItem(BaseModel):
    id: int
    meeting_id: int
    text: str
    minutes: int | None = None
    proposer: str
    created_at: datetime

    @property
    def ref(self) -> str:
        return f"A-{self.id}"


class AgendaRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, item_id: int) -> AgendaItem | None:
        return self.storage.one(
            "SELECT * FROM agenda_items WHERE id = ? AND removed_at IS NULL",
            [item_id],
            lambda row: AgendaItem(**_fields(row)),
        )

    def for_meeting(self, meeting_id: int, limit: int = -1) -> list[AgendaItem]:
        """The items, first proposed first; `limit` of them (all with -1)."""
        rows = self.storage.db.query(
            "SELECT * FROM agenda_items WHERE meeting_id = ? AND removed_at IS NULL ORDER BY id LIMIT ?",
            [meeting_id, limit],
        )
        return [AgendaItem(**_fields(row)) for row in rows]

    def totals(self, meeting_id: int) -> tuple[int, int]:
        """(how many items, their minutes in all), without reading every item."""
        count, minutes = self.storage.db.execute(
            "SELECT count(*), coalesce(sum(minutes), 0) FROM agenda_items WHERE meeting_id = ? AND removed_at IS NULL",
            [meeting_id],
        ).fetchone()
        return count, minutes

    def add(self, meeting_id: int, text: str, minutes: int | None, proposer: str) -> AgendaItem:
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO agenda_items (meeting_id, text, minutes, proposer, created_at) VALUES (?, ?, ?, ?, ?)",
                [meeting_id, text, minutes, proposer, to_iso(self.storage.clock())],
            )
            return self.get(cursor.lastrowid)

    def move(self, item_ids: list[int], meeting_id: int) -> None:
        """Put the items on another meeting's agenda (joins the caller's transaction)."""
        with self.storage.write() as db:
            db.execute(
                f"UPDATE agenda_items SET meeting_id = ? WHERE id IN ({', '.join('?' * len(item_ids))})",
                [meeting_id, *item_ids],
            )

    def of_ids(self, item_ids: list[int]) -> list[AgendaItem]:
        """Those of the items not withdrawn since, in order (a DM about them, sent later)."""
        rows = self.storage.db.query(
            f"SELECT * FROM agenda_items WHERE id IN ({', '.join('?' * len(item_ids))}) AND removed_at IS NULL"
            " ORDER BY id",
            item_ids,
        )
        return [AgendaItem(**_fields(row)) for row in rows]

    def remove(self, item_id: int, by: str) -> None:
        with self.storage.write() as db:
            db.execute(
                "UPDATE agenda_items SET removed_at = ?, removed_by = ? WHERE id = ?",
                [to_iso(self.storage.clock()), by, item_id],
            )


def _fields(row: dict) -> dict:
    return {k: row[k] for k in ("id", "meeting_id", "text", "minutes", "proposer", "created_at")}
