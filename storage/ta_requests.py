"""Technical-assistance requests and their history (the TARequest aggregate)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from pydantic import BaseModel

from storage.db import Storage, to_iso

STATUSES = ("new", "assigned", "in-progress", "completed", "declined")
OPEN_STATUSES = ("new", "assigned", "in-progress")
CLOSED_STATUSES = ("completed", "declined")


class TARequest(BaseModel):
    id: int
    country: str  # its places, space-separated: alpha-2 codes, or M49 codes for regions (migration m014)
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
    # where it came from: "slack", or "web" (the public page), whose requester is the mail
    # lane "mail:<email>" and who said who they are in these (migration m017)
    source: str = "slack"
    requester_name: str | None = None
    requester_organisation: str | None = None
    requester_email: str | None = None
    requester_language: str | None = None

    @property
    def ref(self) -> str:
        return f"TA-{self.id}"

    @property
    def from_web(self) -> bool:
        return self.source == "web"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES

    @property
    def places(self) -> list[str]:
        return self.country.split()

    @classmethod
    def from_row(cls, row: dict) -> "TARequest":
        return cls(**{**row, "strategies": row["strategies"].split()})


class TAEvent(BaseModel):
    id: int
    request_id: int
    at: datetime
    actor: str
    kind: str  # created, assigned, status, note, edited, reopened
    status: str | None = None
    organisation_id: int | None = None
    lead: str | None = None
    text: str | None = None
    field: str | None = None  # edited: need, places, strategies or due
    old_value: str | None = None  # edited: as stored (codes, tags, an ISO date)
    public: bool = False  # a note the web requester is sent and their status page shows


# Why a request is stuck, each a condition on ta_requests; a request counts once, under the
# first that holds. The rule's durations are the TA rules' (bot/domain/ta.py).
UNASSIGNED, OVERDUE, QUIET = "unassigned", "overdue", "quiet"
STUCK_REASONS = (UNASSIGNED, OVERDUE, QUIET)
_NEW_TOO_LONG = "status = 'new' AND created_at < :unassigned_before"
STUCK_WHERE = {
    UNASSIGNED: _NEW_TOO_LONG,
    OVERDUE: f"status IN ('new', 'assigned', 'in-progress') AND due_date < :due_before AND NOT ({_NEW_TOO_LONG})",
    QUIET: "status IN ('assigned', 'in-progress') AND updated_at < :quiet_before"
    " AND (due_date IS NULL OR due_date >= :due_before)",
}


@dataclass(frozen=True)
class Stuck:
    """The stuck rule's cut-offs at one moment: unassigned since before `unassigned_before`,
    due before `due_before` (a day: one due today is not late), or assigned with no activity
    (updated_at, which every assignment, status, note and edit bumps) since `quiet_before`."""

    unassigned_before: datetime
    due_before: date
    quiet_before: datetime

    def params(self) -> dict[str, str]:
        return {
            "unassigned_before": to_iso(self.unassigned_before),
            "due_before": self.due_before.isoformat(),
            "quiet_before": to_iso(self.quiet_before),
        }

    def clause(self) -> tuple[str, list]:
        """Any of the reasons, with `?` placeholders, for a query that has others: the IDs of
        each part from its own index, not a scan of every request for an OR."""
        parts = " UNION ALL ".join(f"SELECT id FROM ta_requests WHERE {STUCK_WHERE[r]}" for r in STUCK_REASONS)
        sql = f"id IN ({parts})"
        values = self.params()
        return re.sub(r":(\w+)", "?", sql), [values[name] for name in re.findall(r":(\w+)", sql)]


@dataclass(frozen=True)
class TAFilter:
    """What `/ta list` asks for; None means any."""

    statuses: tuple[str, ...] | None = OPEN_STATUSES
    involving: str | None = None  # a user: the requester or the lead
    places: tuple[str, ...] | None = None  # any of these place codes
    strategy: str | None = None
    organisation_id: int | None = None
    lead: str | None = None
    unassigned: bool = False
    due_before: date | None = None  # overdue: due before this day
    stuck: Stuck | None = None

    @property
    def by_status_only(self) -> bool:
        """Whether the counts migration m011 keeps can answer how many match."""
        return self == TAFilter(statuses=self.statuses)


# The requests a list by one place reads, in the order of that place's index; search()
# adds the rest of the filter (its columns are ta_requests', unambiguous beside ta_places').
_ONE_PLACE = "ta_places p JOIN ta_requests r ON r.id = p.request_id WHERE p.place = ?"


class TARequestRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def get(self, request_id: int) -> TARequest | None:
        return self.storage.one("SELECT * FROM ta_requests WHERE id = ?", [request_id], TARequest.from_row)

    def history(self, request_id: int) -> list[TAEvent]:
        rows = self.storage.db.query("SELECT * FROM ta_events WHERE request_id = ? ORDER BY id", [request_id])
        return [TAEvent(**row) for row in rows]

    def create(
        self,
        *,
        places: str,
        need: str,
        strategies: list[str],
        kind: str | None,
        due_date: date | None,
        requester: str,
        keys: list[str] | None = None,
        web: dict[str, str] | None = None,
    ) -> TARequest:
        """A new request; `keys`: every place a list finds it under (its places if None);
        `web`: from the public page, the requester_* columns (name, organisation, email, language)."""
        now = to_iso(self.storage.clock())
        web_columns = {f"requester_{name}": value for name, value in (web or {}).items()}
        if web:
            web_columns["source"] = "web"
        extra = "".join(f", {column}" for column in web_columns)
        with self.storage.write() as db:
            cursor = db.execute(
                f"INSERT INTO ta_requests (country, need, strategies, kind, due_date, requester, status,"
                f" created_at, updated_at{extra}) VALUES (?, ?, ?, ?, ?, ?, 'new', ?, ?{', ?' * len(web_columns)})",
                [
                    places,
                    need,
                    " ".join(strategies),
                    kind,
                    due_date and due_date.isoformat(),
                    requester,
                    now,
                    now,
                    *web_columns.values(),
                ],
            )
            self._place(cursor.lastrowid, keys or places.split())
            self._event(cursor.lastrowid, requester, "created", status="new", at=now)
            return self.get(cursor.lastrowid)

    def _place(self, request_id: int, keys: list[str]) -> None:
        self.storage.db.execute("DELETE FROM ta_places WHERE request_id = ?", [request_id])
        self.storage.db.conn.executemany(
            "INSERT INTO ta_places (place, request_id) VALUES (?, ?)", [(key, request_id) for key in keys]
        )

    def keys_version(self) -> int:
        return self.storage.db.execute("SELECT n FROM versions WHERE name = 'ta_places'").fetchone()[0]

    def index_places(self, keys_of, version: int) -> int:
        """Write every request's keys again with `keys_of(places)`, unless they are already at
        `version`; how many requests were indexed."""
        with self.storage.write() as db:
            if self.keys_version() == version:
                return 0
            rows = db.execute("SELECT id, country FROM ta_requests").fetchall()
            db.execute("DELETE FROM ta_places")
            db.conn.executemany(
                "INSERT INTO ta_places (place, request_id) VALUES (?, ?)",
                [(key, request_id) for request_id, places in rows for key in keys_of(places)],
            )
            db.execute("UPDATE versions SET n = ? WHERE name = 'ta_places'", [version])
            return len(rows)

    # what `/ta edit` may change: its field name -> the column
    EDITABLE = {"need": "need", "places": "country", "strategies": "strategies", "due": "due_date"}

    def edit(
        self, request_id: int, actor: str, field: str, value: str | None, keys: list[str] | None = None
    ) -> TARequest:
        """Set one field (a value as stored: codes, tags, an ISO date), with the old value in
        the history so the change can be read and undone; new places come with their `keys`."""
        column = self.EDITABLE[field]
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            old = db.execute(f"SELECT {column} FROM ta_requests WHERE id = ?", [request_id]).fetchone()[0]
            db.execute(
                f"UPDATE ta_requests SET {column} = ?, updated_at = ? WHERE id = ?",
                [value if field != "strategies" else value or "", now, request_id],
            )
            if field == "places":
                self._place(request_id, keys or value.split())
            self._event(request_id, actor, "edited", at=now, field=field, old_value=old, text=value)
            return self.get(request_id)

    def reopen(self, request_id: int, status: str, actor: str, note: str | None, unassign: bool = False) -> TARequest:
        """Back to `status`; `unassign` also clears its organisation and lead."""
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute("UPDATE ta_requests SET status = ?, updated_at = ? WHERE id = ?", [status, now, request_id])
            if unassign:
                db.execute("UPDATE ta_requests SET organisation_id = NULL, lead = NULL WHERE id = ?", [request_id])
            self._event(request_id, actor, "reopened", status=status, text=note, at=now)
            return self.get(request_id)

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

    def add_note(self, request_id: int, actor: str, text: str, public: bool = False) -> int:
        """The note's event ID (its notices name it)."""
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute("UPDATE ta_requests SET updated_at = ? WHERE id = ?", [now, request_id])
            return self._event(request_id, actor, "note", text=text, at=now, public=int(public))

    def event(self, event_id: int) -> TAEvent | None:
        return self.storage.one("SELECT * FROM ta_events WHERE id = ?", [event_id], lambda row: TAEvent(**row))

    _EVENT_FIELDS = ("status", "organisation_id", "lead", "text", "field", "old_value", "public")

    def _event(self, request_id: int, actor: str, kind: str, at: str, **fields) -> int:
        fields.setdefault("public", 0)
        cursor = self.storage.db.execute(
            f"INSERT INTO ta_events (request_id, at, actor, kind, {', '.join(self._EVENT_FIELDS)})"
            f" VALUES (?, ?, ?, ?{', ?' * len(self._EVENT_FIELDS)})",
            [request_id, at, actor, kind, *(fields.get(name) for name in self._EVENT_FIELDS)],
        )
        return cursor.lastrowid

    def search(self, wanted: TAFilter, limit: int, offset: int = 0) -> tuple[list[TARequest], int]:
        """One page of matching requests, newest first, and how many match in all.

        The common lists are indexed reads: by status from ta_counts, by one place from
        ta_place_counts and the place's rows in ID order, stuck ones by the rule's three parts."""
        clause, params = self._where(wanted)
        db = self.storage.db
        one_place = wanted.places[0] if wanted.places and len(wanted.places) == 1 else None
        # stuck requests are open ones: a filter for open ones, or any, changes nothing
        stuck_only = wanted.stuck is not None and wanted in (
            TAFilter(statuses=OPEN_STATUSES, stuck=wanted.stuck),
            TAFilter(statuses=None, stuck=wanted.stuck),
        )
        if wanted.by_status_only:  # the counts migration m011 keeps
            total = self._counted(wanted.statuses)
        elif one_place and wanted == TAFilter(statuses=wanted.statuses, places=wanted.places):
            total = self._counted(wanted.statuses, one_place)
        elif stuck_only:
            total = self._stuck_counted(wanted)
        elif one_place:
            total = db.execute(f"SELECT count(*) FROM {_ONE_PLACE} AND {clause}", [one_place, *params]).fetchone()[0]
        else:
            total = db.execute(f"SELECT count(*) FROM ta_requests WHERE {clause}", params).fetchone()[0]
        if stuck_only:
            rows = self._stuck_page(wanted, limit, offset)
        elif one_place:  # walk the place's rows, newest first, until the page is full
            rows = db.query(
                f"SELECT r.* FROM {_ONE_PLACE} AND {clause} ORDER BY p.request_id DESC LIMIT ? OFFSET ?",
                [one_place, *params, limit, offset],
            )
        else:
            rows = db.query(
                f"SELECT * FROM ta_requests WHERE {clause} ORDER BY id DESC LIMIT ? OFFSET ?", [*params, limit, offset]
            )
        return [TARequest.from_row(row) for row in rows], total

    def _where(self, wanted: TAFilter) -> tuple[str, list]:
        where, params = ["1 = 1"], []

        def add(sql: str, *values) -> None:
            where.append(sql)
            params.extend(values)

        if wanted.statuses is not None:
            add(f"status IN ({','.join('?' * len(wanted.statuses))})", *wanted.statuses)
        if wanted.involving:
            add("(requester = ? OR lead = ?)", wanted.involving, wanted.involving)
        if wanted.places and len(wanted.places) > 1:  # one place: search() joins ta_places
            marks = ",".join("?" * len(wanted.places))
            add(f"id IN (SELECT request_id FROM ta_places WHERE place IN ({marks}))", *wanted.places)
        if wanted.strategy:
            add("(' ' || strategies || ' ') LIKE ?", f"% {wanted.strategy} %")
        if wanted.organisation_id is not None:
            add("organisation_id = ?", wanted.organisation_id)
        if wanted.lead:
            add("lead = ?", wanted.lead)
        if wanted.unassigned:
            add("organisation_id IS NULL")
        if wanted.due_before:
            add("due_date < ?", wanted.due_before.isoformat())
        if wanted.stuck:
            sql, values = wanted.stuck.clause()
            add(f"({sql})", *values)
        return " AND ".join(where), params

    def _counted(self, statuses: tuple[str, ...] | None, place: str | None = None) -> int:
        if place is None:
            sql, params = "SELECT coalesce(sum(n), 0) FROM ta_counts WHERE country = '*'", []
        else:
            sql, params = "SELECT coalesce(sum(n), 0) FROM ta_place_counts WHERE place = ?", [place]
        if statuses is not None:
            sql += f" AND status IN ({','.join('?' * len(statuses))})"
            params += statuses
        return self.storage.db.execute(sql, params).fetchone()[0]

    def _stuck_page(self, wanted: TAFilter, limit: int, offset: int) -> list[dict]:
        """A page of stuck requests: the IDs from the parts' indexes alone, then their rows."""
        parts = " UNION ALL ".join(f"SELECT id FROM ta_requests WHERE {part}" for part in STUCK_WHERE.values())
        return list(
            self.storage.db.query(
                f"SELECT * FROM ta_requests WHERE id IN (SELECT id FROM ({parts}) ORDER BY id DESC"
                " LIMIT :limit OFFSET :offset) ORDER BY id DESC",
                {**wanted.stuck.params(), "limit": limit, "offset": offset},
            )
        )

    def _stuck_counted(self, wanted: TAFilter) -> int:
        """The stuck rule's parts do not overlap: their counts, each from one index, add up."""
        params = wanted.stuck.params()
        return sum(
            self.storage.db.execute(f"SELECT count(*) FROM ta_requests WHERE {part}", params).fetchone()[0]
            for part in STUCK_WHERE.values()
        )

    def export_rows(self) -> list[dict]:
        """Every request with its organisation's name, its last status change and its notes
        (a list of note events, oldest first), oldest request first."""
        notes: dict[int, list[TAEvent]] = {}
        for row in self.storage.db.query("SELECT * FROM ta_events WHERE kind = 'note' ORDER BY request_id, id"):
            notes.setdefault(row["request_id"], []).append(TAEvent(**row))
        rows = self.storage.db.query(
            """SELECT r.*, o.name AS organisation,
                  (SELECT max(e.at) FROM ta_events e WHERE e.request_id = r.id
                     AND e.kind IN ('created', 'assigned', 'status', 'reopened')) AS last_status_change
           FROM ta_requests r LEFT JOIN organisations o ON o.id = r.organisation_id
           ORDER BY r.id"""
        )
        return [{**row, "notes": notes.get(row["id"], [])} for row in rows]
