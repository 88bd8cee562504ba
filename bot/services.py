"""What handlers work with: the settings, the repositories and the services, built once per process."""

from __future__ import annotations

import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, field

from apscheduler.schedulers.base import BaseScheduler
from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.config import Settings
from bot.logs import failure
from bot.render import error_reply
from bot.digest import Digest, DigestSchedule, gather
from bot.meetings import MeetingService
from bot.permissions import require_coordinator
from bot.polls import PollService
from bot.reminders import Reminders
from bot.ta import TAService
from bot.traffic import Traffic
from storage.agenda import AgendaRepository
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.digests import DigestRepository
from storage.meetings import MeetingRepository
from storage.organisations import OrganisationRepository
from storage.outbox import OutboxRepository
from storage.polls import PollRepository
from storage.reminders import ReminderRepository
from storage.ta_requests import TADigestQueries, TARequestRepository

log = logging.getLogger("iwg.services")

TRIGGER_ERRORS = frozenset({"expired_trigger_id", "invalid_trigger_id", "trigger_exchanged"})


@dataclass
class Services:
    settings: Settings
    storage: Storage
    coordinators: CoordinatorRepository
    organisations: OrganisationRepository
    ta_requests: TARequestRepository
    outbox: OutboxRepository
    ta: TAService
    meetings: MeetingRepository
    agenda: AgendaRepository
    reminders: Reminders
    meeting_service: MeetingService
    polls: PollRepository
    poll_service: PollService
    digest_queries: TADigestQueries
    digest_schedule: DigestSchedule
    # Web API calls the ack does not need (opening a modal, uploading a file) run here,
    # so that the ack goes out in milliseconds.
    background: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=4, thread_name_prefix="iwg-later"))
    # Forms (modals) open on a path of their own: a trigger_id lasts 3 s, and the `later`
    # threads may all be waiting on an upload or a Retry-After meanwhile.
    modals: ThreadPoolExecutor = field(
        default_factory=lambda: ThreadPoolExecutor(max_workers=2, thread_name_prefix="iwg-modal"))
    _pending: set[Future] = field(default_factory=set)
    # requests being answered; the courier gives way to them
    traffic: Traffic = field(default_factory=Traffic)

    @classmethod
    def build(cls, settings: Settings, storage: Storage, scheduler: BaseScheduler) -> "Services":
        coordinators = CoordinatorRepository(storage)
        organisations = OrganisationRepository(storage)
        ta_requests = TARequestRepository(storage)
        outbox = OutboxRepository(storage)
        ta = TAService(storage, ta_requests, organisations, coordinators, outbox)
        meetings, agenda = MeetingRepository(storage), AgendaRepository(storage)
        reminders = Reminders(settings, storage, meetings, ReminderRepository(storage), outbox, scheduler)
        meeting_service = MeetingService(storage, meetings, agenda, coordinators, reminders, settings.timezone)
        polls = PollRepository(storage)
        poll_service = PollService(storage, polls, coordinators, outbox, scheduler, settings.timezone)
        digest_schedule = DigestSchedule(settings, storage, DigestRepository(storage), coordinators, outbox, scheduler)
        return cls(settings, storage, coordinators, organisations, ta_requests, outbox, ta,
                   meetings, agenda, reminders, meeting_service, polls, poll_service,
                   TADigestQueries(storage), digest_schedule)

    def digest(self, coordinator: str) -> Digest:
        return gather(self.storage, self.digest_queries, self.meetings, self.agenda, self.polls, self.settings,
                      coordinator)

    def require_coordinator(self, user_id: str, action: str) -> None:
        require_coordinator(self.coordinators, user_id, action)

    def later(self, work: Callable[[], object], what: str) -> None:
        """Run `work` after the ack; a failure is logged (it has no member waiting on it)."""
        self._after_ack(self.background, work, what)

    def open_modal(self, client: WebClient, trigger_id: str, view: dict, what: str, response_url: str = "") -> None:
        """Open a form after the ack, on the modals' own threads, with a client that gives
        up within the trigger's 3 s instead of retrying past them (a late form opens nothing).
        If Slack says the trigger was too late, the member is told through `response_url`
        (a command's or a click's) rather than left looking at nothing."""
        quick = WebClient(token=client.token, base_url=client.base_url, timeout=2.5, retry_handlers=[])

        def run() -> None:
            try:
                quick.views_open(trigger_id=trigger_id, view=view)
            except SlackApiError as error:
                code = error.response.get("error")
                if code not in TRIGGER_ERRORS:
                    raise
                log.warning("%s not opened: %s", what, code)
                if response_url:
                    WebhookClient(response_url, timeout=5).send(**error_reply(
                        f"Slack gave up waiting for {what} to open; please try again.").as_ack())

        self._after_ack(self.modals, run, what)

    def _after_ack(self, pool: ThreadPoolExecutor, work: Callable[[], object], what: str) -> None:
        def run() -> None:
            try:
                work()
            except Exception as error:
                log.error("%s failed: %s", what, failure(error))

        future = pool.submit(run)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)

    def wait_for_later(self, timeout: float = 5.0) -> None:
        """Wait for the work `later()` has queued (the console, before its next prompt)."""
        wait(list(self._pending), timeout=timeout)
