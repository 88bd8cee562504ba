"""Slack's Web API, played on loopback for the tests: records every call, checks every payload.

Each message, ephemeral message, update, response_url post and view is checked with
slack_sdk's own Block Kit models; anything Slack would reject is recorded in `problems`,
and the fixtures fail the test when it is not empty.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from bot.local_slack import LocalSlack

MESSAGE_METHODS = ("chat.postMessage", "chat.postEphemeral", "chat.update")
VIEW_METHODS = ("views.open", "views.push", "views.update", "views.publish")


@dataclass
class Call:
    method: str
    args: dict
    result: dict | None = None  # what the stand-in answered (a message's ts, say)


def block_problems(blocks) -> list[str]:
    """What Slack would reject in a message's blocks (empty if nothing)."""
    if blocks is None:
        return []
    if not isinstance(blocks, list):
        return [f"blocks is a {type(blocks).__name__}, not a list"]
    problems = [f"{len(blocks)} blocks; a message takes at most 50"] if len(blocks) > 50 else []
    for index, raw in enumerate(blocks):
        try:
            block = Block.parse(raw)
            if block is None:
                raise ValueError(f"unknown block type {raw.get('type')!r}")
            block.validate_json()
            unknown = set(raw) - set(block.to_dict())
            if unknown:
                raise ValueError(f"attributes Slack does not know: {sorted(unknown)}")
        except Exception as error:  # each model error becomes a readable problem line
            problems.append(f"block {index} ({raw.get('type') if isinstance(raw, dict) else raw!r}): {error}")
    return problems


def message_problems(message: dict) -> list[str]:
    """A message payload (Web API args, an ack body or a response_url post)."""
    problems = block_problems(message.get("blocks"))
    if not message.get("text") and not message.get("blocks"):
        problems.append("a message with neither text nor blocks")
    if message.get("blocks") and not message.get("text"):
        problems.append("blocks without a text fallback (notifications and screen readers need it)")
    return problems


def view_problems(view) -> list[str]:
    if not isinstance(view, dict):
        return [f"view is a {type(view).__name__}"]
    try:
        View(**view).validate_json()
    except Exception as error:
        return [f"view: {error}"]
    return block_problems(view.get("blocks"))


class SlackStandIn(LocalSlack):
    """Records every call and response_url post, and every problem Slack would have with them."""

    def __init__(self, port: int = 0):
        super().__init__(port)
        self.calls: list[Call] = []
        self.responses: list[Call] = []
        self.problems: list[str] = []
        self.fail_next: dict[str, str] = {}  # method -> the error Slack answers it with, once
        # method -> HTTP answers to give first: (429, {"Retry-After": "1"}), (500, {}), or (0, {}) to
        # drop the connection without answering
        self.http_failures: dict[str, list[tuple[int, dict]]] = {}
        self.slow: dict[str, float] = {}  # method -> seconds Slack takes to answer it (an incident)
        self._lock = threading.Lock()

    def answer(self, method: str, args: dict) -> dict:
        call = Call(method, args)
        with self._lock:
            self.calls.append(call)
            if method in MESSAGE_METHODS:
                self.problems += [f"{method}: {p}" for p in message_problems(args)]
            if method in VIEW_METHODS:
                self.problems += [f"{method}: {p}" for p in view_problems(args.get("view"))]
            if method in self.fail_next:
                call.result = {"ok": False, "error": self.fail_next.pop(method)}
                return call.result
        call.result = super().answer(method, args)
        return call.result

    def on_api_call(self, method: str, args: dict):
        if method in self.slow:
            time.sleep(self.slow[method])
        with self._lock:
            failures = self.http_failures.get(method)
            if failures:
                status, headers = failures.pop(0)
                self.calls.append(Call(f"{method}:{status or 'dropped'}", args))
                return status, {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}, headers
        return super().on_api_call(method, args)

    def on_response(self, key: str, args: dict):
        with self._lock:
            self.responses.append(Call(key, args))
            self.problems += [f"response_url: {p}" for p in message_problems(args)]
        return super().on_response(key, args)

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def dms_to(self, user_id: str) -> list[dict]:
        """The direct messages the bot posted to one member (LocalSlack opens D<id> for U<id>)."""
        channel = "D" + user_id[1:]
        return [c.args for c in self.calls_to("chat.postMessage") if c.args.get("channel") == channel]

    def wait_for(self, condition, timeout: float = 5.0, what: str = "the bot's call"):
        """Poll `condition()` until it is truthy; its value, or an AssertionError after `timeout`."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if time.monotonic() > deadline:
                raise AssertionError(f"waited {timeout}s for {what}; calls: {[c.method for c in self.calls]}")
            time.sleep(0.02)
