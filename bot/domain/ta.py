"""Technical-assistance requests: the rules of their life, from intake to the end.

Every change and the notices it causes are written in one transaction, so a request is
never changed without its requester, lead or coordinators being told, and nobody is told
of a change that did not happen.
"""

from __future__ import annotations

from bot.domain.permissions import require_coordinator, require_own_or_coordinator
from bot.errors import UserError, must_exist
from bot.parsing.ta_command import STATUS_USAGE, NewRequest
from bot.parsing.text import echo
from storage import Storage
from storage.coordinators import CoordinatorRepository
from storage.organisations import Organisation, OrganisationRepository
from storage.outbox import NoticeKind, OutboxRepository
from storage.ta_requests import STATUSES, TARequest, TARequestRepository

# What kind of support a request asks for (the modal offers these; the one-liner leaves it open).
KINDS = {
    "training": "Training",
    "advice": "Technical advice",
    "evidence": "Evidence",
    "action-plan": "National action plan",
    "other": "Other",
}

# status -> the statuses `/ta status` may move it to (assigning is `/ta assign`'s job)
MOVES = {
    "new": ("declined",),
    "assigned": ("in-progress", "declined"),
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

    def log(self, new: NewRequest, requester: str, confirm: bool = False) -> TARequest:
        """Record a request and tell every coordinator; `confirm` also tells the requester."""
        with self.storage.write():
            request = self.requests.create(
                country=new.country,
                need=new.need,
                strategies=new.strategies,
                kind=new.kind,
                due_date=new.due_date,
                requester=requester,
            )
            for coordinator in self.coordinators.list():
                self.outbox.add(NoticeKind.TA_ANNOUNCE, request.ref, coordinator.user_id)
            if confirm:
                self.outbox.add(NoticeKind.TA_LOGGED, request.ref, requester)
        return request

    def get(self, request_id: int) -> TARequest:
        return must_exist(
            self.requests.get(request_id),
            f"There is no request TA-{request_id}.",
            "`/ta list all` shows every request.",
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
            request = self._open(request_id, "assigned")
            if only_new and request.status != "new":
                raise UserError(
                    f"{request.ref} is already {request.status}; "
                    f"`/ta assign {request.ref} <organisation> [@lead]` reassigns it."
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
        if status not in STATUSES:
            raise UserError(f"“{echo(status)}” is not a status.", STATUS_USAGE)
        with self.storage.write():
            request = self.get(request_id)
            require_own_or_coordinator(
                self.coordinators,
                actor,
                request.lead,
                f"Only coordinators and the lead of {request.ref} can change its status.",
            )
            if status == "assigned":
                raise UserError(
                    f"To assign {request.ref}, name the organisation: "
                    f"`/ta assign {request.ref} <organisation> [@lead]`."
                )
            if status == request.status:
                raise UserError(f"{request.ref} is already {status}; nothing changed.")
            if status not in MOVES[request.status]:
                raise UserError(f"{request.ref} is {request.status}; {_allowed(request.status)}", STATUS_USAGE)
            updated = self.requests.set_status(request.id, status, actor, note)
            self._refresh_announcements(request.ref)
            self._tell_requester(updated, actor)
        return updated

    def note(self, actor: str, request_id: int, text: str) -> TARequest:
        with self.storage.write():
            request = self.get(request_id)
            self.requests.add_note(request.id, actor, text)
        return request

    def matching_organisations(self, request: TARequest) -> list[Organisation]:
        return self.organisations.offering(request.strategies)

    def _open(self, request_id: int, doing: str) -> TARequest:
        request = self.get(request_id)
        if not request.is_open:
            raise UserError(f"{request.ref} is {request.status}, so it cannot be {doing}.")
        return request

    def _tell_requester(self, request: TARequest, actor: str) -> None:
        if request.requester != actor:
            # the notice tells of this change, even if another one follows before it is sent
            self.outbox.add(
                NoticeKind.TA_REQUESTER,
                request.ref,
                request.requester,
                {"status": request.status, "organisation_id": request.organisation_id, "lead": request.lead},
            )


def _allowed(status: str) -> str:
    moves = MOVES[status]
    if not moves:
        return "it is closed, so its status cannot change."
    return "it can move to " + " or ".join(f"`{m}`" for m in moves) + "."
