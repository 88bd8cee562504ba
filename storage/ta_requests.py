"""Technical-assistance requests and their history (the TARequest aggregate)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel

from storage.db import Storage, to_iso

STATUSES = ("new", "assigned", "in-progress", "completed", "declined")
OPEN_STATUSES = ("new", "assigned", "in-progress")


class TARequest(BaseModel):
    id: int
    country: str  # ISO 3166-1 alpha-2
    need: str
    strategies: list[str] = []
    kind: str | None = None
    due_date: date | None = None
    requester: str
    status: str
    organisation_id: int | None = None
    lead: str | None = None
    created_at: datetime
    updated_at: datetime

    @property
    def ref(self) -> str:
        return f"TA-{self.id}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @classmethod
    def from_row(cls, row: dict) -> "TARequest":
        return cls(**{**row, "strategies": row["strategies"].split()})


class TAEvent(BaseModel):
    id: int
    request_id: int
    at: datetime
    actor: str
    kind: str  # created, assigned, status, note
    status: str | None = None
    organisation_id: int | None = None
    lead: str | None = None
    text: str | None = None


@dataclass(frozen=True)
class TAFilter:
    """What `/ta list` asks for; None means any."""

    statuses: tuple[str, ...] | None = OPEN_STATUSES
    involving: str | None = None  # a user: the requester or the lead
    country: str | None = None
    strategy: str | None = None


class TARequestRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, request_id: int) -> TARequest | None:
        return self.storage.one("SELECT * FROM ta_requests WHERE id = ?", [request_id], TARequest.from_row)

    def history(self, request_id: int) -> list[TAEvent]:
        rows = self.storage.db.query("SELECT * FROM ta_events WHERE request_id = ? ORDER BY id", [request_id])
        return [TAEvent(**row) for row in rows]

    def create(
        self, *, country: str, need: str, strategies: list[str], kind: str | None, due_date: date | None, requester: str
    ) -> TARequest:
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO ta_requests (country, need, strategies, kind, due_date, requester, status,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?)",
                [country, need, " ".join(strategies), kind, due_date and due_date.isoformat(), requester, now, now],
            )
            self._event(cursor.lastrowid, requester, "created", status="new", at=now)
            return self.get(cursor.lastrowid)

    def assign(self, request_id: int, organisation_id: int, lead: str | None, status: str, actor: str) -> TARequest:
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute(
                "UPDATE ta_requests SET organisation_id = ?, lead = ?, status = ?, updated_at = ? WHERE id = ?",
                [organisation_id, lead, status, now, request_id],
            )
            self._event(
                request_id, actor, "assigned", status=status, organisation_id=organisation_id, lead=lead, at=now
            )
            return self.get(request_id)

    def set_status(self, request_id: int, status: str, actor: str, note: str | None) -> TARequest:
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute("UPDATE ta_requests SET status = ?, updated_at = ? WHERE id = ?", [status, now, request_id])
            self._event(request_id, actor, "status", status=status, text=note, at=now)
            return self.get(request_id)

    def add_note(self, request_id: int, actor: str, text: str) -> None:
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute("UPDATE ta_requests SET updated_at = ? WHERE id = ?", [now, request_id])
            self._event(request_id, actor, "note", text=text, at=now)

    def _event(self, request_id: int, actor: str, kind: str, at: str, **fields) -> int:
        cursor = self.storage.db.execute(
            "INSERT INTO ta_events (request_id, at, actor, kind, status, organisation_id, lead, text)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [
                request_id,
                at,
                actor,
                kind,
                fields.get("status"),
                fields.get("organisation_id"),
                fields.get("lead"),
                fields.get("text"),
            ],
        )
        return cursor.lastrowid

    def search(self, wanted: TAFilter, limit: int, offset: int = 0) -> tuple[list[TARequest], int]:
        """One page of matching requests, newest first, and how many match in all."""
        where, params = ["1 = 1"], []
        if wanted.statuses is not None:
            where.append(f"status IN ({','.join('?' * len(wanted.statuses))})")
            params += wanted.statuses
        if wanted.involving:
            where.append("(requester = ? OR lead = ?)")
            params += [wanted.involving, wanted.involving]
        if wanted.country:
            where.append("country = ?")
            params.append(wanted.country)
        if wanted.strategy:
            where.append("(' ' || strategies || ' ') LIKE ?")
            params.append(f"% {wanted.strategy} %")
        clause = " AND ".join(where)
        db = self.storage.db
        if wanted.involving or wanted.strategy:
            total = db.execute(f"SELECT count(*) FROM ta_requests WHERE {clause}", params).fetchone()[0]
        else:  # by status and country only: the counts migration m011 keeps
            total = self._counted(wanted.statuses, wanted.country)
        rows = db.query(
            f"SELECT * FROM ta_requests WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]
        )
        return [TARequest.from_row(row) for row in rows], total

    def _counted(self, statuses: tuple[str, ...] | None, country: str | None) -> int:
        sql, params = "SELECT coalesce(sum(n), 0) FROM ta_counts WHERE country = ?", [country or "*"]
        if statuses is not None:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params += statuses
        return self.storage.db.execute(sql, params).fetchone()[0]

    def export_rows(self) -> list[dict]:
        """Every request with its organisation's name and its last status change, oldest first."""
        return list(
            self.storage.db.query(
                """SELECT r.*, o.name AS organisation,
                      (SELECT max(e.at) FROM ta_events e WHERE e.request_id = r.id
                         AND e.kind IN ('created', 'assigned', 'status')) AS last_status_change
               FROM ta_requests r LEFT JOIN organisations o ON o.id = r.organisation_id
               ORDER BY r.id"""
            )
        )


class TADigestQueries:
    """What the weekly digest and the App Home ask of the requests (the queries stay bounded)."""

    def __init__(self, storage: Storage):
        self.storage = storage

    def _requests(self, sql: str, params: list) -> list[TARequest]:
        return [TARequest.from_row(row) for row in self.storage.db.query(sql, params)]

    def created_since(self, since: datetime, limit: int) -> tuple[list[TARequest], int]:
        params = [to_iso(since)]
        total = self.storage.db.execute("SELECT count(*) FROM ta_requests WHERE created_at >= ?", params).fetchone()[0]
        return self._requests(
            "SELECT * FROM ta_requests WHERE created_at >= ? ORDER BY id DESC LIMIT ?", [*params, limit]
        ), total

    def completed_since(self, since: datetime) -> int:
        return self.storage.db.execute(
            "SELECT count(DISTINCT request_id) FROM ta_events WHERE kind = 'status' AND status = 'completed'"
            " AND at >= ?",
            [to_iso(since)],
        ).fetchone()[0]

    def open_by_status(self) -> dict[str, int]:
        rows = self.storage.db.execute(
            f"SELECT status, n FROM ta_counts WHERE country = '*' AND status IN ({','.join('?' * len(OPEN_STATUSES))})",
            list(OPEN_STATUSES),
        )
        return {status: 0 for status in OPEN_STATUSES} | dict(rows.fetchall())

    def stuck(self, unassigned_before: datetime, today: date, limit: int) -> tuple[list[TARequest], int]:
        """Unassigned since before `unassigned_before`, or open past their due date: oldest first."""
        where = (
            "(status = 'new' AND created_at < ?) OR"
            f" (status IN ({','.join('?' * len(OPEN_STATUSES))}) AND due_date < ?)"
        )
        params = [to_iso(unassigned_before), *OPEN_STATUSES, today.isoformat()]
        total = self.storage.db.execute(f"SELECT count(*) FROM ta_requests WHERE {where}", params).fetchone()[0]
        return self._requests(f"SELECT * FROM ta_requests WHERE {where} ORDER BY id LIMIT ?", [*params, limit]), total

    def involving(self, user_id: str, limit: int) -> tuple[list[TARequest], int]:
        """A member's requests, asked or led, open ones first, newest first."""
        params = [user_id, user_id]
        total = self.storage.db.execute(
            "SELECT count(*) FROM ta_requests WHERE requester = ? OR lead = ?", params
        ).fetchone()[0]
        order = f"CASE WHEN status IN ({','.join('?' * len(OPEN_STATUSES))}) THEN 0 ELSE 1 END, id DESC"
        return self._requests(
            f"SELECT * FROM ta_requests WHERE requester = ? OR lead = ? ORDER BY {order} LIMIT ?",
            [*params, *OPEN_STATUSES, limit],
        ), total
