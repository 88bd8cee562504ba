"""The console's time (bot/run/console_time.py): a real APScheduler scheduler, started paused
as the console starts it, its jobs run on a ConsoleClock that `wait` moves ahead."""

from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.date import DateTrigger

from bot.run.console_time import ConsoleClock, Timeline, read_duration

SECOND = timedelta(seconds=1)
BOGOTA = ZoneInfo("America/Bogota")


@pytest.fixture
def clock():
    return ConsoleClock()


@pytest.fixture
def scheduler():
    scheduler = BackgroundScheduler(timezone=timezone.utc)
    scheduler.start(paused=True)
    yield scheduler
    scheduler.shutdown(wait=False)


@pytest.fixture
def ran():
    return []


@pytest.fixture
def timeline(scheduler, clock, ran):
    return Timeline(scheduler, clock, settle=lambda: ran.append((clock(), "settled")))


def names(ran) -> list[str]:
    return [name for _, name in ran if name != "settled"]


def at(scheduler, clock, ran, name: str, when, **kwargs):
    """A job that notes the console time it ran at, and its name."""
    return scheduler.add_job(lambda: ran.append((clock(), name)), DateTrigger(run_date=when), id=name, **kwargs)


def test_date_jobs_run_in_time_order_each_once_at_their_time(scheduler, clock, ran, timeline):
    start = clock()
    due = {"b": start + timedelta(days=1), "c": start + timedelta(days=3), "a": start + timedelta(hours=1)}
    for name, when in due.items():
        at(scheduler, clock, ran, name, when)
    at(scheduler, clock, ran, "later", start + timedelta(days=40))

    assert timeline.wait(timedelta(days=7)) == 3
    assert names(ran) == ["a", "b", "c"]
    for when, name in ran:
        if name != "settled":
            assert due[name] <= when < due[name] + SECOND, name
    assert [name for _, name in ran][1::2] == ["settled"] * 3  # settle() after each job, before the next
    assert scheduler.get_job("later").next_run_time == start + timedelta(days=40)
    assert abs(clock() - (start + timedelta(days=7))) < SECOND
    assert timeline.wait(timedelta(days=7)) == 0  # nothing runs twice


def test_an_interval_job_runs_at_the_stops_not_once_a_minute(scheduler, clock, ran, timeline):
    start = clock()
    scheduler.add_job(lambda: ran.append((clock(), "resync")), "interval", seconds=60, id="resync")
    scheduler.add_job(lambda: ran.append((clock(), "digest")), CronTrigger(day_of_week="mon", hour=9), id="digest")
    for day in range(1, 30, 3):
        at(scheduler, clock, ran, f"poll-{day}", start + timedelta(days=day, hours=5))

    began = time.perf_counter()
    timeline.wait(timedelta(days=30))
    took = time.perf_counter() - began

    events = [n for n in names(ran) if n != "resync"]
    assert len(events) in (14, 15) and events.count("digest") in (4, 5)
    assert len(events) - 2 <= names(ran).count("resync") <= len(events) + 1  # once a stop, and at the end
    assert took < 0.5
    following = scheduler.get_job("resync").next_run_time
    assert clock() < following <= clock() + timedelta(seconds=60)


def test_a_weekly_digest_runs_once_a_week_at_nine_in_bogota(scheduler, clock, ran, timeline):
    scheduler.add_job(
        lambda: ran.append((clock(), "digest")), CronTrigger(day_of_week="mon", hour=9, timezone=BOGOTA), id="digest"
    )
    assert timeline.wait(timedelta(days=21)) == 3
    times = [when for when, name in ran if name == "digest"]
    for when in times:
        local = when.astimezone(BOGOTA)
        assert (local.weekday(), local.hour, local.minute, local.second) == (0, 9, 0, 0), local
    assert [b - a for a, b in zip(times, times[1:])] == [pytest.approx(timedelta(days=7), abs=SECOND)] * 2
    assert scheduler.get_job("digest").next_run_time.astimezone(BOGOTA).weekday() == 0


def test_a_job_planned_by_a_job_before_the_target_runs_too_in_order(scheduler, clock, ran, timeline):
    start = clock()

    def plan():
        ran.append((clock(), "plan"))
        at(scheduler, clock, ran, "reminder", start + timedelta(days=2))
        at(scheduler, clock, ran, "after", start + timedelta(days=10))

    scheduler.add_job(plan, DateTrigger(run_date=start + timedelta(days=1)), id="plan")
    at(scheduler, clock, ran, "other", start + timedelta(days=3))

    assert timeline.wait(timedelta(days=5)) == 3
    assert names(ran) == ["plan", "reminder", "other"]
    assert scheduler.get_job("after") is not None


def test_a_job_may_remove_itself_and_others_while_it_runs(scheduler, clock, ran, timeline):
    start = clock()

    def cancel():
        ran.append((clock(), "cancel"))
        scheduler.remove_job("doomed")
        scheduler.remove_job("resync")

    scheduler.add_job(cancel, "interval", hours=1, id="resync")
    at(scheduler, clock, ran, "doomed", start + timedelta(hours=2))
    assert timeline.wait(timedelta(hours=3)) == 1
    assert names(ran) == ["cancel"] and scheduler.get_jobs() == []


def test_a_job_that_fails_is_logged_and_the_others_still_run(scheduler, clock, ran, timeline, caplog):
    start = clock()

    def fails():
        raise ValueError("what a member typed")

    scheduler.add_job(fails, DateTrigger(run_date=start + timedelta(hours=1)), id="broken")
    scheduler.add_job(fails, "interval", minutes=30, id="broken-housekeeping")
    at(scheduler, clock, ran, "fine", start + timedelta(hours=2))

    with caplog.at_level(logging.ERROR, logger="iwg.console.time"):
        assert timeline.wait(timedelta(hours=3)) == 5  # broken, housekeeping at each of three stops, fine

    assert names(ran) == ["fine"]
    lines = [r.getMessage() for r in caplog.records if r.name == "iwg.console.time"]
    assert len(lines) == 4 and all("ValueError" in line and "typed" not in line for line in lines)
    assert [line.split()[2] for line in lines] == ["broken-housekeeping", "broken"] + ["broken-housekeeping"] * 2
    assert not any(r.exc_info for r in caplog.records)  # a line each, no traceback
    assert scheduler.get_job("broken") is None  # a date job runs once, failed or not
    assert scheduler.get_job("broken-housekeeping").next_run_time > clock()


def test_a_job_added_after_a_wait_is_first_due_on_the_console_clock(scheduler, clock, ran, timeline):
    timeline.wait(timedelta(days=10))
    scheduler.add_job(lambda: ran.append((clock(), "digest")), CronTrigger(day_of_week="mon", hour=9), id="digest")
    scheduler.add_job(lambda: ran.append((clock(), "resync")), "interval", seconds=60, id="resync")
    assert timeline.run_due() == 0  # APScheduler alone would have them ten days overdue
    assert clock() < scheduler.get_job("digest").next_run_time <= clock() + timedelta(days=7)
    assert clock() < scheduler.get_job("resync").next_run_time <= clock() + timedelta(seconds=60)
    assert timeline.wait(timedelta(days=7)) >= 2 and names(ran).count("digest") == 1


def test_run_due_runs_what_is_due_now_and_nothing_later(scheduler, clock, ran, timeline):
    at(scheduler, clock, ran, "now", clock())
    at(scheduler, clock, ran, "soon", clock() + timedelta(hours=1))
    assert timeline.run_due() == 1
    assert names(ran) == ["now"] and scheduler.get_job("now") is None
    assert timeline.run_due() == 0


def test_the_ticker_runs_a_job_as_it_falls_due(scheduler, clock, ran, timeline):
    due = clock() + SECOND
    at(scheduler, clock, ran, "poll closes", due)
    timeline.start()
    try:
        deadline = time.monotonic() + 3
        while not ran and time.monotonic() < deadline:
            time.sleep(0.05)
    finally:
        timeline.stop()
    assert names(ran) == ["poll closes"]
    assert due <= ran[0][0] < due + SECOND
    assert not any(t.name == "iwg-console-time" and t.is_alive() for t in threading.enumerate())


@pytest.mark.parametrize(
    "text, wanted",
    [
        ("7d", timedelta(days=7)),
        ("1h", timedelta(hours=1)),
        ("30m", timedelta(minutes=30)),
        ("90s", timedelta(seconds=90)),
        ("2w", timedelta(weeks=2)),
        ("1d12h", timedelta(days=1, hours=12)),
        ("1h 30m", timedelta(hours=1, minutes=30)),
        ("1.5h", timedelta(hours=1, minutes=30)),
        ("0.5s", None),
        ("7 days", timedelta(days=7)),
        ("1 hour", timedelta(hours=1)),
        ("2 Weeks", timedelta(weeks=2)),
        ("30 minutes", timedelta(minutes=30)),
        ("1 hour, 30 mins", timedelta(hours=1, minutes=30)),
        ("  10 SEC ", timedelta(seconds=10)),
        ("400d", timedelta(days=400)),
        ("401d", None),
        ("60w", None),
        ("0d", None),
        ("0h 0m", None),
        ("-1d", None),
        ("7", None),
        ("d", None),
        ("", None),
        ("an hour", None),
        ("7 fortnights", None),
        ("7d!", None),
        ("tomorrow", None),
        (".5h", None),
        ("9" * 400 + "d", None),
    ],
)
def test_read_duration(text, wanted):
    assert read_duration(text) == wanted


def test_the_clock_runs_on_and_never_goes_back(clock):
    first = clock()
    assert first.tzinfo is not None and first.utcoffset() == timedelta(0)
    assert clock.offset == timedelta(0)
    clock.advance(timedelta(hours=1))
    assert clock.offset == timedelta(hours=1)
    assert timedelta(hours=1) <= clock() - first < timedelta(hours=1) + SECOND
    clock.move_to(clock() - timedelta(days=1))
    assert clock.offset == timedelta(hours=1)
    clock.move_to(first + timedelta(days=2))
    assert timedelta(days=2) <= clock() - first < timedelta(days=2) + SECOND
    before = clock()
    assert clock() >= before
