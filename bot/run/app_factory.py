"""The one Bolt app that all three run modes drive."""

from __future__ import annotations

import logging

from flask import Blueprint
from slack_bolt import App, BoltResponse
from slack_sdk import WebClient
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from bot.errors import failure
from bot.outbound.courier_client import LeasedClient
from bot.render.blocks import SORRY, TRY_AGAIN, sorry_reply
from bot.run.logs import quiet_bolt
from bot.services import Services
from bot.settings import Settings
from handlers import register_all

log = logging.getLogger("iwg.app")


def web_client(settings: Settings, token: str | None = None) -> WebClient:
    """A Web API client on SLACK_API_URL that retries rate limits, 5xx and dropped connections."""
    return WebClient(
        token=token or (settings.slack_bot_token and settings.slack_bot_token.get_secret_value()),
        base_url=settings.slack_api_url,
        timeout=10,
        retry_handlers=[
            ConnectionErrorRetryHandler(max_retry_count=2),
            RateLimitErrorRetryHandler(max_retry_count=2),
            ServerErrorRetryHandler(max_retry_count=2),
        ],
    )


def courier_client(settings: Settings, token: str | None = None, base_url: str | None = None) -> LeasedClient:
    """The courier's client: each call tried once, the courier deciding what comes next
    (bot/outbound/courier.py), so that nothing sleeps out a Retry-After while holding a claim."""
    return LeasedClient(
        token=token or (settings.slack_bot_token and settings.slack_bot_token.get_secret_value()),
        base_url=base_url or settings.slack_api_url,
    )


def create_app(
    services: Services,
    *,
    client: WebClient | None = None,
    signing_secret: str | None = None,
    token_verification: bool = True,
) -> App:
    """Build the app with every handler registered.

    process_before_response=True: the ack goes out as soon as the listener returns, and not
    before, so a reply never speaks of a write that is not committed; Bolt's default path
    would instead poll for the ack in 10 ms steps.
    """
    settings = services.settings
    configured = settings.slack_signing_secret
    # Socket Mode has no signing secret: Bolt does not verify what arrives over its socket.
    secret = signing_secret or (configured.get_secret_value() if configured else "")
    app = App(
        client=client or web_client(settings),
        signing_secret=secret,
        process_before_response=True,
        token_verification_enabled=token_verification,
    )
    quiet_bolt()
    register_all(app, services)
    app.error(_on_error)
    return app


def public_pages(services: Services) -> Blueprint | None:
    """The public request page (handlers/web_pages.py) for the web server, when every
    setting it needs is there (settings.public_page); None otherwise. Imported here only
    when wanted: a bot without the page loads none of Flask-WTF or Flask-Limiter."""
    if not services.settings.public_page:
        return None
    from handlers.web_pages import blueprint

    return blueprint(services)


def _on_error(error: Exception, body: dict) -> BoltResponse:
    """A listener that raised: log the error (not the body) and answer in the form Slack
    takes for what was sent: a message for a command, the form itself for a submission."""
    log.error("listener failed: %s", failure(error))
    if body.get("type") == "view_submission":
        view = {
            "type": "modal",
            "title": {"type": "plain_text", "text": "IWG Bot"},
            "close": {"type": "plain_text", "text": "Close"},
            "blocks": [{"type": "section", "text": {"type": "mrkdwn", "text": f":warning: {SORRY} {TRY_AGAIN}"}}],
        }
        return BoltResponse(status=200, body={"response_action": "update", "view": view})
    if body.get("type") == "block_actions":
        return BoltResponse(status=200, body="")
    return BoltResponse(status=200, body=sorry_reply().as_ack())
