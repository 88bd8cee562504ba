"""Where an ack's time goes: the bot's Bolt app in-process, each command dispatched directly.

    python bench/hotspots.py                                  # fill a fresh database, every command
    python bench/hotspots.py --database /tmp/run/iwg.sqlite3  # a copy of one bench/ack.py --keep left
    python bench/hotspots.py --commands "ta list all Kenya,agenda" --top 25

The app is built as bot/run/modes.py builds it for HTTP mode (settings from the environment,
open_services, create_app with the Web API on a loopback LocalSlack), but neither the
scheduler nor the courier runs, so nothing competes with the request being timed. Each
command's signed body goes through `App.dispatch(BoltRequest(...))`: signature check,
Bolt's middleware, the listener and the ack, as waitress would call it, minus HTTP. The bare
app (a catch-all listener that acks a line) is dispatched the same way for comparison.

Per command it prints: the in-process service time of the bot and of the bare app (median,
p99), the SQL it runs per request (each statement's calls and ms, timed around
sqlite-utils' execute), and cProfile's heaviest functions by own time and by cumulative time.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import itertools
import os
import pstats
import random
import re
import shutil
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import fill as filler  # noqa: E402
from bench.ack import BodyDriver, bare_app, commands, median, percentile  # noqa: E402
from bot.run.local_slack import LocalSlack  # noqa: E402
from tests.conftest import BOT_TOKEN, COORDINATOR, SIGNING_SECRET  # noqa: E402
from tests.driver import sign  # noqa: E402


class SqlTimer:
    """Times every statement the bot's connections run, by its text: `sqlite3.connect` is
    given a Connection subclass whose execute() is timed. A SELECT's execute runs its first
    step (all of a count or a sort); the rows fetched after are not counted."""

    def __init__(self):
        self.calls: dict[str, int] = defaultdict(int)
        self.seconds: dict[str, float] = defaultdict(float)
        self.on = False

    def install(self) -> None:
        import sqlite3

        timer = self

        class TimedConnection(sqlite3.Connection):
            def execute(self, sql, *args):
                if not timer.on or threading.current_thread() is not threading.main_thread():
                    return super().execute(sql, *args)
                started = time.perf_counter()
                cursor = super().execute(sql, *args)
                key = " ".join(sql.split())
                timer.calls[key] += 1
                timer.seconds[key] += time.perf_counter() - started
                return cursor

        original = sqlite3.connect

        def connect(*args, **kwargs):
            kwargs.setdefault("factory", TimedConnection)
            return original(*args, **kwargs)

        sqlite3.connect = connect

    def reset(self) -> None:
        self.calls.clear()
        self.seconds.clear()


def build_bot(database: Path, slack: LocalSlack):
    os.environ.update(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        IWG_DATABASE=str(database),
        IWG_COORDINATORS=COORDINATOR,
        IWG_CHANNEL="C0BENCH",
    )
    for name in ("SLACK_APP_TOKEN", "PORT"):
        os.environ.pop(name, None)
    from bot.run.app_factory import create_app
    from bot.run.modes import open_services
    from bot.run.scheduler import build_scheduler
    from bot.settings import load_settings

    settings = load_settings()
    scheduler = build_scheduler()  # never started: jobs are added, none run
    services = open_services(settings, scheduler)
    services.after_ack.wait(10)
    return create_app(services), services


def build_bare(slack: LocalSlack):
    app = bare_app(BOT_TOKEN, SIGNING_SECRET, slack.api_url)
    return app


def dispatch(app, body: str):
    from slack_bolt.request import BoltRequest

    ts = str(int(time.time()))
    request = BoltRequest(
        body=body,
        headers={
            "content-type": ["application/x-www-form-urlencoded"],
            "x-slack-request-timestamp": [ts],
            "x-slack-signature": [sign(SIGNING_SECRET, ts, body)],
        },
    )
    return app.dispatch(request)


def timed(app, bodies: list[str]) -> list[float]:
    out = []
    for body in bodies:
        started = time.perf_counter()
        response = dispatch(app, body)
        out.append((time.perf_counter() - started) * 1000)
        if response.status != 200:
            raise SystemExit(f"HTTP {response.status}: {response.body[:300]}")
    return sorted(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", help="a filled database to copy (default: fill a fresh one)")
    parser.add_argument("--commands", help="only these, comma-separated, as typed without the slash")
    parser.add_argument("--requests", type=int, default=200, help="timed dispatches per command (200)")
    parser.add_argument("--top", type=int, default=14, help="functions shown per command (14)")
    parser.add_argument("--no-profile", action="store_true", help="times and SQL only")
    parser.add_argument(
        "--reminders",
        type=int,
        default=0,
        metavar="N",
        help="also time N meeting reminders end to end: the scheduler's fire(), then the "
        "courier's claim, render, post and settle of each (0: skip)",
    )
    args = parser.parse_args()

    slack = LocalSlack().start()
    tmp = Path(tempfile.mkdtemp(prefix="iwg-profile-"))
    try:
        database = tmp / "iwg.sqlite3"
        if args.database:
            shutil.copy(args.database, database)
            made = None
        else:
            made = filler.fill(database)
            print(f"filled in {made.seconds:.1f}s")
        sql = SqlTimer()
        sql.install()
        bot, services = build_bot(database, slack)
        bare = build_bare(slack)
        if made is None:
            row = services.storage.db.execute(
                "SELECT id, options, ts FROM polls WHERE closed_at IS NULL AND ts IS NOT NULL ORDER BY id DESC LIMIT 1"
            ).fetchone()
            poll_id, options, ts = (row[0], len(__import__("json").loads(row[1])), row[2]) if row else (None, 0, None)
        else:
            poll_id, options, ts = made.open_poll, made.open_poll_options, made.open_poll_ts
        driver = BodyDriver("http://127.0.0.1", SIGNING_SECRET, slack.response_url("profile"))
        chosen = commands(driver, poll_id, options, ts)
        if args.commands:
            wanted = [w.strip().lstrip("/") for w in args.commands.split(",")]
            chosen = [c for c in chosen if c.key in wanted or c.name.lstrip("/") in wanted]
        counter = itertools.count()
        rng = random.Random(1)
        summary = []
        for command in chosen:

            def bodies(n):
                return [command.body(rng, next(counter)) for _ in range(n)]

            timed(bot, bodies(20))
            timed(bare, bodies(20))
            sql.reset()
            sql.on = True
            bot_ms = timed(bot, bodies(args.requests))
            sql.on = False
            bare_ms = timed(bare, bodies(args.requests))
            summary.append(
                (command.name, median(bot_ms), percentile(bot_ms, 99), median(bare_ms), percentile(bare_ms, 99))
            )
            print(
                f"\n=== {command.name}: bot {median(bot_ms):.2f} ms median, {percentile(bot_ms, 99):.2f} p99; "
                f"bare {median(bare_ms):.2f} / {percentile(bare_ms, 99):.2f} (in-process, one thread)"
            )
            _print_sql(sql, args.requests)
            if args.no_profile:
                continue
            profiler = cProfile.Profile()
            batch = bodies(args.requests)
            profiler.enable()
            for body in batch:
                dispatch(bot, body)
            profiler.disable()
            _print_profile(profiler, args.top, f"{args.requests} requests")
        if args.reminders:
            reminders(services, bot.client, database, args.reminders, sql, args.top, args.no_profile)
        print(f"\n{'command':<34}{'bot med':>9}{'p99':>8}{'bare med':>10}{'p99':>8}{'extra':>8}")
        for name, bm, bp, am, ap in summary:
            print(f"{name:<34}{bm:>9.2f}{bp:>8.2f}{am:>10.2f}{ap:>8.2f}{bm - am:>8.2f}")
        services.after_ack.wait(10)
        services.storage.close()
    finally:
        slack.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    return 0


def reminders(services, client, database: Path, count: int, sql: SqlTimer, top: int, no_profile: bool) -> None:
    """`count` meetings starting in 59 s, their 1m reminders (due a second ago) fired by hand
    (as the scheduler would, all at once), then delivered by the courier on this thread."""
    from datetime import timedelta

    from bot.outbound.courier import Courier
    from bot.outbound.notices import NoticeSender

    due = time.time() - 1  # fire() sends nothing before a reminder's time
    ids = list(filler.add_reminder_meetings(database, count, due, 0.0, offset=timedelta(minutes=1)))
    offset = timedelta(minutes=1)
    sql.reset()
    sql.on = True
    started = time.perf_counter()
    for meeting_id in ids:
        services.reminder_service.fire(meeting_id, offset)
    fired = time.perf_counter() - started
    sql.on = False
    print(f"\n=== {count} reminders: fire() {fired * 1000 / count:.3f} ms each (claim + queue, one thread)")
    _print_sql(sql, count)
    courier = Courier(services.outbox, NoticeSender(services, client))
    sql.reset()
    sql.on = True
    profiler = cProfile.Profile()
    started = time.perf_counter()
    if not no_profile:
        profiler.enable()
    sent = courier.drain()
    profiler.disable()
    drained = time.perf_counter() - started
    sql.on = False
    print(
        f"  courier: {sent} notices in {drained:.2f}s, {drained * 1000 / max(1, sent):.2f} ms each"
        f"{' (under cProfile)' if not no_profile else ''}"
    )
    _print_sql(sql, max(1, sent))
    if not no_profile:
        _print_profile(profiler, top, f"{sent} notices")


def _print_sql(sql: SqlTimer, per: int) -> None:
    total_ms, statements = sum(sql.seconds.values()) * 1000 / per, sum(sql.calls.values()) / per
    print(f"  SQL: {total_ms:.2f} ms per item in {statements:.1f} statements")
    for key in sorted(sql.seconds, key=sql.seconds.get, reverse=True)[:8]:
        print(f"   {sql.seconds[key] * 1000 / per:7.3f} ms  x{sql.calls[key] / per:<5.1f} {key[:150]}")


def _print_profile(profiler, top: int, what: str) -> None:
    for order in ("tottime", "cumulative"):
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(order).print_stats(top)
        lines = out.getvalue().splitlines()
        start = next(i for i, line in enumerate(lines) if line.lstrip().startswith("ncalls"))
        print(f"  cProfile by {order} (seconds, totals over {what}):")
        for line in lines[start : start + top + 1]:
            print("   " + _short(line))


def _short(line: str) -> str:
    line = line.replace(str(ROOT) + "/", "")
    return re.sub(r"\S*/site-packages/", "", line)


if __name__ == "__main__":
    sys.exit(main())
