"""What a member sees, and when: the bot against Slack's rules over HTTPS.

Run from the repo root, after `pip install -e '.[test]'` (about a minute):

    python bench/visible.py
    python bench/visible.py --reminders 10 --votes 20     # a quicker look

The real bot (`python app.py`, HTTP mode) talks to the tests' stand-in for Slack
(tests/slack_standin.py) served over TLS with a self-signed certificate (the bot trusts it
through SSL_CERT_FILE), which plays Slack's rules: chat.postMessage about one a second per
channel with a short burst, the other methods by their tier, 429 with Retry-After past them.
Scenarios, in order:

1. Catch-up: --reminders (40) reminders to one channel are due when the bot starts (as
   after downtime). Time from spawning the bot to the last one posted; 429s met.
2. A new TA request with --coordinators (25) coordinators: time from the ack of `/ta new`
   to the last coordinator's DM posted.
3. --votes (50) members vote on one poll within one second: time from the last click's
   ack to the poll's message in the channel showing the exact final count; 429s met.
4. The cost of one Web API call: slack_sdk's WebClient (a new TCP and TLS connection per
   call), one kept-alive HTTPS connection, and the courier's client, which keeps one
   (bot/outbound/courier_client.py): --calls (200) calls each.

Targets (PASS/FAIL; exit 1 if any fails): nothing lost, nothing posted twice, no 429 met in
scenarios 1 and 3 (the bot's own pace keeps under Slack's), the vote message exact within
--max-vote-s (2) s of the last click.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import ssl
import sys
import tempfile
import threading
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from slack_sdk import WebClient  # noqa: E402

from bot.outbound.courier_client import LeasedClient  # noqa: E402
from storage import Storage  # noqa: E402
from storage.meetings import MeetingRepository, MeetingTimes  # noqa: E402
from storage.outbox import NoticeKind, OutboxRepository  # noqa: E402
from tests.conftest import BOT_TOKEN, SIGNING_SECRET, BotProcess, clean_env, free_port  # noqa: E402
from tests.driver import SlackDriver  # noqa: E402
from tests.slack_standin import SlackStandIn  # noqa: E402

CHANNEL = "C0IWG"
ASKED_IN = "C0ASK"


def queue_catch_up(database: Path, count: int) -> None:
    """`count` meetings three days ahead, each with a reminder due now, before the bot starts."""
    storage = Storage(database)
    storage.migrate()
    meetings, outbox = MeetingRepository(storage), OutboxRepository(storage)
    starts = datetime.now(timezone.utc) + timedelta(days=3)
    with storage.write():
        for n in range(count):
            meeting = meetings.add(
                title=f"Catch-up meeting {n:02d}",
                times=MeetingTimes(start_date=starts.date(), zone="UTC", starts_at=starts),
                place=None,
                created_by="U0COORD00",
            )
            outbox.add(NoticeKind.REMINDER, meeting.ref, CHANNEL, {"offset": 86400})
    storage.close()


def wait(condition, timeout: float, step: float = 0.005):
    """Poll `condition()` until truthy; (its value, the monotonic time it became so), or (None, None)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value, time.monotonic()
        time.sleep(step)
    return None, None


def counts(message: dict) -> list[str]:
    """The count after each option's bar in a poll's message."""
    return [
        b["text"]["text"].split("` ")[1].split(" ")[0]
        for b in message.get("blocks") or []
        if "`" in (b.get("text") or {}).get("text", "")
    ]


def catch_up(slack: SlackStandIn, spawned: float, count: int, results: list) -> None:
    posts, done = wait(lambda: len(slack.posts_in(CHANNEL, "Catch-up meeting")) >= count and True, 5 + count * 2)
    posted = slack.posts_in(CHANNEL, "Catch-up meeting")
    titles = [m["text"] for m in posted]
    results.append(
        (
            "catch-up: reminders to one channel",
            count,
            len(posted),
            len(titles) - len(set(titles)),
            (done - spawned) if done else None,
            sum(c.args.get("channel") == CHANNEL for c in slack.rate_limited),
        )
    )


def new_request(slack: SlackStandIn, driver: SlackDriver, coordinators: list[str], results: list) -> None:
    def delivered():
        return [u for u in coordinators if slack.posts_in("D" + u[1:], "TA-1")]

    sent = time.monotonic()
    answer = driver.command("/ta", "new Kenya: training for social workers #response", user_id="U0MEMBER")
    acked = time.monotonic()
    assert answer.status == 200 and "TA-1" in answer.body, answer.body[:200]
    _, done = wait(lambda: len(delivered()) == len(coordinators), 30)
    copies = sum(len(slack.posts_in("D" + u[1:], "TA-1")) for u in coordinators)
    results.append(
        (
            f"/ta new: a DM to each of {len(coordinators)} coordinators",
            len(coordinators),
            len(delivered()),
            copies - len(delivered()),
            (done - acked) if done else None,
            len(slack.rate_limited),
        )
    )
    print(f"  /ta new acked in {(acked - sent) * 1000:.1f} ms")


def votes(slack: SlackStandIn, driver: SlackDriver, voters: int, results: list) -> None:
    driver.command(
        "/poll", '"Bench: which strategy first?" "Parenting" "Schools"', user_id="U0ASKER", channel_id=ASKED_IN
    )
    found, _ = wait(lambda: slack.posts_in(ASKED_IN, "Bench: which strategy first?"), 10)
    assert found, "the poll was not posted"
    message = found[0]
    limited_before = len(slack.rate_limited)
    acks: list[float] = []
    start = time.monotonic() + 0.2

    def member(n: int) -> None:
        time.sleep(max(0.0, start + n / voters - time.monotonic()))  # spread over one second
        button = message["blocks"][1 + n % 2]["accessory"]
        answer = driver.click(
            button["action_id"], button["value"], f"U0V{n:04d}", channel_id=ASKED_IN, message_ts=message["ts"]
        )
        assert answer.status == 200
        acks.append(time.monotonic())

    threads = [threading.Thread(target=member, args=(n,)) for n in range(voters)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    last_click = max(acks)
    want = [str((voters + 1) // 2), str(voters // 2)]
    _, exact = wait(lambda: counts(slack.posts_in(ASKED_IN, "Bench: which strategy first?")[0]) == want, 20)
    updates = len([c for c in slack.calls_to("chat.update") if c.args.get("channel") == ASKED_IN])
    results.append(
        (
            f"{voters} votes in one second: the message exact",
            voters,
            voters if exact else 0,
            0,
            (exact - last_click) if exact else None,
            len(slack.rate_limited) - limited_before,
        )
    )
    print(f"  votes: clicks spread over {last_click - start:.2f} s; {updates} chat.update calls")


def call_cost(slack: SlackStandIn, calls: int) -> list[tuple[str, float]]:
    """ms per Web API call: slack_sdk's client against one kept HTTPS connection."""
    context = ssl.create_default_context(cafile=slack.cert_file)
    client = WebClient(token=BOT_TOKEN, base_url=slack.api_url, retry_handlers=[], ssl=context)
    started = time.perf_counter()
    for _ in range(calls):
        client.api_call("api.test")
    sdk = (time.perf_counter() - started) / calls * 1000
    host, port = slack.server.server_address
    conn = http.client.HTTPSConnection(host, port, context=context, timeout=10)
    started = time.perf_counter()
    for _ in range(calls):
        conn.request(
            "POST",
            "/api/api.test",
            body=b"{}",
            headers={"Content-Type": "application/json", "Authorization": f"Bearer {BOT_TOKEN}"},
        )
        response = conn.getresponse()
        json.loads(response.read())
    kept = (time.perf_counter() - started) / calls * 1000
    conn.close()
    courier = LeasedClient(token=BOT_TOKEN, base_url=slack.api_url, ssl=context)
    started = time.perf_counter()
    for _ in range(calls):
        courier.api_call("api.test")
    ours = (time.perf_counter() - started) / calls * 1000
    return [
        ("slack_sdk WebClient (a new connection a call)", sdk),
        ("one kept-alive HTTPS connection", kept),
        ("the courier's client (bot/outbound/courier_client.py)", ours),
    ]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reminders", type=int, default=40)
    parser.add_argument("--coordinators", type=int, default=25)
    parser.add_argument("--votes", type=int, default=50)
    parser.add_argument("--calls", type=int, default=200)
    parser.add_argument("--max-vote-s", type=float, default=2.0)
    args = parser.parse_args()

    slack = SlackStandIn(https=True).start()
    coordinators = [f"U0COORD{n:02d}" for n in range(args.coordinators)]
    results: list = []
    with tempfile.TemporaryDirectory(prefix="iwg-visible-") as folder:
        cwd = Path(folder)
        database = cwd / "iwg.sqlite3"
        queue_catch_up(database, args.reminders)
        port = free_port()
        env = clean_env(
            SLACK_BOT_TOKEN=BOT_TOKEN,
            SLACK_SIGNING_SECRET=SIGNING_SECRET,
            SLACK_API_URL=slack.api_url,
            PORT=str(port),
            IWG_DATABASE=str(database),
            IWG_COORDINATORS=",".join(coordinators),
            IWG_CHANNEL=CHANNEL,
            SSL_CERT_FILE=slack.cert_file,
        )
        spawned = time.monotonic()
        bot = BotProcess(env, cwd)
        try:
            bot.wait_healthy(port)
            driver = SlackDriver(f"http://127.0.0.1:{port}", SIGNING_SECRET, slack.response_url("bench"))
            print(f"bot up in {time.monotonic() - spawned:.2f} s, Slack over {slack.api_url[:8]}")
            catch_up(slack, spawned, args.reminders, results)
            new_request(slack, driver, coordinators, results)
            votes(slack, driver, args.votes, results)
            costs = call_cost(slack, args.calls)
        finally:
            bot.stop()
            slack.stop()
        errors = [line for line in bot.logs().splitlines() if "Traceback" in line]

    print(f"\n{'scenario':52} {'sent':>5} {'seen':>5} {'twice':>5} {'time s':>7} {'429s':>5}")
    for name, sent, seen, twice, seconds, limited in results:
        shown = f"{seconds:7.2f}" if seconds is not None else "   never"
        print(f"{name:52} {sent:5} {seen:5} {twice:5} {shown} {limited:5}")
    print()
    for name, ms in costs:
        print(f"{name:52} {ms:6.2f} ms a call")
    print(f"problems Slack would reject: {len(slack.problems)}; tracebacks in the bot's log: {len(errors)}")

    checks = [
        ("nothing lost", all(sent == seen for _, sent, seen, *_ in results)),
        ("nothing posted twice", all(twice == 0 for _, _, _, twice, *_ in results)),
        ("no 429 met in the catch-up and the votes", results[0][5] == 0 and results[2][5] == 0),
        (
            f"the vote message exact within {args.max_vote_s} s of the last click",
            results[2][4] is not None and results[2][4] <= args.max_vote_s,
        ),
        ("no payload Slack would reject, no traceback", not slack.problems and not errors),
    ]
    for name, ok in checks:
        print(f"{'PASS' if ok else 'FAIL'} {name}")
    return 0 if all(ok for _, ok in checks) else 1


if __name__ == "__main__":
    os.environ.setdefault("PYTHONDONTWRITEBYTECODE", "1")
    sys.exit(main())
