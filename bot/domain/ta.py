"""Technical-assistance requests: the rules of their life, from intake to the end.

Every change and the notices it causes are written in one transaction, so a request is
never changed without its requester, lead or coordinators being told, and nobody is told
of a change that did not happen.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from bot.domain.organisations import candidates, either
from bot.domain.permissions import require_coordinator, require_own_or_coordinator
from bot.errors import UserError, must_exist
from bot.i18n import N_, _
from bot.parsing.places import Where, keys_version, read_where, search_keys
from bot.parsing.ta_command import NOTE_USAGE, REOPEN_USAGE, STATUS_USAGE, Edit, NewRequest
from bot.parsing.ta_list_command import LIST_USAGE, ListQuery
from bot.parsing.text import echo
from bot.parsing.vocabulary import status_label
from storage import Storage
from storage.coordinators import CoordinatorRepository
from storage.organisations import Organisation, OrganisationRepository
from storage.outbox import NoticeKind, OutboxRepository, is_mail_lane
from storage.ta_requests import STATUSES, Stuck, TAFilter, TARequest, TARequestRepository

# What kind of support a request asks for (the modal offers these; the one-liner leaves it open).
# The labels are marked here and translated where they are shown: _(KINDS[kind]).
KINDS = {
    "training": N_("Training"),
    "advice": N_("Technical advice"),
    "evidence": N_("Evidence"),
    "action-plan": N_("National action plan"),
    "other": N_("Other"),
}

# status -> the statuses `/ta status` may move it to (assigning is `/ta assign`'s job, and
# bringing a closed one back is `/ta reopen`'s)
MOVES = {
    "new": ("declined",),
    "assigned": ("in-progress", "completed", "declined"),
    "in-progress": ("completed", "declined"),
    "completed": (),
    "declined": (),
}


class TAService:
    def __init__(
        self,
        storage: Storage,
        requests: TARequestRepository,
        organisations: OrganisationRepository,
        coordinators: CoordinatorRepository,
        outbox: OutboxRepository,
    ):
        self.storage, self.requests, self.organisations = storage, requests, organisations
        self.coordinators, self.outbox = coordinators, outbox

    def log(
        self, new: NewRequest, requester: str, confirm: bool = False, web: dict[str, str] | None = None
    ) -> TARequest:
        """Record a request and tell every coordinator; `confirm` also tells the requester.
        `web`: a request from the public page (bot/domain/web_requests.py), its requester's
        name, organisation, email and language; `requester` is then their mail lane."""
        with self.storage.write():
            request = self.requests.create(
                places=new.places,
                keys=search_keys(new.places),
                need=new.need,
                strategies=new.strategies,
                kind=new.kind,
                due_date=new.due_date,
                requester=requester,
                web=web,
            )
            for coordinator in self.coordinators.list():
                self.outbox.add(NoticeKind.TA_ANNOUNCE, request.ref, coordinator.user_id)
            if confirm:
                self.outbox.add(NoticeKind.TA_LOGGED, request.ref, requester)
        return request

    def index_places(self) -> int:
        """Bring every request's search keys in step with the region table (on start: a no-op
        unless bot/parsing/places.keys_version() moved); how many requests were indexed."""
        return self.requests.index_places(search_keys, keys_version())

    def get(self, request_id: int) -> TARequest:
        return must_exist(
            self.requests.get(request_id),
            _("There is no request TA-{id}.", id=request_id),
            _("`/ta list all` shows every request."),
        )

    def assign(
        self, actor: str, request_id: int, organisation: Organisation, lead: str | None, only_new: bool = False
    ) -> TARequest:
        """Broker a request, or rebroker an open one (`only_new`: the Assign button and form,
        which must not overwrite what another coordinator did since the announcement).

        A new organisation starts the work again (status `assigned`); the same organisation
        with no lead named keeps its lead and status. A lead who is replaced is told.
        """
        require_coordinator(self.coordinators, actor, "assign requests")
        with self.storage.write():
            request = self._open(request_id, N_("{ref} is {status}, so it cannot be assigned."))
            if only_new and request.status != "new":
                raise UserError(
                    _(
                        "{ref} is already {status}; `/ta assign {ref} <organisation> [@lead]` reassigns it.",
                        ref=request.ref,
                        status=status_label(request.status),
                    )
                )
            same_organisation = request.organisation_id == organisation.id
            lead = lead or (request.lead if same_organisation else None)
            status = request.status if same_organisation and request.status != "new" else "assigned"
            updated = self.requests.assign(request.id, organisation.id, lead, status, actor)
            self._refresh_announcements(request.ref)
            assignment = {"organisation_id": organisation.id, "lead": lead}
            if lead and lead != actor and lead != request.lead:
                self.outbox.add(NoticeKind.TA_LEAD, request.ref, lead, assignment)
            if request.lead and request.lead not in (lead, actor):
                self.outbox.add(NoticeKind.TA_FORMER_LEAD, request.ref, request.lead, assignment)
            self._tell_requester(updated, actor)
        return updated

    def _refresh_announcements(self, ref: str) -> None:
        """Each coordinator's copy of the announcement is updated in place, in that
        coordinator's lane, so it follows the announcement itself if that is still on its way."""
        for recipient in self.outbox.recipients_of(ref, NoticeKind.TA_ANNOUNCE):
            self.outbox.add_unless_waiting(NoticeKind.TA_REFRESH, ref, recipient)

    def move(self, actor: str, request_id: int, status: str, note: str | None) -> TARequest:
        """`status` is one of STATUSES (bot/parsing/ta_command.py reads the words for them)."""
        if status not in STATUSES:
            raise UserError(_("“{word}” is not a status.", word=echo(status)), STATUS_USAGE)
        with self.storage.write():
            request = self.get(request_id)
            require_own_or_coordinator(
                self.coordinators,
                actor,
                request.lead,
                _("Only coordinators and the lead of {ref} can change its status.", ref=request.ref),
            )
            if status == "assigned":
                raise UserError(
                    _(
                        "To assign {ref}, name the organisation: `/ta assign {ref} <organisation> [@lead]`.",
                        ref=request.ref,
                    )
                )
            if status == request.status:
                raise UserError(
                    _("{ref} is already {status}; nothing changed.", ref=request.ref, status=status_label(status))
                )
            if not request.is_open:
                raise UserError(
                    _(
                        "{ref} is {status}, so it is closed; a coordinator can bring it back with `/ta reopen {ref}`.",
                        ref=request.ref,
                        status=status_label(request.status),
                    )
                )
            if status not in MOVES[request.status]:
                raise UserError(_not_allowed(request), STATUS_USAGE)
            updated = self.requests.set_status(request.id, status, actor, note)
            self._refresh_announcements(request.ref)
            self._tell_requester(updated, actor)
        return updated

    def note(self, actor: str, request_id: int, text: str, public: bool = False) -> TARequest:
        """Add to the history, and tell the requester and the lead (not the note's author).
        A requester from the web page is mailed only the notes a coordinator made `public`:
        the others are the members' own working notes."""
        with self.storage.write():
            request = self.get(request_id)
            if public:
                require_coordinator(self.coordinators, actor, "make notes public")
                if not request.from_web:
                    raise UserError(
                        _(
                            "{ref} was logged in Slack, so its requester reads every note already: leave out `public`.",
                            ref=request.ref,
                        ),
                        NOTE_USAGE,
                    )
            event_id = self.requests.add_note(request.id, actor, text, public=public)
            for person in dict.fromkeys((request.requester, request.lead)):
                if person and person != actor and (public or not is_mail_lane(person)):
                    self.outbox.add(NoticeKind.TA_NOTE, request.ref, person, {"event_id": event_id})
        return request

    def edit(self, actor: str, request_id: int, change: Edit) -> TARequest:
        """Correct one field of an open request (its requester or a coordinator); the old
        value goes in the history and the requester is told when someone else changed it."""
        with self.storage.write():
            request = self._open(request_id, N_("{ref} is {status}, so it cannot be edited."))
            self.may_edit(actor, request)
            value = _stored(change)
            if value == _current(request, change.field):
                raise UserError(_("{ref} already says that; nothing changed.", ref=request.ref))
            keys = search_keys(value) if change.field == "places" else None
            updated = self.requests.edit(request.id, actor, change.field, value, keys)
            self._refresh_announcements(request.ref)
            if request.requester != actor and not request.from_web:  # a web requester is mailed no edits
                event_id = self.requests.history(request.id)[-1].id
                self.outbox.add(NoticeKind.TA_EDITED, request.ref, request.requester, {"event_id": event_id})
        return updated

    def may_edit(self, actor: str, request: TARequest) -> None:
        """Its requester and coordinators may correct an open request; others are told why not."""
        if not request.is_open:
            raise UserError(
                _(
                    "{ref} is {status}, so it cannot be edited.",
                    ref=request.ref,
                    status=status_label(request.status),
                )
            )
        require_own_or_coordinator(
            self.coordinators,
            actor,
            request.requester,
            _("Only the requester of {ref} and coordinators can change it.", ref=request.ref),
        )

    def reopen(self, actor: str, request_id: int, note: str | None) -> TARequest:
        """Bring a declined or completed request back to the status it had before it closed;
        back to `new` if the organisation that held it has been removed since."""
        require_coordinator(self.coordinators, actor, "reopen requests")
        with self.storage.write():
            request = self.get(request_id)
            if request.is_open:
                raise UserError(
                    _(
                        "{ref} is {status}, so it is open already.",
                        ref=request.ref,
                        status=status_label(request.status),
                    ),
                    REOPEN_USAGE,
                )
            status, held = self._status_before_closing(request), request.organisation_id
            if held and self.organisations.get(held).removed:  # it left the group: assign it anew
                status = "new"
            updated = self.requests.reopen(request.id, status, actor, note, unassign=status == "new")
            self._refresh_announcements(request.ref)
            self._tell_requester(updated, actor, reopened=note or "")
        return updated

    def _status_before_closing(self, request: TARequest) -> str:
        """The status the last closing event replaced: each event with a status sets one."""
        statuses = [event.status for event in self.requests.history(request.id) if event.status]
        before = [s for s in statuses[:-1] if s not in ("completed", "declined")]
        status = before[-1] if before else "new"
        return "assigned" if status == "new" and request.organisation_id else status

    def search(self, query: ListQuery, asker: str, now: datetime, zone: ZoneInfo) -> TAFilter:
        """The filter a `/ta list` query asks for, its organisation found and its rules dated."""
        organisation, where = None, query.where
        if query.organisation:
            organisation, rest = self._organisation_in(query.organisation)
            if rest:
                extra = read_where(rest, usage=LIST_USAGE, correct=False)
                where = extra if where is None else Where(where.places + extra.places)
        places = tuple(p.code for p in where.places) if where else None  # each is a key: search_keys
        today = now.astimezone(zone).date()
        return TAFilter(
            statuses=query.statuses,
            involving=asker if "mine" in query.flags else None,
            places=places,
            strategy=query.strategy,
            organisation_id=organisation.id if organisation else None,
            lead=query.lead,
            unassigned="unassigned" in query.flags,
            due_before=today if "overdue" in query.flags else None,
            stuck=stuck_rule(now, zone) if "stuck" in query.flags else None,
        )

    def _organisation_in(self, text: str) -> tuple[Organisation, str]:
        """The organisation `org <words>` names, and the words after its name (a place:
        `org WHO Kenya`), trying the longest name first."""
        words = text.split()
        for end in range(len(words), 0, -1):
            found = candidates(self.organisations, " ".join(words[:end]))
            if len(found) == 1:
                return found[0], " ".join(words[end:])
        found = candidates(self.organisations, text)
        if found:
            names = ", ".join(o.short_name or o.name for o in found[:8])
            raise UserError(
                _("“{typed}” could be {names}: type more of the name.", typed=echo(text), names=echo(names, 300)),
                LIST_USAGE,
            )
        raise UserError(
            _("No member organisation is called “{typed}”.", typed=echo(text)),
            LIST_USAGE,
            _("`/iwg orgs` lists them."),
        )

    def matching_organisations(self, request: TARequest) -> list[Organisation]:
        return self.organisations.offering(request.strategies)

    def _open(self, request_id: int, refusal: str) -> TARequest:
        """The request, if it is open; else `refusal` (an N_ sentence with {ref} and {status})."""
        request = self.get(request_id)
        if not request.is_open:
            raise UserError(_(refusal, ref=request.ref, status=status_label(request.status)))
        return request

    def _tell_requester(self, request: TARequest, actor: str, reopened: str | None = None) -> None:
        """`reopened`: the change is a reopening, with its note ("" for none)."""
        if request.requester != actor:
            # the notice tells of this change, even if another one follows before it is sent
            change = {"status": request.status, "organisation_id": request.organisation_id, "lead": request.lead}
            if reopened is not None:
                change["reopened"] = reopened
            self.outbox.add(NoticeKind.TA_REQUESTER, request.ref, request.requester, change)


def _not_allowed(request: TARequest) -> str:
    """Why `/ta status` cannot move it there, and where it can move."""
    ref, status, moves = request.ref, status_label(request.status), MOVES[request.status]
    if not moves:
        return _("{ref} is {status}; it is closed, so its status cannot change.", ref=ref, status=status)
    allowed = either([f"`{status_label(m)}`" for m in moves])
    # Translators: {moves} is one status or several joined by “or”, e.g. `completed` or `declined`
    return _("{ref} is {status}; it can move to {moves}.", ref=ref, status=status, moves=allowed)


# The one stuck rule, for the digest, the coordinator's App Home and `/ta list stuck`: a
# request is stuck when it is `new` for more than UNASSIGNED_AFTER, open past its due date,
# or `assigned`/`in-progress` with no activity (an assignment, status, note or edit) for
# QUIET_AFTER. Its SQL is storage.ta_requests.STUCK_WHERE.
UNASSIGNED_AFTER = timedelta(days=14)
QUIET_AFTER = timedelta(days=30)


def stuck_rule(now: datetime, zone: ZoneInfo) -> Stuck:
    """The rule's cut-offs at `now` (due dates are days in the group's zone)."""
    return Stuck(now - UNASSIGNED_AFTER, now.astimezone(zone).date(), now - QUIET_AFTER)


def _stored(change: Edit) -> str | None:
    """The value of an edit as the request stores it."""
    if change.field == "need":
        return change.need
    if change.field == "places":
        return change.where.codes
    if change.field == "strategies":
        return " ".join(change.strategies)
    return change.due.isoformat() if change.due else None


def _current(request: TARequest, field: str) -> str | None:
    if field == "need":
        return request.need
    if field == "places":
        return request.country
    if field == "strategies":
        return " ".join(request.strategies)
    return request.due_date.isoformat() if request.due_date else None
