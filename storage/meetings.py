"""Meetings: the quarterly schedule (the Meeting aggregate)."""

from __future__ import annotations

from datetime import date, datetime, time

from pydantic import BaseModel

from storage.db import Storage, to_iso

QUARTERLY = "quarterly"  # the series of the group's recurring meetings


class MeetingTimes(BaseModel):
    """When a meeting is: what `/meetings add`, `move` and `plan` read, and a Meeting keeps.

    All day when `start_time` is None (from the start of `start_date` to the end of the last
    day). Timed otherwise: from `start_time` on `start_date`, to `end_time` on the last day
    when one was given; with `each_day`, from `start_time` to `end_time` on every day of
    the range ("12-14 October 14:00-16:00": three sessions). Times are wall times in `zone`;
    `starts_at` and `ends_at` the UTC instants they make.
    """

    start_date: date
    start_time: time | None = None
    end_date: date | None = None  # the last day of a meeting over several days
    end_time: time | None = None
    each_day: bool = False
    zone: str  # the IANA zone its date and time were given in
    starts_at: datetime  # UTC; an all-day meeting's is midnight starting its first day in `zone`
    ends_at: datetime | None = None  # UTC, when an end time is known

    @property
    def all_day(self) -> bool:
        return self.start_time is None

    @property
    def last_day(self) -> date:
        return self.end_date or self.start_date

    @property
    def days(self) -> int:
        return (self.last_day - self.start_date).days + 1

    def times(self) -> dict:
        """Only the fields of when it is (a Meeting's, to move it or compare)."""
        return {name: getattr(self, name) for name in MeetingTimes.model_fields}


class Meeting(MeetingTimes):
    id: int
    title: str
    place: str | None = None  # None: virtual
    status: str = "scheduled"
    series: str | None = None  # QUARTERLY, or None for a one-off meeting
    sequence: int = 0  # raised on every change, for calendars that follow it
    created_by: str | None = None
    updated_at: datetime

    @property
    def ref(self) -> str:
        return f"M-{self.id}"

    def is_over(self, now: datetime) -> bool:
        """Begun and past its last day: what `upcoming()` leaves out."""
        return self.starts_at < now and self.last_day < now.date()


def _columns(times: MeetingTimes) -> dict:
    return {
        "start_date": times.start_date.isoformat(),
        "start_time": times.start_time and times.start_time.strftime("%H:%M"),
        "end_date": times.end_date and times.end_date.isoformat(),
        "end_time": times.end_time and times.end_time.strftime("%H:%M"),
        "each_day": int(times.each_day),
        "zone": times.zone,
        "starts_at": to_iso(times.starts_at),
        "ends_at": times.ends_at and to_iso(times.ends_at),
    }


def _meeting(row: dict) -> Meeting:
    return Meeting(**row)


class MeetingRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, meeting_id: int) -> Meeting | None:
        return self.storage.one("SELECT * FROM meetings WHERE id = ?", [meeting_id], _meeting)

    def add(
        self, *, title: str, times: MeetingTimes, place: str | None, created_by: str, series: str | None = None
    ) -> Meeting:
        now = to_iso(self.storage.clock())
        row = {
            "title": title,
            **_columns(times),
            "place": place,
            "series": series,
            "created_by": created_by,
            "created_at": now,
            "updated_at": now,
        }
        with self.storage.write() as db:
            cursor = db.execute(
                f"INSERT INTO meetings ({', '.join(row)}) VALUES ({', '.join('?' * len(row))})", list(row.values())
            )
            return self.get(cursor.lastrowid)

    def change(self, meeting_id: int, *, times: MeetingTimes | None = None, **fields) -> Meeting:
        """Set `times` and/or `title`, `place`, `status`; raise its sequence (calendars follow)."""
        columns = {**(_columns(times) if times else {}), **fields, "updated_at": to_iso(self.storage.clock())}
        assignments = ", ".join(f"{name} = ?" for name in columns)
        with self.storage.write() as db:
            db.execute(
                f"UPDATE meetings SET {assignments}, sequence = sequence + 1 WHERE id = ?",
                [*columns.values(), meeting_id],
            )
            return self.get(meeting_id)

    def cancel(self, meeting_id: int) -> Meeting:
        return self.change(meeting_id, status="cancelled")

    def upcoming(self, now: datetime, limit: int = 40, series: str | None = None) -> list[Meeting]:
        """Scheduled meetings not yet over (an all-day one lasts to the end of its last day);
        with `series`, only that series'."""
        in_series = "AND series = ?" if series else ""
        rows = self.storage.db.query(
            f"""SELECT * FROM meetings WHERE status = 'scheduled' {in_series}
                 AND (starts_at >= ? OR coalesce(end_date, start_date) >= ?)
               ORDER BY starts_at LIMIT ?""",
            [*([series] if series else []), to_iso(now), now.date().isoformat(), limit],
        )
        return [_meeting(row) for row in rows]

    def next_in_series(self, series: str, after: Meeting) -> Meeting | None:
        """The series' next scheduled meeting starting after `after` does."""
        return self.storage.one(
            "SELECT * FROM meetings WHERE series = ? AND status = 'scheduled' AND starts_at > ? AND id != ?"
            " ORDER BY starts_at LIMIT 1",
            [series, to_iso(after.starts_at), after.id],
            _meeting,
        )

    def on_days(self, first: date, last: date) -> list[Meeting]:
        """Scheduled meetings on any day from `first` to `last` (for duplicates)."""
        rows = self.storage.db.query(
            "SELECT * FROM meetings WHERE status = 'scheduled' AND start_date <= ?"
            " AND coalesce(end_date, start_date) >= ? ORDER BY starts_at",
            [last.isoformat(), first.isoformat()],
        )
        return [_meeting(row) for row in rows]

    def of_year(self, year: int, series: str | None = None) -> list[Meeting]:
        in_series = "AND series = ? AND status = 'scheduled'" if series else ""
        rows = self.storage.db.query(
            f"SELECT * FROM meetings WHERE start_date BETWEEN ? AND ? {in_series} ORDER BY starts_at",
            [f"{year:04d}-01-01", f"{year:04d}-12-31", *([series] if series else [])],
        )
        return [_meeting(row) for row in rows]

    def latest_year(self, series: str | None = None, before: int | None = None) -> int | None:
        """The latest year with a scheduled meeting (of `series`; before `before`)."""
        row = self.storage.db.execute(
            "SELECT max(substr(start_date, 1, 4)) FROM meetings WHERE status = 'scheduled'"
            " AND (? IS NULL OR series = ?) AND start_date < ?",
            [series, series, f"{before:04d}" if before else "A"],  # "A" sorts after every date,
        ).fetchone()
        return int(row[0]) if row[0] else None

    def to_remind(self, now: datetime) -> list[Meeting]:
        """Scheduled meetings that have not begun: the ones reminders are for."""
        rows = self.storage.db.query(
            "SELECT * FROM meetings WHERE status = 'scheduled' AND starts_at > ? ORDER BY starts_at", [to_iso(now)]
        )
        return [_meeting(row) for row in rows]

    def changed(self, limit: int = 500) -> list[Meeting]:
        """Every meeting, the latest first, cancelled ones too (a calendar feed's)."""
        rows = self.storage.db.query("SELECT * FROM meetings ORDER BY starts_at DESC LIMIT ?", [limit])
        return [_meeting(row) for row in rows]
