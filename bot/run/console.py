"""Console mode: the whole app without Slack.

Each typed line becomes the request Slack would send (bot/run/slack_requests.py, the same
builders the tests' driver uses), signed, through the same Bolt app and handlers as in
HTTP mode: a slash command, a click on a button the console printed (`click b3`), a form
filled field by field (bot/run/console_forms.py), the App Home opened. Web API calls are
printed instead of sent (bot/run/console_screen.py). `wait 7d` moves the console's clock
and runs what falls due meanwhile (bot/run/console_time.py). Lines can come from a pipe,
`printf '/iwg help\\n' | python app.py`, and are then echoed, so the output reads as a
transcript.
"""

from __future__ import annotations

import contextlib
import json
import re
import secrets
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import TextIO

from slack_bolt import App

from bot.outbound.courier import Courier
from bot.parsing.slack_text import escape
from bot.render.console_text import mrkdwn_to_text
from bot.run import slack_requests
from bot.run.console_forms import FormFilling, fold, text_of
from bot.run.console_screen import CHANNEL, TEAM, USER, USER_NAME, ConsoleSlack, Shown
from bot.run.console_time import Timeline, read_duration
from bot.run.front_door import bolt_request

__all__ = ["CHANNEL", "USER", "USER_NAME", "Console", "ConsoleSlack", "input_lines"]

_TYPED_MENTION = re.compile(r"(?<![<\w])@([UW][A-Z0-9]{2,})\b")
_MEMBER_ID = re.compile(r"@?([UW][A-Z0-9]*\d[A-Z0-9]*)")  # U0AMINA; a Slack ID has a digit, a name not
_NAME = re.compile(r"[^\W\d_][\w .'-]{0,40}")
_JSON = "application/json"

HELP = """The console's own commands (anything starting with / goes to the bot, e.g. /iwg help):
  click b3        click the button shown as [b3 …]; or click Assign, when one button says so
  wait 7d         let time pass (s, m, h, d, w): reminders, poll closings and the digest run
  home            open your App Home
  as @U0AMINA     act as another member (as Amina makes up @U0AMINA, named Amina)
  as me           act as yourself again (a coordinator)
  who             who you are, and whether you coordinate
  cancel          leave a form half filled (nothing is sent)
  quit            leave (so does Ctrl-D)
In a form, answer each field in turn: Enter keeps what is shown, - leaves an optional one
empty, a number or a label picks an option (several with commas), a date is 2027-03-30."""


@dataclass
class Confirm:
    """A button with a confirmation dialog: Slack asks before it sends the click."""

    question: str
    then: Callable[[], None]


class Console:
    """Reads lines and sends each one, as the current member, through the Bolt app."""

    def __init__(
        self,
        app: App,
        signing_secret: str,
        slack: ConsoleSlack,
        *,
        courier: Courier | None = None,
        wait_after_ack: Callable[[], None] = lambda: None,
        timeline: Timeline | None = None,
        is_coordinator: Callable[[str], bool] = lambda user: False,
        echo: bool = False,
    ):
        self.app, self.secret, self.slack = app, signing_secret, slack
        self.courier, self.wait_after_ack, self.timeline = courier, wait_after_ack, timeline
        self.is_coordinator, self.echo = is_coordinator, echo
        self.form: FormFilling | None = None
        self.form_view: dict = {}
        self.confirm: Confirm | None = None

    @property
    def user(self) -> str:
        return self.slack.viewer

    @property
    def prompt(self) -> str:
        return "› " if self.form else "[y/N] " if self.confirm else "iwg> "

    def run(self, lines: Iterable[str]) -> None:
        for line in lines:
            if self.echo:
                self.say(f"{self.prompt}{line.rstrip()}")
            try:
                if not self.handle(line.strip()):
                    break
            except KeyboardInterrupt:  # Ctrl-C during a wait or a slow answer: back to the prompt
                self.say("(interrupted)")

    def handle(self, line: str) -> bool:
        """One line of input; False means the member asked to leave."""
        if self.confirm:
            confirm, self.confirm = self.confirm, None
            if line.lower() in ("y", "yes"):
                confirm.then()
                return True
            self.say("Cancelled: nothing was sent.")
            if line.lower() in ("", "n", "no"):
                return True  # anything else is a line of its own (a command typed instead)
        if self.form:
            self._answer_form(line)
            return True
        if not line or line.startswith("#"):
            return True
        if line in ("quit", "exit"):
            return False
        word, _, rest = line.partition(" ")
        action = {
            "help": lambda: self.say(HELP),
            "?": lambda: self.say(HELP),
            "home": self.open_home,
            "as": lambda: self._switch_user(rest.strip()),
            "who": self.who,
            "click": lambda: self.click(rest.strip()),
            "wait": lambda: self.wait(rest.strip()),
            "cancel": lambda: self.say("No form is open."),
        }.get(word)
        if action:
            action()
        elif line.startswith("/"):
            self.send_command(word, rest.strip())
        else:
            self.say("Commands start with /, e.g. /iwg help (type help for the console's own).")
        return True

    def say(self, text: str) -> None:
        self.slack.line(text)

    # --- members -------------------------------------------------------------------------

    def _switch_user(self, who: str) -> None:
        if who.lower() == "me":
            member = USER
        elif _MEMBER_ID.fullmatch(who) and len(who.lstrip("@")) >= 3:
            member = _MEMBER_ID.fullmatch(who).group(1)
        elif _NAME.fullmatch(who):
            member = self._member_named(who.strip())
        else:
            self.say("Use: as @U0123ABCD, as Amina, or as me")
            return
        self.say(f"You are now {self._describe(member)}.")
        self.slack.switch_to(member)

    def _member_named(self, name: str) -> str:
        """The member of that name the console knows, or a new one with an ID made of it."""
        if member := self._name_to_member(name):
            return member
        letters = re.sub(r"[^A-Z0-9]", "", fold(name).upper().encode("ascii", "ignore").decode())[:9] or "MEMBER"
        member, n = f"U0{letters}", 1
        while member in self.slack.people:
            n += 1
            member = f"U0{letters}{n}"
        self.slack.people[member] = name
        return member

    def _describe(self, member: str) -> str:
        name = self.slack.people.get(member)
        who = f"{name} (@{member})" if name else f"@{member}"
        return f"{who}, a coordinator" if self.is_coordinator(member) else f"{who}, a member (not a coordinator)"

    def who(self) -> None:
        self.say(f"You are {self._describe(self.user)}.")

    # --- what Slack sends ---------------------------------------------------------------------

    def send_command(self, command: str, text: str) -> None:
        """Send what Slack would: form-encoded, signed, text escaped and mentions resolved."""
        self.slack.at_home = False
        body = slack_requests.command_body(
            TEAM,
            command,
            _as_slack_sends(text),
            self.user,
            CHANNEL,
            "console",
            self.slack.response_url_for(self.user),
            app_id="A0CONSOLE",
        )
        with self.courier.hold() if self.courier else contextlib.nullcontext():
            status, answer = self._dispatch(body)
            self._show_answer(command, status, answer)
        self._settle()

    def open_home(self) -> None:
        self.slack.at_home = True
        event = {"type": "app_home_opened", "user": self.user, "channel": "D" + self.user[1:], "tab": "home"}
        self._dispatch(slack_requests.event_body(TEAM, event, app_id="A0CONSOLE"), _JSON)
        self._settle()

    def click(self, word: str) -> None:
        if not word:
            self.say("Use: click b3 (the handle shown in the button), or click <its label>")
            return
        found = self.slack.button(word)
        if isinstance(found, str):
            self.say(found)
            return
        shown, button, block_id = found
        confirm = button.get("confirm")
        if isinstance(confirm, dict):
            title, text = text_of(confirm.get("title")) or "Are you sure?", text_of(confirm.get("text"))
            self.confirm = Confirm(f"{title} {text}".strip(), lambda: self._send_click(shown, button, block_id))
            go, stay = text_of(confirm.get("confirm")) or "Yes", text_of(confirm.get("deny")) or "Cancel"
            self.say(f"{self.confirm.question}\n(y: {go}; n or Enter: {stay})")
            return
        self._send_click(shown, button, block_id)

    def _send_click(self, shown: Shown, button: dict, block_id: str) -> None:
        self.slack.at_home = bool(shown.view)
        if shown.view:
            where = slack_requests.home_where(shown.view)
        else:
            message = {"type": "message", "ts": shown.ts, "text": shown.text, "blocks": shown.blocks}
            url = self.slack.response_url_for(self.user, shown.key)
            where = slack_requests.message_where(shown.channel, shown.ts, message, url, ephemeral=shown.ephemeral)
        payload = slack_requests.block_actions(TEAM, self.user, button, block_id, app_id="A0CONSOLE", **where)
        status, _ = self._dispatch(slack_requests.interaction_body(payload))
        if status != 200:
            self.say(f"(the bot answered HTTP {status})")
        self._settle()

    def wait(self, text: str) -> None:
        delta = read_duration(text)
        if delta is None or self.timeline is None:
            self.say("Use: wait 7d (or 90s, 30m, 1h, 2w; at most 400 days)")
            return
        self.say(f"⏩ {_spoken(delta)} pass…")
        self.timeline.wait(delta)
        self._settle()
        self.say(f"⏩ It is now {self.timeline.clock():%A %d %B %Y, %H:%M} UTC.")

    def _dispatch(self, body: str, content_type: str = slack_requests.FORM) -> tuple[int, str]:
        headers = {k.lower(): v for k, v in slack_requests.signed_headers(self.secret, body, content_type).items()}
        response = self.app.dispatch(bolt_request(body, headers))
        answer = response.body if isinstance(response.body, str) else response.body.decode()
        return response.status, answer

    def _settle(self) -> None:
        """Let what the request set off (a form, direct messages) print before the next
        prompt; then, if the bot opened a form, start asking for it."""
        self.wait_after_ack()
        if self.courier:
            self.courier.wait_idle(timeout=5)
        for form in self.slack.take_forms():
            self._open_form(form)

    def after_job(self) -> None:
        """After a scheduled job ran (bot/run/console_time.py): let the courier print what
        it queued, in order, before the next job runs."""
        if self.courier:
            self.courier.outbox.wakeup.set()
            self.courier.wait_idle(timeout=5)

    def _show_answer(self, command: str, status: int, body: str) -> None:
        if status == 404:  # Bolt has no listener for it (the router answers every command)
            self.say(f"{command}: the bot has nothing listening for that; /iwg help lists the commands.")
        elif status != 200:
            self.say(f"(the bot answered HTTP {status})")
        elif body:
            self.slack.show_reply(_json(body), self.user)

    # --- forms ----------------------------------------------------------------------------------

    def _open_form(self, view: dict) -> None:
        self.form_view = view
        today = self.timeline.clock().date() if self.timeline else None  # the console's today, after a wait
        filling = FormFilling(view, names=self._name_to_member, today=today)
        self.say(f"── a form opens: {filling.title} ──")
        for line in filling.intro:
            self.say(mrkdwn_to_text(line, self.slack.people))
        if not filling.fields:
            self.form = None
            return
        self.say("(answer each field; Enter keeps what is shown, - leaves it empty, cancel leaves the form)")
        self.form = filling
        self.say(filling.question() or "")

    def _name_to_member(self, text: str) -> str | None:
        """The member the console knows by that name, or by a first name only one has
        (case and accents aside)."""
        wanted = fold(text.lstrip("@"))
        exact = [m for m, name in self.slack.people.items() if fold(name) == wanted]
        first = [m for m, name in self.slack.people.items() if fold(name).split(" ")[0] == wanted]
        return (exact or (first if len(first) == 1 else [None]))[0]

    def _answer_form(self, line: str) -> None:
        form = self.form
        if line.lower() == "cancel":
            self.form = None
            self.say("Form closed; nothing was sent.")
            return
        if line.startswith("/"):
            self.say("A form is open: answer its field, or type cancel to leave it, then the command.")
        else:
            form.answer(line)  # a problem shows in the question, asked again
        question = form.question()
        if question:
            self.say(question)
            return
        self._submit(form)

    def _submit(self, form: FormFilling) -> None:
        self.form = None
        payload = slack_requests.view_submission(TEAM, self.user, self.form_view, form.state(), app_id="A0CONSOLE")
        status, body = self._dispatch(slack_requests.interaction_body(payload))
        answer = _json(body) if status == 200 and body else {}
        action = answer.get("response_action")
        if status != 200:
            self.say(f"(the bot answered HTTP {status})")
        elif action == "errors":
            self.say(f"── {form.title}: not sent, see below ──")
            form.ask_again(answer.get("errors") or {})
            self.form = form
            self.say(form.question() or "")
            return
        elif action in ("update", "push"):
            self.slack.forms.append({**(answer.get("view") or {}), "id": self.form_view.get("id")})
        else:
            self.say(f"── {form.title}: sent ──")
        self._settle()


def _spoken(delta) -> str:
    """7 days, 1 hour, 90 seconds: how long a `wait` was, in words."""
    seconds, parts = int(delta.total_seconds()), []
    for unit, size in (("day", 86400), ("hour", 3600), ("minute", 60), ("second", 1)):
        count, seconds = divmod(seconds, size)
        parts += [f"{count} {unit}{'s' * (count != 1)}"] if count else []
    return ", ".join(parts) or "No time"


def _json(body: str) -> dict:
    try:
        parsed = json.loads(body)
    except ValueError:
        return {"text": body}
    return parsed if isinstance(parsed, dict) else {}


def _as_slack_sends(text: str) -> str:
    """Slack escapes &, <, > in command text and, with escaping on, turns @mentions into <@U…>."""
    return _TYPED_MENTION.sub(r"<@\1>", escape(text))


def new_secret() -> str:
    """The console signs its own requests, so Bolt's verification runs as in HTTP mode."""
    return secrets.token_hex(16)


def interactive_lines(prompt: Callable[[], str]) -> Iterable[str]:
    try:
        import readline  # noqa: F401  (history and line editing for input())
    except ImportError:
        pass
    while True:
        try:
            yield input(prompt())
        except (EOFError, KeyboardInterrupt):
            print()
            return


def input_lines(console: Console, stdin: TextIO = sys.stdin) -> Iterable[str]:
    return interactive_lines(lambda: console.prompt) if stdin.isatty() else stdin
