"""Polls: reading the command, the rules of voting and closing, and keeping messages current."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from bot.dates import parse_moment
from bot.errors import NotPermitted, UserError
from bot.names import display_names
from bot.poll_blocks import poll_message
from bot.render import Reply
from bot.text import clean_text, echo
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.outbox import OutboxRepository
from storage.polls import Ballot, Poll, PollRepository, Vote


USAGE = ('`/poll "Question?" "Option 1" "Option 2" […] [anonymous] [multiple] [hidden] [closes <when>]`, e.g. '
         '`/poll "Q3 venue?" "Nairobi" "Virtual" closes in 3 days`')
FLAGS = ("anonymous", "multiple", "hidden")
MIN_OPTIONS, MAX_OPTIONS = 2, 10
OPTION_LIMIT = 75  # a button's text
QUESTION_LIMIT = 200
# opening quote -> (the quotes that close it, and a pair that may nest inside it). Slack's
# clients turn "a" into “a”, and some keyboards give ”a” or „a“; a question may quote
# something itself ("Adopt the “INSPIRE” handbook?"). Single curly quotes work too, where
# ’ closes only before a space or the end, as it is also the apostrophe (‘Côte d’Ivoire?’).
QUOTES = {
    "\"": ("\"”", ("“", "”")),
    "“": ("”\"", ("“", "”")),
    "”": ("”\"“", None),
    "„": ("“”\"", None),
    "«": ("»", ("«", "»")),
    "‘": ("’", ("‘", "’")),
}
# outbox kinds: post the poll's message; show the votes in it; post the result beside it
POST_NOTICE, UPDATE_NOTICE, CLOSED_NOTICE = "poll.post", "poll.update", "poll.closed"


@dataclass(frozen=True)
class NewPoll:
    question: str
    options: list[str]
    anonymous: bool = False
    multiple: bool = False
    hidden: bool = False
    closes_at: datetime | None = None


def read_poll(text: str, zone: ZoneInfo, now: datetime) -> NewPoll:
    """Quoted question and options (straight or curly quotes), then flags and `closes <when>`."""
    quoted, words, closes = _tokens(text)
    if not quoted:
        raise UserError("Put the question and each option in quotes.", USAGE)
    question, options = quoted[0], quoted[1:]
    if len(options) < MIN_OPTIONS:
        raise UserError(f"A poll needs at least {MIN_OPTIONS} options; this one has {len(options)}.", USAGE)
    if len(options) > MAX_OPTIONS:
        raise UserError(f"A poll takes at most {MAX_OPTIONS} options; this one has {len(options)}.", USAGE)
    question = clean_text(question, what="question", limit=QUESTION_LIMIT, usage=USAGE)
    options = [clean_text(o, what=f"option {n}", limit=OPTION_LIMIT, usage=USAGE) for n, o in enumerate(options, 1)]
    if len({o.casefold() for o in options}) < len(options):
        raise UserError("Two options are the same; each must differ.", USAGE)
    unknown = [w for w in words if w.lower() not in FLAGS]
    if unknown:
        raise UserError(f"I don't know “{echo(unknown[0])}”: options go in quotes, and the words after them can be "
                        "anonymous, multiple, hidden and closes <when>.", USAGE)
    closes_at = None
    if closes is not None:
        if not closes.strip():
            raise UserError("Say when it closes, e.g. closes in 3 days.", USAGE)
        closes_at = parse_moment(closes, zone, now)
        if closes_at <= now:
            raise UserError(f"“{echo(closes)}” is in the past; a poll must close in the future.", USAGE)
    flags = {w.lower() for w in words}
    return NewPoll(question, options, "anonymous" in flags, "multiple" in flags, "hidden" in flags, closes_at)


def _tokens(text: str) -> tuple[list[str], list[str], str | None]:
    """(the quoted texts, the bare words before `closes`, the text after `closes` or None)."""
    quoted, words, i = [], [], 0
    while i < len(text):
        char = text[i]
        if char in QUOTES:
            end = _closing(text, i)
            if end is None:
                raise UserError(f"A quote is not closed: {echo(text[i:], 40)}", USAGE)
            quoted.append(text[i + 1:end])
            i = end + 1
        elif char.isspace():
            i += 1
        else:
            match = re.match(r"\S+", text[i:])
            word = match.group(0)
            if word.lower() == "closes":
                return quoted, words, text[i + len(word):]
            words.append(word)
            i += len(word)
    return quoted, words, None


def _closing(text: str, start: int) -> int | None:
    """Where the quote opened at `start` closes, past any pair nested inside it."""
    closers, nested = QUOTES[text[start]]
    depth = 0
    for j in range(start + 1, len(text)):
        char = text[j]
        if nested and char == nested[0]:
            depth += 1
        elif nested and depth and char == nested[1]:
            depth -= 1
        elif char in closers and (char != "’" or j + 1 == len(text) or text[j + 1].isspace() or text[j + 1] in QUOTES):
            return j
    return None


class PollService:
    def __init__(self, storage: Storage, polls: PollRepository, coordinators: CoordinatorRepository,
                 outbox: OutboxRepository, scheduler: BaseScheduler, zone: ZoneInfo):
        self.storage, self.polls, self.coordinators = storage, polls, coordinators
        self.outbox, self.scheduler, self.zone = outbox, scheduler, zone

    def create(self, author: str, channel: str, text: str, asked: dict | None = None) -> Poll:
        """The poll, and its message queued for posting with it (`asked`: where to tell the
        author if Slack will not take it: the command's response_url and channel_name)."""
        new = read_poll(text, self.zone, self.storage.clock())
        with self.storage.write():
            poll = self.polls.add(question=new.question, options=new.options, anonymous=new.anonymous,
                                  multiple=new.multiple, hidden=new.hidden, author=author, channel=channel,
                                  closes_at=new.closes_at)
            self.outbox.add(POST_NOTICE, poll.ref, channel, {"asker": author, "what": "your poll", **(asked or {})})
        self.plan(poll)
        return poll

    def get(self, poll_id: int) -> Poll:
        poll = self.polls.get(poll_id)
        if poll is None:
            raise UserError(f"There is no poll P-{poll_id}.", hint="`/poll list` shows the open ones.")
        return poll

    def vote(self, voter: str, poll_id: int, option: int, message: tuple[str | None, str | None]) -> tuple[Poll, Ballot]:
        """A click on option `option` (from 0) of the poll's message at `message` (channel, ts)."""
        poll = self.in_message(poll_id, message)
        with self.storage.write():
            ballot = self.polls.vote(poll_id, voter, option)
            if ballot.outcome in (Vote.CAST, Vote.MOVED, Vote.WITHDRAWN):
                self.outbox.add_unless_waiting(UPDATE_NOTICE, poll.ref, poll.channel)
        if ballot.outcome is Vote.MISSING:
            raise UserError(f"There is no poll {poll.ref} any more.")
        if ballot.outcome is Vote.CLOSED:
            raise UserError(f"{poll.ref} is closed; it takes no more votes.")
        if ballot.outcome is Vote.INVALID:
            raise UserError(f"{poll.ref} has no option {option + 1}, so no vote was counted.")
        return poll, ballot

    def in_message(self, poll_id: int, message: tuple[str | None, str | None]) -> Poll:
        """The poll, if the button clicked is in its message; a button carries the poll's ID
        in its value, and a value that names another poll than the message's is not ours."""
        poll = self.get(poll_id)
        if (poll.channel, poll.ts) != message:
            raise UserError(f"That button is not in the message of {poll.ref}, so I did nothing.")
        return poll

    def close(self, actor: str, poll_id: int) -> Poll:
        """Close it (its author or a coordinator), and queue the result's posting."""
        poll = self.get(poll_id)
        if actor != poll.author and not self.coordinators.is_coordinator(actor):
            raise NotPermitted(f"Only the one who asked {poll.ref} and coordinators can close it.")
        if not self._close(poll, actor):
            raise UserError(f"{poll.ref} is already closed.")
        return self.get(poll_id)

    def posted(self, poll_id: int, ts: str) -> None:
        """Its message is in the channel; a poll closed before that gets its result now."""
        with self.storage.write():
            poll = self.polls.posted(poll_id, ts)
            if poll is not None and not poll.is_open:
                self._announce_close(poll)

    def _close(self, poll: Poll, by: str) -> bool:
        with self.storage.write():
            closed = self.polls.close(poll.id, by)
            if closed and poll.ts is not None:
                self._announce_close(poll)
        return closed

    def _announce_close(self, poll: Poll) -> None:
        """The message loses its buttons and shows the result, and the result is posted beside it."""
        self.outbox.add_unless_waiting(UPDATE_NOTICE, poll.ref, poll.channel)
        self.outbox.add(CLOSED_NOTICE, poll.ref, poll.channel)

    # --- the scheduler's part: close at `closes`, once, rebuilt from the database ---------

    def start(self) -> None:
        for poll in self.polls.closing():
            self.plan(poll)

    def plan(self, poll: Poll) -> None:
        if poll.closes_at is None or not poll.is_open:
            return
        if poll.closes_at <= self.storage.clock():
            self.close_on_time(poll.id)
            return
        self.scheduler.add_job(self.close_on_time, DateTrigger(run_date=poll.closes_at), args=[poll.id],
                               id=f"poll:{poll.id}", replace_existing=True, misfire_grace_time=None)

    def close_on_time(self, poll_id: int) -> None:
        poll = self.polls.get(poll_id)
        if poll and poll.is_open:
            self._close(poll, "scheduler")


def render_message(polls: PollRepository, client, poll: Poll) -> Reply:
    """The poll's message as the poll stands in the database: voters by name, never pinged."""
    votes = polls.votes(poll.id)
    shown = {poll.author} | (set() if poll.anonymous else {u for users in votes.values() for u in users})
    return poll_message(poll, votes, display_names(client, shown))
