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
from zoneinfo import ZoneInfo

import pytest
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.date import DateTrigger

from bot.domain.reminders import ReminderService, job_id
from bot.render import meeting_blocks
from bot.settings import Settings, parse_offsets
from storage import Storage
from storage.meetings import MeetingRepository, MeetingTimes
from storage.outbox import NoticeKind, OutboxRepository
from storage.reminders import SKIPPED, ReminderRepository
from tests.conftest import CHANNEL, COORDINATOR
from tests.test_http import valid_ephemeral

START = datetime(2027, 2, 24, 14, 0, tzinfo=timezone.utc)


class Clock:
    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@pytest.fixture
def planners(tmp_dir):
    """Reminder services for one meeting (`times`), on a clock the test moves (10 days
    before START); returns (clock, make, meeting, scheduler, storage)."""
    made = []

    def build(times: MeetingTimes, reminders: str = "7d,1d,1h", zone: str = "UTC"):
        clock = Clock(START - timedelta(days=10))
        storage = Storage(tmp_dir / f"r{len(made) or ''}.sqlite3", clock=clock)
        storage.migrate()
        meetings = MeetingRepository(storage)
        meeting = meetings.add(title="Q1", times=times, place=None, created_by=COORDINATOR)
        settings = Settings(_env_file=None, IWG_CHANNEL=CHANNEL, IWG_REMINDERS=reminders, IWG_TIMEZONE=zone)
        scheduler = BackgroundScheduler(timezone=timezone.utc)
        scheduler.start(paused=True)  # jobs are planned, never run
        made.append((scheduler, storage))

        def make() -> ReminderService:
            return ReminderService(
                settings, storage, meetings, ReminderRepository(storage), OutboxRepository(storage), scheduler
            )

        return clock, make, meeting, scheduler, storage

    yield build
    for scheduler, storage in made:
        scheduler.shutdown(wait=False)
        storage.close()


TIMED = MeetingTimes(start_date=START.date(), start_time=START.time(), zone="UTC", starts_at=START)


@pytest.fixture
def planner(planners):
    """Reminders for a 14:00 meeting with 7d,1d,1h offsets."""
    return planners(TIMED)


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


def runs(scheduler) -> list[datetime]:
    return sorted(job.trigger.run_date for job in scheduler.get_jobs())


def at(*parts: int) -> datetime:
    return datetime(*parts, tzinfo=timezone.utc)


@pytest.mark.parametrize("zone, nine", [("Africa/Nairobi", 6), ("America/Argentina/Buenos_Aires", 12)])
def test_an_all_day_meetings_reminders_go_out_at_nine_in_the_groups_zone(planners, zone, nine):
    midnight = datetime(2027, 2, 24, tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)  # starting its first day
    times = MeetingTimes(start_date=date(2027, 2, 24), zone=zone, starts_at=midnight)
    clock, make, meeting, scheduler, storage = planners(times, reminders="7d,36h,1h", zone=zone)
    make().plan(meeting)
    assert runs(scheduler) == [at(2027, 2, 17, nine), at(2027, 2, 23, nine)]  # 36h is a day; 1h none

    for clock.now, offset, says in (
        (at(2027, 2, 17, nine), "7d", "in 7 days"),
        (at(2027, 2, 23, nine), "36h", "tomorrow"),
    ):
        make().fire(meeting.id, parse_offsets(offset)[0])
        reply = meeting_blocks.reminder(meeting, [], 0, 0, meeting.starts_at - clock.now, {}, zone=ZoneInfo(zone))
        assert reply.text == f"Reminder: Q1 {says}"  # not "in 15 hours"
    clock.now = midnight - timedelta(hours=1)  # 23:00 the night before: no "1 hour before"
    make().fire(meeting.id, timedelta(hours=1))
    make().plan(meeting)
    assert sent(storage) == [168, 36]


def test_a_meeting_added_66_minutes_ahead_gets_only_its_1_hour_reminder(planner):
    clock, make, meeting, scheduler, storage = planner
    clock.now = START - timedelta(minutes=66)  # the 1d one is missed; sent now, it would be 6 min before the 1h
    make().plan(meeting)
    assert sent(storage) == [] and runs(scheduler) == [START - timedelta(hours=1)]
    assert ReminderRepository(storage).claimed(meeting.id) == {7 * 86400: SKIPPED, 86400: SKIPPED}
    clock.now = START - timedelta(hours=1)
    make().fire(meeting.id, timedelta(hours=1))
    assert sent(storage) == [1]


def test_of_offsets_less_than_an_hour_apart_only_the_later_goes_out(planners):
    clock, make, meeting, scheduler, storage = planners(TIMED, reminders="2h,90m")
    make().plan(meeting)
    assert runs(scheduler) == [START - timedelta(minutes=90)]
    for minutes in (120, 90):  # a 2h job planned before (another process's) fires anyway
        clock.now = START - timedelta(minutes=minutes, seconds=-1)
        make().fire(meeting.id, timedelta(minutes=minutes))
    assert sent(storage) == [1]  # 90 minutes

    clock, make, meeting, scheduler, storage = planners(TIMED, reminders="2h,1h")  # an hour apart: both
    make().plan(meeting)
    assert runs(scheduler) == [START - timedelta(hours=2), START - timedelta(hours=1)]
    for hours in (2, 1):
        clock.now = START - timedelta(hours=hours, seconds=-1)  # a job runs a moment late
        make().fire(meeting.id, timedelta(hours=hours))
    assert sent(storage) == [2, 1]


def moved(storage, meeting, starts: datetime):
    times = MeetingTimes(start_date=starts.date(), start_time=starts.time(), zone="UTC", starts_at=starts)
    return MeetingRepository(storage).change(meeting.id, times=times)


def test_a_moved_meeting_is_reminded_before_its_new_date_and_not_at_the_old(planner):
    clock, make, meeting, scheduler, storage = planner
    reminders = make()
    reminders.plan(meeting)
    scheduler.add_job(
        print, DateTrigger(run_date=START - timedelta(hours=3)), id=job_id(meeting.id, timedelta(hours=3))
    )
    clock.now = START - timedelta(days=7)
    reminders.fire(meeting.id, timedelta(days=7))
    assert sent(storage) == [168]

    later = START + timedelta(days=14)
    reminders.replan(moved(storage, meeting, later))
    day, hour = timedelta(days=1), timedelta(hours=1)
    assert runs(scheduler) == [later - 7 * day, later - day, later - hour]  # the 3h job (old IWG_REMINDERS) too
    assert ReminderRepository(storage).claimed(meeting.id) == {}
    clock.now = START - day  # the old 1d time: a job another process planned before the move
    reminders.fire(meeting.id, day)
    assert sent(storage) == [168] and ReminderRepository(storage).claimed(meeting.id) == {}
    clock.now = later - 7 * day
    reminders.fire(meeting.id, 7 * day)
    assert sent(storage) == [168, 168]


def test_a_reminder_sent_within_the_hour_of_its_new_time_is_not_sent_again(planner):
    clock, make, meeting, scheduler, storage = planner
    reminders = make()
    clock.now = START - timedelta(hours=1)
    reminders.fire(meeting.id, timedelta(hours=1))  # 13:00, for 14:00
    clock.now = START - timedelta(minutes=55)
    reminders.replan(moved(storage, meeting, START + timedelta(minutes=30)))  # to 14:30
    clock.now = START - timedelta(minutes=30)
    reminders.fire(meeting.id, timedelta(hours=1))
    assert sent(storage) == [1]


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


def channel_posts(standin) -> list[str]:
    return [str(c.args) for c in standin.calls_to("chat.postMessage") if c.args.get("channel") == CHANNEL]


def test_reminders_come_on_time_with_the_agenda_and_ping_nobody(start_bot, standin):
    # one proposer's display name looks like a mention; the other has none (shown by ID)
    standin.people.update({"U0MEMBER": "Ana <@U0COORD> <!here>", "U0OTHER": ""})
    driver, _ = start_bot(IWG_REMINDERS="1m,2m")
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=68)
    added = add_meeting(driver, "Reminder test", starts)
    assert "Scheduled *M-5 Reminder test*" in added["text"]
    valid_ephemeral(driver.command("/agenda", "add Country updates &lt;b&gt; (20 min)", user_id="U0MEMBER"))
    valid_ephemeral(driver.command("/agenda", "add Ask <@U0COORD|coord> (5 min)", user_id="U0OTHER"))
    driver.command("/agenda", "post", user_id=COORDINATOR)
    standin.wait_for(lambda: any("Agenda for M-5" in post for post in channel_posts(standin)), what="the agenda")

    # the 2-minute reminder was due when the meeting was added, 8 s before the 1-minute one:
    # of two reminders less than an hour apart only the later goes out
    due = starts - timedelta(minutes=1)
    on_time = standin.wait_for(
        lambda: reminders_posted(standin, "Reminder test"),
        timeout=(due - datetime.now(timezone.utc)).total_seconds() + 5,
        what="the 1-minute reminder",
    )
    assert abs(datetime.now(timezone.utc) - due) < timedelta(seconds=5)  # on time, and none before it
    last = on_time[0].args
    text = str(last["blocks"])
    assert "in 1 minute" in last["text"] and "Country updates &lt;b&gt; (20 min)" in text and "25 min in all" in text
    assert f"<!date^{int(starts.timestamp())}^" in text
    assert "— Ana &lt;@U0COORD&gt; &lt;!here&gt;" in text and "— U0OTHER" in text  # proposers by name
    time.sleep(1)
    assert len(reminders_posted(standin, "Reminder test")) == 1
    posts = channel_posts(standin)
    assert len(posts) == 2 and not [post for post in posts if "<@U" in post or "<!here" in post]  # pings nobody


def test_a_reminder_missed_while_down_is_sent_on_start_and_none_twice(start_bot, standin):
    driver, first = start_bot(IWG_REMINDERS="1m,2m")
    starts = datetime.now(timezone.utc).replace(microsecond=0) + timedelta(seconds=66)
    add_meeting(driver, "Restart test", starts)  # the 2-minute one is skipped: the 1-minute one is 6 s later
    first.stop()
    due = starts - timedelta(minutes=1)
    time.sleep(
        max(0.0, (due - datetime.now(timezone.utc)).total_seconds()) + 1
    )  # the 1-minute one falls due while down

    start_bot(IWG_REMINDERS="1m,2m")
    posted = standin.wait_for(lambda: reminders_posted(standin, "Restart test"), what="the missed reminder")
    assert "in 1 minute" in posted[0].args["text"]
    start_bot(IWG_REMINDERS="1m,2m")  # and a second process on the same file sends nothing again
    time.sleep(2)
    assert len(reminders_posted(standin, "Restart test")) == 1


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
    assert "Reminder: Outage test in 1 minute" in posted[0].args["text"]  # the time left, not the offset


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
