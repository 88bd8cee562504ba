"""Web API calls a member is waiting on but the ack does not need: opening a form, a file
for their DMs, the answer to a click. They run on threads of their own right after the
ack, so the ack goes out in milliseconds; when one fails, the member is told through the
request's response_url instead of waiting for something that never comes.

Forms open on a pool of their own: a trigger_id lasts 3 s, and the other threads may all be
waiting on an upload or a Retry-After meanwhile.
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor, wait
from dataclasses import dataclass

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError
from slack_sdk.webhook import WebhookClient

from bot.errors import failure
from bot.i18n import N_, _
from bot.render.blocks import error_reply

log = logging.getLogger("iwg.after_ack")

TRIGGER_ERRORS = frozenset({"expired_trigger_id", "invalid_trigger_id", "trigger_exchanged"})

# What a member is told when a form did not open or a file did not reach them, one whole
# sentence for each `what` the handlers name (so a translator makes the words agree), the
# general one for any other.
NOT_OPENED = {
    "the TA form": N_("Slack gave up waiting for the TA form to open; please try again."),
    "the agenda form": N_("Slack gave up waiting for the agenda form to open; please try again."),
    "the assign form": N_("Slack gave up waiting for the assign form to open; please try again."),
    "the change form": N_("Slack gave up waiting for the change form to open; please try again."),
    "the schedule form": N_("Slack gave up waiting for the schedule form to open; please try again."),
    None: N_("Slack gave up waiting for {what} to open; please try again."),
}
NOT_SENT = {
    "the CSV export": N_("I could not send the CSV export to your direct messages ({code}); please try again."),
    "the calendar file": N_("I could not send the calendar file to your direct messages ({code}); please try again."),
    None: N_("I could not send {what} to your direct messages ({code}); please try again."),
}


@dataclass(frozen=True)
class File:
    """A file for a member's DMs (`/ta export`'s CSV, `/meetings ics`'s calendar)."""

    filename: str
    title: str
    content: str | bytes
    comment: str


def tell(response_url: str, problem: str, about: str = "a refusal") -> bool:
    """Tell the member who typed a command or clicked, where they did it; False (and a log
    line saying `about` what) if there is no response_url, Slack no longer takes it
    (expired, or used up) or cannot be reached."""
    if not response_url:
        log.warning("could not tell the member of %s: no response_url", about)
        return False
    try:
        answer = WebhookClient(response_url, timeout=5).send(**error_reply(problem).as_ack())
    except Exception as error:
        log.warning("could not tell the member of %s: %s", about, failure(error))
        return False
    if answer.status_code >= 300:
        log.warning("could not tell the member of %s: HTTP %s", about, answer.status_code)
    return answer.status_code < 300


def upload_to_dm(client: WebClient, user_id: str, file: File) -> None:
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm, filename=file.filename, title=file.title, content=file.content, initial_comment=file.comment
    )


class AfterAck:
    def __init__(self) -> None:
        self._work = ThreadPoolExecutor(max_workers=4, thread_name_prefix="iwg-after-ack")
        self._forms = ThreadPoolExecutor(max_workers=2, thread_name_prefix="iwg-form")
        self._pending: set[Future] = set()

    def run(self, work: Callable[[], object], what: str) -> None:
        """Run `work` after the ack; a failure is logged (it has no member waiting on it)."""
        self._submit(self._work, work, what)

    def open_form(self, client: WebClient, trigger_id: str, view: dict, what: str, response_url: str = "") -> None:
        """Open a form (a modal) with a client that gives up within the trigger's 3 s
        instead of retrying past them (a late form opens nothing). If Slack says the trigger
        was too late, the member is told through `response_url` (a command's or a click's)
        rather than left looking at nothing."""
        quick = WebClient(token=client.token, base_url=client.base_url, timeout=2.5, retry_handlers=[])

        def run() -> None:
            try:
                quick.views_open(trigger_id=trigger_id, view=view)
            except SlackApiError as error:
                code = error.response.get("error")
                if code not in TRIGGER_ERRORS:
                    raise
                log.warning("%s not opened: %s", what, code)
                problem = _(NOT_OPENED.get(what) or NOT_OPENED[None], what=what)
                tell(response_url, problem, about=f"{what} not opened")

        self._submit(self._forms, run, what)

    def send_file(
        self, client: WebClient, user_id: str, make: Callable[[], File], what: str, response_url: str
    ) -> None:
        """Make the file (`make`: a query and a CSV of every request can take seconds, which
        the ack must not wait for) and upload it to the member's DMs. The ack said it is on
        its way, so if that fails, they are told through the command's response_url."""

        def run() -> None:
            try:
                upload_to_dm(client, user_id, make())
            except Exception as error:  # Slack's refusal, or the network after the client's retries
                slack = isinstance(error, SlackApiError)
                code = error.response.get("error", "") if slack else type(error).__name__
                log.warning("%s not sent: %s", what, code if slack else failure(error))
                problem = _(NOT_SENT.get(what) or NOT_SENT[None], what=what, code=code)
                tell(response_url, problem, about=f"{what} not sent")

        self.run(run, what)

    def wait(self, timeout: float = 5.0) -> None:
        """Wait for what is queued (the console, before its next prompt; tests)."""
        wait(list(self._pending), timeout=timeout)

    def _submit(self, pool: ThreadPoolExecutor, work: Callable[[], object], what: str) -> None:
        """`work` on `pool`, in the context it was asked from: the member's language (bot.i18n)."""
        asked_in = contextvars.copy_context()

        def run() -> None:
            try:
                work()
            except Exception as error:
                log.error("%s failed: %s", what, failure(error))

        future = pool.submit(asked_in.run, run)
        self._pending.add(future)
        future.add_done_callback(self._pending.discard)
