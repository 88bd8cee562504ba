"""Meetings and their agenda: scheduling, cancelling, proposing and withdrawing items.

Reading `/meetings add` is here too, because what a date means (the group's zone, the
future preferred, all-day unless a time is given) is a rule of the schedule, not of Slack.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from bot.dates import parse_moment
from bot.errors import NotPermitted, UserError
from bot.permissions import require_coordinator
from bot.reminders import Reminders
from bot.text import clean_text, echo
from storage.agenda import AgendaItem, AgendaRepository
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.meetings import Meeting, MeetingRepository

ADD_USAGE = ("`/meetings add <title> on <date> [at <time>] [until <date>] [in <place>]`, e.g. "
             "`/meetings add Q1 meeting on 26 February at 14:00` or "
             "`/meetings add Q2 meeting on 24 June until 26 June in Nairobi`")
_WHEN = re.compile(r"^(?P<date>.+?)(?:\s+at\s+(?P<time>.+?))?(?:\s+until\s+(?P<until>.+?))?(?:\s+in\s+(?P<place>.+))?$",
                   re.IGNORECASE | re.DOTALL)
_ON = re.compile(r"\s+on\s+", re.IGNORECASE)
_CLOCK = re.compile(r"\d{1,2}[:.h]\d{2}|\d\s*(?:am|pm)\b|\b(?:noon|midday)\b", re.IGNORECASE)
# `(15 min)` at the end; what stands before "min" is checked, so `(abc min)` or `(9999 min)`
# are answered rather than kept as part of the item's text
_MINUTES = re.compile(r"\s*\(\s*([^()]{0,12}?)\s*(?:min|mins|minutes|m)\s*\)\s*$", re.IGNORECASE)
AGENDA_USAGE = "`/agenda add <item> [(<n> min)]`, e.g. `/agenda add Update on the handbook (15 min)`"
MAX_MINUTES = 600


@dataclass(frozen=True)
class NewMeeting:
    title: str
    start_date: date
    start_time: time | None
    end_date: date | None
    starts_at: datetime
    place: str | None


def read_meeting(text: str, zone: ZoneInfo, now: datetime) -> NewMeeting:
    """`<title> on <date> [at <time>] [until <date>] [in <place>]`, tried at each "on" in
    turn, so a title may say "on" too ("Workshop on parenting on 3 March")."""
    splits = list(_ON.finditer(text))
    if not splits:
        raise UserError("Say when, after “on”.", ADD_USAGE)
    problem = None
    for split in reversed(splits):  # the last "on" first: titles say "on" more often than dates do
        title, when = text[:split.start()], _WHEN.match(text[split.end():].strip())
        if not title.strip() or not when:
            continue
        try:
            return _meeting(title, when, zone, now)
        except UserError as refusal:
            problem = problem or refusal
    raise UserError((problem.problem if problem else "Say when, after “on”."), ADD_USAGE)


def _meeting(title: str, when: re.Match, zone: ZoneInfo, now: datetime) -> NewMeeting:
    typed_time = when.group("time")
    moment = parse_moment(f"{when.group('date')} {typed_time or ''}".strip(), zone, now).astimezone(zone)
    # timed only if a time was typed: "tomorrow" keeps dateparser's clock time, which nobody meant
    timed = typed_time is not None or bool(_CLOCK.search(when.group("date")))
    if (moment if timed else moment.date()) < (now if timed else now.astimezone(zone).date()):
        raise UserError(f"{moment:%d %B %Y} is in the past; a meeting must be in the future.", ADD_USAGE)
    end = None
    if when.group("until"):
        end = parse_moment(when.group("until"), zone, moment).astimezone(zone).date()  # counted from the start
        if end < moment.date():
            raise UserError(f"It ends ({end:%d %B %Y}) before it starts ({moment:%d %B %Y}).", ADD_USAGE)
    place = when.group("place")
    return NewMeeting(
        title=clean_text(title, what="title", limit=150, usage=ADD_USAGE),
        start_date=moment.date(), start_time=moment.time().replace(second=0, microsecond=0) if timed else None,
        end_date=end if end and end != moment.date() else None,
        starts_at=moment if timed else datetime.combine(moment.date(), time(0), zone),
        place=clean_text(place, what="place", limit=200, usage=ADD_USAGE) if place else None,
    )


def read_agenda_item(text: str) -> tuple[str, int | None]:
    """`Update on the handbook (15 min)` -> ("Update on the handbook", 15)."""
    minutes = None
    match = _MINUTES.search(text)
    if match:
        typed, text = match.group(1), text[:match.start()]
        if not typed.isascii() or not typed.isdigit():
            raise UserError(f"“{echo(typed)}” is not a number of minutes.", AGENDA_USAGE)
        minutes = check_minutes(int(typed))
    return clean_item(text), minutes


def clean_item(text: str) -> str:
    return clean_text(text, what="item", limit=300, usage=AGENDA_USAGE)


def check_minutes(minutes: int) -> int:
    if not 1 <= minutes <= MAX_MINUTES:
        raise UserError(f"{minutes} minutes is not a time an item can take (1 to {MAX_MINUTES}).", AGENDA_USAGE)
    return minutes


class MeetingService:
    def __init__(self, storage: Storage, meetings: MeetingRepository, agenda: AgendaRepository,
                 coordinators: CoordinatorRepository, reminders: Reminders, zone: ZoneInfo):
        self.storage, self.meetings, self.agenda = storage, meetings, agenda
        self.coordinators, self.reminders, self.zone = coordinators, reminders, zone

    def schedule(self, actor: str, text: str) -> Meeting:
        require_coordinator(self.coordinators, actor, "schedule meetings")
        new = read_meeting(text, self.zone, self.storage.clock())
        meeting = self.meetings.add(title=new.title, start_date=new.start_date, start_time=new.start_time,
                                    end_date=new.end_date, zone=self.zone.key, starts_at=new.starts_at,
                                    place=new.place, created_by=actor)
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
        meeting = self.meetings.get(meeting_id)
        if meeting is None:
            raise UserError(f"There is no meeting M-{meeting_id}.", hint="`/meetings` lists them with their IDs.")
        return meeting

    def next_meeting(self) -> Meeting:
        """The meeting agenda items are for: the first not yet over (today's, on the day)."""
        upcoming = self.meetings.upcoming(self.storage.clock(), limit=1)
        meeting = upcoming[0] if upcoming else None
        if meeting is None:
            raise UserError("No meeting is scheduled yet, so there is no agenda to add to.",
                            hint="A coordinator schedules one with `/meetings add <title> on <date>`.")
        return meeting

    def propose(self, proposer: str, text: str, meeting_id: int | None = None,
                minutes: int | None = None) -> tuple[AgendaItem, Meeting]:
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
            item = self.agenda.get(item_id)
            if item is None:
                raise UserError(f"There is no agenda item A-{item_id}.", hint="`/agenda` lists them with their IDs.")
            if item.proposer != actor and not self.coordinators.is_coordinator(actor):
                raise NotPermitted(f"Only the one who proposed {item.ref} and coordinators can remove it.")
            self.agenda.remove(item.id, actor)
            return item

