"""What a coordinator posts in the group's channel (`/meetings post`, `/agenda post`),
rendered when it is sent rather than when it was asked for, since it names members by
their display names (a Web API call each) and shows the schedule as it then is.

The post goes through the outbox like every notice, so an outage delays it and never
loses it; if Slack refuses it for good the asker is told (bot/notices.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from bot import meeting_blocks
from bot.render import Reply
from storage.meetings import Meeting

if TYPE_CHECKING:
    from bot.services import Services

SCHEDULE_POST = "meetings.post"  # outbox kinds; the subject is the asker, or the meeting
AGENDA_POST = "agenda.post"


def queue(services: "Services", kind: str, subject: str, channel: str, asked: dict) -> None:
    """`asked`: who asked and how to reach them (asker, response_url, channel_name, what)."""
    services.outbox.add(kind, subject, channel, asked)


def schedule(services: "Services", asker: str, ephemeral: bool) -> Reply:
    """The upcoming meetings, else the latest year's; a coordinator alone is told how to add one."""
    now = services.storage.clock()
    found = services.meetings.upcoming(now)
    if found:
        reply = meeting_blocks.schedule(found, "Upcoming IWG meetings", now)
    else:
        year = services.meetings.latest_year()
        hint = ("No meeting is scheduled ahead. Schedule the next with "
                "`/meetings add <title> on <date> [at <time>] [in <place>]`."
                if ephemeral and services.coordinators.is_coordinator(asker) else None)
        if year is None:
            reply = Reply.of("No meetings are scheduled." + (f" {hint}" if hint else ""))
        else:
            reply = meeting_blocks.schedule(services.meetings.of_year(year), f"No upcoming meetings; the {year} schedule",
                                            now, hint)
    reply.ephemeral = ephemeral
    return reply


def agenda(services: "Services", meeting: Meeting, look_up: Callable[[set[str]], dict[str, str]] | None = None) -> Reply:
    """The agenda: for the asker alone, or with `look_up` (members' display names) the
    channel's copy, which names proposers rather than pinging them."""
    items = services.agenda.for_meeting(meeting.id, limit=meeting_blocks.AGENDA_SHOWN)
    names = look_up({item.proposer for item in items}) if look_up else None
    return meeting_blocks.agenda(meeting, items, *services.agenda.totals(meeting.id), ephemeral=names is None,
                                 names=names)
