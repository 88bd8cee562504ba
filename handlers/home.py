"""The App Home: each member's own part, and the buttons that open the commands' forms."""

from __future__ import annotations

from slack_sdk import WebClient

from bot import digest_blocks, ta_blocks
from bot.errors import UserError
from bot.meetings import check_minutes
from bot.render import field_error
from bot.services import Services
from handlers.forms import FormValues, metadata_id
from handlers.router import Router


def register(app: Router, services: Services) -> None:
    @app.event("app_home_opened")
    def home_opened(event, client: WebClient):
        user = event.get("user")
        if event.get("tab", "home") != "home" or not isinstance(user, str) or not user:
            return
        services.later(lambda: client.views_publish(user_id=user, view=home_view(services, user)), "the App Home")

    @app.action(digest_blocks.HOME_NEW_REQUEST)
    def new_request(ack, body, client: WebClient):
        ack()
        services.open_modal(client, body["trigger_id"], ta_blocks.request_form(), "the TA form")

    @app.action(digest_blocks.HOME_PROPOSE)
    def propose(ack, body, client: WebClient):
        ack()
        try:
            view = digest_blocks.agenda_form(services.meeting_service.next_meeting())
        except UserError:  # the meeting was cancelled since the Home was drawn: draw it again
            user = body["user"]["id"]
            services.later(lambda: client.views_publish(user_id=user, view=home_view(services, user)), "the App Home")
            return
        services.open_modal(client, body["trigger_id"], view, "the agenda form")

    @app.view(digest_blocks.AGENDA_FORM)
    def item_submitted(ack, body, view, client: WebClient):
        errors = submit_agenda_form(services, body["user"]["id"], view)
        if errors:
            ack(response_action="errors", errors=errors)
            return
        ack()
        user = body["user"]["id"]
        services.later(lambda: client.views_publish(user_id=user, view=home_view(services, user)), "the App Home")


def submit_agenda_form(services: Services, proposer: str, view: dict) -> dict[str, str]:
    """Propose the form's item; {} when done, else the errors to show by field."""
    values = FormValues.of(view)
    try:
        minutes = values.whole_number("minutes")
        if minutes is not None:
            check_minutes(minutes)
    except UserError as refusal:
        return {"minutes": field_error(refusal.problem)}
    try:
        services.meeting_service.propose(proposer, values.text("item"), meeting_id=metadata_id(view), minutes=minutes)
    except UserError as refusal:
        return {"item": field_error(refusal.problem)}
    return {}


def home_view(services: Services, user_id: str) -> dict:
    requests, total = services.digest_queries.involving(user_id, limit=10)
    upcoming = services.meetings.upcoming(services.storage.clock(), limit=1)
    meeting = upcoming[0] if upcoming else None
    items = services.agenda.for_meeting(meeting.id, limit=10) if meeting else []
    item_count = services.agenda.totals(meeting.id)[0] if meeting else 0
    polls = services.polls.open_polls(user_id, services.settings.channel, limit=10)
    digest = services.digest(user_id) if services.coordinators.is_coordinator(user_id) else None
    return digest_blocks.home_view(requests, total, meeting, items, item_count, polls, digest)
