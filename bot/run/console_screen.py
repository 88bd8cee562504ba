"""What the console's member sees: the Web API on loopback, printing each message as
Slack would show it to them, and remembering every message and button so a typed
`click b3` can become the click Slack would send.

Slack's rules of who sees what hold here too: a direct message, an ephemeral message or an
App Home is shown only to its member. One for someone else is announced in a line and kept
until the console acts as them (`as @U0AMINA`), and only they can click its buttons.
"""

from __future__ import annotations

import itertools
import json
import re
import threading
from dataclasses import dataclass, field
from typing import TextIO

from bot.render.console_text import blocks_to_text, mrkdwn_to_text
from bot.run.block_kit import call_problems, message_problems
from bot.run.console_forms import fold, text_of
from bot.run.local_slack import LocalSlack

USER = "U0CONSOLE"
CHANNEL = "C0CONSOLE"
TEAM = "T0CONSOLE"
USER_NAME = "Console Coordinator"


@dataclass
class Shown:
    """A message (or an App Home) as the member's Slack holds it now."""

    key: str
    channel: str
    ts: str
    blocks: list = field(default_factory=list)
    text: str = ""
    owner: str | None = None  # the one member who sees it; None for a channel's message
    ephemeral: bool = False
    view: dict | None = None  # an App Home's view


@dataclass(frozen=True)
class Button:
    handle: str
    identity: tuple[str, str, str, str]  # (message key, action_id, value, label): see _identity

    @property
    def key(self) -> str:  # the message it sits in
        return self.identity[0]

    @property
    def label(self) -> str:
        return self.identity[3]


def _identity(key: str, element: dict) -> tuple[str, str, str, str]:
    """What makes a button the same one across its message's updates."""
    return key, str(element.get("action_id", "")), str(element.get("value", "")), text_of(element.get("text"))


def owner_of(channel: str) -> str | None:
    """The member of a direct message (LocalSlack opens D<id> for U<id>)."""
    return "U" + channel[1:] if channel.startswith("D") else None


def _label(text: str) -> str:
    """A button's label as a member would type it: no trailing … or leading `2.`, and
    neither case nor accents."""
    return fold(re.sub(r"^\d+\.\s+", "", text.strip().rstrip("…")))


class ConsoleSlack(LocalSlack):
    """The Web API on loopback, printing each message as the member would read it."""

    team_id = TEAM

    def __init__(self, out: TextIO):
        super().__init__()
        self.out = out
        self.viewer = USER
        self.people: dict[str, str] = {USER: USER_NAME}  # member ID -> name, as users.info answers
        self.messages: dict[str, Shown] = {}
        self.recent: list[str] = []  # message keys, the latest shown last
        self.buttons: dict[str, Button] = {}
        self.unread: dict[str, list[str]] = {}  # member -> keys of what arrived for them meanwhile
        self.forms: list[dict] = []  # modals opened, not yet taken by the console
        self.at_home = False  # the member is looking at their App Home (typed home, clicked in it)
        self._home_noted = False
        self._handles: dict[tuple, str] = {}
        self._numbers = itertools.count(1)
        self._keys = itertools.count(1)
        self._origins: dict[str, tuple[str | None, str]] = {}  # response_url key -> (message key, member)
        self._lock = threading.RLock()

    # --- the Web API, as the member's Slack shows it -----------------------------------

    def answer(self, method: str, args: dict) -> dict:
        result = super().answer(method, args)
        with self._lock:
            self._warn(method, args)
            self._take(method, args, result)
        return result

    def _warn(self, method: str, args: dict) -> None:
        """What Slack would refuse in this call, said before it is shown (a change being tried)."""
        for problem in call_problems(method, args):
            self.line(f"⚠ Slack would refuse this {method} call: {problem}")

    def _take(self, method: str, args: dict, result: dict) -> None:
        channel = str(args.get("channel") or args.get("channel_id") or "")
        if method == "chat.postMessage":
            shown = Shown(f"{channel}:{result['ts']}", channel, result["ts"], owner=owner_of(channel))
            self._put(shown, args, f"posted to {self._place(channel)}")
        elif method == "chat.update" and f"{channel}:{args.get('ts')}" in self.messages:
            self._put(self.messages[f"{channel}:{args.get('ts')}"], args, f"message updated in {self._place(channel)}")
        elif method == "chat.postEphemeral":
            user = str(args.get("user"))
            shown = Shown(f"eph:{next(self._keys)}", channel, result["message_ts"], owner=user, ephemeral=True)
            self._put(shown, args, f"only {self.name(user)} sees this, in {self._place(channel)}")
        elif method == "views.publish":
            user = str(args.get("user_id"))
            view = {**(args.get("view") or {}), "id": f"VHOME{user}"}
            shown = Shown(f"home:{user}", "", "", owner=user, view=view)
            self._put(shown, {"blocks": view.get("blocks")}, "your App Home")
        elif method in ("views.open", "views.push"):  # a modal to fill: the console asks for it
            view = {**(args.get("view") or {}), "id": f"VFORM{next(self._keys)}"}
            result["view"]["id"] = view["id"]
            self.forms.append(view)
        elif method == "files.completeUploadExternal":
            member = owner_of(channel)
            if member and member != self.viewer:
                self.line(f"   ✉ a file for {self.name(member)}, in their direct messages")
            else:
                self.say(f"a file arrives in {self._place(channel)}", self._files_text(args))
        elif method == "users.info" and result.get("ok"):
            name = self.people.get(str(args.get("user")))
            if name:
                result["user"].update(real_name=name, profile={"display_name": name})

    def on_response(self, key: str, args: dict):
        """A post to a response_url: a new ephemeral message, or (replace_original) the
        message clicked in, changed; (delete_original) that message gone."""
        with self._lock:
            for problem in message_problems(args):
                self.line(f"⚠ Slack would refuse this response: {problem}")
            origin, user = self._origins.get(key, (None, self.viewer))
            if _truthy(args.get("delete_original")) and origin in self.messages:
                del self.messages[origin]
                self.say("the message you clicked in is gone", "", user)
            elif _truthy(args.get("replace_original")) and origin in self.messages:
                self._put(self.messages[origin], args, "the message you clicked in, updated")
            else:
                self.show_reply(args, user)
        return super().on_response(key, args)

    def show_reply(self, message: dict, user: str) -> None:
        """A command's or click's answer: only `user` sees it, unless it is posted in the channel."""
        with self._lock:
            public = message.get("response_type") == "in_channel"
            ts = f"{next(self._keys)}.000000"
            shown = Shown(f"eph:{next(self._keys)}", CHANNEL, ts, owner=None if public else user, ephemeral=not public)
            self._put(shown, message, f"posted to #{CHANNEL}" if public else "only you see this")

    def response_url_for(self, user: str, origin: str | None = None) -> str:
        """A fresh response_url for what `user` typed or clicked (in the message `origin`)."""
        key = f"r{next(self._keys)}"
        with self._lock:
            self._origins[key] = (origin, user)
        return self.response_url(key)

    # --- printing ---------------------------------------------------------------------------

    def _put(self, shown: Shown, args: dict, label: str) -> None:
        shown.blocks = list(args.get("blocks") or [])
        shown.text = str(args.get("text") or "")
        self.messages[shown.key] = shown
        if shown.owner and shown.owner != self.viewer:
            self._hold_for(shown.owner, shown)
        elif shown.view and not self.at_home:  # redrawn after a change elsewhere: Slack shows it when opened
            if not self._home_noted:
                self.line("   (your App Home changed: type home to see it)")
            self._home_noted = True
        else:
            if shown.view:  # the Home seen: its next unasked redraw is announced again
                self._home_noted = False
            self._print(label, shown)

    def _print(self, label: str, shown: Shown) -> None:
        if shown.key in self.recent:
            self.recent.remove(shown.key)
        self.recent.append(shown.key)

        def handle(element: dict, block: dict) -> str | None:
            return self._handle(shown.key, element)

        body = (
            blocks_to_text(shown.blocks, self.people, handle)
            if shown.blocks
            else mrkdwn_to_text(shown.text, self.people)
        )
        self.say(label, body)

    def _hold_for(self, member: str, shown: Shown) -> None:
        waiting = self.unread.setdefault(member, [])
        if shown.key in waiting:
            return
        waiting.append(shown.key)
        what = (
            "an App Home"
            if shown.view
            else "a direct message"
            if owner_of(shown.channel)
            else "a message only they see"
        )
        self.line(f"   ✉ {what} for {self.name(member)} (as @{member} to read it)")

    def say(self, label: str, body: str, owner: str | None = None) -> None:
        """A message under its label. Everything the console prints goes through here or
        `line`, under one lock: the server's, the courier's and the console's threads all print."""
        with self._lock:
            if owner and owner != self.viewer:
                return
            print(f"── {label} ──", file=self.out)
            if body:
                print(body, file=self.out)
            print(file=self.out, flush=True)

    def line(self, text: str) -> None:
        with self._lock:
            print(text, file=self.out, flush=True)

    def switch_to(self, member: str) -> None:
        """Act as `member` from now on; what arrived for them meanwhile is shown now."""
        with self._lock:
            self.viewer = member
            waiting = [k for k in self.unread.pop(member, []) if k in self.messages]
            if waiting:
                self.line(f"{len(waiting)} waiting for you:")
            for key in waiting:
                shown = self.messages[key]
                label = "your App Home" if shown.view else f"in {self._place(shown.channel)}"
                self._print(label, shown)

    def name(self, member: str) -> str:
        return f"@{self.people[member]}" if member in self.people else f"@{member}"

    def _place(self, channel: str) -> str:
        member = owner_of(channel)
        if member:
            return "your direct messages" if member == self.viewer else f"{self.name(member)}'s direct messages"
        return f"#{channel}"

    def _files_text(self, args: dict) -> str:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files or []
        parts = [mrkdwn_to_text(str(args.get("initial_comment", "")), self.people)]
        for item in files:
            content = self.uploads.get(item.get("id"), b"").decode("utf-8", "replace").splitlines()
            parts.append(f"📎 {self.upload_names.get(item.get('id'), item.get('title'))} ({len(content)} lines):")
            parts += [f"    {line}" for line in content[:6]] + (["    …"] if len(content) > 6 else [])
        return "\n".join(parts)

    # --- buttons ------------------------------------------------------------------------------

    def _handle(self, key: str, element: dict) -> str:
        """b1, b2 …: the same button of the same message keeps its handle when the message is
        updated (a poll's vote buttons), so a second member can click what the first did."""
        identity = _identity(key, element)
        if identity not in self._handles:
            self._handles[identity] = f"b{next(self._numbers)}"
            self.buttons[self._handles[identity]] = Button(self._handles[identity], identity)
        return self._handles[identity]

    def button(self, word: str) -> tuple[Shown, dict, str] | str:
        """(message, button element, block_id) for `word` (a handle, or a label unique among
        the buttons the latest messages show now), else why not, in words for the member."""
        with self._lock:
            found = self.buttons.get(word.lower())
            if found is None and re.fullmatch(r"b\d+", word.lower()):
                return f"There is no button {word}: each one shows its handle, like [b1 Vote]."
            found = found or self._by_label(word)
            if isinstance(found, str):
                return found
            shown = self.messages.get(found.key)
            if shown is None:
                return f"{found.handle} was in a message that is gone."
            if shown.owner and shown.owner != self.viewer:
                return f"{found.handle} is {self.name(shown.owner)}'s to click: `as @{shown.owner}` first."
            return (
                self._in_place(found)
                or f"{found.handle} is no longer in its message (it was updated): click one it shows now."
            )

    def _in_place(self, button: Button) -> tuple[Shown, dict, str] | None:
        """The button as its message shows it now, None if an update took it away."""
        shown = self.messages.get(button.key)
        for block in shown.blocks if shown else []:
            for element in _buttons_of(block):
                if _identity(button.key, element) == button.identity:
                    return shown, element, str(block.get("block_id") or "b")
        return None

    def _by_label(self, word: str) -> Button | str:
        latest = set(k for k in self.recent[-8:] if k in self.messages)
        wanted = _label(word)
        matches = [
            b for b in self.buttons.values() if b.key in latest and _label(b.label) == wanted and self._in_place(b)
        ]
        if len(matches) == 1:
            return matches[0]
        if not matches:
            return f"No button “{word}” in the latest messages: click one by its handle, e.g. click b1."
        listed = ", ".join(b.handle for b in matches)
        return f"Several buttons say “{word}” ({listed}): click one by its handle."

    def take_forms(self) -> list[dict]:
        with self._lock:
            forms, self.forms = self.forms, []
            return forms


def _buttons_of(block: dict) -> list[dict]:
    elements = list(block.get("elements") or []) if block.get("type") == "actions" else []
    if isinstance(block.get("accessory"), dict):
        elements.append(block["accessory"])
    return [e for e in elements if isinstance(e, dict) and e.get("type") == "button"]


def _truthy(value) -> bool:
    return value is True or str(value).lower() in ("true", "1")
