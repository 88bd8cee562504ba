"""Meetings and their agenda: scheduling, cancelling, proposing and withdrawing items.

`/meetings add` and `/agenda add` are read in bot/parsing/meeting_command.py, which also
holds what a typed date means for a meeting (the group's zone, the future preferred,
all-day unless a time is given).
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot.domain.permissions import require_coordinator, require_own_or_coordinator
from bot.domain.reminders import ReminderService
from bot.errors import UserError, must_exist
from bot.parsing.meeting_command import (
    check_minutes,
    clean_item,
    read_agenda_item,
    read_meeting,
)
from storage.agenda import AgendaItem, AgendaRepository
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.meetings import Meeting, MeetingRepository


class MeetingService:
    def __init__(
        self,
        storage: Storage,
        meetings: MeetingRepository,
        agenda: AgendaRepository,
        coordinators: CoordinatorRepository,
        reminders: ReminderService,
        zone: ZoneInfo,
    ):
        self.storage, self.meetings, self.agenda = storage, meetings, agenda
        self.coordinators, self.reminders, self.zone = coordinators, reminders, zone

    def schedule(self, actor: str, text: str) -> Meeting:
        require_coordinator(self.coordinators, actor, "schedule meetings")
        new = read_meeting(text, self.zone, self.storage.clock())
        meeting = self.meetings.add(
            title=new.title,
            start_date=new.start_date,
            start_time=new.start_time,
            end_date=new.end_date,
            zone=self.zone.key,
            starts_at=new.starts_at,
            place=new.place,
            created_by=actor,
        )
        self.reminders.plan(meeting)  # a reminder already due goes out now
        return meeting

    def cancel(self, actor: str, meeting_id: int) -> Meeting:
        require_coordinator(self.coordinators, actor, "cancel meetings")
        meeting = self.get(meeting_id)
        if meeting.status == "cancelled":
            raise UserError(f"{meeting.ref} is already cancelled.")
        self.meetings.cancel(meeting.id)
        self.reminders.forget(meeting.id)
        return meeting

    def get(self, meeting_id: int) -> Meeting:
        return must_exist(
            self.meetings.get(meeting_id),
            f"There is no meeting M-{meeting_id}.",
            "`/meetings` lists them with their IDs.",
        )

    def upcoming_or_latest(self) -> tuple[list[Meeting], int | None]:
        """The upcoming meetings (and None), else the latest year's meetings and that year."""
        found = self.meetings.upcoming(self.storage.clock())
        if found:
            return found, None
        year = self.meetings.latest_year()
        return (self.meetings.of_year(year) if year else []), year

    def agenda_so_far(self, meeting: Meeting, limit: int) -> tuple[list[AgendaItem], int, int]:
        """Its first `limit` items, and how many there are and their minutes in all."""
        return (self.agenda.for_meeting(meeting.id, limit=limit), *self.agenda.totals(meeting.id))

    def next_meeting(self) -> Meeting:
        """The meeting agenda items are for: the first not yet over (today's, on the day)."""
        upcoming = self.meetings.upcoming(self.storage.clock(), limit=1)
        meeting = upcoming[0] if upcoming else None
        if meeting is None:
            raise UserError(
                "No meeting is scheduled yet, so there is no agenda to add to.",
                hint="A coordinator schedules one with `/meetings add <title> on <date>`.",
            )
        return meeting

    def propose(
        self, proposer: str, text: str, meeting_id: int | None = None, minutes: int | None = None
    ) -> tuple[AgendaItem, Meeting]:
        """An item for the next meeting (or the one the form was for, if still ahead);
        `minutes` from the form's own field, else as typed at the end of `text`."""
        if minutes is None:
            item_text, minutes = read_agenda_item(text)
        else:  # the form's own field: the text is the item, brackets and all
            item_text, minutes = clean_item(text), check_minutes(minutes)
        with self.storage.write():
            meeting = self.get(meeting_id) if meeting_id else self.next_meeting()
            if meeting.status != "scheduled":
                raise UserError(f"{meeting.ref} was cancelled; items go to the next meeting.")
            if meeting.is_over(self.storage.clock()):
                raise UserError(f"{meeting.ref} is over; items go to the next meeting.")
            return self.agenda.add(meeting.id, item_text, minutes, proposer), meeting

    def withdraw(self, actor: str, item_id: int) -> AgendaItem:
        with self.storage.write():
            item = must_exist(
                self.agenda.get(item_id),
                f"There is no agenda item A-{item_id}.",
                "`/agenda` lists them with their IDs.",
            )
            require_own_or_coordinator(
                self.coordinators,
                actor,
                item.proposer,
                f"Only the one who proposed {item.ref} and coordinators can remove it.",
            )
            self.agenda.remove(item.id, actor)
            return item
