"""What the weekly digest and the coordinator's App Home ask of the TA requests: bounded
queries over the TARequest aggregate, kept apart from the repository that writes it."""

from __future__ import annotations

from datetime import datetime

from storage.db import Storage, to_iso
from storage.ta_requests import OPEN_STATUSES, STUCK_REASONS, STUCK_WHERE, Stuck, TARequest


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
        """Requests completed since then and still completed (not reopened since)."""
        return self.storage.db.execute(
            "SELECT count(DISTINCT e.request_id) FROM ta_events e JOIN ta_requests r ON r.id = e.request_id"
            " WHERE e.kind = 'status' AND e.status = 'completed' AND e.at >= ? AND r.status = 'completed'",
            [to_iso(since)],
        ).fetchone()[0]

    def open_by_status(self) -> dict[str, int]:
        rows = self.storage.db.execute(
            f"SELECT status, n FROM ta_counts WHERE country = '*' AND status IN ({','.join('?' * len(OPEN_STATUSES))})",
            list(OPEN_STATUSES),
        )
        return {status: 0 for status in OPEN_STATUSES} | dict(rows.fetchall())

    def stuck(
        self, rule: Stuck, limit: int, offset: int = 0, reasons: tuple[str, ...] = STUCK_REASONS
    ) -> tuple[list[tuple[TARequest, str]], int]:
        """Stuck requests with why (storage.ta_requests.STUCK_WHERE), oldest first, and how
        many there are in all; `reasons` keeps only some of them. Each part is read through an
        index on status (QUIET's on status and updated_at, m014), so the cost follows the open
        requests, not all 100,000."""
        params = rule.params()
        parts = [(reason, STUCK_WHERE[reason]) for reason in STUCK_REASONS if reason in reasons]
        if not parts:
            return [], 0
        union = " UNION ALL ".join(
            f"SELECT '{reason}' AS why, * FROM ta_requests WHERE {where}" for reason, where in parts
        )
        rows = self.storage.db.query(
            f"SELECT * FROM ({union}) ORDER BY id LIMIT :limit OFFSET :offset",
            {**params, "limit": limit, "offset": max(offset, 0)},
        )
        found = [(TARequest.from_row({k: v for k, v in row.items() if k != "why"}), row["why"]) for row in rows]
        return found, self._count(parts, params)

    def _count(self, parts: list[tuple[str, str]], params: dict) -> int:
        return sum(
            self.storage.db.execute(f"SELECT count(*) FROM ta_requests WHERE {where}", params).fetchone()[0]
            for _, where in parts
        )

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
