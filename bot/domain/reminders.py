"""Meeting reminders: APScheduler jobs made from the database, each reminder claimed once.

The database is the source of truth. On start, every minute after, and whenever a meeting
is added, moved or cancelled, the jobs are made again from the rows (`rebuild`, `plan`,
`replan`, `forget`). Which reminders go out and when is bot/domain/reminder_times.py's
(an all-day meeting's at 09:00 in the group's zone, none less than an hour apart, of the
missed ones only the latest, now); a job asks it again when it fires, so a late job or one
planned before the meeting moved agrees with the plan. A job claims its (meeting, offset)
reminder in the same transaction as the outbox notice that posts it, so a reminder happens
once across restarts and processes sharing the file, and a failed post is retried by the
courier rather than lost. A reminder that will not go out is claimed skipped once its time
has passed.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from bot.domain.reminder_times import MIN_GAP, ReminderTimes, reminder_times
from bot.errors import failure
from bot.settings import Settings
from storage.db import Storage
from storage.meetings import Meeting, MeetingRepository
from storage.outbox import NoticeKind, OutboxRepository
from storage.reminders import SENT, SKIPPED, ReminderRepository

log = logging.getLogger("iwg.reminders")

RESYNC_SECONDS = 60
JOB_PREFIX = "reminder:"


def job_id(meeting_id: int, offset: timedelta) -> str:
    return f"{JOB_PREFIX}{meeting_id}:{int(offset.total_seconds())}"


class ReminderService:
    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        meetings: MeetingRepository,
        claims: ReminderRepository,
        outbox: OutboxRepository,
        scheduler: BaseScheduler,
    ):
        self.settings, self.storage, self.meetings = settings, storage, meetings
        self.claims, self.outbox, self.scheduler = claims, outbox, scheduler

    @property
    def channel(self) -> str | None:
        return self.settings.channel

    def start(self) -> None:
        """Plan every meeting now, and again every minute (meetings other processes added)."""
        if not self.channel:
            log.warning("IWG_CHANNEL is not set: meeting reminders will not be posted")
        self.rebuild()
        self.scheduler.add_job(
            self.rebuild, "interval", seconds=RESYNC_SECONDS, id="reminders:resync", replace_existing=True
        )

    def rebuild(self) -> None:
        try:
            for meeting in self.meetings.to_remind(self.storage.clock()):
                self.plan(meeting)
        except Exception as error:  # a scheduler thread must not die of it; the next resync tries again
            log.error("reminders could not be planned: %s", failure(error))

    def times(self, meeting: Meeting, offsets: tuple[timedelta, ...] = ()) -> ReminderTimes:
        """The reminder_times rules for `meeting` now, with the configured offsets (and `offsets`)."""
        every = (*self.settings.reminders, *offsets)
        return reminder_times(meeting, every, self.settings.timezone, self.storage.clock())

    def plan(self, meeting: Meeting) -> None:
        """Jobs for the reminders still to come; the latest missed one, if it goes out, now."""
        if meeting.status != "scheduled":
            self.forget(meeting.id)
            return
        now = self.storage.clock()
        times = self.times(meeting)
        for offset in times.skipped:  # planned before a change of the rules' answer
            self._remove(job_id(meeting.id, offset))
        for offset, at in times.send:
            if at > now:
                self.scheduler.add_job(
                    self.fire,
                    DateTrigger(run_date=at),
                    args=[meeting.id, offset],
                    id=job_id(meeting.id, offset),
                    replace_existing=True,
                    misfire_grace_time=None,
                )  # late is fine; fire() asks the rules again
        claimed = self.claims.claimed(meeting.id)
        missed = [o for o, due in times.due.items() if due <= now and int(o.total_seconds()) not in claimed]
        if missed and meeting.starts_at > now:
            self.catch_up(meeting.id, missed)

    def catch_up(self, meeting_id: int, missed: list[timedelta]) -> None:
        """The reminders already due, in one transaction: fire() sends the one the rules
        keep (the latest, unless a planned one follows within the hour) and claims the
        rest skipped."""
        with self.storage.write():
            for offset in sorted(missed):  # the smallest offset fell due last
                self.fire(meeting_id, offset)

    def fire(self, meeting_id: int, offset: timedelta) -> None:
        """Claim the reminder and queue its message, unless it is taken, early, too late, or
        dropped by the rules (reminder_times) as they stand now. Early: the meeting moved
        later since the job was planned (here or in another process), and the job for its
        new time sends it. Dropped: a job that runs late (a suspended process) while a
        closer reminder is due, or one within the hour after it, is claimed skipped rather
        than sent stale; so is one whose closer reminder was already sent (IWG_REMINDERS
        changed)."""
        if not self.channel:
            return
        with self.storage.write():
            meeting = self.meetings.get(meeting_id)
            now = self.storage.clock()
            if meeting is None or meeting.status != "scheduled" or meeting.starts_at <= now:
                return
            times = self.times(meeting, (offset,))
            due = times.due.get(offset)
            if due is not None and due > now:
                return  # early: not claimed, its time is still to come
            closer_sent = any(
                seconds < offset.total_seconds() and outcome == SENT
                for seconds, outcome in self.claims.claimed(meeting_id).items()
            )
            if times.at(offset) is None or closer_sent:
                self.claims.claim(meeting_id, offset, SKIPPED)
            elif self.claims.claim(meeting_id, offset):
                self.outbox.add(NoticeKind.REMINDER, meeting.ref, self.channel, {"offset": int(offset.total_seconds())})

    def replan(self, meeting: Meeting) -> None:
        """A meeting that moved or changed time: its jobs dropped, its claims cleared, and
        planned again, so its reminders go out before the new date (a missed one now, as
        for a meeting just added). A reminder sent less than an hour before its offset's
        new time keeps its claim and is not sent again (the hour rule): a 1-hour reminder
        sent at 13:00 for 14:00 is not repeated at 13:30 when the meeting moves to 14:30;
        one sent longer ago is. Joins the caller's transaction, if any."""
        self.forget(meeting.id)
        with self.storage.write():
            sent = self.claims.sent_at(meeting.id)
            keep = [
                offset
                for offset, at in self.times(meeting).send
                if (when := sent.get(int(offset.total_seconds()))) is not None and at - when < MIN_GAP
            ]
            self.claims.forget(meeting.id, keep)
            self.plan(meeting)

    def forget(self, meeting_id: int) -> None:
        """Drop every job of the meeting, whatever its offsets (IWG_REMINDERS may have
        changed): a cancelled one's, or a moved one's before it is planned again. fire()
        would find it cancelled or early anyway."""
        prefix = f"{JOB_PREFIX}{meeting_id}:"
        for job in self.scheduler.get_jobs():
            if job.id.startswith(prefix):
                self._remove(job.id)

    def _remove(self, job: str) -> None:
        try:
            self.scheduler.remove_job(job)
        except JobLookupError:  # already run, or never planned
            pass
