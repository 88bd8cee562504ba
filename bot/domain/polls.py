"""Polls: the rules of voting and closing; the command is read in bot/parsing/poll_command.py,
the message drawn in bot/render/poll_blocks.py and kept current by bot/outbound/notices.py."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from apscheduler.schedulers.base import BaseScheduler
from apscheduler.triggers.date import DateTrigger

from bot.domain.permissions import require_own_or_coordinator
from bot.errors import UserError, must_exist
from bot.i18n import _, number
from bot.parsing.poll_command import read_poll
from storage.coordinators import CoordinatorRepository
from storage.db import Storage
from storage.outbox import NoticeKind, OutboxRepository
from storage.polls import Ballot, Poll, PollRepository, Vote


class PollService:
    def __init__(
        self,
        storage: Storage,
        polls: PollRepository,
        coordinators: CoordinatorRepository,
        outbox: OutboxRepository,
        scheduler: BaseScheduler,
        zone: ZoneInfo,
    ):
        self.storage, self.polls, self.coordinators = storage, polls, coordinators
        self.outbox, self.scheduler, self.zone = outbox, scheduler, zone

    def create(self, author: str, channel: str, text: str, asked: dict | None = None) -> Poll:
        """The poll, and its message queued for posting with it (`asked`: where to tell the
        author if Slack will not take it: the command's response_url and channel_name)."""
        new = read_poll(text, self.zone, self.storage.clock())
        with self.storage.write():
            poll = self.polls.add(
                question=new.question,
                options=new.options,
                anonymous=new.anonymous,
                multiple=new.multiple,
                hidden=new.hidden,
                author=author,
                channel=channel,
                closes_at=new.closes_at,
            )
            self.outbox.add(
                NoticeKind.POLL_POST, poll.ref, channel, {"asker": author, "what": "your poll", **(asked or {})}
            )
        self.plan(poll)
        return poll

    def get(self, poll_id: int) -> Poll:
        return must_exist(
            self.polls.get(poll_id), _("There is no poll P-{id}.", id=poll_id), _("`/poll list` shows the open ones.")
        )

    def vote(
        self, voter: str, poll_id: int, option: int, message: tuple[str | None, str | None]
    ) -> tuple[Poll, Ballot]:
        """A click on option `option` (from 0) of the poll's message at `message` (channel, ts)."""
        poll = self.in_message(poll_id, message)
        with self.storage.write():
            ballot = self.polls.vote(poll_id, voter, option)
            if ballot.outcome in (Vote.CAST, Vote.MOVED, Vote.WITHDRAWN):
                self.outbox.add_unless_waiting(NoticeKind.POLL_UPDATE, poll.ref, poll.channel)
        if ballot.outcome is Vote.MISSING:
            raise UserError(_("There is no poll {ref} any more.", ref=poll.ref))
        if ballot.outcome is Vote.CLOSED:
            raise UserError(_("{ref} is closed; it takes no more votes.", ref=poll.ref))
        if ballot.outcome is Vote.INVALID:
            raise UserError(
                _("{ref} has no option {number}, so no vote was counted.", ref=poll.ref, number=number(option + 1))
            )
        return poll, ballot

    def in_message(self, poll_id: int, message: tuple[str | None, str | None]) -> Poll:
        """The poll, if the button clicked is in its message; a button carries the poll's ID
        in its value, and a value that names another poll than the message's is not ours."""
        poll = self.get(poll_id)
        if (poll.channel, poll.ts) != message:
            raise UserError(_("That button is not in the message of {ref}, so I did nothing.", ref=poll.ref))
        return poll

    def close(self, actor: str, poll_id: int) -> Poll:
        """Close it (its author or a coordinator), and queue the result's posting."""
        poll = self.get(poll_id)
        require_own_or_coordinator(
            self.coordinators,
            actor,
            poll.author,
            _("Only the one who asked {ref} and coordinators can close it.", ref=poll.ref),
        )
        if not self._close(poll, actor):
            raise UserError(_("{ref} is already closed.", ref=poll.ref))
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
        self.outbox.add_unless_waiting(NoticeKind.POLL_UPDATE, poll.ref, poll.channel)
        self.outbox.add(NoticeKind.POLL_CLOSED, poll.ref, poll.channel)

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
        self.scheduler.add_job(
            self.close_on_time,
            DateTrigger(run_date=poll.closes_at),
            args=[poll.id],
            id=f"poll:{poll.id}",
            replace_existing=True,
            misfire_grace_time=None,
        )

    def close_on_time(self, poll_id: int) -> None:
        poll = self.polls.get(poll_id)
        if poll and poll.is_open:
            self._close(poll, "scheduler")
