"""Meetings: the quarterly schedule (the Meeting aggregate)."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel

from storage.db import Storage, to_iso


class Meeting(BaseModel):
    id: int
    title: str
    start_date: date
    start_time: time | None = None  # None: all day
    end_date: date | None = None  # the last day of a meeting over several days
    zone: str  # the IANA zone its date and time were given in
    starts_at: datetime  # UTC
    place: str | None = None  # None: virtual
    status: str = "scheduled"
    created_by: str | None = None

    @property
    def ref(self) -> str:
        return f"M-{self.id}"

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    @property
    def last_day(self) -> date:
        return self.end_date or self.start_date

    def is_over(self, now: datetime) -> bool:
        """Begun and past its last day: what `upcoming()` leaves out."""
        return self.starts_at < now and self.last_day < now.date()


class MeetingRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, meeting_id: int) -> Meeting | None:
        return self.storage.one("SELECT * FROM meetings WHERE id = ?", [meeting_id], lambda row: Meeting(**row))

    def add(
        self,
        *,
        title: str,
        start_date: date,
        start_time: time | None,
        end_date: date | None,
        zone: str,
        starts_at: datetime,
        place: str | None,
        created_by: str,
    ) -> Meeting:
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO meetings (title, start_date, start_time, end_date, zone, starts_at, place, created_by,"
                " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    title,
                    start_date.isoformat(),
                    start_time and start_time.strftime("%H:%M"),
                    end_date and end_date.isoformat(),
                    zone,
                    to_iso(starts_at),
                    place,
                    created_by,
                    now,
                    now,
                ],
            )
            return self.get(cursor.lastrowid)

    def cancel(self, meeting_id: int) -> None:
        with self.storage.write() as db:
            db.execute(
                "UPDATE meetings SET status = 'cancelled', updated_at = ? WHERE id = ?",
                [to_iso(self.storage.clock()), meeting_id],
            )

    def upcoming(self, now: datetime, limit: int = 40) -> list[Meeting]:
        """Scheduled meetings not yet over (an all-day one lasts to the end of its last day)."""
        today = now.date().isoformat()
        rows = self.storage.db.query(
            """SELECT * FROM meetings WHERE status = 'scheduled'
                 AND (starts_at >= ? OR coalesce(end_date, start_date) >= ?)
               ORDER BY starts_at LIMIT ?""",
            [to_iso(now), today, limit],
        )
        return [Meeting(**row) for row in rows]

    def of_year(self, year: int) -> list[Meeting]:
        rows = self.storage.db.query(
            "SELECT * FROM meetings WHERE start_date BETWEEN ? AND ? ORDER BY starts_at",
            [f"{year:04d}-01-01", f"{year:04d}-12-31"],
        )
        return [Meeting(**row) for row in rows]

    def latest_year(self) -> int | None:
        row = self.storage.db.execute(
            "SELECT max(substr(start_date, 1, 4)) FROM meetings WHERE status = 'scheduled'"
        ).fetchone()
        return int(row[0]) if row[0] else None

    def to_remind(self, now: datetime) -> list[Meeting]:
        """Scheduled meetings that have not begun: the ones reminders are for."""
        rows = self.storage.db.query(
            "SELECT * FROM meetings WHERE status = 'scheduled' AND starts_at > ? ORDER BY starts_at", [to_iso(now)]
        )
        return [Meeting(**row) for row in rows]
