"""`/meetings`: the quarterly schedule."""

from __future__ import annotations

from slack_sdk import WebClient

from bot.errors import UserError
from bot.outbound.after_ack import File
from bot.parsing.catalogue import BY_COMMAND, usage
from bot.parsing.slack_text import escape
from bot.parsing.text import echo, require_ref, split_command
from bot.render import meeting_blocks
from bot.render.blocks import Reply
from bot.render.ics import meetings_ics
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, post_for, slash_command
from handlers.router import Router
from storage.outbox import NoticeKind

CANCEL_USAGE = usage("/meetings cancel")


def register(app: Router, services: Services) -> None:
    slash_command(app, "/meetings", lambda cmd, client: meetings(services, cmd, client))


def meetings(services: Services, cmd: SlashCommand, client: WebClient) -> Reply:
    sub, rest = split_command(cmd.text)
    if sub == "":
        meetings, year = services.meeting_service.upcoming_or_latest()
        return meeting_blocks.upcoming_or_latest(
            meetings, year, services.storage.clock(), to_coordinator=services.coordinators.is_coordinator(cmd.user_id)
        )
    if sub.isdigit() and len(sub) == 4 and not rest:
        year = int(sub)
        found = services.meetings.of_year(year)
        title = f"IWG meetings in {year}" if found else f"No meetings in {year}."
        return meeting_blocks.schedule(found, title, services.storage.clock())
    if sub == "help":
        return help.family_help(BY_COMMAND["/meetings"])
    if sub == "post":
        services.require_coordinator(cmd.user_id, "post the schedule")
        return post_for(services, cmd, NoticeKind.SCHEDULE_POST, cmd.user_id, "the schedule")
    if sub == "add":
        meeting = services.meeting_service.schedule(cmd.user_id, rest)
        reminders = " Reminders go to the channel before it." if services.settings.channel else ""
        return Reply.of(
            f"Scheduled *{meeting.ref} {escape(meeting.title)}*: {meeting_blocks.when(meeting)}, "
            f"{meeting_blocks.where(meeting)}.{reminders}",
            ":calendar:",
        )
    if sub == "cancel":
        meeting = services.meeting_service.cancel(cmd.user_id, require_ref(rest, "M", "a meeting", CANCEL_USAGE))
        return Reply.of(f"Cancelled *{meeting.ref} {escape(meeting.title)}*; its reminders will not be sent.", ":x:")
    if sub == "ics":
        return send_ics(services, client, cmd.user_id, cmd.response_url)
    raise UserError(f"`/meetings {echo(sub)}` is not a form I know.", hint="`/meetings help` lists every form.")


def send_ics(services: Services, client: WebClient, asker: str, response_url: str) -> Reply:
    now = services.storage.clock()
    found = services.meetings.upcoming(now)
    if not found:
        raise UserError(
            "There are no upcoming meetings to put in a calendar.", hint="`/meetings 2024` shows a past year."
        )

    def make() -> File:
        return File(
            filename="iwg-meetings.ics",
            title="IWG meetings",
            content=meetings_ics(found, now),
            comment="The upcoming IWG meetings: open the file to add them to your calendar.",
        )

    services.after_ack.send_file(client, asker, make, "the calendar file", response_url)
    return Reply.of(
        f"A calendar file of the {len(found)} upcoming meetings is on its way to your direct messages.",
        ":spiral_calendar_pad:",
    )
