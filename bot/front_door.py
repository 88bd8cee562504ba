"""The HTTP front door: what every POST to /slack/events passes before Bolt sees it.

Bolt's WSGI adapter decodes and parses a body before it checks the signature, so a body
that is not UTF-8 or not JSON where JSON is expected answered 500, with a traceback in the
log, to anyone. Here the steps run in the order that keeps a stranger out of everything:

1. the signature, on the raw bytes: headers of the exact form Slack sends (a timestamp of
   digits within five minutes of now, `v0=` and 64 hex digits), then the HMAC. Anything
   else is 401, and one log line that names the reason, never the body.
2. the body, decoded and parsed as Bolt will parse it, and checked to have the shape of
   what Slack sends (a slash command, a click, a form, an event): 400 if it does not.
3. replays: a request's signature (an event's ID, as Slack re-sends an event with a new
   signature) is recorded in the database before it is acted on; seen before, by this
   process or another, it is answered 200 with an empty body and not acted on again.

Only then does Bolt get the request (and checks the signature again, which costs
microseconds and keeps Bolt's own guarantee for the other run modes' sake).
"""

from __future__ import annotations

import hashlib
import hmac
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from slack_bolt.request.internals import parse_body

from bot.logs import failure

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


class _SubmittedView(_Shape):
    type: str  # "modal"
    callback_id: str = ""
    state: dict[str, dict[str, dict[str, Any]]]
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
    "block_actions": BlockActionsBody, "view_submission": ViewSubmissionBody, "event_callback": EventCallbackBody, "url_verification": UrlVerificationBody,
}


def read_body(raw: bytes, content_type: str) -> tuple[str, dict]:
    """(the body as text, what Bolt will parse from it), or a Refusal (400) saying what is wrong."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise Refusal(400, "body is not UTF-8") from None
    try:
        payload = parse_body(text, content_type or None)  # as Bolt will parse it
    except ValueError:  # json.JSONDecodeError is one
        raise Refusal(400, "body does not parse") from None
    if not isinstance(payload, dict):
        raise Refusal(400, "body is not an object")
    kind = payload.get("type")
    shape = SHAPES.get(kind) if isinstance(kind, str) else None
    if shape is None and "command" in payload:
        shape = SlashCommandBody
    if shape is None and "ssl_check" in payload:  # Slack checking the certificate; Bolt answers it
        shape = _Shape
    if shape is None:
        raise Refusal(400, "body is not a command, click, form or event")
    try:
        shape.model_validate(payload)
    except ValidationError as error:
        where = ", ".join(".".join(map(str, e["loc"])) for e in error.errors()[:3])
        raise Refusal(400, f"{shape.__name__} malformed at {where}") from None  # field names, never values
    return text, payload


def replay_key(payload: dict, signature: str) -> str:
    """What makes a request the same request: an event's ID (Slack's retries of an event
    carry a fresh signature), else its signature, which covers its timestamp and body."""
    if payload.get("type") == "event_callback":
        return f"event:{payload['event_id']}"
    return signature


class FrontDoor:
    """Checks a POST and returns (status, headers, body): its own refusal, or Bolt's answer."""

    def __init__(self, signing_secret: str, first_time: Callable[[str], bool],
                 dispatch: Callable[[str, dict[str, str]], tuple[int, dict, str]]):
        self.secret = signing_secret.encode()
        self.first_time = first_time
        self.dispatch = dispatch

    def handle(self, raw: bytes, headers: dict[str, str]) -> tuple[int, dict[str, str], str]:
        try:
            signature = headers.get("x-slack-signature", "")
            verify(self.secret, headers.get("x-slack-request-timestamp", ""), signature, raw)
            text, payload = read_body(raw, headers.get("content-type", ""))
        except Refusal as refusal:
            log.info("refused a request (%s): %s", refusal.status, refusal.reason)
            return refusal.status, {"Content-Type": "text/plain; charset=utf-8"}, refusal.reason
        if not self.first_time(replay_key(payload, signature)):
            retry = headers.get("x-slack-retry-num")
            log.info("answered a request seen before without acting on it%s",
                     f" (Slack's retry {retry})" if retry and retry.isdigit() else "")
            return 200, {}, ""
        try:
            return self.dispatch(text, headers)
        except Exception as error:  # a body shaped in a way Bolt itself trips over: a bug to find
            log.error("Bolt could not take a request: %s", failure(error))
            return 500, {"Content-Type": "text/plain; charset=utf-8"}, "internal error"
