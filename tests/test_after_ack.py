"""What a member waits on after the ack: a file for their DMs is made after the ack, not in
it, and a failure on the way is told to them; refusals read as they always did."""

from __future__ import annotations

import sqlite3
import threading
import time

from slack_sdk import WebClient

from bot.outbound.notices import cannot_post
from handlers import ta
from handlers.common import SlashCommand
from storage.outbox import NoticeKind
from tests.conftest import COORDINATOR


def export_command(standin) -> SlashCommand:
    url = standin.response_url(f"export.{int(time.time() * 1000)}.a")
    return SlashCommand(command="/ta", text="export", user_id=COORDINATOR, response_url=url)


def test_the_export_is_gathered_after_the_ack(senders, standin):
    """100,000 requests take about 2 s to read and write as CSV: not on the ack's time."""
    _, first, _ = senders
    services, read_on = first.services, []
    real = services.ta_requests.export_rows
    services.ta_requests.export_rows = lambda: (read_on.append(threading.current_thread().name), real())[1]
    client = WebClient(token="xoxb-test", base_url=standin.api_url)
    reply = ta.export(services, export_command(standin), client)
    assert "on its way" in reply.text
    services.after_ack.wait()
    assert read_on and read_on[0] != threading.current_thread().name  # read after the ack, not in it
    assert standin.calls_to("files.completeUploadExternal") or standin.calls_to("files.upload")


def test_an_export_the_database_cannot_give_is_told_to_the_asker(senders, standin):
    _, first, _ = senders
    services = first.services

    def locked():
        raise sqlite3.OperationalError("database is locked")

    services.ta_requests.export_rows = locked
    client = WebClient(token="xoxb-test", base_url=standin.api_url)
    reply = ta.export(services, export_command(standin), client)
    assert "on its way" in reply.text
    services.after_ack.wait()
    told = [r.args for r in standin.responses]
    assert len(told) == 1 and "I could not send the CSV export" in told[0]["text"]


def test_a_refusal_reads_as_it_did():
    assert cannot_post("C0IWG", "your poll", "is_archived", {}) == (
        "Slack refused to post your poll (is_archived); please try again."
    )
    assert cannot_post("C0IWG", "the agenda", "not_in_channel", {}) == (
        "I could not post the agenda in <#C0IWG>: I am not a member of it. "
        "Invite me with `/invite @IWG Bot`, then try again."
    )


def test_the_coordinators_hear_why_posts_are_not_reaching_the_channel(senders, standin):
    _, first, _ = senders
    first.services.outbox.add(NoticeKind.CHANNEL_PROBLEM, "C0IWG", COORDINATOR, {"error": "is_archived"})
    first.services.outbox.add(NoticeKind.CHANNEL_PROBLEM, "C0ASK", COORDINATOR, {"error": "not_in_channel"})
    first.drain()
    archived, outside = (m["text"] for m in standin.dms_to(COORDINATOR))
    assert archived == (
        "Slack will not take my posts in <#C0IWG> (is_archived): posts meant for it are not reaching it. "
        "If it was archived, set IWG_CHANNEL to the group's new channel."
    )
    assert outside == (
        "I could not post in <#C0ASK>: I am not a member of it, or it is private and I was not added. "
        "Posts meant for it (reminders, polls, results) are not reaching it. Invite me there with "
        "`/invite @IWG Bot`, or set IWG_CHANNEL to a channel I am in."
    )
