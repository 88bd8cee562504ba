"""A meeting's agenda: proposing, withdrawing and moving items, and what becomes of them
when their meeting is cancelled.

`/agenda add` goes to the next *quarterly* meeting (the series: the seeded schedule and
what `/meetings plan` scheduled), so a one-off call a coordinator adds does not swallow
the items meant for Q1; only when no quarterly meeting is ahead does it go to the next
meeting of any kind. A cancelled meeting's items move to the next quarterly meeting after
it, and each proposer is told by DM (one message per proposer, naming their items).
"""

from __future__ import annotations

from bot.domain.permissions import require_own_or_coordinator
from bot.errors import UserError, must_exist
from bot.i18n import N_, _
from bot.parsing.meeting_command import check_minutes, clean_item, read_agenda_item
from bot.parsing.meeting_edits import read_agenda_target
from storage.agenda import AgendaItem, AgendaRepository
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.meetings import QUARTERLY, Meeting, MeetingRepository
from storage.outbox import NoticeKind, OutboxRepository


def existing_meeting(meetings: MeetingRepository, meeting_id: int) -> Meeting:
    """The meeting, or the refusal every command gives for an ID that names none."""
    return must_exist(
        meetings.get(meeting_id),
        _("There is no meeting M-{id}.", id=meeting_id),
        _("`/meetings` lists them with their IDs."),
    )


class AgendaService:
    def __init__(
        self,
        storage: Storage,
        meetings: MeetingRepository,
        agenda: AgendaRepository,
        coordinators: CoordinatorRepository,
        outbox: OutboxRepository,
    ):
        self.storage, self.meetings, self.agenda = storage, meetings, agenda
        self.coordinators, self.outbox = coordinators, outbox

    def so_far(self, meeting: Meeting, limit: int) -> tuple[list[AgendaItem], int, int]:
        """Its first `limit` items, and how many there are and their minutes in all."""
        return (self.agenda.for_meeting(meeting.id, limit=limit), *self.agenda.totals(meeting.id))

    def next_meeting(self) -> Meeting:
        """The meeting items go to by default: the next quarterly one not yet over, else the
        next of any kind."""
        now = self.storage.clock()
        upcoming = self.meetings.upcoming(now, limit=1, series=QUARTERLY) or self.meetings.upcoming(now, limit=1)
        if not upcoming:
            raise UserError(
                _("No meeting is scheduled yet, so there is no agenda to add to."),
                hint=_("A coordinator schedules the year with `/meetings plan <year>`, or one with `/meetings add`."),
            )
        return upcoming[0]

    def _open(self, meeting: Meeting) -> Meeting:
        if meeting.status != "scheduled":
            raise UserError(_("{ref} was cancelled; items go to the next meeting.", ref=meeting.ref))
        if meeting.is_over(self.storage.clock()):
            raise UserError(_("{ref} is over; items go to the next meeting.", ref=meeting.ref))
        return meeting

    def propose(
        self, proposer: str, text: str, meeting_id: int | None = None, minutes: int | None = None
    ) -> tuple[AgendaItem, Meeting]:
        """An item for the meeting named first (`M-9 …`), the one the form was for, or the
        next quarterly one; `minutes` from the form's own field, else as typed at the end."""
        if minutes is None:
            named, text = read_agenda_target(text)
            meeting_id = meeting_id or named
            item_text, minutes = read_agenda_item(text)
        else:  # the form's own field: the text is the item, brackets and all
            item_text, minutes = clean_item(text), check_minutes(minutes)
        with self.storage.write():
            meeting = self._open(existing_meeting(self.meetings, meeting_id) if meeting_id else self.next_meeting())
            return self.agenda.add(meeting.id, item_text, minutes, proposer), meeting

    def _item(self, actor: str, item_id: int, refusal: str) -> AgendaItem:
        """The item, if `actor` may change it; else `refusal` (an N_ sentence with {ref})."""
        item = must_exist(
            self.agenda.get(item_id),
            _("There is no agenda item A-{id}.", id=item_id),
            _("`/agenda` lists them with their IDs."),
        )
        require_own_or_coordinator(self.coordinators, actor, item.proposer, _(refusal, ref=item.ref))
        return item

    def withdraw(self, actor: str, item_id: int) -> AgendaItem:
        with self.storage.write():
            item = self._item(actor, item_id, N_("Only the one who proposed {ref} and coordinators can remove it."))
            self.agenda.remove(item.id, actor)
            return item

    def move(self, actor: str, item_id: int, meeting_id: int) -> tuple[AgendaItem, Meeting, Meeting]:
        """(the item, the meeting it was on, the one it is on now); its proposer is told
        when someone else moved it."""
        with self.storage.write():
            item = self._item(actor, item_id, N_("Only the one who proposed {ref} and coordinators can move it."))
            was, to = (
                existing_meeting(self.meetings, item.meeting_id),
                self._open(existing_meeting(self.meetings, meeting_id)),
            )
            if was.id == to.id:
                raise UserError(_("{ref} is on the agenda of {meeting} already.", ref=item.ref, meeting=to.ref))
            self.agenda.move([item.id], to.id)
            if actor != item.proposer:
                self._tell(item.proposer, [item.id], was, to, "moved")
            return item, was, to

    def follow(self, cancelled: Meeting) -> tuple[Meeting | None, list[AgendaItem]]:
        """In the cancelling transaction: its items move to the next quarterly meeting after
        it (None if there is none: they stay, and can be moved by hand); each proposer is told."""
        items = self.agenda.for_meeting(cancelled.id)
        if not items:
            return None, []
        to = self.meetings.next_in_series(QUARTERLY, cancelled)
        if to is not None:
            self.agenda.move([item.id for item in items], to.id)
        by_proposer: dict[str, list[int]] = {}
        for item in items:
            by_proposer.setdefault(item.proposer, []).append(item.id)
        for proposer, ids in by_proposer.items():
            self._tell(proposer, ids, cancelled, to, "cancelled")
        return to, items

    def _tell(self, proposer: str, item_ids: list[int], was: Meeting, to: Meeting | None, why: str) -> None:
        detail = {"items": item_ids, "was": was.id, "to": to and to.id, "why": why}
        self.outbox.add(NoticeKind.AGENDA_MOVED, was.ref, proposer, detail)
