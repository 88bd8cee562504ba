"""The App Home: each member's own part, and the buttons that open the commands' forms."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.domain.digest import needs_you
from bot.errors import UserError
from bot.parsing.meeting_command import check_minutes
from bot.render import home_blocks, ta_forms
from bot.render.blocks import field_error
from bot.services import Services
from handlers.common import form
from handlers.interactions import FormValues, metadata_id
from handlers.router import Router


def register(app: Router, services: Services) -> None:
    app.event("app_home_opened")(lambda event, client: home_opened(services, event, client))
    app.action(home_blocks.HOME_NEW_REQUEST)(lambda ack, body, client: new_request(services, ack, body, client))
    app.action(home_blocks.HOME_PROPOSE)(lambda ack, body, client: propose(services, ack, body, client))
    form(
        app,
        home_blocks.AGENDA_FORM,
        lambda user, view: submit_agenda_form(services, user, view),
        then=lambda user, client: refresh_home(services, client, user),
    )


def home_opened(services: Services, event: dict, client: WebClient) -> None:
    user = event.get("user")
    if event.get("tab", "home") == "home" and isinstance(user, str) and user:
        refresh_home(services, client, user)


def new_request(services: Services, ack, body: dict, client: WebClient) -> None:
    ack()
    services.after_ack.open_form(client, body["trigger_id"], ta_forms.request_form(), "the TA form")


def propose(services: Services, ack, body: dict, client: WebClient) -> None:
    ack()
    try:
        view = home_blocks.agenda_form(services.agenda_service.next_meeting())
    except UserError:  # the meeting was cancelled since the Home was drawn: draw it again
        refresh_home(services, client, body["user"]["id"])
        return
    services.after_ack.open_form(client, body["trigger_id"], view, "the agenda form")


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
        services.agenda_service.propose(proposer, values.text("item"), meeting_id=metadata_id(view), minutes=minutes)
    except UserError as refusal:
        return {"item": field_error(refusal.problem)}
    return {}


def refresh_home(services: Services, client: WebClient, user_id: str) -> None:
    """Draw the member's App Home again, after the ack (a views.publish the ack need not wait for)."""
    services.after_ack.run(
        lambda: client.views_publish(user_id=user_id, view=home_view(services, user_id)), "the App Home"
    )


def home_view(services: Services, user_id: str) -> dict:
    requests, total = services.digest_queries.involving(user_id, limit=10)
    upcoming = services.meetings.upcoming(services.storage.clock(), limit=1)
    meeting = upcoming[0] if upcoming else None
    items, item_count, _ = services.agenda_service.so_far(meeting, limit=10) if meeting else ([], 0, 0)
    polls = services.polls.open_polls(user_id, services.settings.channel, limit=10)
    digest, stuck = None, None
    if services.coordinators.is_coordinator(user_id):
        digest = services.digest(user_id)
        stuck = needs_you(
            services.digest_queries,
            services.organisations,
            services.storage.clock(),
            services.settings.timezone,
            limit=home_blocks.NEEDS_YOU_TOP,
        )
    return home_blocks.home_view(requests, total, meeting, items, item_count, polls, digest, stuck)
