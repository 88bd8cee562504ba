"""What handlers work with, built once per process: the settings, the repositories
(storage/, named as plural nouns: `meetings`, `polls`), the group's rules (bot/domain/,
named `*_service`), and the paths out after the ack (bot/outbound/)."""

from __future__ import annotations

from dataclasses import dataclass, field

from apscheduler.schedulers.base import BaseScheduler

from bot.domain.agenda import AgendaService
from bot.domain.digest import Digest, DigestService, gather
from bot.domain.meetings import MeetingService
from bot.domain.organisations import OrganisationService
from bot.domain.permissions import require_coordinator
from bot.domain.polls import PollService
from bot.domain.reminders import ReminderService
from bot.domain.ta import TAService
from bot.domain.web_links import WebLinks
from bot.domain.web_requests import WebRequestService
from bot.outbound.ack_priority import AckPriority
from bot.outbound.after_ack import AfterAck
from bot.outbound.languages import MemberLanguages
from bot.settings import Settings
from storage.agenda import AgendaRepository
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.digests import DigestRepository
from storage.meetings import MeetingRepository
from storage.organisations import OrganisationRepository
from storage.outbox import OutboxRepository
from storage.polls import PollRepository
from storage.reminders import ReminderRepository
from storage.ta_digest import TADigestQueries
from storage.ta_requests import TARequestRepository
from storage.web_submissions import WebSubmissionRepository


@dataclass(kw_only=True)
class Services:
    settings: Settings
    storage: Storage
    # repositories
    coordinators: CoordinatorRepository
    organisations: OrganisationRepository
    ta_requests: TARequestRepository
    meetings: MeetingRepository
    agenda: AgendaRepository
    polls: PollRepository
    outbox: OutboxRepository
    digest_queries: TADigestQueries
    # the group's rules
    ta_service: TAService
    organisation_service: OrganisationService
    meeting_service: MeetingService
    agenda_service: AgendaService
    reminder_service: ReminderService
    poll_service: PollService
    digest_service: DigestService
    web_requests: WebRequestService  # the public request page's submissions (issue 18)
    # after the ack: Web API calls a member waits on, and the requests being answered,
    # which the courier gives way to
    after_ack: AfterAck = field(default_factory=AfterAck)
    ack_priority: AckPriority = field(default_factory=AckPriority)
    # the language each member is answered in (their choice, else their Slack locale)
    languages: MemberLanguages

    @classmethod
    def build(cls, settings: Settings, storage: Storage, scheduler: BaseScheduler) -> "Services":
        coordinators = CoordinatorRepository(storage)
        organisations = OrganisationRepository(storage)
        ta_requests = TARequestRepository(storage)
        meetings, agenda, polls = MeetingRepository(storage), AgendaRepository(storage), PollRepository(storage)
        outbox = OutboxRepository(storage)
        reminder_service = ReminderService(settings, storage, meetings, ReminderRepository(storage), outbox, scheduler)
        agenda_service = AgendaService(storage, meetings, agenda, coordinators, outbox)
        after_ack = AfterAck()
        ta_service = TAService(storage, ta_requests, organisations, coordinators, outbox)
        return cls(
            after_ack=after_ack,
            languages=MemberLanguages(storage, after_ack.run),
            settings=settings,
            storage=storage,
            coordinators=coordinators,
            organisations=organisations,
            ta_requests=ta_requests,
            meetings=meetings,
            agenda=agenda,
            polls=polls,
            outbox=outbox,
            digest_queries=TADigestQueries(storage),
            ta_service=ta_service,
            web_requests=WebRequestService(
                storage,
                WebSubmissionRepository(storage),
                ta_requests,
                organisations,
                ta_service,
                outbox,
                web_links(settings, storage),
                scheduler,
            ),
            organisation_service=OrganisationService(storage, organisations, coordinators),
            meeting_service=MeetingService(
                storage,
                meetings,
                coordinators,
                reminder_service,
                agenda_service,
                outbox,
                settings.timezone,
                settings.channel,
            ),
            agenda_service=agenda_service,
            reminder_service=reminder_service,
            poll_service=PollService(storage, polls, coordinators, outbox, scheduler, settings.timezone),
            digest_service=DigestService(settings, storage, DigestRepository(storage), coordinators, outbox, scheduler),
        )

    def digest(self, coordinator: str) -> Digest:
        return gather(
            self.storage, self.digest_queries, self.meetings, self.agenda, self.polls, self.settings, coordinator
        )

    def require_coordinator(self, user_id: str, action: str) -> None:
        require_coordinator(self.coordinators, user_id, action)


def web_links(settings: Settings, storage: Storage) -> WebLinks | None:
    """The public page's signed links, when IWG_SECRET_KEY and IWG_PUBLIC_URL are set."""
    if not (settings.secret_key and settings.public_url):
        return None
    return WebLinks(settings.secret_key.get_secret_value(), settings.public_url, storage.clock)
