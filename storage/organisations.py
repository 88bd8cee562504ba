"""Member organisations and the INSPIRE strategies each offers technical assistance on."""

from __future__ import annotations

from enum import Enum

from pydantic import BaseModel

from storage.db import Storage, to_iso


class Organisation(BaseModel):
    id: int
    name: str
    short_name: str | None = None
    strategies: list[str] = []

    @property
    def label(self) -> str:
        return f"{self.name} ({self.short_name})" if self.short_name else self.name

    @classmethod
    def from_row(cls, row: dict) -> "Organisation":
        return cls(**{**row, "strategies": row["strategies"].split()})


class Saved(str, Enum):
    ADDED = "Added"
    UPDATED = "Updated"
    UNCHANGED = "Already listed:"
    CLASH = "clash"


class OrganisationRepository:
    def __init__(self, storage: Storage):
        self.storage = storage

    def list(self) -> tuple[Organisation, ...]:
        return self.storage.cached("organisations", self._load)

    def _load(self) -> tuple[Organisation, ...]:
        rows = self.storage.db.query("SELECT * FROM organisations ORDER BY name COLLATE NOCASE")
        return tuple(Organisation.from_row(row) for row in rows)

    def get(self, organisation_id: int) -> Organisation | None:
        return self.storage.one("SELECT * FROM organisations WHERE id = ?", [organisation_id], Organisation.from_row)

    def match(self, text: str) -> list[Organisation]:
        """Organisations `text` names: an exact name or short name, else every prefix match."""
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
        """The organisation whose name or short name this is exactly (any case)."""
        return self.storage.one(
            "SELECT * FROM organisations WHERE name = ? OR short_name = ? ORDER BY id LIMIT 1",
            [text, text],
            Organisation.from_row,
        )

    def save(self, name: str, short_name: str | None, strategies: list[str] | None) -> tuple[Saved, Organisation]:
        """Add an organisation, or set the strategies of the one listed under `name`.

        A short name that already belongs to another organisation is refused (CLASH, with
        that organisation), so `Foo (WHO)` can never overwrite WHO.
        """
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            existing = self.named(name)
            owner = self.named(short_name) if short_name else None
            if owner and owner != existing:
                return Saved.CLASH, owner
            if existing is None:
                cursor = db.execute(
                    "INSERT INTO organisations (name, short_name, strategies, created_at, updated_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    [name, short_name, " ".join(strategies or []), now, now],
                )
                return Saved.ADDED, self.get(cursor.lastrowid)
            if strategies is None:
                return Saved.UNCHANGED, existing
            db.execute(
                "UPDATE organisations SET strategies = ?, updated_at = ? WHERE id = ?",
                [" ".join(strategies), now, existing.id],
            )
            return Saved.UPDATED, self.get(existing.id)

    def offering(self, strategies: list[str]) -> list[Organisation]:
        """Those offering TA on any of these strategies, the best match first."""
        wanted = set(strategies)
        scored = [(len(wanted & set(o.strategies)), o) for o in self.list()]
        return [o for score, o in sorted(scored, key=lambda pair: -pair[0]) if score]
