"""Meeting reminders: on time, exactly once, across restarts and two processes.

The planning rules run against an injected clock; the end-to-end tests run the real bot
with reminders a minute before meetings a minute or so ahead.
"""

from __future__ import annotations

import json
import sqlite3
import threading
import time
from datetime import date, datetime, timedelta, timezone

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.domain.reminders import ReminderService
from bot.settings import Settings
from storage import Storage
from storage.meetings import MeetingRepository
from storage.outbox import NoticeKind, OutboxRepository
from storage.reminders import ReminderRepository
from tests.conftest import CHANNEL, COORDINATOR
from tests.test_http import valid_ephemeral

START = datetime(2027, 2, 24, 14, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def planner(tmp_dir):
    """Reminders for a 14:00 meeting with 7d,1d,1h offsets, on a clock the test moves."""
    clock = Clock(START - timedelta(days=10))
    storage = Storage(tmp_dir / "r.sqlite3", clock=clock)
    storage.migrate()
    meetings = MeetingRepository(storage)
    meeting = meetings.add(
        title="Q1",
        start_date=date(2027, 2, 24),
        start_time=None,
        end_date=None,
        zone="UTC",
        starts_at=START,
        place=None,
        created_by=COORDINATOR,
    )
    settings = Settings(_env_file=None, IWG_CHANNEL=CHANNEL, IWG_REMINDERS="7d,1d,1h")
    scheduler = BackgroundScheduler(timezone=timezone.utc)
    scheduler.start(paused=True)  # jobs are planned, never run

    def make() -> ReminderService:
        return ReminderService(
            settings, storage, meetings, ReminderRepository(storage), OutboxRepository(storage), scheduler
        )

    yield clock, make, meeting, scheduler, storage
    scheduler.shutdown(wait=False)
    storage.close()


def sent(storage) -> list[int]:
    """The offsets (in hours) of the reminders queued for posting."""
    return [
        json.loads(row["detail"])["offset"] // 3600
        for row in storage.db.query("SELECT detail FROM outbox WHERE kind = ? ORDER BY id", [NoticeKind.REMINDER])
    ]


def test_future_reminders_become_jobs_at_their_times(planner):
    clock, make, meeting, scheduler, storage = planner
    make().plan(meeting)
    runs = sorted(job.trigger.run_date for job in scheduler.get_jobs())
    assert runs == [START - timedelta(days=7), START - timedelta(days=1), START - timedelta(hours=1)]
    assert sent(storage) == []


def test_a_job_sends_once_however_often_it_fires(planner):
    clock, make, meeting, scheduler, storage = planner
    clock.now = START - timedelta(days=1)
    reminders = make()
    for _ in range(3):
        reminders.fire(meeting.id, timedelta(days=1))
    assert sent(storage) == [24]


def test_only_the_latest_reminder_missed_while_down_is_sent_on_start(planner):
    clock, make, meeting, scheduler, storage = planner
    clock.now = START - timedelta(hours=3)  # the 7d and 1d reminders fell due while the bot was down
    make().plan(meeting)
    assert sent(storage) == [24]
    make().plan(meeting)  # a second start, or the minute's resync: nothing more
    assert sent(storage) == [24]
    assert [job.trigger.run_date for job in scheduler.get_jobs()] == [START - timedelta(hours=1)]


def test_nothing_is_sent_for_a_meeting_that_has_begun_or_is_cancelled(planner):
    clock, make, meeting, scheduler, storage = planner
    clock.now = START + timedelta(minutes=1)
    make().plan(meeting)
    make().fire(meeting.id, timedelta(hours=1))
    clock.now = START - timedelta(hours=1)
    MeetingRepository(storage).cancel(meeting.id)
    make().fire(meeting.id, timedelta(hours=1))
    assert sent(storage) == []


def test_two_processes_firing_at_once_send_one_reminder(planner, tmp_dir):
    clock, make, meeting, scheduler, storage = planner
    clock.now = START - timedelta(hours=1)
    errors = []

    def other_process():
        other = Storage(tmp_dir / "r.sqlite3", clock=clock)  # its own connections, as another process has
        try:
            ReminderService(
                make().settings,
                other,
                MeetingRepository(other),
                ReminderRepository(other),
                OutboxRepository(other),
                scheduler,
            ).fire(meeting.id, timedelta(hours=1))
        except Exception as error:
            errors.append(error)
        finally:
            other.close()

    threads = [threading.Thread(target=other_process) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and sent(storage) == [1]


# --- end to end, with real time ---------------------------------------------------------


def add_meeting(driver, title: str, starts: datetime) -> dict:
    text = f"add {title} on {starts:%d %B %Y} at {starts:%H:%M:%S}"
    return valid_ephemeral(driver.command("/meetings", text, user_id=COORDINATOR))


def reminders_posted(standin, title: str) -> list:
    return [
        c
        for c in standin.calls_to("chat.postMessage")
        if c.args.get("channel") == CHANNEL and f"Reminder: {title}" in c.args.get("text", "")
    ]


def test_reminders_come_on_time_with_the_agenda(start_bot, standin):
    driver, _ = start_bot(IWG_REMINDERS="1m,2m")
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=68)
    added = add_meeting(driver, "Reminder test", starts)
    assert "Scheduled *M-5 Reminder test*" in added["text"]
    valid_ephemeral(driver.command("/agenda", "add Country updates &lt;b&gt; (20 min)", user_id="U0MEMBER"))

    # the 2-minute reminder was already due when the meeting was added: it goes at once
    early = standin.wait_for(lambda: reminders_posted(standin, "Reminder test"), what="the 2-minute reminder")
    assert "Reminder: Reminder test in 1 minute" in early[0].args["text"]  # the time left, not the offset

    due = starts - timedelta(minutes=1)
    on_time = standin.wait_for(
        lambda: len(reminders_posted(standin, "Reminder test")) == 2,
        timeout=(due - datetime.now(timezone.utc)).total_seconds() + 5,
        what="the 1-minute reminder",
    )
    assert on_time and datetime.now(timezone.utc) - due < timedelta(seconds=5)
    last = reminders_posted(standin, "Reminder test")[1].args
    text = str(last["blocks"])
    assert "in 1 minute" in last["text"] and "Country updates &lt;b&gt; (20 min)" in text and "20 min in all" in text
    assert f"<!date^{int(starts.timestamp())}^" in text
    assert "<@U0MEMBER>" not in text and "— U0MEMBER" in text  # the proposer by name: a reminder pings nobody


def test_a_reminder_missed_while_down_is_sent_on_start_and_none_twice(start_bot, standin):
    driver, first = start_bot(IWG_REMINDERS="1m,2m")
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=66)
    add_meeting(driver, "Restart test", starts)
    standin.wait_for(lambda: reminders_posted(standin, "Restart test"), what="the 2-minute reminder")
    first.stop()
    due = starts - timedelta(minutes=1)
    time.sleep(
        max(0.0, (due - datetime.now(timezone.utc)).total_seconds()) + 1
    )  # the 1-minute one falls due while down

    start_bot(IWG_REMINDERS="1m,2m")
    posted = standin.wait_for(
        lambda: len(reminders_posted(standin, "Restart test")) == 2 and reminders_posted(standin, "Restart test"),
        what="the missed reminder",
    )
    assert "in 1 minute" in posted[1].args["text"]
    start_bot(IWG_REMINDERS="1m,2m")  # and a second process on the same file sends nothing again
    time.sleep(2)
    assert len(reminders_posted(standin, "Restart test")) == 2


def test_two_processes_on_one_file_remind_once(start_bot, standin):
    driver, _ = start_bot(IWG_REMINDERS="1m")
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=67)
    add_meeting(driver, "Two process test", starts)
    start_bot(IWG_REMINDERS="1m")  # plans the same reminder from the database
    due = starts - timedelta(minutes=1)
    standin.wait_for(
        lambda: reminders_posted(standin, "Two process test"),
        timeout=(due - datetime.now(timezone.utc)).total_seconds() + 5,
        what="the reminder",
    )
    time.sleep(2)  # room for a second post, if there were one
    assert len(reminders_posted(standin, "Two process test")) == 1


def test_a_reminder_survives_slack_failing_to_take_it(start_bot, standin):
    driver, _ = start_bot(IWG_REMINDERS="2m")
    # rate limited once (the client waits Retry-After), then three 500s: more than the
    # client's own retries, so the courier tries again a few seconds later
    standin.http_failures["chat.postMessage"] = [(429, {"Retry-After": "1"})] + [(500, {})] * 3
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=65)
    add_meeting(driver, "Outage test", starts)  # its reminder is due at once
    posted = standin.wait_for(lambda: reminders_posted(standin, "Outage test"), timeout=20, what="the reminder")
    failures = [c.method for c in standin.calls if c.method.startswith("chat.postMessage:")]
    assert failures == ["chat.postMessage:429"] + ["chat.postMessage:500"] * 3
    time.sleep(1)
    assert len(reminders_posted(standin, "Outage test")) == len(posted) == 1


def test_a_late_job_is_skipped_when_a_closer_reminder_is_due_or_sent(planner):
    clock, make, meeting, scheduler, storage = planner
    clock.now = START - timedelta(minutes=30)  # woken from a long sleep: 7d, 1d and 1h all overdue
    reminders = make()
    for offset in (timedelta(days=7), timedelta(days=1), timedelta(hours=1)):
        reminders.fire(meeting.id, offset)
    assert sent(storage) == [1]


def test_a_reminder_for_a_meeting_cancelled_before_it_went_out_is_not_posted(start_bot, standin):
    driver, process = start_bot(IWG_REMINDERS="2m")
    standin.http_failures["chat.postMessage"] = [(500, {})] * 3  # the courier will retry in 5 s
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=65)
    add_meeting(driver, "Cancel me", starts)
    standin.wait_for(lambda: len(standin.calls_to("chat.postMessage:500")) == 3, what="the failed tries")
    valid_ephemeral(driver.command("/meetings", "cancel M-5", user_id=COORDINATOR))
    with sqlite3.connect(process.cwd / "iwg.sqlite3") as db:
        wait_until = time.monotonic() + 15
        while db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL").fetchone()[0]:
            assert time.monotonic() < wait_until, "the notice was never settled"
            time.sleep(0.1)
    assert reminders_posted(standin, "Cancel me") == []
