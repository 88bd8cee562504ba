"""Meetings: scheduling, planning a year, moving, editing and cancelling them.

What a typed date means for a meeting (the group's zone, the future preferred, all day
unless a time is given, ranges of days and of hours) is read in bot/parsing/meeting_when.py;
the plan's pattern and the rule against the same meeting twice are in meeting_plan.py; a
meeting's agenda in agenda.py. A change and the notices it causes (the channel told of a
move) are written in one transaction; the reminders are planned again after it.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from bot.domain.agenda import AgendaService, existing_meeting
from bot.domain.meeting_plan import PLAN_AHEAD_YEARS, Proposal, fingerprint, propose, same_meeting, times_from
from bot.domain.permissions import require_coordinator
from bot.domain.reminders import ReminderService
from bot.errors import UserError
from bot.i18n import _, day, ngettext
from bot.parsing.catalogue import usage
from bot.parsing.meeting_command import read_meeting
from bot.parsing.meeting_when import read_move, retime
from bot.parsing.slack_text import escape
from bot.parsing.text import clean_text
from storage.agenda import AgendaItem
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.meetings import QUARTERLY, Meeting, MeetingRepository, MeetingTimes
from storage.outbox import NoticeKind, OutboxRepository

EDIT_USAGE = usage("/meetings edit")
PLAN_USAGE = usage("/meetings plan")
VIRTUAL = {"virtual", "online", "none", "zoom", "remote"}  # `/meetings edit M-3 place virtual`


class MeetingService:
    def __init__(
        self,
        storage: Storage,
        meetings: MeetingRepository,
        coordinators: CoordinatorRepository,
        reminders: ReminderService,
        agenda: AgendaService,
        outbox: OutboxRepository,
        zone: ZoneInfo,
        channel: str | None,
    ):
        self.storage, self.meetings, self.coordinators, self.agenda = storage, meetings, coordinators, agenda
        self.reminders, self.outbox, self.zone, self.channel = reminders, outbox, zone, channel

    def get(self, meeting_id: int) -> Meeting:
        return existing_meeting(self.meetings, meeting_id)

    def upcoming_or_latest(self) -> tuple[list[Meeting], int | None]:
        """The upcoming meetings (and None), else the latest year's meetings and that year."""
        found = self.meetings.upcoming(self.storage.clock())
        if found:
            return found, None
        year = self.meetings.latest_year()
        return (self.meetings.of_year(year) if year else []), year

    # --- scheduling ---------------------------------------------------------------------

    def schedule(self, actor: str, text: str) -> Meeting:
        require_coordinator(self.coordinators, actor, "schedule meetings")
        new = read_meeting(text, self.zone, self.storage.clock())
        with self.storage.write():
            self._refuse_twice(new.title, new.times)
            meeting = self.meetings.add(title=new.title, times=new.times, place=new.place, created_by=actor)
        self.reminders.plan(meeting)  # a reminder already due goes out now
        return meeting

    def _refuse_twice(self, title: str, times: MeetingTimes, but: int | None = None) -> None:
        existing = same_meeting(self.meetings, title, times, but)
        if existing:
            raise UserError(
                _(
                    "*{ref} {title}* is on that day already; I did not schedule it twice.",
                    ref=existing.ref,
                    title=escape(existing.title),
                ),
                hint=_(
                    "`/meetings move {ref} to <date>` moves it; `/meetings cancel {ref}` cancels it.", ref=existing.ref
                ),
            )

    # --- a year's plan --------------------------------------------------------------------

    def plan(self, actor: str, year: int) -> tuple[list[Proposal], int | None]:
        """What `/meetings plan <year>` proposes (and the year it follows); nothing written."""
        require_coordinator(self.coordinators, actor, "plan the year's meetings")
        today = self.storage.clock().astimezone(self.zone).date()
        if not today.year <= year <= today.year + PLAN_AHEAD_YEARS:
            raise UserError(
                ngettext(
                    "I plan this year or the next {n}, not {year}.",
                    "I plan this year or the next {n}, not {year}.",
                    PLAN_AHEAD_YEARS,
                    year=year,
                ),
                PLAN_USAGE,
            )
        proposals, pattern = propose(self.meetings, year, self.zone, today)
        if not proposals:
            raise UserError(
                _("{year}'s quarterly meetings are all scheduled (or past).", year=year),
                hint=_("`/meetings {year}` lists them.", year=year),
            )
        return proposals, pattern

    def schedule_plan(
        self, actor: str, year: int, shown: str | None = None, days: dict[int, date] | None = None
    ) -> list[Meeting]:
        """Schedule the plan the coordinator was shown (`shown`: its fingerprint; None for
        `/meetings plan <year> confirm`, the plan as it stands), with the start days they
        changed in the form (`days`: index -> day); all or nothing."""
        proposals, _pattern = self.plan(actor, year)
        if shown is not None and fingerprint(proposals) != shown:
            raise UserError(
                _("The {year} schedule changed since I proposed it, so I scheduled nothing.", year=year),
                hint=_("`/meetings plan {year}` proposes it again.", year=year),
            )
        today = self.storage.clock().astimezone(self.zone).date()
        with self.storage.write():
            made = []
            for index, proposal in enumerate(proposals):
                times = proposal.times
                if days and days.get(index):
                    times = times_from(days[index], times)
                if times.start_date <= today:
                    raise UserError(
                        _(
                            "{day} is not ahead; pick a later day for {title}.",
                            day=day(times.start_date, "dd MMMM y"),
                            title=escape(proposal.title),
                        )
                    )
                self._refuse_twice(proposal.title, times)
                made.append(
                    self.meetings.add(
                        title=proposal.title, times=times, place=proposal.place, created_by=actor, series=QUARTERLY
                    )
                )
        for meeting in made:
            self.reminders.plan(meeting)
        return made

    # --- changing one ---------------------------------------------------------------------

    def move(self, actor: str, meeting_id: int, text: str) -> tuple[Meeting, Meeting]:
        """(as it was, as it is): moved, its reminders planned again, the channel told."""
        require_coordinator(self.coordinators, actor, "move meetings")
        with self.storage.write():
            before = self._changeable(meeting_id)
            _named, times = read_move(text, self.zone, self.storage.clock(), before)
            return before, self._retimed(before, times)

    def edit(self, actor: str, meeting_id: int, field: str, value: str) -> tuple[Meeting, Meeting]:
        """(as it was, as it is) after `/meetings edit <id> title|place|time <value>`."""
        require_coordinator(self.coordinators, actor, "edit meetings")
        with self.storage.write():
            before = self._changeable(meeting_id)
            if field == "time":
                return before, self._retimed(before, retime(before, value, self.zone))
            if field == "title":
                title = clean_text(value, what="title", limit=150, usage=EDIT_USAGE)
                self._refuse_twice(title, before, but=before.id)
                return before, self.meetings.change(before.id, title=title)
            place = clean_text(value, what="place", limit=200, usage=EDIT_USAGE)
            return before, self.meetings.change(before.id, place=None if place.casefold() in VIRTUAL else place)

    def _changeable(self, meeting_id: int) -> Meeting:
        meeting = self.get(meeting_id)
        if meeting.status != "scheduled":
            raise UserError(_("{ref} was cancelled; schedule a new one with `/meetings add`.", ref=meeting.ref))
        if meeting.is_over(self.storage.clock()):
            raise UserError(_("{ref} is over; it stays as it happened.", ref=meeting.ref))
        return meeting

    def _retimed(self, before: Meeting, times: MeetingTimes) -> Meeting:
        """Give it `times` (in the caller's transaction); tell the channel; plan its reminders
        again once the change is committed."""
        if times.times() == before.times():
            raise UserError(_("{ref} is already then; nothing changed.", ref=before.ref))
        self._refuse_twice(before.title, times, but=before.id)
        after = self.meetings.change(before.id, times=times)
        if self.channel:
            self.outbox.add(NoticeKind.MEETING_MOVED, after.ref, self.channel, {"was": before.model_dump(mode="json")})
        self.storage.after_commit(lambda: self.reminders.replan(after))
        return after

    def cancel(self, actor: str, meeting_id: int) -> tuple[Meeting, Meeting | None, list[AgendaItem]]:
        """(the meeting, where its items went, the items): cancelled with its reminders, its
        agenda moved on to the next quarterly meeting (AgendaService.follow)."""
        require_coordinator(self.coordinators, actor, "cancel meetings")
        with self.storage.write():
            meeting = self.get(meeting_id)
            if meeting.status == "cancelled":
                raise UserError(_("{ref} is already cancelled.", ref=meeting.ref))
            cancelled = self.meetings.cancel(meeting.id)
            to, items = self.agenda.follow(cancelled)
        self.reminders.forget(meeting.id)
        return cancelled, to, items
