"""Acks first: background senders give way while requests are being answered (real time, short)."""

from __future__ import annotations

import threading
import time

from bot.outbound.ack_priority import AckPriority


def timed(work) -> float:
    started = time.monotonic()
    work()
    return time.monotonic() - started


def test_with_nothing_being_answered_it_does_not_wait():
    traffic = AckPriority(quiet=0.05, most=1.0)
    assert timed(traffic.wait_for_quiet) < 0.02


def test_it_waits_for_the_answer_and_a_quiet_moment_after():
    traffic = AckPriority(quiet=0.05, most=2.0)
    inside, answered = threading.Event(), threading.Event()

    def answer():
        with traffic.answering():
            inside.set()
            answered.wait()

    thread = threading.Thread(target=answer)
    thread.start()
    inside.wait()
    threading.Timer(0.2, answered.set).start()
    waited = timed(traffic.wait_for_quiet)
    thread.join()
    assert 0.2 + 0.05 - 0.01 <= waited < 1.5  # until the answer went out, then QUIET more


def test_in_an_endless_burst_it_waits_at_most_most_then_lets_a_batch_through():
    traffic = AckPriority(quiet=0.05, most=0.3)
    stop, started = threading.Event(), threading.Event()

    def burst():  # a request always in flight: the next begins before the last ends
        with traffic.answering():
            started.set()
            while not stop.is_set():
                with traffic.answering():
                    time.sleep(0.002)

    thread = threading.Thread(target=burst)
    thread.start()
    try:
        started.wait()
        waited = timed(traffic.wait_for_quiet)
        batch = timed(lambda: [traffic.wait_for_quiet() for _ in range(20)])
    finally:
        stop.set()
        thread.join()
    assert 0.29 <= waited < 1.0
    assert batch < 0.2  # the way stays open for a while after a wait that ran out


def test_the_router_marks_each_request_while_it_is_answered():
    from slack_bolt import App, BoltRequest
    from slack_sdk import WebClient

    from bot.run.local_slack import LocalSlack
    from handlers.router import Router
    from tests.driver import SlackDriver, sign

    slack = LocalSlack().start()
    try:
        traffic = AckPriority()
        seen = []
        router = Router(traffic)
        router.command("/iwg")(lambda ack: (seen.append(traffic._answering), ack()))
        app = App(
            signing_secret="s3cret",
            process_before_response=True,
            client=WebClient(token="xoxb-test", base_url=slack.api_url),
        )
        router.attach(app)
        body = SlackDriver("http://127.0.0.1:9", "s3cret", slack.response_url("t")).command_body("/iwg")
        ts = str(int(time.time()))
        headers = {
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [sign("s3cret", ts, body)],
            "content-type": ["application/x-www-form-urlencoded"],
        }
        assert app.dispatch(BoltRequest(body=body, headers=headers)).status == 200
        assert seen == [1] and traffic._answering == 0
    finally:
        slack.stop()
