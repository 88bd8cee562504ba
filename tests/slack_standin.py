"""Slack's Web API, played on loopback for the tests: records every call, checks every
payload, and plays Slack's rules, so that no test passes only because the stand-in is kinder.

- Payloads: each message, ephemeral message, update, response_url post and view is checked
  with slack_sdk's own Block Kit models; anything Slack would reject is recorded in
  `problems`, and the fixtures fail the test when it is not empty.
- A workspace: public and private channels, and the bot's DMs (`channel_type`); the bot
  posts, updates and reads history only where it is a member (`not_in_channel`,
  `channel_not_found` for a private channel or a DM it is not in, `is_archived`); messages
  are kept per channel with their metadata, and `chat.update` needs a message that exists.
- Rate limits: chat.postMessage about one a second per channel with a short burst, the
  other methods by their tier (per minute, with a minute's burst), answered with 429 and
  Retry-After like Slack; `rate_limited` records each one met.
- `trigger_id`s expire after 3 s and work once; a `response_url` takes 5 posts within 30 minutes.
- Faults to inject: `fail_next` (an error answer), `http_failures` (429, 5xx, dropped),
  `lost_answers` (the call takes effect, its answer never arrives), `slow`, `outage()`.
- `https=True` serves TLS with a self-signed certificate (`cert_file`, for SSL_CERT_FILE).
"""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from bot.run.block_kit import call_problems, message_problems
from bot.run.local_slack import LocalSlack
from tests.certificate import self_signed_certificate

TRIGGER_SECONDS = 3.0
RESPONSE_URL_USES, RESPONSE_URL_SECONDS = 5, 30 * 60
POST_BURST = 4  # chat.postMessage per channel: one a second, this many at once after a pause
TIERS = {1: 1, 2: 20, 3: 50, 4: 100}  # calls a minute
METHOD_TIERS = {
    "conversations.open": 3,
    "conversations.history": 3,
    "conversations.info": 3,
    "chat.update": 3,
    "chat.postEphemeral": 4,
    "users.info": 4,
    "views.open": 4,
    "views.publish": 4,
    "views.update": 4,
    "views.push": 4,
    "files.getUploadURLExternal": 4,
    "files.completeUploadExternal": 4,
    "auth.test": 4,
}


@dataclass
class Call:
    method: str
    args: dict
    result: dict | None = None  # what the stand-in answered (a message's ts, say)


@dataclass
class Channel:
    id: str
    name: str
    type: str = "channel"  # "channel" (public), "group" (private), "im"
    member: bool = True
    archived: bool = False
    messages: list[dict] = field(default_factory=list)


class Bucket:
    """A token bucket: `rate` a second, `burst` at once."""

    def __init__(self, rate: float, burst: float):
        self.rate, self.burst, self.tokens, self.at = rate, burst, burst, time.monotonic()

    def take(self) -> float:
        """0 if a call may go now (and it is counted), else the seconds until one may."""
        now = time.monotonic()
        self.tokens = min(self.burst, self.tokens + (now - self.at) * self.rate)
        self.at = now
        if self.tokens >= 1:
            self.tokens -= 1
            return 0.0
        return (1 - self.tokens) / self.rate


class SlackStandIn(LocalSlack):
    """Records every call and response_url post, and every problem Slack would have with them."""

    def __init__(self, port: int = 0, https: bool = False):
        self.cert_file, key_file = self_signed_certificate() if https else (None, None)
        super().__init__(port, cert_file=self.cert_file, key_file=key_file)
        self.calls: list[Call] = []
        self.responses: list[Call] = []
        self.problems: list[str] = []
        self.rate_limited: list[Call] = []  # the 429s Slack's rules gave (not the injected ones)
        self.fail_next: dict[str, str] = {}  # method -> the error Slack answers it with, once
        # method -> HTTP answers to give first: (429, {"Retry-After": "1"}), (500, {}), or (0, {}) to
        # drop the connection without answering
        self.http_failures: dict[str, list[tuple[int, dict]]] = {}
        self.lost_answers: dict[str, int] = {}  # method -> calls that take effect but whose answer is lost
        self.slow: dict[str, float] = {}  # method -> seconds Slack takes to answer it (an incident)
        self.channels: dict[str, Channel] = {}
        self.people: dict[str, str] = {}  # user ID -> display name, as users.info answers it
        for channel in (
            Channel("C0IWG", "iwg"),
            Channel("C0ASK", "ask"),
            Channel("C0BENCH", "bench"),
            Channel("C0CONSOLE", "console"),
            Channel("G0SECRET", "secret", "group"),
            Channel("C0ELSEWHERE", "general", member=False),
        ):
            self.channels[channel.id] = channel
        self._down_until = 0.0
        self._post_buckets: dict[str, Bucket] = {}
        self._tier_buckets = {m: Bucket(TIERS[t] / 60, TIERS[t]) for m, t in METHOD_TIERS.items()}
        self._triggers_used: set[str] = set()
        self._response_uses: dict[str, int] = {}
        self._lock = threading.Lock()

    # --- the workspace -------------------------------------------------------------------

    def add_channel(self, channel_id: str, name: str, private: bool = False, member: bool = True) -> Channel:
        with self._lock:
            channel = self.channels[channel_id] = Channel(channel_id, name, "group" if private else "channel", member)
            return channel

    def outage(self, seconds: float) -> None:
        """Every connection is dropped unanswered for the next `seconds`."""
        self._down_until = time.monotonic() + seconds

    def rate_limit_channel(self, channel_id: str, seconds: float) -> None:
        """Posts to this channel meet 429s for the next `seconds` (a burst from elsewhere used it up)."""
        with self._lock:
            bucket = self._post_buckets.setdefault(channel_id, Bucket(1.0, POST_BURST))
            bucket.tokens = bucket.burst if seconds <= 0 else 1 - seconds * bucket.rate - 1e-9
            bucket.at = time.monotonic()

    def posts_in(self, channel_id: str, containing: str = "") -> list[dict]:
        """The messages kept in a channel whose text or blocks contain `containing`."""
        return [m for m in self.messages_in(channel_id) if containing in f"{m.get('text')}{m.get('blocks')}"]

    def messages_in(self, channel_id: str) -> list[dict]:
        with self._lock:
            channel = self.channels.get(channel_id)
            return [dict(m) for m in channel.messages] if channel else []

    # --- answering -------------------------------------------------------------------------

    def answer(self, method: str, args: dict) -> dict:
        call = Call(method, args)
        with self._lock:
            self.calls.append(call)
            self.problems += [f"{method}: {p}" for p in call_problems(method, args)]
            if method in self.fail_next:
                call.result = {"ok": False, "error": self.fail_next.pop(method)}
                return call.result
            call.result = self._by_the_rules(method, args)
            if call.result is None:
                call.result = super().answer(method, args)
                self._keep(method, args, call.result)
            return call.result

    def _by_the_rules(self, method: str, args: dict) -> dict | None:
        """Slack's refusal of this call, or None to answer it as LocalSlack does."""
        if method in ("chat.postMessage", "chat.update", "chat.postEphemeral", "conversations.history"):
            refusal = self._cannot_use(str(args.get("channel", "")))
            if refusal:
                return {"ok": False, "error": refusal}
        if method == "chat.update" and not any(
            m["ts"] == args.get("ts") for m in self.channels[args["channel"]].messages
        ):
            return {"ok": False, "error": "message_not_found"}
        if method == "conversations.history":
            return self._history(self.channels[args["channel"]], args)
        if method == "conversations.info":
            channel = self.channels.get(str(args.get("channel", "")))
            if channel is None or (channel.type != "channel" and not channel.member):
                return {"ok": False, "error": "channel_not_found"}
            return {
                "ok": True,
                "channel": {
                    "id": channel.id,
                    "name": channel.name,
                    "is_member": channel.member,
                    "is_private": channel.type == "group",
                    "is_im": channel.type == "im",
                    "is_archived": channel.archived,
                },
            }
        if method in ("views.open", "views.push"):
            return self._trigger_refusal(str(args.get("trigger_id", "")))
        if method == "users.info" and args.get("user") in self.people:
            user_id = str(args["user"])
            name = self.people[user_id]
            user = {"id": user_id, "name": name.lower(), "profile": {"display_name": name}}
            return {"ok": True, "user": self._with_locale(user, args)}
        return None

    def _cannot_use(self, channel_id: str) -> str | None:
        channel = self.channels.get(channel_id)
        if channel is None or (channel.type != "channel" and not channel.member):
            return "channel_not_found"  # a private channel or DM the bot is not in looks like none at all
        if channel.archived:
            return "is_archived"
        return None if channel.member else "not_in_channel"

    def _trigger_refusal(self, trigger_id: str) -> dict | None:
        issued = trigger_id.split(".")[0]
        if not issued.isdigit():
            return {"ok": False, "error": "invalid_trigger_id"}
        seconds = int(issued) / 1000 if len(issued) >= 12 else int(issued)
        if time.time() - seconds > TRIGGER_SECONDS:
            return {"ok": False, "error": "expired_trigger_id"}
        if trigger_id in self._triggers_used:
            return {"ok": False, "error": "trigger_exchanged"}
        self._triggers_used.add(trigger_id)
        return None

    def _keep(self, method: str, args: dict, result: dict) -> None:
        """Messages, as conversations.history will give them back."""
        if method == "conversations.open" and result.get("ok"):
            channel_id = result["channel"]["id"]
            self.channels.setdefault(channel_id, Channel(channel_id, channel_id, "im"))
        elif method == "chat.postMessage" and result.get("ok"):
            message = {
                "type": "message",
                "ts": result["ts"],
                "text": args.get("text"),
                "blocks": args.get("blocks"),
                "user": self.bot_user_id,
                "bot_id": "B0IWGBOT",
            }
            if args.get("metadata"):
                message["metadata"] = args["metadata"]
            if args.get("thread_ts"):
                message["thread_ts"] = args["thread_ts"]
                if str(args.get("reply_broadcast", "")).lower() in ("1", "true"):
                    message["subtype"] = "thread_broadcast"  # shown in the channel, and in its history
            self.channels[args["channel"]].messages.append(message)
        elif method == "chat.update" and result.get("ok"):
            for message in self.channels[args["channel"]].messages:
                if message["ts"] == args.get("ts"):
                    message.update(text=args.get("text"), blocks=args.get("blocks"))

    def _history(self, channel: Channel, args: dict) -> dict:
        oldest = float(args.get("oldest") or 0)
        limit = min(int(args.get("limit") or 100), 999)
        metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        found = [
            m
            for m in reversed(channel.messages)
            if float(m["ts"]) > oldest and ("thread_ts" not in m or m.get("subtype") == "thread_broadcast")
        ]
        start = int(args.get("cursor") or 0)
        page = [
            m if metadata else {k: v for k, v in m.items() if k != "metadata"} for m in found[start : start + limit]
        ]
        more = start + limit < len(found)
        return {
            "ok": True,
            "messages": page,
            "has_more": more,
            "response_metadata": {"next_cursor": str(start + limit) if more else ""},
        }

    def on_api_call(self, method: str, args: dict):
        if time.monotonic() < self._down_until:
            self._record(f"{method}:dropped", args)
            return 0, {}, {}
        if method in self.slow:
            time.sleep(self.slow[method])
        with self._lock:
            failures = self.http_failures.get(method)
            if failures:
                status, headers = failures.pop(0)
                self.calls.append(Call(f"{method}:{status or 'dropped'}", args))
                return status, {"ok": False, "error": "ratelimited" if status == 429 else "internal_error"}, headers
            wait = self._rate_limit(method, args)
            if wait:
                call = Call(f"{method}:429", args)
                self.calls.append(call)
                self.rate_limited.append(call)
                return 429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(max(1, math.ceil(wait)))}
        status, body, headers = super().on_api_call(method, args)
        with self._lock:
            if self.lost_answers.get(method):
                self.lost_answers[method] -= 1
                self.calls.append(Call(f"{method}:answer-lost", args))
                return 0, {}, {}
        return status, body, headers

    def _rate_limit(self, method: str, args: dict) -> float:
        if method == "chat.postMessage":
            bucket = self._post_buckets.setdefault(str(args.get("channel")), Bucket(1.0, POST_BURST))
            return bucket.take()
        bucket = self._tier_buckets.get(method)
        return bucket.take() if bucket else 0.0

    def _record(self, method: str, args: dict) -> None:
        with self._lock:
            self.calls.append(Call(method, args))

    def on_response(self, key: str, args: dict):
        if time.monotonic() < self._down_until:
            self._record("response:dropped", args)
            return 0, b"", {}
        with self._lock:
            minted = key.split(".")
            if (
                len(minted) >= 2
                and minted[-2].isdigit()
                and time.time() - int(minted[-2]) / 1000 > RESPONSE_URL_SECONDS
            ):
                return 404, b"expired_url", {}
            self._response_uses[key] = self._response_uses.get(key, 0) + 1
            if self._response_uses[key] > RESPONSE_URL_USES:
                return 404, b"used_url", {}
            self.responses.append(Call(key, args))
            self.problems += [f"response_url: {p}" for p in message_problems(args)]
        return super().on_response(key, args)

    # --- what the tests read ---------------------------------------------------------------

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def dms_to(self, user_id: str) -> list[dict]:
        """The direct messages the bot posted to one member (LocalSlack opens D<id> for U<id>)."""
        channel = "D" + user_id[1:]
        return [
            c.args
            for c in self.calls_to("chat.postMessage")
            if c.args.get("channel") == channel and c.result and c.result.get("ok")
        ]

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
