"""Storage: migrations once, WAL, one connection per thread, writes that never half-happen."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import threading

import pytest

from storage import CoordinatorRepository, Removal, Storage
from tests.conftest import ROOT


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
    assert repo.list() == ()


def test_the_consoles_own_user_coordinates_only_while_the_console_runs(storage):
    repo = CoordinatorRepository(storage)
    repo.sync_config(("U0A",), console_ids=("U0CONSOLE",))
    assert {c.user_id: c.source for c in repo.list()} == {"U0A": "config", "U0CONSOLE": "console"}
    assert repo.remove("U0CONSOLE") is Removal.CONSOLE_USER
    repo.sync_config(("U0A",))  # the same database, then used with Slack
    assert [c.user_id for c in repo.list()] == ["U0A"]


def test_the_consoles_own_user_does_not_count_as_the_last_coordinator(storage):
    repo = CoordinatorRepository(storage)
    repo.sync_config((), console_ids=("U0CONSOLE",))
    assert repo.add("U0S", added_by="U0CONSOLE") and repo.add("U0T", added_by="U0CONSOLE")
    assert repo.remove("U0S") is Removal.REMOVED
    assert repo.remove("U0T") is Removal.LAST_ONE  # else the database would have none once used with Slack


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


# --- what migration m011's triggers keep --------------------------------------------------


def test_request_counts_follow_every_insert_status_change_and_delete(storage):
    from storage.ta_requests import TAFilter, TARequestRepository

    repo = TARequestRepository(storage)
    made = [
        repo.create(places=places, need="n", strategies=[], kind=None, due_date=None, requester="U1")
        for places in ("KE", "KE", "UG", "KE UG")
    ]
    repo.set_status(made[0].id, "completed", "U1", None)
    repo.assign(made[1].id, organisation_id=1, lead=None, status="assigned", actor="U1")
    repo.edit(made[3].id, "U1", "places", "TZ KE")
    with storage.write() as db:
        db.execute("DELETE FROM ta_events WHERE request_id = ?", [made[2].id])
        db.execute("DELETE FROM ta_places WHERE request_id = ?", [made[2].id])
        db.execute("DELETE FROM ta_requests WHERE id = ?", [made[2].id])

    def counted_and_searched(wanted: TAFilter) -> tuple[int, int]:
        counted = repo.search(wanted, limit=1)[1]
        where = (
            " AND ".join(
                filter(
                    None,
                    [
                        wanted.statuses and f"status IN ({','.join(repr(s) for s in wanted.statuses)})",
                        wanted.places and f"(' ' || country || ' ') LIKE '% {wanted.places[0]} %'",
                    ],
                )
            )
            or "1 = 1"
        )
        return counted, storage.db.execute(f"SELECT count(*) FROM ta_requests WHERE {where}").fetchone()[0]

    for wanted in (
        TAFilter(),
        TAFilter(statuses=None),
        TAFilter(places=("KE",)),
        TAFilter(statuses=None, places=("KE",)),
        TAFilter(places=("TZ",)),
        TAFilter(places=("UG",)),
        TAFilter(statuses=("completed",)),
    ):
        counted, scanned = counted_and_searched(wanted)
        assert counted == scanned, wanted
    assert counted_and_searched(TAFilter(statuses=None, places=("KE",))) == (3, 3)
    assert counted_and_searched(TAFilter(places=("UG",))) == (0, 0)  # the edit took Uganda off TA-4


def test_voter_counts_follow_casting_moving_and_withdrawing(storage):
    from storage.polls import PollRepository

    polls = PollRepository(storage)
    single = polls.add(
        question="q",
        options=["a", "b"],
        anonymous=False,
        multiple=False,
        hidden=False,
        author="U1",
        channel="C1",
        closes_at=None,
    )
    multiple = polls.add(
        question="q",
        options=["a", "b", "c"],
        anonymous=False,
        multiple=True,
        hidden=False,
        author="U1",
        channel="C1",
        closes_at=None,
    )
    for poll_id, user, option in [
        (single.id, "U1", 0),
        (single.id, "U2", 0),
        (single.id, "U1", 1),  # moved
        (single.id, "U2", 0),  # withdrawn
        (multiple.id, "U1", 0),
        (multiple.id, "U1", 1),
        (multiple.id, "U3", 2),
        (multiple.id, "U1", 0),
    ]:  # U1 keeps option 1
        polls.vote(poll_id, user, option)

    def distinct(poll_id: int) -> int:
        return storage.db.execute(
            "SELECT count(DISTINCT user_id) FROM poll_votes WHERE poll_id = ?", [poll_id]
        ).fetchone()[0]

    assert polls.get(single.id).voters == distinct(single.id) == 1
    assert polls.get(multiple.id).voters == distinct(multiple.id) == 2


def test_kept_tables_are_read_again_after_a_change_from_another_process(tmp_dir):
    from storage.organisations import OrganisationRepository

    here, there = Storage(tmp_dir / "k.sqlite3"), Storage(tmp_dir / "k.sqlite3")
    here.migrate()
    mine, theirs = OrganisationRepository(here), OrganisationRepository(there)
    before = mine.list()
    assert mine.list() is before  # kept: not read again
    theirs.save("Brand New Org", "BNO", ["parenting"])
    assert "Brand New Org" in [o.name for o in mine.list()]
    CoordinatorRepository(there).add("U0NEW", added_by="U0X")
    assert CoordinatorRepository(here).is_coordinator("U0NEW")
    here.close()
    there.close()


def test_a_rolled_back_change_is_never_kept(storage):
    from storage.organisations import OrganisationRepository

    organisations = OrganisationRepository(storage)
    with pytest.raises(RuntimeError), storage.write() as db:
        db.execute("INSERT INTO organisations (name, strategies, created_at, updated_at) VALUES ('Ghost', '', '', '')")
        assert "Ghost" in [o.name for o in organisations.list()]  # seen inside its own transaction
        raise RuntimeError("roll back")
    organisations.save("Real", None, None)  # the version the ghost had, now for real
    names = [o.name for o in organisations.list()]
    assert "Real" in names and "Ghost" not in names


def test_a_request_reopened_since_is_not_counted_as_completed(storage):
    from datetime import timedelta

    from storage.ta_digest import TADigestQueries
    from storage.ta_requests import TARequestRepository

    repo = TARequestRepository(storage)
    done, reopened = (
        repo.create(places="KE", need="n", strategies=[], kind=None, due_date=None, requester="U1") for _ in range(2)
    )
    for request in (done, reopened):
        repo.set_status(request.id, "completed", "U1", None)
    repo.reopen(reopened.id, "in-progress", "U1", "the ministry wrote back")
    assert TADigestQueries(storage).completed_since(storage.clock() - timedelta(days=7)) == 1


def test_places_are_indexed_again_when_their_keys_change_and_counts_follow(storage):
    from bot.parsing.places import keys_version, search_keys
    from storage.ta_requests import TAFilter, TARequestRepository

    repo = TARequestRepository(storage)
    kenya = repo.create(places="KE", need="n", strategies=[], kind=None, due_date=None, requester="U1")
    repo.set_status(kenya.id, "completed", "U1", None)
    assert repo.search(TAFilter(statuses=None, places=("002",)), limit=5)[1] == 0  # as migration m014 left it
    assert repo.index_places(search_keys, keys_version()) == 1
    assert repo.index_places(search_keys, keys_version()) == 0  # once a version
    found, total = repo.search(TAFilter(statuses=None, places=("002",)), limit=5)
    assert ([r.id for r in found], total) == ([kenya.id], 1)
    assert repo.search(TAFilter(statuses=("completed",), places=("014",)), limit=5)[1] == 1
    assert repo.search(TAFilter(places=("014",)), limit=5)[1] == 0  # not open


def test_a_list_by_one_place_and_more_counts_only_that_place(storage):
    from datetime import date

    from storage.ta_requests import TAFilter, TARequestRepository

    repo = TARequestRepository(storage)
    for places, requester in (("KE", "U1"), ("UG", "U1"), ("FR", "U1"), ("KE", "U2")):
        repo.create(places=places, need="n", strategies=[], kind=None, due_date=date(2020, 1, 1), requester=requester)
    for wanted in (
        TAFilter(places=("KE",), due_before=date(2021, 1, 1)),  # `/ta list Kenya overdue`
        TAFilter(statuses=None, places=("KE",), involving="U1"),  # `/ta list mine Kenya`
        TAFilter(places=("KE",), strategy="laws"),
    ):
        found, total = repo.search(wanted, limit=10)
        assert total == len(found), wanted
    assert repo.search(TAFilter(places=("KE",), due_before=date(2021, 1, 1)), limit=10)[1] == 2


def test_opening_storage_does_not_load_pandas_which_only_sqlite_utils_would_want():
    """sqlite-utils imports pandas and numpy when installed (they come with country_converter):
    ~450 ms of every start, for value types never stored. Both still import afterwards."""
    code = (
        "import sys, storage, sqlite_utils.db as db; "
        "assert 'pandas' not in sys.modules and db.pd is None, 'pandas loaded'; "
        "import pandas; print('ok')"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert result.stdout.strip() == "ok", result.stderr
