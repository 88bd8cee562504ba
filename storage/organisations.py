"""Member organisations and the INSPIRE strategies each offers technical assistance on.

An organisation is never deleted: requests and their history point at it. Removing one
sets `removed_at` (migration m014), which takes it out of `list()`, `match()`, `named()`
and `offering()`; `get()` and `every()` still find it, so a closed request still names the
organisation that held it. The group's rules for adding, renaming and removing (near
duplicates, open requests) are in bot/domain/organisations.py; this module only reads and
writes.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum

from pydantic import BaseModel

from storage.db import Storage, to_iso
from storage.ta_requests import OPEN_STATUSES


class Organisation(BaseModel):
    id: int
    name: str
    short_name: str | None = None
    strategies: list[str] = []
    removed_at: str | None = None  # None: listed

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @property
    def removed(self) -> bool:
        return self.removed_at is not None

    @classmethod
    def from_row(cls, row: dict) -> "Organisation":
        return cls(**{**row, "strategies": row["strategies"].split()})


class Saved(str, Enum):
    ADDED = "Added"
    UPDATED = "Updated"
    UNCHANGED = "Already listed:"
    CLASH = "clash"


@dataclass(frozen=True)
class _Kept:
    """What `Storage.cached` keeps for this table: the listed ones, and every one by ID."""

    listed: tuple[Organisation, ...]
    every: dict[int, Organisation]


_COLUMNS = ("name", "short_name", "strategies", "removed_at")


class OrganisationRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def _kept(self) -> _Kept:
        return self.storage.cached("organisations", self._load)

    def _load(self) -> _Kept:
        rows = self.storage.db.query("SELECT * FROM organisations ORDER BY name COLLATE NOCASE")
        every = [Organisation.from_row(row) for row in rows]
        return _Kept(tuple(o for o in every if not o.removed), {o.id: o for o in every})

    def list(self) -> tuple[Organisation, ...]:
        """The listed organisations (not the removed ones), by name."""
        return self._kept().listed

    def every(self) -> dict[int, Organisation]:
        """Every organisation by ID, removed ones included: for showing requests and their
        history, which may name an organisation removed since. Callers must not modify it."""
        return self._kept().every

    def removed(self) -> list[Organisation]:
        return [o for o in self._kept().every.values() if o.removed]

    def get(self, organisation_id: int) -> Organisation | None:
        """The organisation with this ID, removed or not."""
        return self.storage.one("SELECT * FROM organisations WHERE id = ?", [organisation_id], Organisation.from_row)

    def match(self, text: str) -> list[Organisation]:
        """Listed organisations `text` names: an exact name or short name, else every prefix match."""
        wanted = text.strip().casefold()
        everyone = self.list()
        exact = [o for o in everyone if wanted in (o.name.casefold(), (o.short_name or "").casefold())]
        if exact:
            return exact
        return [
            o
            for o in everyone
            if o.name.casefold().startswith(wanted) or (o.short_name or "").casefold().startswith(wanted)
        ]

    def named(self, text: str) -> Organisation | None:
        """The listed organisation whose name or short name this is exactly (any case)."""
        return self.storage.one(
            "SELECT * FROM organisations WHERE (name = ? OR short_name = ?) AND removed_at IS NULL ORDER BY id LIMIT 1",
            [text, text],
            Organisation.from_row,
        )

    def open_requests(self, organisation_id: int) -> list[int]:
        """IDs of the open TA requests (new, assigned, in progress) assigned to this
        organisation. A small read of ta_requests kept here, beside the one question it
        answers: may this organisation be removed?"""
        marks = ", ".join("?" for _ in OPEN_STATUSES)
        rows = self.storage.db.execute(
            f"SELECT id FROM ta_requests WHERE organisation_id = ? AND status IN ({marks}) ORDER BY id",
            [organisation_id, *OPEN_STATUSES],
        ).fetchall()
        return [row[0] for row in rows]

    def add(self, name: str, short_name: str | None, strategies: list[str]) -> Organisation:
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            cursor = db.execute(
                "INSERT INTO organisations (name, short_name, strategies, created_at, updated_at)"
                " VALUES (?, ?, ?, ?, ?)",
                [name, short_name, " ".join(strategies), now, now],
            )
            return self.get(cursor.lastrowid)

    def update(self, organisation_id: int, **changes: str | list[str] | None) -> Organisation:
        """Change some of `name`, `short_name`, `strategies` (a list) and `removed_at`."""
        unknown = set(changes) - set(_COLUMNS)
        if unknown:
            raise TypeError(f"not a column of organisations: {sorted(unknown)}")
        values = {k: " ".join(v) if k == "strategies" else v for k, v in changes.items()}
        values["updated_at"] = to_iso(self.storage.clock())
        assignments = ", ".join(f"{column} = ?" for column in values)
        with self.storage.write() as db:
            db.execute(f"UPDATE organisations SET {assignments} WHERE id = ?", [*values.values(), organisation_id])
            return self.get(organisation_id)

    def remove(self, organisation_id: int) -> Organisation:
        """Take it off the list; it stays in the table for the requests that name it."""
        return self.update(organisation_id, removed_at=to_iso(self.storage.clock()))

    def restore(self, organisation_id: int, **changes: str | list[str] | None) -> Organisation:
        """Put a removed organisation back on the list, with any changes."""
        return self.update(organisation_id, removed_at=None, **changes)

    def save(self, name: str, short_name: str | None, strategies: list[str] | None) -> tuple[Saved, Organisation]:
        """The plain write, without the group's rules (bot/domain/organisations.py has them;
        tests and tools use this): add an organisation, bring back a removed one of that name,
        or set the strategies of the one listed under `name` (None: keep them).

        A short name that already belongs to another organisation is refused (CLASH, with
        that organisation), so `Foo (WHO)` can never overwrite WHO.
        """
        with self.storage.write():
            existing = self.named(name)
            owner = self.named(short_name) if short_name else None
            if owner and owner != existing:
                return Saved.CLASH, owner
            if existing is None:
                former = next((o for o in self.removed() if o.name.casefold() == name.casefold()), None)
                if former is not None:
                    kept = former.strategies if strategies is None else strategies
                    return Saved.ADDED, self.restore(former.id, short_name=short_name, strategies=kept)
                return Saved.ADDED, self.add(name, short_name, strategies or [])
            if strategies is None:
                return Saved.UNCHANGED, existing
            return Saved.UPDATED, self.update(existing.id, strategies=strategies)

    def offering(self, strategies: list[str]) -> list[Organisation]:
        """Listed ones offering TA on any of these strategies, the best match first."""
        wanted = set(strategies)
        scored = [(len(wanted & set(o.strategies)), o) for o in self.list()]
        return [o for score, o in sorted(scored, key=lambda pair: -pair[0]) if score]
