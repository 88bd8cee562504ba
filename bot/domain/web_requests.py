"""Requests from outside Slack: the public page's submissions, held until the requester
confirms them from their email, then logged as TA requests like any other.

Nobody in Slack hears of a submission until its sender has clicked the link mailed to
them, so a stranger's typing (or a bot's) costs the coordinators nothing; one left
unconfirmed is deleted after 48 hours. Once logged, the request is announced to the
coordinators exactly as one logged with `/ta`, and its requester is its mail lane
("mail:<email>"), so every notice a requester is sent (status changes, and the notes a
coordinator makes public) goes to them by mail through the same outbox.
"""

from __future__ import annotations

from datetime import date, datetime

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import BaseModel, ConfigDict

from bot.domain.ta import TAService
from bot.domain.web_links import CONFIRM_LIFETIME, LinkAltered, LinkExpired, WebLinks
from bot.errors import UserError
from bot.i18n import _
from bot.parsing.ta_command import NewRequest
from storage import Storage
from storage.organisations import OrganisationRepository
from storage.outbox import NoticeKind, OutboxRepository, mail_lane
from storage.ta_requests import TARequest, TARequestRepository
from storage.web_submissions import WebSubmission, WebSubmissionRepository


class WebForm(BaseModel):
    """What a visitor sent, as the page has checked and cleaned it (handlers/web_pages.py)."""

    model_config = ConfigDict(frozen=True)

    name: str
    organisation: str
    email: str
    places: str  # place codes, space-separated (bot.parsing.places.read_where(...).codes)
    need: str
    strategies: tuple[str, ...] = ()
    kind: str | None = None  # a key of bot.domain.ta.KINDS
    due_date: date | None = None
    language: str = "en"


class FormReused(UserError):
    """The form was sent before: one form makes one submission."""


class Confirmation(BaseModel):
    request: TARequest
    first_time: bool  # False: the link was followed before, and nothing new was logged


class PublicEvent(BaseModel):
    """One step of a request's history as its requester may see it: no Slack user IDs, no
    private notes."""

    at: datetime
    kind: str  # created, assigned, status, reopened, note
    status: str | None = None
    organisation: str | None = None
    text: str | None = None


class PublicStatus(BaseModel):
    request: TARequest
    organisation: str | None
    history: list[PublicEvent]


class WebRequestService:
    def __init__(
        self,
        storage: Storage,
        submissions: WebSubmissionRepository,
        requests: TARequestRepository,
        organisations: OrganisationRepository,
        ta_service: TAService,
        outbox: OutboxRepository,
        links: WebLinks | None,
        scheduler: BaseScheduler | None = None,
    ):
        self.storage, self.submissions, self.requests = storage, submissions, requests
        self.organisations, self.ta_service, self.outbox = organisations, ta_service, outbox
        self.links = links  # None: the page is off (a mail setting is missing)
        self.scheduler = scheduler

    def start(self) -> None:
        """Delete expired submissions now and every hour (also what the last run left)."""
        self.expire()
        if self.scheduler is not None:
            self.scheduler.add_job(
                self.expire, IntervalTrigger(hours=1), id="web-expire", replace_existing=True, coalesce=True
            )

    def hold(self, form: WebForm, form_token: str, address: str) -> WebSubmission:
        """Keep the submission unconfirmed and mail its sender the confirmation link."""
        with self.storage.write():
            submission = self.submissions.hold(
                form_token=form_token,
                address=address,
                **form.model_dump(exclude={"strategies", "due_date"}),
                strategies=list(form.strategies),
                due_date=form.due_date,
            )
            if submission is None:
                raise FormReused(_("This form was sent already. To ask for something else, fill in a new one."))
            self.outbox.add(NoticeKind.WEB_CONFIRM, submission.ref, mail_lane(submission.email))
        return submission

    def confirm(self, token: str) -> Confirmation:
        """The link from the mail was followed: log the request (once, however often it is
        followed) and announce it to the coordinators; LinkExpired or LinkAltered if not."""
        submission_id = self._links().read_confirm(token, any_age=True)  # its age: created_at's
        with self.storage.write():
            submission = self.submissions.get(submission_id)
            if submission is None:  # expired and deleted, though its link had not run out
                raise LinkExpired()
            if submission.request_id is not None:
                return Confirmation(request=self.requests.get(submission.request_id), first_time=False)
            if self.storage.clock() - submission.created_at > CONFIRM_LIFETIME:
                raise LinkExpired()
            request = self._log(submission)
            self.submissions.confirmed(submission.id, request.id)
            self.outbox.add(NoticeKind.WEB_LOGGED, request.ref, request.requester)
        return Confirmation(request=request, first_time=True)

    def _log(self, submission: WebSubmission) -> TARequest:
        new = NewRequest(
            places=submission.places,
            need=submission.need,
            strategies=submission.strategies,
            kind=submission.kind,
            due_date=submission.due_date,
        )
        who = {
            "name": submission.name,
            "organisation": submission.organisation,
            "email": submission.email,
            "language": submission.language,
        }
        return self.ta_service.log(new, mail_lane(submission.email), web=who)

    def status(self, token: str) -> PublicStatus:
        """The request a status link names, with its public history; LinkAltered if the
        link is not one the bot made, or names a request that is not from the web."""
        request = self.requests.get(self._links().read_status(token))
        if request is None or not request.from_web:
            raise LinkAltered()
        organisation = self.organisations.get(request.organisation_id) if request.organisation_id else None
        return PublicStatus(
            request=request,
            organisation=organisation.label if organisation else None,
            history=self.public_history(request),
        )

    def public_history(self, request: TARequest) -> list[PublicEvent]:
        """What the requester may read of the history: each change of status or organisation,
        and the notes made public; not who did it, nor the private notes, nor edits."""
        shown = []
        for event in self.requests.history(request.id):
            if event.kind == "note" and not event.public or event.kind == "edited":
                continue
            organisation = self.organisations.get(event.organisation_id) if event.organisation_id else None
            shown.append(
                PublicEvent(
                    at=event.at,
                    kind=event.kind,
                    status=event.status,
                    organisation=organisation.label if organisation else None,
                    text=event.text if event.kind == "note" else None,
                )
            )
        return shown

    def expire(self) -> int:
        """Delete what was left unconfirmed for CONFIRM_LIFETIME (an hourly job)."""
        return self.submissions.expire(self.storage.clock() - CONFIRM_LIFETIME)

    def _links(self) -> WebLinks:
        if self.links is None:  # the page is off: no link can be good
            raise LinkAltered()
        return self.links
