"""The SQLite file: one connection per thread, WAL, and explicit write transactions.

Bolt's listener threads, the HTTP server's threads and the scheduler's threads each get a
connection of their own (a sqlite3 connection may only be used by the thread that made
it). Every write goes through `Storage.write()`, which takes the write lock up front with
`BEGIN IMMEDIATE`: a transaction that reads and then writes would otherwise fail with
SQLITE_BUSY instead of waiting when another thread or process wrote in between.

Durability: WAL with `synchronous=NORMAL` keeps every committed transaction across a crash
of the process (kill -9); only a power cut can lose the last commits, which is the trade
SQLite recommends for WAL.
"""

from __future__ import annotations

import contextlib
import sqlite3
import threading
import time
from collections.abc import Callable, Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import TypeVar

import sqlite_utils

from storage.migrations_later import migrations  # m001-m014 and, registered on them, m015 on

BUSY_TIMEOUT_MS = 10_000

Clock = Callable[[], datetime]
T = TypeVar("T")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def to_iso(moment: datetime) -> str:
    """How instants are stored: UTC, ISO 8601, so that text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def _enable_wal(conn: sqlite3.Connection, attempts: int = 100) -> None:
    """Switch a file to WAL once; the switch needs a moment alone with a new file.

    SQLite answers "database is locked" at once (no busy wait) when two connections switch a
    fresh file at the same moment, so this one waits and looks again (5 s at most).
    """
    for attempt in range(attempts):
        try:
            if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
                conn.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or attempt == attempts - 1:
                raise
            time.sleep(0.05)


class Storage:
    """Owns the database file; repositories borrow this thread's connection from it."""

    def __init__(self, path: str | Path, clock: Clock = utc_now):
        self.path = str(path)
        self.clock = clock
        self._local = threading.local()
        self._all: list[sqlite_utils.Database] = []
        self._all_lock = threading.Lock()
        # Threads of this process queue here for the write lock, in turn, instead of
        # sleeping in SQLite's busy handler (1, 2, 5, 10… ms steps); other processes
        # still meet the busy timeout.
        self._writer = threading.Lock()
        self._cached: dict[str, tuple[int, object]] = {}

    @property
    def db(self) -> sqlite_utils.Database:
        """This thread's connection, opened and configured on first use."""
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
            with self._all_lock:
                self._all.append(db)
        return db

    def _connect(self) -> sqlite_utils.Database:
        conn = sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        _enable_wal(conn)
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        return sqlite_utils.Database(conn)

    @contextlib.contextmanager
    def write(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction holding the lock from its first statement; commits on exit.

        Nested use joins the outer transaction (sqlite-utils' atomic() makes a savepoint).
        """
        db = self.db
        if db.conn.in_transaction:
            with db.atomic():
                yield db
            return
        self._local.after_commit = []
        with self._writer:
            db.conn.execute("BEGIN IMMEDIATE")
            try:
                yield db
                db.conn.execute("COMMIT")
            except BaseException:
                db.rollback()
                self._local.after_commit = None
                raise
        callbacks, self._local.after_commit = self._local.after_commit, None
        for callback in callbacks:
            callback()

    def one(self, sql: str, params: list, make: Callable[[dict], T]) -> T | None:
        """The first row `sql` finds, as `make` builds it, or None: every repository's `get()`."""
        row = next(iter(self.db.query(sql, params)), None)
        return None if row is None else make(row)

    def after_commit(self, callback: Callable[[], None]) -> None:
        """Run `callback` once this thread's write transaction commits (never if it rolls back)."""
        pending = getattr(self._local, "after_commit", None)
        if self.db.conn.in_transaction and pending is not None:
            pending.append(callback)
        else:
            callback()

    def cached(self, table: str, load: Callable[[], T]) -> T:
        """`load()`'s answer, kept in memory until `table` changes, in any process.

        For the small tables read on almost every request (organisations, coordinators):
        migration m011's triggers count each table's changes in `versions`, so one indexed
        read says whether the kept answer still holds. The version is read before the
        load, so a change in between only costs a second load later. Never kept inside a
        write transaction, which may yet roll back. Callers must not modify what they get.
        (Restoring an older copy of the file under a running bot could bring back a version
        number it has kept: restart the bot after a restore.)
        """
        db = self.db
        version = db.execute("SELECT n FROM versions WHERE name = ?", [table]).fetchone()[0]
        cached = self._cached.get(table)
        if cached is not None and cached[0] == version:
            return cached[1]  # type: ignore[return-value]
        value = load()
        if not db.conn.in_transaction:
            self._cached[table] = (version, value)
        return value

    def migrate(self) -> None:
        """Bring the schema up to date; two processes starting at once apply each step once."""
        with self.write() as db:
            migrations.apply(db)

    def close(self) -> None:
        """Close every thread's connection (at shutdown, when those threads are done)."""
        with self._all_lock:
            for db in self._all:
                with contextlib.suppress(sqlite3.ProgrammingError):
                    db.conn.close()
            self._all.clear()
        self._local = threading.local()
