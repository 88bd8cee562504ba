"""Turns an outbox notice into the Slack message it stands for, rendered as things are now."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot import digest_blocks, meeting_blocks, poll_blocks, ta, ta_blocks
from bot.digest import DIGEST
from bot.names import display_names
from bot.courier import PERMANENT_ERRORS
from bot.polls import CLOSED_NOTICE, update_message
from bot.reminders import REMIND
from bot.render import Reply
from bot.text import parse_ref
from storage.outbox import Notice

if TYPE_CHECKING:
    from bot.services import Services


log = logging.getLogger("iwg.notices")


class NoticeSender:
    """`courier.Deliver`: sends one notice, returns where it landed (channel, ts)."""

    def __init__(self, services: "Services", client: WebClient):
        self.services = services
        self.client = client
        self._dm_channels: dict[str, str] = {}  # member -> their DM channel with the bot

    def __call__(self, notice: Notice) -> tuple[str | None, str | None]:
        if notice.kind == REMIND:
            return self.reminder(notice)
        if notice.kind == CLOSED_NOTICE:
            return self.poll_closed(notice)
        if notice.kind == DIGEST:  # gathered as it is sent: the numbers of that moment
            return self.direct_message(notice.recipient, digest_blocks.digest_message(self.services.digest(notice.recipient)))
        return self.about_request(notice)

    def poll_closed(self, notice: Notice) -> tuple[str | None, str | None]:
        """The poll's message shows the final result, and the result is posted beside it."""
        polls = self.services.polls
        poll = polls.get(parse_ref(notice.subject, "P"))
        if poll is None or poll.ts is None:  # never posted: nothing to update or announce
            return None, None
        # in turn with any vote update in flight, so a late one cannot reopen the message
        self.services.poll_refresher.request(poll.id, lambda: update_message(polls, self.client, poll.id))
        reply = poll_blocks.result_message(poll, polls.votes(poll.id))
        response = self.client.chat_postMessage(channel=poll.channel, thread_ts=poll.ts, reply_broadcast=True,
                                                text=reply.text, blocks=reply.blocks)
        return response["channel"], response["ts"]

    def reminder(self, notice: Notice) -> tuple[str, str]:
        """Rendered as it is sent, so the agenda is the agenda so far."""
        meeting = self.services.meeting_service.get(parse_ref(notice.subject, "M"))
        now = self.services.storage.clock()
        if meeting.status != "scheduled" or meeting.starts_at <= now:  # cancelled, or begun, meanwhile
            return None, None
        items = self.services.agenda.for_meeting(meeting.id, limit=meeting_blocks.REMINDER_SHOWN)
        names = display_names(self.client, {item.proposer for item in items})
        reply = meeting_blocks.reminder(meeting, items, *self.services.agenda.totals(meeting.id), meeting.starts_at - now,
                                        names)
        response = self.client.chat_postMessage(channel=notice.recipient, text=reply.text, blocks=reply.blocks)
        return response["channel"], response["ts"]

    def about_request(self, notice: Notice) -> tuple[str | None, str | None]:
        request = self.services.ta.get(parse_ref(notice.subject, "TA"))
        organisation = self.services.organisations.get(request.organisation_id) if request.organisation_id else None
        if notice.kind == ta.REFRESH:
            self._refresh_announcements(notice.subject, request, organisation)
            return None, None
        if notice.kind == ta.ANNOUNCE:
            reply = ta_blocks.announcement(request, organisation, self.services.ta.matching_organisations(request))
        elif notice.kind == ta.TELL_REQUESTER:
            change = request.model_copy(update=notice.detail)
            reply = ta_blocks.to_requester(change, self.services.organisations.get(change.organisation_id or 0))
        elif notice.kind in (ta.TELL_LEAD, ta.TELL_FORMER_LEAD):
            # as it was assigned, even if it was reassigned again before this went out
            given = self.services.organisations.get(notice.detail.get("organisation_id") or 0)
            render = ta_blocks.to_lead if notice.kind == ta.TELL_LEAD else ta_blocks.to_former_lead
            reply = render(request, given)
        elif notice.kind == ta.CONFIRM:
            reply = ta_blocks.logged(request, self.services.ta.matching_organisations(request))
        else:
            raise ValueError(f"no renderer for notice kind {notice.kind!r}")
        return self.direct_message(notice.recipient, reply)

    def direct_message(self, user_id: str, reply: Reply) -> tuple[str, str]:
        """Into the member's DM with the bot. That channel's ID does not change, so it is
        opened once per member and process rather than before every message (a second Web
        API call each time); should Slack no longer know it, it is opened again."""
        channel = self._dm_channels.get(user_id)
        if channel is not None:
            try:
                return self._post(channel, reply)
            except SlackApiError as error:
                if error.response.get("error") != "channel_not_found":
                    raise
                del self._dm_channels[user_id]
        channel = self._dm_channels[user_id] = self.client.conversations_open(users=user_id)["channel"]["id"]
        return self._post(channel, reply)

    def _post(self, channel: str, reply: Reply) -> tuple[str, str]:
        response = self.client.chat_postMessage(channel=channel, text=reply.text, blocks=reply.blocks)
        return response["channel"], response["ts"]

    def _refresh_announcements(self, subject: str, request, organisation) -> None:
        """Every coordinator's copy of the announcement shows what became of the request."""
        reply = ta_blocks.announcement(request, organisation, self.services.ta.matching_organisations(request))
        for sent in self.services.outbox.delivered_about(subject, ta.ANNOUNCE):
            try:
                self.client.chat_update(channel=sent.channel, ts=sent.ts, text=reply.text, blocks=reply.blocks)
            except SlackApiError as error:  # one deleted copy must not keep the others stale
                if error.response.get("error") not in PERMANENT_ERRORS:
                    raise
                log.warning("announcement %s in %s not updated: %s", subject, sent.channel, error.response.get("error"))
