"""Console mode: try the bot without Slack.

Each typed line becomes the form-encoded, signed request Slack would send, and goes
through the same Bolt app and handlers as in HTTP mode. Web API calls are printed instead
of sent. Lines can also come from a pipe: `printf '/iwg help\\n' | python app.py`.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import sys
import threading
import time
from collections.abc import Callable, Iterable
from typing import TextIO
from urllib.parse import urlencode

from slack_bolt import App
from slack_sdk.signature import SignatureVerifier

from bot.outbound.courier import Courier
from bot.parsing.slack_text import escape
from bot.render.console_text import blocks_to_text, mrkdwn_to_text
from bot.run.front_door import bolt_request
from bot.run.local_slack import LocalSlack

USER = "U0CONSOLE"
CHANNEL = "C0CONSOLE"
TEAM = "T0CONSOLE"

_TYPED_MENTION = re.compile(r"(?<![<\w])@([UW][A-Z0-9]{2,})\b")

FORM_NOTE = "(Forms cannot be filled in the console; each has a one-line command: see `help` of the command.)"

HELP = """Type a slash command as a member of the workspace would, e.g. /iwg help.
  home            open your App Home
  as @U0123ABCD   act as another member (to see what non-coordinators get)
  as me           act as yourself again (a coordinator)
  quit            leave (so does Ctrl-D)"""


class ConsoleSlack(LocalSlack):
    """The Web API on loopback, printing each message as the member would read it."""

    team_id = TEAM

    def __init__(self, out: TextIO):
        super().__init__()
        self.out = out
        self._lock = threading.Lock()

    def answer(self, method: str, args: dict) -> dict:
        where = str(args.get("channel") or args.get("channel_id") or "")
        labels = {
            "chat.postMessage": f"posted to {_place(where)}",
            "chat.postEphemeral": f"only @{args.get('user')} sees this, in {_place(where)}",
            "chat.update": f"message updated in {_place(where)}",
        }
        if method in labels:
            self.show(labels[method], args.get("blocks"), args.get("text"))
        elif method.startswith("views."):
            view = args.get("view") or {}
            title = (view.get("title") or {}).get("text", "App Home")
            note = (
                [{"type": "context", "elements": [{"type": "mrkdwn", "text": FORM_NOTE}]}]
                if view.get("type") == "modal"
                else []
            )
            label = "your App Home" if method == "views.publish" else f"a form opens: {title}"
            self.show(label, (view.get("blocks") or []) + note, None)
        elif method == "files.completeUploadExternal":
            self.show(f"a file arrives in {_place(where)}", None, self._files_text(args))
        return super().answer(method, args)

    def on_response(self, key: str, args: dict):
        ephemeral = args.get("response_type", "ephemeral") == "ephemeral"
        self.show("only you see this" if ephemeral else f"posted to #{CHANNEL}", args.get("blocks"), args.get("text"))
        return super().on_response(key, args)

    def _files_text(self, args: dict) -> str:
        files = args.get("files")
        files = json.loads(files) if isinstance(files, str) else files or []
        parts = [str(args.get("initial_comment", ""))]
        for item in files:
            content = self.uploads.get(item.get("id"), b"").decode("utf-8", "replace").splitlines()
            parts.append(f"📎 {self.upload_names.get(item.get('id'), item.get('title'))} ({len(content)} lines):")
            parts += [f"    {line}" for line in content[:6]] + (["    …"] if len(content) > 6 else [])
        return "\n".join(parts)

    def show(self, label: str, blocks, text: str | None) -> None:
        body = blocks_to_text(blocks) if blocks else mrkdwn_to_text(text or "")
        with self._lock:
            print(f"── {label} ──", file=self.out)
            if body:
                print(body, file=self.out)
            print(file=self.out, flush=True)


def _place(channel: str) -> str:
    return f"a direct message ({channel})" if channel.startswith(("D", "U", "W")) else f"#{channel}"


class Console:
    """Reads lines, sends each slash command through the Bolt app, prints the answer."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        slack: ConsoleSlack,
        courier: Courier | None = None,
        settle: Callable[[], None] = lambda: None,
    ):
        self.app = app
        self.courier = courier
        self.settle_later = settle
        self.verifier = SignatureVerifier(signing_secret)
        self.slack = slack
        self.out = slack.out
        self.user = USER

    def run(self, lines: Iterable[str]) -> None:
        for line in lines:
            if not self.handle(line.strip()):
                break

    def handle(self, line: str) -> bool:
        """One line of input; False means the member asked to leave."""
        if not line or line.startswith("#"):
            return True
        if line in ("quit", "exit"):
            return False
        if line in ("help", "?"):
            print(HELP, file=self.out)
        elif line == "home":
            self.send_event(
                {
                    "type": "app_home_opened",
                    "user": self.user,
                    "channel": "D0CONSOLE",
                    "tab": "home",
                    "event_ts": f"{time.time():.6f}",
                }
            )
        elif line.startswith("as "):
            self._switch_user(line[3:].strip())
        elif line.startswith("/"):
            command, _, text = line.partition(" ")
            self.send_command(command, text.strip())
        else:
            print("Commands start with /, e.g. /iwg help (type help for the console's own).", file=self.out)
        return True

    def _switch_user(self, who: str) -> None:
        if who == "me":
            self.user = USER
        elif re.fullmatch(r"@?[UW][A-Z0-9]{2,}", who):
            self.user = who.lstrip("@")
        else:
            print("Use: as @U0123ABCD, or as me", file=self.out)
            return
        print(f"You are now @{self.user}.", file=self.out)

    def send_event(self, event: dict) -> None:
        body = json.dumps(
            {
                "token": "console",
                "team_id": TEAM,
                "api_app_id": "A0CONSOLE",
                "type": "event_callback",
                "event": event,
                "event_id": f"Ev{secrets.token_hex(5)}",
                "event_time": int(time.time()),
            }
        )
        self._dispatch(body, "application/json")
        self._settle()

    def _dispatch(self, body: str, content_type: str):
        timestamp = str(int(time.time()))
        headers = {
            "content-type": content_type,
            "x-slack-request-timestamp": timestamp,
            "x-slack-signature": self.verifier.generate_signature(timestamp=timestamp, body=body),
        }
        return self.app.dispatch(bolt_request(body, headers))

    def send_command(self, command: str, text: str) -> None:
        """Send what Slack would: form-encoded, signed, text escaped and mentions resolved."""
        body = urlencode(
            {
                "token": "console",
                "team_id": TEAM,
                "team_domain": "console",
                "channel_id": CHANNEL,
                "channel_name": "console",
                "user_id": self.user,
                "user_name": self.user.lower(),
                "command": command,
                "text": _as_slack_sends(text),
                "api_app_id": "A0CONSOLE",
                "response_url": self.slack.response_url(secrets.token_hex(4)),
                "trigger_id": secrets.token_hex(8),
            }
        )
        with self.courier.hold() if self.courier else contextlib.nullcontext():
            response = self._dispatch(body, "application/x-www-form-urlencoded")
            self._show_response(command, response.status, response.body)
        self._settle()

    def _settle(self) -> None:
        """Let what the command set off (a form, direct messages) print before the next prompt."""
        self.settle_later()
        if self.courier:
            self.courier.wait_idle(timeout=5)

    def _show_response(self, command: str, status: int, body: str) -> None:
        if status == 404:  # Bolt has no listener for it (the router answers every command)
            print(f"{command}: the bot has nothing listening for that; /iwg help lists the commands.", file=self.out)
            return
        if status != 200:
            print(f"(the bot answered HTTP {status})", file=self.out)
            return
        if not body:
            return
        message = json.loads(body)
        label = (
            "only you see this" if message.get("response_type", "ephemeral") == "ephemeral" else f"posted to #{CHANNEL}"
        )
        self.slack.show(label, message.get("blocks"), message.get("text"))


def _as_slack_sends(text: str) -> str:
    """Slack escapes &, <, > in command text and, with escaping on, turns @mentions into <@U…>."""
    return _TYPED_MENTION.sub(r"<@\1>", escape(text))


def new_secret() -> str:
    """The console signs its own requests, so Bolt's verification runs as in HTTP mode."""
    return secrets.token_hex(16)


def interactive_lines(prompt: str = "iwg> ") -> Iterable[str]:
    try:
        import readline  # noqa: F401  (history and line editing for input())
    except ImportError:
        pass
    while True:
        try:
            yield input(prompt)
        except (EOFError, KeyboardInterrupt):
            print()
            return


def input_lines(stdin: TextIO = sys.stdin) -> Iterable[str]:
    return interactive_lines() if stdin.isatty() else stdin
