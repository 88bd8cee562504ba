"""Meeting reminders: APScheduler jobs made from the database, each reminder claimed once.

The database is the source of truth. On start, every minute after, and whenever a meeting
is added or cancelled, the jobs are made again from the rows (`rebuild`, `plan`). A job
claims its (meeting, offset) reminder in the same transaction as the outbox notice that
posts it, so a reminder happens once across restarts and processes sharing the file, and a
failed post is retried by the courier rather than lost. A reminder that fell due while
the bot was down is sent on start if the meeting has not begun: only the latest such
offset, the earlier ones are marked skipped.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from bot.errors import failure
from bot.settings import Settings
from storage.db import Storage
from storage.meetings import Meeting, MeetingRepository
from storage.outbox import NoticeKind, OutboxRepository
from storage.reminders import SENT, SKIPPED, ReminderRepository

log = logging.getLogger("iwg.reminders")

RESYNC_SECONDS = 60


def job_id(meeting_id: int, offset: timedelta) -> str:
    return f"reminder:{meeting_id}:{int(offset.total_seconds())}"


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

    def plan(self, meeting: Meeting) -> None:
        """Jobs for the reminders still to come; the latest missed one, if any, now."""
        now = self.storage.clock()
        missed = []
        for offset in self.settings.reminders:
            due = meeting.starts_at - offset
            if due > now:
                self.scheduler.add_job(
                    self.fire,
                    DateTrigger(run_date=due),
                    args=[meeting.id, offset],
                    id=job_id(meeting.id, offset),
                    replace_existing=True,
                    misfire_grace_time=None,
                )  # late is fine; fire() checks it is not too late
            else:
                missed.append(offset)
        if missed and meeting.starts_at > now:
            self.catch_up(meeting.id, missed)

    def catch_up(self, meeting_id: int, missed: list[timedelta]) -> None:
        latest = min(missed)  # the smallest offset fell due last
        with self.storage.write():
            self.fire(meeting_id, latest)
            for offset in missed:
                if offset != latest:
                    self.claims.claim(meeting_id, offset, SKIPPED)

    def fire(self, meeting_id: int, offset: timedelta) -> None:
        """Claim the reminder and queue its message, unless it is taken, too late, or overtaken:
        a job that runs late (a suspended process) while a closer reminder is already due, or
        after one was sent (IWG_REMINDERS changed), is skipped rather than sent stale."""
        if not self.channel:
            return
        with self.storage.write():
            meeting = self.meetings.get(meeting_id)
            now = self.storage.clock()
            if meeting is None or meeting.status != "scheduled" or meeting.starts_at <= now:
                return
            closer_due = any(o < offset and meeting.starts_at - o <= now for o in self.settings.reminders)
            closer_sent = any(
                seconds < offset.total_seconds() and outcome == SENT
                for seconds, outcome in self.claims.claimed(meeting_id).items()
            )
            if closer_due or closer_sent:
                self.claims.claim(meeting_id, offset, SKIPPED)
            elif self.claims.claim(meeting_id, offset):
                self.outbox.add(NoticeKind.REMINDER, meeting.ref, self.channel, {"offset": int(offset.total_seconds())})

    def forget(self, meeting_id: int) -> None:
        """Drop a cancelled meeting's jobs (fire() would find it cancelled anyway)."""
        for offset in self.settings.reminders:
            try:
                self.scheduler.remove_job(job_id(meeting_id, offset))
            except JobLookupError:  # already run, or never planned
                pass
