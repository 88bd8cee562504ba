"""Storage: migrations once, WAL, one connection per thread, writes that never half-happen."""

from __future__ import annotations

import sqlite3
import threading

import pytest

from storage import CoordinatorRepository, Removal, Storage


@pytest.fixture
def storage(tmp_dir):
    store = Storage(tmp_dir / "t.sqlite3")
    store.migrate()
    yield store
    store.close()


def test_migrations_apply_once_and_the_file_is_in_wal(storage):
    storage.migrate()
    applied = [r["name"] for r in storage.db["_sqlite_migrations"].rows]
    assert applied == sorted(set(applied)) and "m001_coordinators" in applied
    assert storage.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert storage.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    assert storage.db.execute("PRAGMA busy_timeout").fetchone()[0] >= 5000


def test_two_processes_migrating_at_once_apply_each_step_once(tmp_dir):
    path = tmp_dir / "race.sqlite3"
    errors: list[Exception] = []

    def migrate():
        try:
            Storage(path).migrate()
        except Exception as error:  # collected and asserted below
            errors.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    names = [r[0] for r in sqlite3.connect(path).execute("SELECT name FROM _sqlite_migrations")]
    assert len(names) == len(set(names))


def test_each_thread_gets_its_own_connection(storage):
    seen = []
    t = threading.Thread(target=lambda: seen.append(storage.db))
    t.start()
    t.join()
    assert seen[0] is not storage.db


def test_a_failed_write_leaves_nothing_behind(storage):
    with pytest.raises(RuntimeError):
        with storage.write() as db:
            db["coordinators"].insert({"user_id": "U0HALF", "source": "slack", "added_at": "now"})
            raise RuntimeError("crash mid-way")
    assert storage.db["coordinators"].count == 0


def test_coordinators_follow_the_setting_and_slack(storage):
    repo = CoordinatorRepository(storage)
    repo.sync_config(("U0A", "U0B"))
    assert repo.add("U0C", added_by="U0A") and not repo.add("U0C", added_by="U0A")
    assert repo.remove("U0A") is Removal.FROM_CONFIG
    assert repo.remove("U0Z") is Removal.NOT_A_COORDINATOR
    repo.sync_config(("U0B",))  # U0A dropped from the setting: no longer coordinates
    assert [c.user_id for c in repo.list()] == ["U0B", "U0C"]
    assert repo.remove("U0C") is Removal.REMOVED
    repo.sync_config(())
    assert repo.list() == []


def test_the_last_coordinator_cannot_be_removed(storage):
    repo = CoordinatorRepository(storage)
    repo.add("U0ONLY", added_by="U0ONLY")
    assert repo.remove("U0ONLY") is Removal.LAST_ONE
    assert repo.is_coordinator("U0ONLY")


def test_concurrent_writers_from_many_threads_all_land(tmp_dir):
    store = Storage(tmp_dir / "c.sqlite3")
    store.migrate()
    repo = CoordinatorRepository(store)
    errors = []

    def add(n):
        try:
            for i in range(20):
                repo.add(f"U{n:02d}X{i:03d}", added_by="U0A")
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=add, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(repo.list()) == 160
