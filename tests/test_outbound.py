"""The outbound path under Slack's rules: nothing lost, nothing posted twice, each channel paced.

The end-to-end tests run the real bot against the stand-in; the courier's own rules (a long
Retry-After, a lost answer, a refusing channel) run in-process against the same stand-in,
with two senders on one database file playing two processes, on a clock the test moves.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from urllib.parse import parse_qsl, urlencode

from bot.parsing.ta_command import NewRequest
from bot.services import Services
from bot.settings import Settings
from storage.meetings import MeetingTimes
from storage.outbox import NoticeKind
from tests.conftest import COORDINATOR, SECOND_COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_polls import CHANNEL as ASKED_IN
from tests.test_polls import click, counts, post_poll
from tests.test_ta import log_request, rows

Y = datetime.now(timezone.utc).year + 1


def announced(standin, user_id: str = COORDINATOR) -> list[dict]:
    """The announcements of new requests in a coordinator's DM, as Slack keeps them."""
    return standin.posts_in("D" + user_id[1:], "TA-")


def queue_reminder(services: Services, channel: str = "C0IWG", title: str = "Q1") -> None:
    starts = services.storage.clock() + timedelta(days=3)
    meeting = services.meetings.add(
        title=title,
        times=MeetingTimes(start_date=starts.date(), zone="UTC", starts_at=starts),
        place=None,
        created_by=COORDINATOR,
    )
    services.outbox.add(NoticeKind.REMINDER, meeting.ref, channel, {"offset": 86400})


# --- finding 1: posts that bypassed the outbox were lost in an outage ----------------------


def test_a_poll_and_the_agenda_asked_for_in_an_outage_are_posted_after_it(bot, standin):
    driver, process = bot
    driver.command("/meetings", f"add Q1 on 24 February {Y} at 14:00", user_id=COORDINATOR)
    driver.command("/agenda", "add Handbook update (15 min)", user_id="U0MEMBER")
    standin.outage(4)
    assert (
        driver.command("/poll", '"Asked in the outage?" "yes" "no"', user_id="U0ASKER", channel_id=ASKED_IN).status
        == 200
    )
    assert "Posting the agenda" in valid_ephemeral(driver.command("/agenda", "post", user_id=COORDINATOR))["text"]
    standin.wait_for(lambda: any(c.method.endswith(":dropped") for c in standin.calls), what="the outage to be met")
    poll = standin.wait_for(lambda: standin.posts_in(ASKED_IN, "Asked in the outage?"), timeout=20, what="the poll")
    agenda = standin.wait_for(lambda: standin.posts_in("C0IWG", "Handbook update"), timeout=20, what="the agenda")
    time.sleep(0.5)  # nothing more comes
    assert len(standin.posts_in(ASKED_IN, "Asked in the outage?")) == 1 and len(agenda) == 1
    assert rows(process, "SELECT ts FROM polls") == [(poll[0]["ts"],)]


# --- finding 2: poll message updates were tried once --------------------------------------


def test_a_vote_and_a_close_reach_the_message_through_failing_updates(bot, standin):
    driver, process = bot
    message, _ = post_poll(driver, standin, '"Venue?" "Nairobi" "Lima"')
    standin.http_failures["chat.update"] = [(500, {})] * 3
    click(driver, message, 0, "U0A")
    shown = lambda: standin.posts_in(ASKED_IN, "Venue?")[0]  # noqa: E731 (the message as members see it)
    standin.wait_for(lambda: counts(shown()) == ["1", "0"], timeout=20, what="the vote in the message")

    standin.http_failures["chat.update"] = [(500, {})] * 3
    assert "Closed P-1" in valid_ephemeral(driver.command("/poll", "close P-1", user_id="U0ASKER"))["text"]
    standin.wait_for(lambda: "(closed)" in str(shown()["blocks"]), timeout=20, what="the closed message")
    assert not any("accessory" in b for b in shown()["blocks"])  # its buttons are gone
    # the message, and the one result beside it (the result follows the update in its lane, paced)
    standin.wait_for(lambda: len(standin.posts_in(ASKED_IN, "closed")) >= 2, timeout=10, what="the result")
    time.sleep(0.5)  # nothing more comes
    assert len(standin.posts_in(ASKED_IN, "closed")) == 2


# --- finding 3: a long Retry-After outlasted the lease and a second process sent it too -----


def test_a_long_retry_after_holds_the_lane_and_the_notice_goes_once(senders, standin):
    clock, first, second = senders
    first.services.ta_service.log(NewRequest("KE", "training for social workers", []), requester="U0MEMBER")
    standin.http_failures["chat.postMessage"] = [(429, {"Retry-After": "65"}), (429, {"Retry-After": "65"})]
    first.drain()  # meets the first 429 and lets go at once
    second.drain()
    assert [c.method for c in standin.calls if c.method.startswith("chat.postMessage")] == ["chat.postMessage:429"] * 2
    clock.now += timedelta(seconds=60)  # within the Retry-After: both wait, neither sends
    first.drain(), second.drain()
    assert announced(standin) == [] and announced(standin, SECOND_COORDINATOR) == []
    clock.now += timedelta(seconds=10)
    for sender in (second, first, second):
        sender.drain()
        clock.now += timedelta(seconds=70)  # past the second Retry-After
    assert len(announced(standin)) == 1 and len(announced(standin, SECOND_COORDINATOR)) == 1


# --- finding 4: one 429 held everything behind it, and catch-ups ran past Slack's pace ------


def test_a_429_holds_back_only_its_own_channel(senders, standin):
    clock, first, _ = senders
    queue_reminder(first.services)
    first.services.ta_service.log(NewRequest("KE", "training for social workers", []), requester="U0MEMBER")
    standin.rate_limit_channel("C0IWG", 30)
    first.drain(within=3)  # the reminder meets a 429; the DMs go on
    assert len(announced(standin)) == 1 and len(announced(standin, SECOND_COORDINATOR)) == 1
    assert standin.posts_in("C0IWG") == []
    clock.now += timedelta(seconds=31)
    standin.rate_limit_channel("C0IWG", 0)
    first.drain()
    assert len(standin.posts_in("C0IWG", "Q1")) == 1


def test_a_catch_up_to_one_channel_keeps_to_slacks_pace(senders, standin):
    clock, first, second = senders
    clock.now = None  # the pace is kept in real time here
    for n in range(7):
        queue_reminder(first.services, title=f"Meeting {n}")
    first.courier.start(), second.courier.start()  # two processes catching up at once
    try:
        standin.wait_for(lambda: len(standin.posts_in("C0IWG")) == 7, timeout=15, what="seven reminders")
    finally:
        first.courier.stop(), second.courier.stop()
    assert standin.rate_limited == []  # the bot's own pace, shared by both, kept under Slack's
    assert all(len(standin.posts_in("C0IWG", f"Meeting {n}")) == 1 for n in range(7))


# --- finding 5: a post whose answer was lost was posted again -------------------------------


def test_a_post_whose_answer_was_lost_is_found_not_posted_again(senders, standin):
    clock, first, second = senders
    first.services.ta_service.log(NewRequest("KE", "training for social workers", []), requester="U0MEMBER")
    standin.lost_answers["chat.postMessage"] = 1
    first.drain()
    assert any(c.method == "chat.postMessage:answer-lost" for c in standin.calls)
    clock.now += timedelta(seconds=30)
    second.drain()
    assert len(announced(standin)) == 1 and len(announced(standin, SECOND_COORDINATOR)) == 1
    assert standin.calls_to("conversations.history")  # it looked before posting again
    sent = first.storage.db.execute("SELECT count(*) FROM outbox WHERE sent_at IS NOT NULL").fetchone()
    assert sent == (2,)


# --- finding 6: permanent channel errors were only logged -----------------------------------


def test_a_channel_that_refuses_posts_is_told_to_the_coordinators_once_a_day(senders, standin):
    clock, first, _ = senders
    for n in range(3):
        queue_reminder(first.services, "C0ELSEWHERE", title=f"Meeting {n}")
    first.drain()
    first.drain()  # the DMs queued by the refusals
    for coordinator in (COORDINATOR, SECOND_COORDINATOR):
        told = standin.posts_in("D" + coordinator[1:], "C0ELSEWHERE")
        assert len(told) == 1, coordinator
        assert "/invite @IWG Bot" in told[0]["text"] and "IWG_CHANNEL" in told[0]["text"]
    failed = first.storage.db.execute("SELECT count(*) FROM outbox WHERE failed_at IS NOT NULL").fetchone()
    assert failed == (3,)
    clock.now += timedelta(days=1)
    queue_reminder(first.services, "C0ELSEWHERE", title="Meeting next day")
    first.drain(), first.drain()
    assert len(standin.posts_in("D" + COORDINATOR[1:], "C0ELSEWHERE")) == 2


def test_a_start_says_in_one_line_when_the_bot_is_not_in_iwg_channel(start_bot, standin):
    _, process = start_bot(IWG_CHANNEL="C0ELSEWHERE")
    lines = [line for line in process.logs().splitlines() if "IWG_CHANNEL" in line]
    assert len(lines) == 1 and "not a member" in lines[0] and "/invite @IWG Bot" in lines[0]
    assert "Traceback" not in process.logs()


def test_a_refused_poll_reaches_its_asker_by_dm_when_the_response_url_has_expired(bot, standin):
    driver, process = bot
    expired = f"{driver.response_url}.{int((time.time() - 31 * 60) * 1000)}.old"  # minted 31 minutes ago
    driver.post(
        driver.command_body("/poll", '"Q?" "a" "b"', user_id="U0ASKER", channel_id="C0ELSEWHERE", response_url=expired)
    )
    told = standin.wait_for(lambda: standin.dms_to("U0ASKER"), timeout=10, what="the asker's DM")
    assert "I am not a member of it" in told[0]["text"] and "<#C0ELSEWHERE>" in told[0]["text"]
    assert rows(process, "SELECT count(*) FROM polls") == [(0,)]


# --- across two processes: nothing twice, and the pace shared ------------------------------


def test_two_processes_post_each_thing_once_within_the_pace(start_bot, standin):
    (one, _), (two, _) = start_bot(), start_bot()
    for n in range(4):
        driver = (one, two)[n % 2]
        driver.command("/poll", f'"Question {n}?" "a" "b"', user_id="U0ASKER", channel_id=ASKED_IN)
        log_request(driver, f"Kenya: need number {n}")
    standin.wait_for(lambda: len(standin.posts_in(ASKED_IN, "Question")) == 4, timeout=15, what="four polls")
    standin.wait_for(lambda: len(announced(standin)) == 4, timeout=15, what="four announcements")
    time.sleep(1)
    assert len({m["text"] for m in standin.posts_in(ASKED_IN, "Question")}) == 4
    assert len(announced(standin)) == 4 and standin.rate_limited == []


# --- a trigger_id Slack no longer takes -------------------------------------------------------


def test_a_form_whose_trigger_expired_says_so_instead_of_nothing(bot, standin):
    driver, process = bot
    fields = dict(parse_qsl(driver.command_body("/ta", "", user_id="U0MEMBER")))
    fields["trigger_id"] = f"{int((time.time() - 10) * 1000)}.stale"  # minted 10 s ago (the bot was slow, say)
    assert driver.post(urlencode(fields)).body == ""
    told = standin.wait_for(lambda: standin.responses, what="the explanation")[0].args
    assert "gave up waiting for the TA form to open" in told["text"]
    assert " ERROR " not in process.logs() and "Traceback" not in process.logs()


# --- what a review of the outbound path found -----------------------------------------------


def test_a_lost_answer_then_a_rate_limited_look_still_posts_once(senders, standin):
    clock, first, second = senders
    first.services.ta_service.log(NewRequest("KE", "training for social workers", []), requester="U0MEMBER")
    standin.lost_answers["chat.postMessage"] = 1
    standin.http_failures["conversations.history"] = [(429, {"Retry-After": "1"})]
    first.drain()
    clock.now += timedelta(seconds=30)
    second.drain()  # the look meets a 429: it waits, rather than posting blind
    assert len(announced(standin)) == 1
    clock.now += timedelta(seconds=5)
    second.drain()
    assert len(announced(standin)) == 1 and len(announced(standin, SECOND_COORDINATOR)) == 1


def test_a_retry_is_not_overtaken_in_its_lane(senders, standin):
    clock, first, _ = senders
    queue_reminder(first.services, title="Meeting A")
    queue_reminder(first.services, title="Meeting B")
    standin.http_failures["chat.postMessage"] = [(500, {})]
    first.drain()
    assert standin.posts_in("C0IWG") == []  # B waits behind A's retry
    clock.now += timedelta(seconds=30)
    first.drain()
    assert [m["text"].split(" in ")[0] for m in standin.posts_in("C0IWG")] == [
        "Reminder: Meeting A",
        "Reminder: Meeting B",
    ]


def test_a_kept_connection_the_server_closed_is_not_used(senders, standin):
    clock, first, _ = senders
    standin.idle_seconds = 0.3
    queue_reminder(first.services, title="Meeting A")
    first.courier.drain()  # on this thread, so its kept connection is this thread's
    time.sleep(0.6)  # the server closes the idle connection
    clock.now += timedelta(seconds=5)
    queue_reminder(first.services, title="Meeting B")
    first.courier.drain()
    assert len(standin.posts_in("C0IWG")) == 2
    errors = first.storage.db.execute("SELECT count(*) FROM outbox WHERE error IS NOT NULL").fetchone()
    assert errors == (0,)


def test_a_poll_given_up_after_hours_is_told_to_its_asker(senders, standin):
    _, first, _ = senders
    asked = {"response_url": standin.response_url("asker"), "asked_in": ASKED_IN, "channel_name": "ask"}
    first.services.poll_service.create("U0ASKER", ASKED_IN, '"Q?" "a" "b"', asked)
    first.storage.db.execute("UPDATE outbox SET attempts = 15")  # hours of failed tries
    first.storage.db.conn.commit()
    standin.http_failures["chat.postMessage"] = [(0, {})]
    first.drain()
    told = standin.wait_for(lambda: standin.responses, what="the asker told")[0].args
    assert "could not be reached for hours" in told["text"]
    assert first.storage.db.execute("SELECT count(*) FROM polls").fetchone() == (0,)


def test_a_fatal_error_answer_is_looked_for_before_posting_again(senders, standin):
    clock, first, _ = senders
    queue_reminder(first.services, title="Meeting A")
    standin.fail_next["chat.postMessage"] = "fatal_error"  # Slack: some of it may have happened
    first.drain()
    clock.now += timedelta(seconds=30)
    first.drain()
    methods = [c.method for c in standin.calls if c.method in ("chat.postMessage", "conversations.history")]
    assert methods == ["chat.postMessage", "conversations.history", "chat.postMessage"]
    assert len(standin.posts_in("C0IWG", "Meeting A")) == 1


def test_a_sender_that_lost_its_lease_changes_nothing(senders):
    clock, first, second = senders
    queue_reminder(first.services)
    late = first.services.outbox.claim_due()
    clock.now += timedelta(seconds=61)  # its lease ran out (a call that would not end)
    taken = second.services.outbox.claim_due()
    assert taken is not None and taken.id == late.id
    first.services.outbox.retry_at(late, clock.now, "late", maybe_sent=False)
    first.services.outbox.delivered(late, "C0IWG", "1.1")
    row = second.storage.db.execute("SELECT sent_at, lease_until IS NOT NULL, maybe_sent FROM outbox").fetchone()
    assert row == (None, 1, 1)  # still the second sender's claim, still to be looked for
    second.services.outbox.delivered(taken, "C0IWG", "1.2")
    assert second.storage.db.execute("SELECT ts FROM outbox").fetchone() == ("1.2",)


def test_a_start_whose_channel_check_gets_an_odd_answer_still_starts(start_bot, standin):
    standin.fail_next["conversations.info"] = "missing_scope"  # an install from before the scope was added
    _, process = start_bot()
    lines = [line for line in process.logs().splitlines() if "IWG_CHANNEL" in line]
    assert len(lines) == 1 and "could not check" in lines[0] and "missing_scope" in lines[0]


def test_the_channel_check_survives_an_answer_without_a_channel():
    from slack_sdk import WebClient

    from bot.run.local_slack import LocalSlack
    from bot.run.modes import check_channel

    class Bare(LocalSlack):
        def answer(self, method, args):
            return {"ok": True}

    slack = Bare().start()
    try:
        settings = Settings(_env_file=None, IWG_CHANNEL="C0IWG", SLACK_BOT_TOKEN="xoxb-t", SLACK_SIGNING_SECRET="s")
        check_channel(settings, WebClient(token="xoxb-t", base_url=slack.api_url))  # no AttributeError
    finally:
        slack.stop()


def test_a_poll_result_whose_answer_was_lost_is_found_in_the_channel(bot, standin):
    driver, _ = bot
    message, _ = post_poll(driver, standin, '"Venue?" "Nairobi" "Lima"')
    standin.lost_answers["chat.postMessage"] = 1  # the result's post lands; its answer does not
    driver.command("/poll", "close P-1", user_id="U0ASKER")
    standin.wait_for(lambda: standin.calls_to("conversations.history"), timeout=10, what="the look for the result")
    time.sleep(0.5)
    assert len([m for m in standin.posts_in(ASKED_IN, "P-1 closed")]) == 1
