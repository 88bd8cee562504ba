"""The HTTP front door: what every POST to /slack/events passes before Bolt sees it.

Bolt's WSGI adapter decodes and parses a body before it checks the signature, so a body
that is not UTF-8 or not JSON where JSON is expected answered 500, with a traceback in the
log, to anyone. Here the steps run in the order that keeps a stranger out of everything:

1. the signature, on the raw bytes: headers of the exact form Slack sends (a timestamp of
   digits within five minutes of now, `v0=` and 64 hex digits), then the HMAC. Anything
   else is 401, and one log line that names the reason, never the body.
2. the body, decoded and made into Bolt's own request object (which parses it), and
   checked to have the shape of what Slack sends (a slash command, a click, a form, an
   event): 400 if it does not. The handlers check each value again as they read it
   (handlers/interactions.py); this only keeps out what Bolt itself would trip over.
3. replays: a request's signature (an event's ID, as Slack re-sends an event with a new
   signature) is recorded in the database before it is acted on; seen before, by this
   process or another, it is answered 200 with an empty body and not acted on again. One
   that failed (5xx) is forgotten again, so Slack's retry of it is acted on.

Only then does Bolt get that request object (and checks the signature again, which costs
microseconds and keeps Bolt's own guarantee for the other run modes' sake). Slack's
certificate check (`ssl_check=1`, unsigned, acting on nothing) is answered 200 first, as
Bolt does.
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qsl

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt import App, BoltResponse
from slack_bolt.context import BoltContext
from slack_bolt.request import BoltRequest
from slack_bolt.request.internals import build_context

from bot.errors import failure
from storage.seen_requests import SeenRequestRepository

log = logging.getLogger("iwg.front_door")

TOLERANCE_SECONDS = 5 * 60  # Slack's own window for a request's timestamp
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


@dataclass
class Refusal(Exception):
    status: int
    reason: str


def verify(secret: bytes, timestamp: str, signature: str, raw: bytes, now: float | None = None) -> None:
    """Slack's v0 scheme on the bytes as they arrived; a Refusal (401) saying what is wrong."""
    if not _TIMESTAMP.fullmatch(timestamp):
        raise Refusal(401, "no timestamp, or not one Slack would send")
    if abs((time.time() if now is None else now) - int(timestamp)) > TOLERANCE_SECONDS:
        raise Refusal(401, "timestamp outside the five-minute window")
    if not _SIGNATURE.fullmatch(signature):
        raise Refusal(401, "no signature, or not one Slack would send")
    expected = "v0=" + hmac.new(secret, b"v0:" + timestamp.encode() + b":" + raw, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        raise Refusal(401, "signature does not match")


# --- what Slack sends: the fields Bolt and the handlers rely on, each of the right type --------


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow")


class _User(_Shape):
    id: str = Field(min_length=1)


class SlashCommandBody(_Shape):
    command: str = Field(pattern=r"^/")
    user_id: str = Field(min_length=1)
    text: str = ""


class _Action(_Shape):
    action_id: str


class BlockActionsBody(_Shape):
    user: _User
    actions: list[_Action] = Field(min_length=1)


class _State(_Shape):
    values: dict[str, dict[str, Any]]  # block_id -> action_id -> what the field holds


class _SubmittedView(_Shape):
    type: str  # "modal"
    callback_id: str = ""
    state: _State
    private_metadata: str = ""


class ViewSubmissionBody(_Shape):
    user: _User
    view: _SubmittedView


class _Event(_Shape):
    type: str


class EventCallbackBody(_Shape):
    event_id: str = Field(min_length=1)
    event: _Event


class UrlVerificationBody(_Shape):
    challenge: str


SHAPES: dict[str, type[_Shape]] = {
    "block_actions": BlockActionsBody,
    "view_submission": ViewSubmissionBody,
    "event_callback": EventCallbackBody,
    "url_verification": UrlVerificationBody,
}


def ssl_check(raw: bytes) -> bool:
    """Slack's certificate check (`ssl_check=1`, unsigned): answered 200, as Bolt would, and
    acted on by nothing. Only a short plain form of nothing else is one."""
    named = raw.startswith(b"ssl_check=") or b"&ssl_check=" in raw
    if len(raw) > 512 or not raw.isascii() or not named:
        return False
    fields = dict(parse_qsl(raw.decode("ascii"), keep_blank_values=True))
    return fields.get("ssl_check") == "1" and not {"command", "payload", "type"} & set(fields)


def read_request(raw: bytes, headers: dict[str, str]) -> BoltRequest:
    """The request as Bolt will take it, or a Refusal (400) saying what is wrong. Bolt parses
    it here, once (the same object is dispatched), so the body cannot be read two ways."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "body is not UTF-8") from None
    try:
        request = bolt_request(text, headers)
    except Exception:  # JSON that does not parse, or a value of a type Bolt trips over
        raise Refusal(400, "body does not parse as Slack's") from None
    payload = request.body
    if not isinstance(payload, dict):
        raise Refusal(400, "body is not an object")
    kind = payload.get("type")
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    if shape is None and "command" in payload:
        shape = SlashCommandBody
    if shape is None:
        raise Refusal(400, "body is not a command, click, form or event")
    try:
        shape.model_validate(payload)
    except ValidationError as error:  # the field's path, never its value
        where = ", ".join(".".join(str(part)[:20] for part in e["loc"]) for e in error.errors()[:3])
        raise Refusal(400, f"{shape.__name__} malformed at {where}") from None
    return request


def bolt_request(text: str, headers: dict) -> BoltRequest:
    """Bolt's request for a body, read as Slack meant it. Bolt takes any form body with the
    letters `payload` in it for an interaction and, finding no `payload` field, reads it as
    nothing (slack_bolt.request.internals.parse_body), so a command whose text says
    "payload" went unanswered. Such a body is read here as the form it is; the raw text is
    kept for Bolt's own signature check."""
    request = BoltRequest(body=text, headers=headers)
    if request.body == {} and text and not text.startswith("{"):
        fields = dict(parse_qsl(text, keep_blank_values=True))
        if "payload" not in fields:
            request.body = fields
            request.context = build_context(BoltContext({}), fields)
    return request


def replay_key(payload: dict, signature: str) -> str:
    """What makes a request the same request: an event's ID (Slack's retries of an event
    carry a fresh signature), else its signature, which covers its timestamp and body."""
    if payload.get("type") == "event_callback":
        return f"event:{payload['event_id']}"
    return signature


_PLAIN = {"Content-Type": "text/plain; charset=utf-8"}
_WHY = {400: "Bad Request", 401: "Unauthorized"}  # what a stranger reads; the reason goes to the log


class FrontDoor:
    """Checks a POST and returns (status, headers, body): its own refusal, or Bolt's answer."""

    def __init__(self, signing_secret: str, app: App, seen: SeenRequestRepository):
        self.secret = signing_secret.encode()
        self.app = app
        self.seen = seen

    def handle(self, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        if ssl_check(raw):
            return 200, {}, ""
        try:
            signature = headers.get("x-slack-signature", "")
            verify(self.secret, headers.get("x-slack-request-timestamp", ""), signature, raw)
            request = read_request(raw, headers)
        except Refusal as refusal:
            log.info("refused a request (%s): %s", refusal.status, refusal.reason)
            return refusal.status, _PLAIN, _WHY[refusal.status]
        key = replay_key(request.body, signature)
        if not self.seen.first_time(key):
            retry = headers.get("x-slack-retry-num")
            log.info(
                "answered a request seen before without acting on it%s",
                f" (Slack's retry {retry})" if retry and retry.isdigit() else "",
            )
            return 200, {}, ""
        try:
            response = self.app.dispatch(request)
        except Exception as error:  # a body shaped in a way Bolt itself trips over: a bug to find
            log.error("Bolt could not take a request: %s", failure(error))
            response = BoltResponse(status=500, body="internal error")
        if response.status >= 500:  # not acted on: Slack's retry of it must be taken
            self.seen.forget(key)
        return response.status, {name: ", ".join(values) for name, values in response.headers.items()}, response.body
