"""Notices waiting to be delivered to Slack: written with the change they tell of.

Each recipient (a channel, or a member's DM) is a lane. A notice is claimed before it is
sent, and a lane has one claimed notice at a time, in any process: so two processes never
send the same notice, posts to one channel go out one after another, and a message's
updates land in order. Each claim also spends the lane's pace (PACE: Slack takes about
one message a second per channel, with short bursts), so a catch-up after downtime never
meets Slack's limit; a 429 pauses only its own lane (`hold_lane`).

A claim holds until `lease_until`, which the sender renews before each Web API call
(`renew`), so a claim lasts exactly as long as its work; a claim whose sender died is
taken again once its lease runs out. The one case sent twice would be a crash between
Slack's answer and `delivered()`: the next try sees `maybe_sent` and looks for the message
first (bot/outbound/notices.py).
"""

from __future__ import annotations

import json
import threading
from datetime import datetime, timedelta, timezone
from enum import StrEnum

from pydantic import BaseModel

from storage.db import Storage, to_iso

# A claim's lease, renewed before each call: longer than one Web API call can take (the
# courier's client gives up after 10 s and does not retry inside the call).
LEASE = timedelta(seconds=60)
# Per lane: one claim a second at the steady pace, and a burst of three after a quiet spell.
PACE_SECONDS, BURST = 1.0, 3

_PENDING = "o.sent_at IS NULL AND o.failed_at IS NULL"
# the oldest pending notice of its lane: a lane is first in, first out, so a notice waiting
# for its retry is not overtaken (an update before its message, a later DM before an earlier)
_LANE_HEAD = """NOT EXISTS (SELECT 1 FROM outbox h WHERE h.recipient = o.recipient AND h.id < o.id
                                       AND h.sent_at IS NULL AND h.failed_at IS NULL)"""


MAIL_LANE = "mail:"  # a web requester's lane: "mail:<email>", its notices sent by mail


def mail_lane(email: str) -> str:
    """The lane of an email address: one per address, however it was typed."""
    return f"{MAIL_LANE}{email.strip().lower()}"


def is_mail_lane(recipient: str) -> bool:
    return recipient.startswith(MAIL_LANE)


class NoticeKind(StrEnum):
    """Every kind of notice, in one place: what bot/outbound/notices.py renders each as.
    The values are stored in `outbox.kind`, so they never change."""

    # TA requests, to members' DMs
    TA_ANNOUNCE = "ta.announce"  # to each coordinator: a new request, with assign/decline buttons
    TA_REFRESH = "ta.refresh"  # update a coordinator's announcement in place after a change
    TA_LEAD = "ta.lead"  # to the lead: you lead this
    TA_FORMER_LEAD = "ta.former_lead"  # to a lead who was replaced
    TA_REQUESTER = "ta.requester"  # to the requester: it moved on
    TA_LOGGED = "ta.logged"  # to the requester, when the form (which closes without a reply) logged it
    TA_NOTE = "ta.note"  # to the requester and the lead: a note was added (payload: its event)
    TA_EDITED = "ta.edited"  # to the requester: someone else corrected the request (payload: its event)
    # to a web requester's mail lane ("mail:<email>"); TA_REQUESTER and TA_NOTE go there too
    WEB_CONFIRM = "web.confirm"  # confirm your request: the signed link (subject: W-<submission>)
    WEB_LOGGED = "web.logged"  # it is logged as TA-n, with the status page's link
    AGENDA_MOVED = "agenda.moved"  # to a proposer: their items moved (payload: items, was, to, why)
    # the group's channel
    REMINDER = "meeting.reminder"  # a meeting is coming, with the agenda so far
    SCHEDULE_POST = "meetings.post"  # `/meetings post`; the subject is the asker
    AGENDA_POST = "agenda.post"  # `/agenda post`; the subject is the meeting
    MEETING_MOVED = "meeting.moved"  # a meeting moved (payload: how it was); the subject is the meeting
    POLL_POST = "poll.post"  # a poll's message
    POLL_UPDATE = "poll.update"  # the votes shown in it
    POLL_CLOSED = "poll.closed"  # its result, posted beside it
    # to coordinators and askers
    DIGEST = "digest"  # the weekly digest
    CHANNEL_PROBLEM = "channel.problem"  # a channel refuses the bot's posts
    MAIL_UNDELIVERED = "mail.undelivered"  # a web requester's mail will not go (payload: its kind, refused)
    POST_REFUSED = "post.refused"  # to one who asked for a post Slack refused, when the response_url cannot
    CLICK_ANSWER = "click.answer"  # to one who clicked where no response_url answers (the App Home)


class Notice(BaseModel):
    id: int
    kind: str  # what to render, e.g. "ta.announce"
    subject: str  # what it is about, e.g. "TA-7"
    recipient: str  # a user ID (a direct message), a channel ID or "mail:<address>": the lane
    detail: dict = {}
    attempts: int = 0
    created_at: str = ""
    channel: str | None = None
    ts: str | None = None
    maybe_sent: bool = False  # an earlier try may have posted it: look before posting again
    claimed_at: str | None = None  # the claim's token, as this sender holds it

    @classmethod
    def from_row(cls, row: dict) -> "Notice":
        return cls(**{**row, "detail": json.loads(row["detail"]), "maybe_sent": bool(row["maybe_sent"])})


def _epoch(moment: datetime) -> float:
    return moment.timestamp()


class OutboxRepository:
    def __init__(self, storage: Storage):
        self.storage = storage
        self.wakeup = threading.Event()  # set once a new notice is committed

    def add(self, kind: str, subject: str, recipient: str, detail: dict | None = None) -> None:
        """Queue a notice; joins the caller's transaction, so it exists only if the change does."""
        now = to_iso(self.storage.clock())
        with self.storage.write() as db:
            db.execute(
                "INSERT INTO outbox (kind, subject, recipient, detail, created_at, due_at) VALUES (?, ?, ?, ?, ?, ?)",
                [kind, subject, recipient, json.dumps(detail or {}, ensure_ascii=False), now, now],
            )
        self.storage.after_commit(self.wakeup.set)

    def add_unless_waiting(self, kind: str, subject: str, recipient: str) -> bool:
        """Queue a notice rendered at delivery (an update of a message), unless one like it
        is already waiting unclaimed: that one will show the latest state too. Fifty votes
        in a second make a few updates, not fifty."""
        with self.storage.write() as db:
            waiting = db.execute(
                f"""SELECT 1 FROM outbox o WHERE subject = ? AND kind = ? AND recipient = ? AND {_PENDING}
                      AND (lease_until IS NULL OR lease_until < ?) LIMIT 1""",
                [subject, kind, recipient, _epoch(self.storage.clock())],
            ).fetchone()
            if waiting:
                return False
            self.add(kind, subject, recipient)
        return True

    def claim_due(self) -> Notice | None:
        """The notice due first whose lane is free and paced, claimed for this sender."""
        now = self.storage.clock()
        at = _epoch(now)
        with self.storage.write() as db:
            row = db.execute(
                f"""SELECT o.id, o.recipient FROM outbox o
                    LEFT JOIN outbox_lanes l ON l.lane = o.recipient
                    WHERE {_PENDING} AND o.due_at <= ? AND (o.lease_until IS NULL OR o.lease_until < ?)
                      AND (l.paced_until IS NULL OR l.paced_until <= ?)
                      AND {_LANE_HEAD} AND NOT EXISTS (SELECT 1 FROM outbox b WHERE b.recipient = o.recipient
                                      AND b.sent_at IS NULL AND b.failed_at IS NULL AND b.lease_until >= ?)
                    ORDER BY o.due_at, o.id LIMIT 1""",
                [to_iso(now), at, at, at],
            ).fetchone()
            if row is None:
                return None
            notice_id, lane = row
            notice = Notice.from_row(next(db.query("SELECT * FROM outbox WHERE id = ?", [notice_id])))
            claim = f"{at:.6f}"  # this claim's token: a sender that lost its lease changes nothing
            db.execute(
                "UPDATE outbox SET claimed_at = ?, lease_until = ?, attempts = attempts + 1, maybe_sent = 1"
                " WHERE id = ?",
                [claim, at + LEASE.total_seconds(), notice_id],
            )
            self._spend_pace(db, lane, at)
        return notice.model_copy(update={"attempts": notice.attempts + 1, "claimed_at": claim})

    def _spend_pace(self, db, lane: str, at: float) -> None:
        """The lane's next claim waits for the pace (a GCRA: the burst is spent, then one a second)."""
        theoretical = db.execute("SELECT theoretical FROM outbox_lanes WHERE lane = ?", [lane]).fetchone()
        theoretical = max(theoretical[0] if theoretical else at, at) + PACE_SECONDS
        db.execute(
            "INSERT OR REPLACE INTO outbox_lanes (lane, paced_until, theoretical) VALUES (?, ?, ?)",
            [lane, theoretical - (BURST - 1) * PACE_SECONDS, theoretical],
        )

    def hold_lane(self, lane: str, until: datetime) -> None:
        """Slack said to wait (a 429's Retry-After): nothing more to this lane until then,
        and then one a second."""
        at = _epoch(until)
        with self.storage.write() as db:
            db.execute(
                """INSERT INTO outbox_lanes (lane, paced_until, theoretical) VALUES (?, ?, ?)
                          ON CONFLICT (lane) DO UPDATE SET paced_until = max(paced_until, excluded.paced_until),
                                                          theoretical = max(theoretical, excluded.theoretical)""",
                [lane, at, at + (BURST - 1) * PACE_SECONDS],
            )

    # Settling a claim: each matches the claim's token, so a sender whose lease ran out (and
    # whose notice another sender has claimed since) cannot undo or overwrite that claim.

    def renew(self, notice: Notice) -> None:
        """The work on a claim goes on: hold it for another LEASE."""
        with self.storage.write() as db:
            db.execute(
                "UPDATE outbox SET lease_until = ? WHERE id = ? AND claimed_at = ? AND sent_at IS NULL",
                [_epoch(self.storage.clock() + LEASE), notice.id, notice.claimed_at],
            )

    def delivered(self, notice: Notice, channel: str | None, ts: str | None) -> None:
        with self.storage.write() as db:
            db.execute(
                "UPDATE outbox SET sent_at = ?, channel = ?, ts = ?, error = NULL, lease_until = NULL"
                " WHERE id = ? AND claimed_at = ?",
                [to_iso(self.storage.clock()), channel, ts, notice.id, notice.claimed_at],
            )

    def retry_at(self, notice: Notice, due: datetime, error: str, maybe_sent: bool, count: bool = True) -> None:
        """Try again at `due`; `maybe_sent` if this try (or an earlier one) may have posted it;
        not `count`ed when Slack only said to wait, which says nothing of the notice itself."""
        with self.storage.write() as db:
            db.execute(
                """UPDATE outbox SET due_at = ?, claimed_at = NULL, lease_until = NULL, error = ?,
                          maybe_sent = ?, attempts = attempts - ? WHERE id = ? AND claimed_at = ?""",
                [to_iso(due), error[:500], int(maybe_sent), 0 if count else 1, notice.id, notice.claimed_at],
            )

    def failed(self, notice: Notice, error: str) -> None:
        """Slack will never take it (the user left, the channel is gone): stop trying."""
        with self.storage.write() as db:
            db.execute(
                "UPDATE outbox SET failed_at = ?, claimed_at = NULL, lease_until = NULL, error = ?"
                " WHERE id = ? AND claimed_at = ?",
                [to_iso(self.storage.clock()), error[:500], notice.id, notice.claimed_at],
            )

    def delivered_about(self, subject: str, kind: str, recipient: str | None = None) -> list[Notice]:
        """The delivered notices of one kind about one subject (to update them in place)."""
        rows = self.storage.db.query(
            "SELECT * FROM outbox WHERE subject = ? AND kind = ? AND sent_at IS NOT NULL"
            " AND (? IS NULL OR recipient = ?) ORDER BY id",
            [subject, kind, recipient, recipient],
        )
        return [Notice.from_row(row) for row in rows]

    def recipients_of(self, subject: str, kind: str) -> list[str]:
        """Who was sent, or is yet to be sent, a notice of this kind about this subject."""
        rows = self.storage.db.execute(
            "SELECT DISTINCT recipient FROM outbox WHERE subject = ? AND kind = ? AND failed_at IS NULL ORDER BY id",
            [subject, kind],
        ).fetchall()
        return [row[0] for row in rows]

    def channel_problem(self, channel: str, error: str) -> bool:
        """Record that `channel` refused a post today (or a mail lane a mail about a request:
        "mail:<email> TA-3"); True the first time today (tell the coordinators)."""
        day = self.storage.clock().astimezone(timezone.utc).date().isoformat()
        with self.storage.write() as db:
            return (
                db.execute(
                    "INSERT OR IGNORE INTO channel_problems (channel, day, error) VALUES (?, ?, ?)",
                    [channel, day, error],
                ).rowcount
                == 1
            )

    def next_due(self) -> datetime | None:
        """When a notice may next be claimed: the latest of a lane head's due time, its lane's
        pace, and a live claim's lease (strftime, not unixepoch: SQLite before 3.38 has none)."""
        (at,) = self.storage.db.execute(
            f"""SELECT min(max(CAST(strftime('%s', o.due_at) AS REAL), coalesce(l.paced_until, 0),
                               coalesce(o.lease_until, 0)))
                FROM outbox o LEFT JOIN outbox_lanes l ON l.lane = o.recipient WHERE {_PENDING} AND {_LANE_HEAD}"""
        ).fetchone()
        return None if at is None else datetime.fromtimestamp(at, timezone.utc)

    def pending(self) -> int:
        """How many notices are still to be delivered (the console waits for none)."""
        return self.storage.db.execute(f"SELECT count(*) FROM outbox o WHERE {_PENDING}").fetchone()[0]
