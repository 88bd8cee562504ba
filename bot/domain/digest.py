"""The coordinator's weekly digest: what changed, what is stuck, what is next.

It goes out at IWG_DIGEST in IWG_TIMEZONE as a direct message to every coordinator. The
week is claimed in the database before its notices are queued, so it goes out once across
restarts and processes; one missed while the bot was down goes out on start.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.cron import CronTrigger

from bot.domain.ta import stuck_rule
from bot.settings import Settings
from storage.agenda import AgendaRepository
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.digests import DigestRepository
from storage.meetings import Meeting, MeetingRepository
from storage.organisations import Organisation, OrganisationRepository
from storage.outbox import NoticeKind, OutboxRepository
from storage.polls import Poll, PollRepository
from storage.ta_digest import TADigestQueries
from storage.ta_requests import OVERDUE, QUIET, STUCK_REASONS, UNASSIGNED, TARequest

log = logging.getLogger("iwg.digest")

TOP = 10  # items of each kind listed; the rest are counted


@dataclass(frozen=True)
class StuckRequest:
    """A stuck request, why (UNASSIGNED, OVERDUE or QUIET) and who holds it."""

    request: TARequest
    why: str
    organisation: Organisation | None
    since: datetime | date  # logged (unassigned), due (overdue), last activity (quiet)
    days: int  # whole days since then


def stuck_requests(
    queries: TADigestQueries,
    organisations: OrganisationRepository,
    now: datetime,
    zone: ZoneInfo,
    limit: int,
    offset: int = 0,
    reasons: tuple[str, ...] = STUCK_REASONS,
) -> tuple[list[StuckRequest], int]:
    """The stuck requests at `now`, oldest first (`limit` from `offset`), and how many in all."""
    rule = stuck_rule(now, zone)
    found, total = queries.stuck(rule, limit=limit, offset=offset, reasons=reasons)
    known = {o.id: o for o in organisations.list()}
    today = rule.due_before
    stuck = []
    for request, why in found:
        held = request.organisation_id
        organisation = (known.get(held) or organisations.get(held)) if held else None  # a removed one, too
        if why == UNASSIGNED:
            since, days = request.created_at, (now - request.created_at).days
        elif why == OVERDUE:
            since, days = request.due_date, (today - request.due_date).days
        else:
            since, days = request.updated_at, (now - request.updated_at).days
        stuck.append(StuckRequest(request, why, organisation, since, days))
    return stuck, total


def needs_you(
    queries: TADigestQueries, organisations: OrganisationRepository, now: datetime, zone: ZoneInfo, limit: int
) -> dict[str, tuple[list[StuckRequest], int]]:
    """The coordinator's App Home: up to `limit` stuck requests of each kind, and how many."""
    return {
        why: stuck_requests(queries, organisations, now, zone, limit, reasons=(why,))
        for why in (UNASSIGNED, OVERDUE, QUIET)
    }


@dataclass
class Digest:
    since: datetime
    new: list[TARequest]
    new_total: int
    open_by_status: dict[str, int]
    stuck: list[StuckRequest]
    stuck_total: int
    completed: int
    meetings: list[tuple[Meeting, int, int]]  # meeting, agenda items, minutes
    polls: list[Poll]  # each with its voter count
    polls_total: int


def gather(
    storage: Storage,
    requests: TADigestQueries,
    meetings: MeetingRepository,
    agenda: AgendaRepository,
    polls: PollRepository,
    settings: Settings,
    coordinator: str,
) -> Digest:
    """The digest as `coordinator` reads it: the polls only of channels they may see."""
    now = storage.clock()
    week_ago = now - timedelta(days=7)
    new, new_total = requests.created_since(week_ago, TOP)
    stuck, stuck_total = stuck_requests(requests, OrganisationRepository(storage), now, settings.timezone, TOP)
    soon = [m for m in meetings.upcoming(now, limit=TOP) if m.starts_at <= now + timedelta(days=30)]
    agendas = [(m, agenda.totals(m.id)) for m in soon]
    open_polls = polls.open_polls(coordinator, settings.channel, limit=TOP + 1)
    return Digest(
        since=week_ago,
        new=new,
        new_total=new_total,
        open_by_status=requests.open_by_status(),
        stuck=stuck,
        stuck_total=stuck_total,
        completed=requests.completed_since(week_ago),
        meetings=[(m, count, minutes) for m, (count, minutes) in agendas],
        polls=open_polls[:TOP],
        polls_total=len(open_polls),
    )


def week_of(moment: datetime, settings: Settings) -> str:
    year, week, _ = moment.astimezone(settings.timezone).isocalendar()
    return f"{year}-W{week:02d}"


class DigestService:
    def __init__(
        self,
        settings: Settings,
        storage: Storage,
        digests: DigestRepository,
        coordinators: CoordinatorRepository,
        outbox: OutboxRepository,
        scheduler: BaseScheduler,
    ):
        self.settings, self.storage, self.digests, self.coordinators = settings, storage, digests, coordinators
        self.outbox, self.scheduler = outbox, scheduler

    def start(self) -> None:
        at = self.settings.digest
        trigger = CronTrigger(
            day_of_week=at.weekday, hour=at.at.hour, minute=at.at.minute, timezone=self.settings.timezone
        )
        self.scheduler.add_job(
            self.fire, trigger, id="digest", replace_existing=True, misfire_grace_time=None, coalesce=True
        )
        self.catch_up()

    def last_due(self) -> datetime:
        """The latest scheduled time at or before now."""
        now = self.storage.clock().astimezone(self.settings.timezone)
        at = self.settings.digest
        due = now.replace(hour=at.at.hour, minute=at.at.minute, second=0, microsecond=0)
        due -= timedelta(days=(now.weekday() - at.weekday) % 7)
        return due if due <= now else due - timedelta(days=7)

    def catch_up(self) -> None:
        """Send last week's digest now if it fell due while the bot was down (not before
        the bot's database existed: a new install does not start with a digest)."""
        due = self.last_due()
        born = self.digests.kept_since()
        if born and born <= due:
            self.fire(due)

    def fire(self, due: datetime | None = None) -> None:
        week = week_of(due or self.last_due(), self.settings)  # a run that is late still counts for its week
        with self.storage.write():
            claimed = self.digests.claim(week)
            if claimed:
                for coordinator in self.coordinators.list():
                    self.outbox.add(NoticeKind.DIGEST, week, coordinator.user_id)
        if claimed:
            log.info("weekly digest %s queued", week)

    def send_now(self, user_id: str) -> None:
        """`/iwg digest`: to the asker, now, whatever the week."""
        self.outbox.add(NoticeKind.DIGEST, "on request", user_id)
