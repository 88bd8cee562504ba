"""Turns an outbox notice into the Slack message it stands for, rendered as things are now.

Every post carries the notice's ID in its message metadata. When an earlier try may have
posted it (its answer was lost), the channel's recent history is read for that ID before
posting, so a lost answer does not make a second copy (at least once becomes once).
A notice to a mail lane ("mail:<email>") becomes a mail instead (bot/outbound/mail.py).
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.i18n import N_, _, language
from bot.outbound.after_ack import tell
from bot.outbound.courier import CHANNEL_ERRORS, GAVE_UP, MAIL_REFUSED, PERMANENT_ERRORS
from bot.outbound.courier_client import LeasedClient
from bot.outbound.mail import Mailer, MailNotices
from bot.outbound.names import display_names
from bot.parsing.slack_text import escape
from bot.parsing.text import parse_ref
from bot.render import digest_blocks, meeting_blocks, meeting_changes, poll_blocks, ta_blocks, ta_notices
from bot.render.blocks import Reply, error_reply
from storage.meetings import Meeting
from storage.outbox import Notice, NoticeKind, is_mail_lane
from storage.polls import Poll, PollRepository

if TYPE_CHECKING:
    from bot.services import Services


log = logging.getLogger("iwg.notices")

METADATA_TYPE = "iwg_notice"
# history Slack will never show the bot (no history scope, not a member): post, at least once
CANNOT_LOOK = frozenset({"missing_scope", "not_in_channel", "channel_not_found", "not_allowed_token_type"})
HISTORY_PAGES = 3  # of 200 messages: how far back a lost post is looked for
Where = tuple[str | None, str | None]


class NoticeSender:
    """`courier.Deliver`: sends one notice, returns where it landed (channel, ts)."""

    def __init__(self, services: "Services", client: WebClient, mailer: Mailer | None = None):
        self.services = services
        self.client = client
        self._dm_channels: dict[str, str] = {}  # member -> their DM channel with the bot
        self.mail = MailNotices(services, mailer)  # the mail lanes; without a mailer they wait

    def __call__(self, notice: Notice) -> Where:
        if is_mail_lane(notice.recipient):
            return self.mail(notice)
        if isinstance(self.client, LeasedClient):
            self.client.claimed(lambda: self.services.outbox.renew(notice))
        send = {
            NoticeKind.REMINDER: self.reminder,
            NoticeKind.POLL_POST: self.poll_post,
            NoticeKind.POLL_UPDATE: self.poll_update,
            NoticeKind.POLL_CLOSED: self.poll_closed,
            NoticeKind.AGENDA_POST: self.agenda,
            NoticeKind.SCHEDULE_POST: self.schedule,
            NoticeKind.MEETING_MOVED: self.meeting_moved,
            NoticeKind.AGENDA_MOVED: self.agenda_moved,
            NoticeKind.CHANNEL_PROBLEM: self.channel_problem,
            NoticeKind.POST_REFUSED: self.tell_asker,
            NoticeKind.CLICK_ANSWER: self.tell_asker,
            NoticeKind.DIGEST: self.digest,
        }.get(notice.kind, self.about_request)
        with language(self.language_for(notice.recipient)):
            return send(notice)

    def language_for(self, recipient: str | None) -> str:
        """A member's DM in their language; what a channel reads in the group's (IWG_LANGUAGE)."""
        if recipient and recipient[0] in "UW":
            return self.services.languages.of(recipient, self.client)
        return self.services.settings.language

    # --- polls -------------------------------------------------------------------------

    def poll_post(self, notice: Notice) -> Where:
        polls = self.services.polls
        poll = polls.get(parse_ref(notice.subject, "P"))
        if poll is None or poll.ts is not None:  # discarded, or posted already
            return None, None
        channel, ts = self.post(notice, notice.recipient, render_message(polls, self.client, poll))
        self.services.poll_service.posted(poll.id, ts)
        return channel, ts

    def poll_update(self, notice: Notice) -> Where:
        """The message as the poll stands now (its lane keeps updates in order)."""
        polls = self.services.polls
        poll = polls.get(parse_ref(notice.subject, "P"))
        if poll is None or poll.ts is None:
            return None, None
        reply = render_message(polls, self.client, poll)
        self.client.chat_update(channel=poll.channel, ts=poll.ts, text=reply.text, blocks=reply.blocks)
        return poll.channel, poll.ts

    def poll_closed(self, notice: Notice) -> Where:
        """The result, posted in the poll's thread and to the channel."""
        polls = self.services.polls
        poll = polls.get(parse_ref(notice.subject, "P"))
        if poll is None or poll.ts is None:  # never posted: nothing to announce
            return None, None
        return self.post(
            notice,
            poll.channel,
            poll_blocks.result_message(poll, polls.votes(poll.id)),
            thread_ts=poll.ts,
            reply_broadcast=True,
        )

    # --- the channel's posts -------------------------------------------------------------

    def reminder(self, notice: Notice) -> Where:
        """Rendered as it is sent, so the agenda is the agenda so far."""
        meeting = self.services.meeting_service.get(parse_ref(notice.subject, "M"))
        now = self.services.storage.clock()
        if meeting.status != "scheduled" or meeting.starts_at <= now:  # cancelled, or begun, meanwhile
            return None, None
        items, count, total = self.services.agenda_service.so_far(meeting, meeting_blocks.REMINDER_SHOWN)
        names = display_names(self.client, {item.proposer for item in items})
        reply = meeting_blocks.reminder(
            meeting, items, count, total, meeting.starts_at - now, names, zone=self.services.settings.timezone
        )
        return self.post(notice, notice.recipient, reply)

    def agenda(self, notice: Notice) -> Where:
        meeting = self.services.meeting_service.get(parse_ref(notice.subject, "M"))
        items, count, total = self.services.agenda_service.so_far(meeting, meeting_blocks.AGENDA_SHOWN)
        names = display_names(self.client, {item.proposer for item in items})
        reply = meeting_blocks.agenda(meeting, items, count, total, ephemeral=False, names=names)
        return self.post(notice, notice.recipient, reply)

    def meeting_moved(self, notice: Notice) -> Where:
        """As it was when it moved, and as it is now (a second move since: as it is then)."""
        meeting = self.services.meeting_service.get(parse_ref(notice.subject, "M"))
        if meeting.status != "scheduled":
            return None, None
        was = Meeting(**notice.detail["was"])
        count, _ = self.services.agenda.totals(meeting.id)
        return self.post(notice, notice.recipient, meeting_changes.moved(was, meeting, count))

    def agenda_moved(self, notice: Notice) -> Where:
        detail = notice.detail
        items = self.services.agenda.of_ids(detail["items"])
        if not items:  # withdrawn meanwhile
            return None, None
        was = self.services.meeting_service.get(detail["was"])
        to = self.services.meetings.get(detail["to"]) if detail.get("to") else None
        return self.direct_message(notice, meeting_changes.items_moved(items, was, to, detail.get("why", "")))

    def schedule(self, notice: Notice) -> Where:
        meetings, year = self.services.meeting_service.upcoming_or_latest()
        reply = meeting_blocks.upcoming_or_latest(meetings, year, self.services.storage.clock(), ephemeral=False)
        return self.post(notice, notice.recipient, reply)

    # --- direct messages -----------------------------------------------------------------

    def digest(self, notice: Notice) -> Where:
        """Gathered as it is sent: the numbers of that moment."""
        return self.direct_message(notice, digest_blocks.digest_message(self.services.digest(notice.recipient)))

    def channel_problem(self, notice: Notice) -> Where:
        channel, code = notice.subject, notice.detail.get("error", "")
        if code in NOT_A_MEMBER:
            what = _(
                "I could not post in <#{channel}>: I am not a member of it, or it is private and I was not "
                "added. Posts meant for it (reminders, polls, results) are not reaching it. Invite me there with "
                "{invite}, or set IWG_CHANNEL to a channel I am in.",
                channel=channel,
                invite=INVITE,
            )
        else:
            what = _(
                "Slack will not take my posts in <#{channel}> ({code}): posts meant for it are not "
                "reaching it. If it was archived, set IWG_CHANNEL to the group's new channel.",
                channel=channel,
                code=escape(code),
            )
        return self.direct_message(notice, Reply.of(what, ":warning:"))

    def tell_asker(self, notice: Notice) -> Where:
        return self.direct_message(notice, error_reply(notice.detail.get("text", "")))

    def about_request(self, notice: Notice) -> Where:
        request = self.services.ta_service.get(parse_ref(notice.subject, "TA"))
        organisation = self.services.organisations.get(request.organisation_id) if request.organisation_id else None
        if notice.kind == NoticeKind.MAIL_UNDELIVERED:
            return self.direct_message(notice, ta_notices.mail_undelivered(request, notice.detail))
        if notice.kind == NoticeKind.TA_REFRESH:
            self._refresh_announcements(notice, request, organisation)
            return None, None
        if notice.kind == NoticeKind.TA_ANNOUNCE:
            reply = ta_blocks.announcement(
                request, organisation, self.services.ta_service.matching_organisations(request)
            )
        elif notice.kind == NoticeKind.TA_REQUESTER:
            detail = dict(notice.detail)
            reopened = detail.pop("reopened", None)
            change = request.model_copy(update=detail)
            organisation = self.services.organisations.get(change.organisation_id or 0)
            reply = ta_notices.to_requester(change, organisation, reopened)
        elif notice.kind in (NoticeKind.TA_LEAD, NoticeKind.TA_FORMER_LEAD):
            # as it was assigned, even if it was reassigned again before this went out
            given = self.services.organisations.get(notice.detail.get("organisation_id") or 0)
            render = ta_notices.to_lead if notice.kind == NoticeKind.TA_LEAD else ta_notices.to_former_lead
            reply = render(request, given)
        elif notice.kind == NoticeKind.TA_LOGGED:
            reply = ta_blocks.logged(request, self.services.ta_service.matching_organisations(request))
        elif notice.kind in (NoticeKind.TA_NOTE, NoticeKind.TA_EDITED):
            event = self.services.ta_requests.event(notice.detail["event_id"])
            render = ta_notices.to_noted if notice.kind == NoticeKind.TA_NOTE else ta_notices.to_edited
            reply = render(request, event, notice.recipient == request.lead)
        else:
            raise ValueError(f"no renderer for notice kind {notice.kind!r}")
        return self.direct_message(notice, reply)

    def _refresh_announcements(self, notice: Notice, request, organisation) -> None:
        """The recipient's copy of the announcement shows what became of the request
        (notices written before lanes went to "announcements": every copy)."""
        reply = ta_blocks.announcement(request, organisation, self.services.ta_service.matching_organisations(request))
        recipient = None if notice.recipient == "announcements" else notice.recipient
        for sent in self.services.outbox.delivered_about(notice.subject, NoticeKind.TA_ANNOUNCE, recipient):
            try:
                self.client.chat_update(channel=sent.channel, ts=sent.ts, text=reply.text, blocks=reply.blocks)
            except SlackApiError as error:  # one deleted copy must not keep the others stale
                if error.response.get("error") not in PERMANENT_ERRORS:
                    raise
                log.warning(
                    "announcement %s in %s not updated: %s", sent.subject, sent.channel, error.response.get("error")
                )

    def direct_message(self, notice: Notice, reply: Reply) -> Where:
        """Into the member's DM with the bot. That channel's ID does not change, so it is
        opened once per member and process rather than before every message (a second Web
        API call each time); should Slack no longer know it, it is opened again."""
        user_id = notice.recipient
        channel = self._dm_channels.get(user_id)
        if channel is not None:
            try:
                return self.post(notice, channel, reply)
            except SlackApiError as error:
                if error.response.get("error") != "channel_not_found":
                    raise
                del self._dm_channels[user_id]
        channel = self._dm_channels[user_id] = self.client.conversations_open(users=user_id)["channel"]["id"]
        return self.post(notice, channel, reply)

    # --- posting once ----------------------------------------------------------------------

    def post(self, notice: Notice, channel: str, reply: Reply, **extra) -> tuple[str, str]:
        """Post `reply`, marked with the notice's ID; if an earlier try may have posted it, find that first."""
        if notice.maybe_sent:
            found = self.find(notice, channel)
            if found:
                log.info("notice %s was posted by an earlier try whose answer was lost", notice.id)
                return channel, found
        response = self.client.chat_postMessage(
            channel=channel,
            text=reply.text,
            blocks=reply.blocks,
            metadata={"event_type": METADATA_TYPE, "event_payload": {"notice": notice.id}},
            **extra,
        )
        return response["channel"], response["ts"]

    def find(self, notice: Notice, channel: str) -> str | None:
        """The ts of the bot's message for this notice in `channel`, if one was posted since
        the notice was written; None if not, or if the history cannot be read."""
        oldest = datetime.fromisoformat(notice.created_at).timestamp() - 60 if notice.created_at else 0
        cursor = None
        try:
            for _ in range(HISTORY_PAGES):
                page = self.client.conversations_history(
                    channel=channel, oldest=f"{oldest:.6f}", limit=200, include_all_metadata=True, cursor=cursor
                )
                for message in page.get("messages", []):
                    metadata = message.get("metadata") or {}
                    if (
                        metadata.get("event_type") == METADATA_TYPE
                        and (metadata.get("event_payload") or {}).get("notice") == notice.id
                    ):
                        return message.get("ts")
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not page.get("has_more") or not cursor:
                    return None
        except SlackApiError as error:
            code = error.response.get("error")
            if code not in CANNOT_LOOK:  # a 429 or a 5xx: the courier waits, then looks again
                raise
            log.warning("notice %s: could not look for an earlier post (%s): posting it", notice.id, code)
        return None

    # --- when Slack will never take it ---------------------------------------------------

    def refused(self, notice: Notice, code: str) -> None:
        """`courier.on_refused`: the one who asked for the post hears why and what to do; a
        channel that refuses what nobody asked for (a reminder, a result) is told to the
        coordinators, once a day per channel, and so is a requester's mail that will not go."""
        detail = notice.detail
        if is_mail_lane(notice.recipient):
            self.mail.undelivered(notice, refused=code == MAIL_REFUSED)
            return
        if notice.kind == NoticeKind.POLL_POST:
            self.services.polls.discard(parse_ref(notice.subject, "P"))
        if detail.get("asker"):
            self._tell(detail, cannot_post(notice.recipient, detail.get("what", THAT), code, detail))
        elif code in CHANNEL_ERRORS and notice.recipient[:1] in "CG":
            if self.services.outbox.channel_problem(notice.recipient, code):
                with self.services.storage.write():
                    for coordinator in self.services.coordinators.list():
                        self.services.outbox.add(
                            NoticeKind.CHANNEL_PROBLEM, notice.recipient, coordinator.user_id, {"error": code}
                        )

    def _tell(self, asked: dict, problem: str) -> None:
        """Where they typed the command (its response_url), or else in a DM."""
        if not tell(asked.get("response_url", ""), problem, about=f"{asked.get('what', 'a post')} refused"):
            self.services.outbox.add(NoticeKind.POST_REFUSED, asked.get("what", ""), asked["asker"], {"text": problem})


NOT_A_MEMBER = ("not_in_channel", "channel_not_found")
INVITE = "`/invite @IWG Bot`"  # how a member brings the bot into a channel


# Why a post a member asked for was not made, one whole sentence for each `what` they
# asked for (handlers/common.py's post_for, bot/domain/polls.py), so that a translator
# makes the words agree; the general sentence for any other.
_CANNOT_POST = {
    (GAVE_UP, "your poll"): N_("I could not post your poll: Slack could not be reached for hours. Please try again."),
    (GAVE_UP, "the agenda"): N_("I could not post the agenda: Slack could not be reached for hours. Please try again."),
    (GAVE_UP, "the schedule"): N_(
        "I could not post the schedule: Slack could not be reached for hours. Please try again."
    ),
    (GAVE_UP, None): N_("I could not post {what}: Slack could not be reached for hours. Please try again."),
    ("refused", "your poll"): N_("Slack refused to post your poll ({code}); please try again."),
    ("refused", "the agenda"): N_("Slack refused to post the agenda ({code}); please try again."),
    ("refused", "the schedule"): N_("Slack refused to post the schedule ({code}); please try again."),
    ("refused", None): N_("Slack refused to post {what} ({code}); please try again."),
    ("members' DM", "your poll"): N_(
        "I cannot post your poll in a direct message between members: no app can join one. "
        "Type the command in a channel instead, after inviting me there with {invite}."
    ),
    ("members' DM", "the agenda"): N_(
        "I cannot post the agenda in a direct message between members: no app can join one. "
        "Type the command in a channel instead, after inviting me there with {invite}."
    ),
    ("members' DM", "the schedule"): N_(
        "I cannot post the schedule in a direct message between members: no app can join one. "
        "Type the command in a channel instead, after inviting me there with {invite}."
    ),
    ("members' DM", None): N_(
        "I cannot post {what} in a direct message between members: no app can join one. "
        "Type the command in a channel instead, after inviting me there with {invite}."
    ),
    ("not a member", "your poll"): N_(
        "I could not post your poll in <#{channel}>: I am not a member of it. Invite me with {invite}, then try again."
    ),
    ("not a member", "the agenda"): N_(
        "I could not post the agenda in <#{channel}>: I am not a member of it. Invite me with {invite}, then try again."
    ),
    ("not a member", "the schedule"): N_(
        "I could not post the schedule in <#{channel}>: I am not a member of it. "
        "Invite me with {invite}, then try again."
    ),
    ("not a member", None): N_(
        "I could not post {what} in <#{channel}>: I am not a member of it. Invite me with {invite}, then try again."
    ),
}
THAT = N_("that")  # what was not posted, when the notice does not say


def cannot_post(channel: str, what: str, code: str, asked: dict) -> str:
    """Why `what` could not be posted in `channel`, and what can be done about it: an
    invitation where one is possible, another place where it is not (a DM or group DM
    between members, which no app can join). `asked`: the command it answers, if any."""
    if code == GAVE_UP:
        why = GAVE_UP
    elif code not in NOT_A_MEMBER:
        why = "refused"
    else:
        name = asked.get("channel_name", "")
        in_dm = channel == asked.get("asked_in", channel) and (name == "directmessage" or name.startswith("mpdm-"))
        why = "members' DM" if in_dm else "not a member"
    template = _CANNOT_POST.get((why, what)) or _CANNOT_POST[(why, None)]
    return _(template, what=_(what) if what else what, code=escape(code), channel=channel, invite=INVITE)


def render_message(polls: PollRepository, client: WebClient, poll: Poll) -> Reply:
    """The poll's message as the poll stands in the database: voters by name, never pinged."""
    votes = polls.votes(poll.id)
    shown = {poll.author} | (set() if poll.anonymous else {u for users in votes.values() for u in users})
    return poll_blocks.poll_message(poll, votes, display_names(client, shown))
