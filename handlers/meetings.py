"""`/meetings`: the quarterly schedule."""

from __future__ import annotations

from slack_sdk import WebClient

from bot import channel_posts, meeting_blocks
from bot.calendar import meetings_ics
from bot.catalogue import BY_COMMAND
from bot.errors import UserError
from bot.render import Reply, escape
from bot.services import Services
from bot.text import echo, require_ref, split_command
from handlers import help
from handlers.common import SlashCommand, post_for, send_to_dm_later, slash_command
from handlers.router import Router

CANCEL_USAGE = "`/meetings cancel <id>`, e.g. `/meetings cancel M-3`"


def register(app: Router, services: Services) -> None:
    slash_command(app, "/meetings", lambda cmd, client: meetings(services, cmd, client))


def meetings(services: Services, cmd: SlashCommand, client: WebClient) -> Reply:
    sub, rest = split_command(cmd.text)
    if sub == "":
        return channel_posts.schedule(services, cmd.user_id, ephemeral=True)
    if sub.isdigit() and len(sub) == 4 and not rest:
        year = int(sub)
        found = services.meetings.of_year(year)
        title = f"IWG meetings in {year}" if found else f"No meetings in {year}."
        return meeting_blocks.schedule(found, title, services.storage.clock())
    if sub == "help":
        return help.family_help(BY_COMMAND["/meetings"])
    if sub == "post":
        services.require_coordinator(cmd.user_id, "post the schedule")
        return post_for(services, cmd, channel_posts.SCHEDULE_POST, cmd.user_id, "the schedule")
    if sub == "add":
        meeting = services.meeting_service.schedule(cmd.user_id, rest)
        reminders = " Reminders go to the channel before it." if services.settings.channel else ""
        return Reply.of(f"Scheduled *{meeting.ref} {escape(meeting.title)}*: {meeting_blocks.when(meeting)}, "
                        f"{meeting_blocks.where(meeting)}.{reminders}", ":calendar:")
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
        raise UserError("There are no upcoming meetings to put in a calendar.", hint="`/meetings 2024` shows a past year.")

    def upload() -> None:
        dm = client.conversations_open(users=asker)["channel"]["id"]
        client.files_upload_v2(channel=dm, filename="iwg-meetings.ics", title="IWG meetings",
                               content=meetings_ics(found, now), initial_comment="The upcoming IWG meetings: "
                               "open the file to add them to your calendar.")

    send_to_dm_later(services, response_url, upload, "the calendar file")
    return Reply.of(f"A calendar file of the {len(found)} upcoming meetings is on its way to your direct messages.",
                    ":spiral_calendar_pad:")
