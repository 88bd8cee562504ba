"""One Bolt listener per kind of request (commands, buttons, forms), each finding its handler
by name in a dict.

Why not a Bolt listener per command and button: Bolt tries its listeners in turn, and each
one that does not match costs about 8 µs (the matcher is called with a freshly built set of
every argument Bolt can inject). With one listener per command, button and form, a vote
click waited behind a dozen misses, about 0.1 ms: more than a bare Bolt app's whole
dispatch (bench/ack.py). Handler modules register on a Router with the same decorators as
on a Bolt App (`command`, `action`, `view`, `event`); `attach` hands Bolt one listener per
kind, commands first, as they are most of the traffic.

A button or form that no handler knows (a link button, a message from an older version) is
acknowledged and logged, so Slack shows no error; an unknown command gets an answer. While
a handler runs, the request counts in `ack_priority`, which background senders wait for
(bot/outbound/ack_priority.py).
"""

from __future__ import annotations

import inspect
import logging
import re
from collections.abc import Callable
from typing import Any

from slack_bolt import App

from bot.i18n import SOURCE, _, language
from bot.outbound.ack_priority import AckPriority
from bot.parsing.slack_text import escape
from bot.render.blocks import Reply

log = logging.getLogger("iwg.handlers")

Handler = Callable[..., Any]
ANY = re.compile(".*")


class Router:
    def __init__(
        self, ack_priority: AckPriority | None = None, language_of: Callable[[str, Any], str] | None = None
    ) -> None:
        self.ack_priority = ack_priority or AckPriority()
        self.language_of = language_of or (lambda user_id, client: SOURCE)  # bot/outbound/languages.py
        self.commands: dict[str, Handler] = {}
        self.actions: dict[str, Handler] = {}
        self.action_patterns: list[tuple[re.Pattern, Handler]] = []
        self.views: dict[str, Handler] = {}
        self.events: list[tuple[str, Handler]] = []

    # --- registration, shaped like Bolt's App ---------------------------------------------

    def command(self, name: str) -> Callable[[Handler], Handler]:
        return self._into(self.commands, name)

    def action(self, action_id: str | re.Pattern) -> Callable[[Handler], Handler]:
        if isinstance(action_id, re.Pattern):

            def add(handler: Handler) -> Handler:
                self.action_patterns.append((action_id, _wants(handler)))
                return handler

            return add
        return self._into(self.actions, action_id)

    def view(self, callback_id: str) -> Callable[[Handler], Handler]:
        return self._into(self.views, callback_id)

    def event(self, event_type: str) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            self.events.append((event_type, handler))
            return handler

        return add

    @staticmethod
    def _into(table: dict[str, Handler], key: str) -> Callable[[Handler], Handler]:
        def add(handler: Handler) -> Handler:
            if key in table:
                raise ValueError(f"two handlers for {key!r}")
            table[key] = _wants(handler)
            return handler

        return add

    # --- dispatch ----------------------------------------------------------------------------

    def attach(self, app: App) -> None:
        """Give Bolt one listener per kind; the argument names are the ones Bolt injects."""

        def on_command(ack, command, client, body, respond):
            handler = self.commands.get(command.get("command", ""))
            with self.ack_priority.answering(), self._in_language_of(command.get("user_id"), client):
                if handler is None:
                    unknown = _(
                        "`{command}` is not a command of mine; `/iwg help` lists them.",
                        command=escape(command.get("command", "")),
                    )
                    ack(**Reply.of(unknown, ":warning:").as_ack())
                    return
                handler(ack=ack, command=command, client=client, body=body, respond=respond)

        def on_action(ack, action, client, body, respond):
            action_id = str(action.get("action_id", ""))
            self._run(
                self._action_handler(action_id),
                "a button",
                action_id,
                ack=ack,
                action=action,
                client=client,
                body=body,
                respond=respond,
            )

        def on_view(ack, view, client, body, respond):
            callback_id = str(view.get("callback_id", ""))
            self._run(
                self.views.get(callback_id),
                "a form",
                callback_id,
                ack=ack,
                view=view,
                client=client,
                body=body,
                respond=respond,
            )

        app.command(ANY)(on_command)
        app.action(ANY)(on_action)
        app.view(ANY)(on_view)
        for event_type, handler in self.events:
            app.event(event_type)(self._event_listener(handler))
        app.event(ANY)(self._unhandled_event)  # last: Bolt would log an unhandled one's body

    @staticmethod
    def _unhandled_event(ack, event) -> None:
        log.info("an event nobody handles: %s", str(event.get("type", ""))[:40])
        ack()

    def _run(self, handler: Handler | None, what: str, name: str, **arguments) -> None:
        if handler is None:
            log.info("%s nobody handles: %s", what, name)
            arguments["ack"]()
            return
        user_id = (arguments["body"].get("user") or {}).get("id")
        with self.ack_priority.answering(), self._in_language_of(user_id, arguments["client"]):
            handler(**arguments)

    def _event_listener(self, handler: Handler) -> Handler:
        """`handler` in the language of the event's member (the App Home's, say)."""
        wants = _wants(handler)

        def on_event(ack, event, client, body, context, logger):
            available = dict(ack=ack, event=event, client=client, body=body, context=context, logger=logger)
            with self._in_language_of(event.get("user"), client):
                return wants(**available)

        on_event.__name__ = handler.__name__
        return on_event

    def _in_language_of(self, user_id: str | None, client):
        """Answer in the member's language (their choice, else their Slack locale)."""
        return language(self.language_of(user_id, client) if user_id else SOURCE)

    def _action_handler(self, action_id: str) -> Handler | None:
        handler = self.actions.get(action_id)
        if handler is None:
            handler = next((h for pattern, h in self.action_patterns if pattern.search(action_id)), None)  # as Bolt
        return handler


def _wants(handler: Handler) -> Handler:
    """`handler` called with only the arguments it names, as Bolt would call it."""
    names = tuple(inspect.signature(handler).parameters)

    def call(**available):
        return handler(**{name: available[name] for name in names})

    call.__name__ = handler.__name__
    return call
