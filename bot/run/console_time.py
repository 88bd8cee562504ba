"""Time in the console: a clock the member can move, and the scheduled jobs run on it.

The console's `wait 7d` moves a clock that storage and the domain read (`Storage(clock=...)`),
so a poll closes, a reminder goes out and the digest is written as they would a week later.
APScheduler's own loop reads real time (datetime.now), so it would run nothing of that week:
in the console the scheduler is started paused and kept as a job store only (it still
computes each job's next run), and `Timeline` runs what falls due on the console's clock,
as APScheduler's `_process_jobs` would have. Never used in the Slack modes: there the
scheduler runs its jobs itself, on real time.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable
from datetime import datetime, timedelta, timezone

from apscheduler.events import EVENT_JOB_ADDED
from apscheduler.jobstores.base import JobLookupError
from apscheduler.triggers.interval import IntervalTrigger

from bot.errors import failure

log = logging.getLogger("iwg.console.time")

TICK_SECONDS = 0.5  # how soon a job falls due by itself while the member types
MOST = timedelta(days=400)  # a year and a bit: the most a console session needs

UNIT_SECONDS = {
    **dict.fromkeys(("s", "sec", "secs", "second", "seconds"), 1),
    **dict.fromkeys(("m", "min", "mins", "minute", "minutes"), 60),
    **dict.fromkeys(("h", "hr", "hrs", "hour", "hours"), 3600),
    **dict.fromkeys(("d", "day", "days"), 86400),
    **dict.fromkeys(("w", "wk", "wks", "week", "weeks"), 7 * 86400),
}
PART = re.compile(r"(\d+(?:\.\d+)?)\s*([a-z]+)")
BETWEEN = re.compile(r"(?:[\s,]|\band\b)*")  # what may stand between the parts: `1h 30m`, `1 hour, 30 minutes`


class ConsoleClock:
    """Real time plus an offset that only grows: time passes as usual, and `wait` jumps it
    ahead. Storage and the domain call it (an aware UTC datetime), so they see the jump."""

    def __init__(self) -> None:
        self._offset = timedelta(0)
        self._lock = threading.Lock()

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) + self._offset  # one attribute read: no lock needed

    @property
    def offset(self) -> timedelta:
        return self._offset

    def advance(self, delta: timedelta) -> None:
        if delta > timedelta(0):
            with self._lock:
                self._offset += delta

    def move_to(self, at: datetime) -> None:
        """Stand at `at`; never backwards (what was done must not happen again later)."""
        with self._lock:
            self._offset = max(self._offset, at - datetime.now(timezone.utc))


def read_duration(text: str) -> timedelta | None:
    """`7d`, `1d12h`, `1h 30m`, `1.5h`, `2 weeks`, `30 minutes`: number and unit, parts added.
    None for anything else, for under a second, and for more than 400 days."""
    text = text.strip().lower()
    parts = PART.findall(text)
    if not parts or not BETWEEN.fullmatch(PART.sub(" ", text)):
        return None
    if any(unit not in UNIT_SECONDS for _, unit in parts):
        return None
    seconds = sum(float(number) * UNIT_SECONDS[unit] for number, unit in parts)
    if not 1 <= seconds <= MOST.total_seconds():  # under a second is no wait a member can see
        return None
    return timedelta(seconds=seconds)


class Timeline:
    """Runs the paused scheduler's jobs when they fall due on the console clock: by a ticker
    every half second (a poll closing in two minutes closes while the member types), and
    in order, stop by stop, when the member waits. A job added later is first due on the
    console's clock too (`_added`). Create it once the scheduler is started, paused."""

    def __init__(self, scheduler, clock: ConsoleClock, settle: Callable[[], None] = lambda: None):
        self.scheduler, self.clock, self.settle = scheduler, clock, settle
        self._lock = threading.RLock()  # the ticker and `wait` never run jobs at the same time
        self._stopped = threading.Event()
        self._ticker: threading.Thread | None = None
        scheduler.add_listener(self._added, EVENT_JOB_ADDED)

    def run_due(self) -> int:
        """Run every job due by now, oldest first, each once however many runs it missed
        (our jobs all coalesce); `settle()` after each. How many jobs ran."""
        ran = 0
        with self._lock:
            now = self.clock()
            while (job := self._earliest(now, events_only=False)) is not None:
                self._reschedule(job, now)
                try:
                    job.func(*job.args, **job.kwargs)
                except Exception as error:  # logged for whoever reads the log, not shown in the console
                    log.error("scheduled job %s failed: %s", job.id, failure(error))
                ran += 1
                self.settle()
        return ran

    def wait(self, delta: timedelta) -> int:
        """Move the clock `delta` ahead, stopping at each event on the way (a date or cron
        job: a reminder, a poll closing, the digest) to run what is due there, in order.
        Interval jobs (the resync's housekeeping) make no stops of their own: they run,
        coalesced, at the stops where they are due, else a minute's resync would make
        `wait 7d` ten thousand steps. How many jobs ran."""
        ran = 0
        with self._lock:
            target = self.clock() + delta
            while (event := self._earliest(target, events_only=True)) is not None:
                self.clock.move_to(event.next_run_time)
                ran += self.run_due()
            self.clock.move_to(target)
            ran += self.run_due()
        return ran

    def start(self) -> None:
        if self._ticker is None or not self._ticker.is_alive():
            self._stopped.clear()
            self._ticker = threading.Thread(target=self._tick, name="iwg-console-time", daemon=True)
            self._ticker.start()

    def stop(self) -> None:
        self._stopped.set()
        if self._ticker is not None:
            self._ticker.join(timeout=5)

    def _tick(self) -> None:
        while not self._stopped.wait(TICK_SECONDS):
            try:
                self.run_due()
            except Exception as error:  # the ticker must outlive a bad moment (a settle() that failed)
                log.error("console time could not run the jobs due: %s", failure(error))

    def _added(self, event) -> None:
        """APScheduler gives a job added to it its first run from real time: a weekly digest or
        a resync added after `wait 10d` would be ten days overdue and run at once. Its first run
        on the console's clock instead (the app never passes a next_run_time of its own)."""
        job = self.scheduler.get_job(event.job_id)
        if job is None or getattr(job, "next_run_time", None) is None:
            return
        first = job.trigger.get_next_fire_time(None, self.clock())
        if first is None:
            self.scheduler.remove_job(job.id)
        elif first != job.next_run_time:
            job.modify(next_run_time=first)

    def _earliest(self, by: datetime, events_only: bool):
        """The job due first at or before `by` (None if none is); a paused or pending job
        has no next run time and is never due. Read afresh each time: a job may add,
        replace or remove jobs (a reminder's plan)."""
        due = [
            job
            for job in self.scheduler.get_jobs()
            if (at := getattr(job, "next_run_time", None)) is not None
            and at <= by
            and not (events_only and isinstance(job.trigger, IntervalTrigger))
        ]
        return min(due, key=lambda job: job.next_run_time, default=None)

    def _reschedule(self, job, now: datetime) -> None:
        """What `_process_jobs` does before it hands a job to its executor: the runs missed
        are one run (coalesced), and the job's next run is the first after the last missed,
        or the job is removed if there is none. Done before the job runs, as there, so a job
        that replaces or removes itself while running has the last word."""
        trigger = job.trigger
        following = trigger.get_next_fire_time(job.next_run_time, now)
        if isinstance(trigger, IntervalTrigger) and trigger.end_date is None and following is not None:
            skipped = int((now.timestamp() - following.timestamp()) // trigger.interval_length)
            if skipped > 0:  # a month of a minute's runs missed: jump to the last, not a minute at a time
                last = following.timestamp() + (skipped - 1) * trigger.interval_length
                following = trigger.get_next_fire_time(datetime.fromtimestamp(last, timezone.utc), now)
        while following is not None and following <= now:
            following = trigger.get_next_fire_time(following, now)
        try:
            if following is None:
                self.scheduler.remove_job(job.id)
            else:
                job.modify(next_run_time=following)
        except JobLookupError:  # removed meanwhile: it still runs this once, as it was due
            pass
