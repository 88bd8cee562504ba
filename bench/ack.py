"""Ack latency, start-up, memory and reminder lateness of the real bot, with a realistic database.

Run from the repo root, after `pip install -e '.[test]'`:

    python bench/ack.py                      # the full run: about 80 s on 2 cores
    python bench/ack.py --requests 50 --reminders 5           # a quicker look
    python bench/ack.py --commands "ta list all Kenya,agenda" --reminders 0
    python bench/ack.py --empty --commands "iwg help" --concurrency 1 --requests 500 \\
        --max-ratio 1.5                      # the original benchmark: /iwg help, empty database
    python bench/ack.py --floor read --commands "iwg help" --requests 400
                                             # the least a command that reads SQLite costs

bench/hotspots.py shows where one command's time goes (cProfile and per-statement SQL, the
app dispatched in-process).

What it does, in order:

1. Fills the bot's database file before the bot starts (bench/fill.py: the bot's migrations,
   then sqlite3 directly): 100,000 TA requests with their history, 40 meetings with 10,000
   agenda items, 1,000 polls with 100,000 votes; and --reminders (20) meetings whose
   `1m` reminders fall due --reminder-delay (20) to +--reminder-window (20) seconds after the
   bot is spawned.
2. Starts both targets as subprocesses on loopback, served the same way: the bot exactly as
   production starts it (`python app.py` in HTTP mode, waitress with bot.http.THREADS
   threads, IWG_COORDINATORS=U0COORD, IWG_CHANNEL=C0BENCH, IWG_REMINDERS=1m), and the
   baseline (`python bench/ack.py --serve-bare PORT`: the same waitress and thread count,
   Bolt's own WSGI adapter, a catch-all command listener that acks a line and a catch-all
   action listener that acks). Both use a loopback Slack Web API (bot.local_slack.LocalSlack)
   in this process, over TLS like Slack's, which also records when each reminder arrives.
   (It does not rate-limit: bench/visible.py runs the bot against Slack's limits.)
3. Start-up: from spawning `python app.py` to its first `GET /healthz` 200.
4. Reminders: lateness = arrival of the chat.postMessage at the loopback Slack - the
   reminder's due time (whole seconds, as stored). The phase ends when every reminder has
   arrived, or the outbox has nothing left to send, or the last meeting has begun (the bot
   does not remind of a meeting that has begun). The reminder meetings are then deleted,
   so the load sees the group's own schedule (40 meetings), not the test ones.
5. Load: for each command, --warmup untimed requests, then --requests timed ones per target
   at each --concurrency (1 and 8): signed like Slack's, one keep-alive connection per target
   per client thread. Bot and bare take turns: at concurrency 1 every other request (who
   goes first swaps), at concurrency c all c clients send --per-turn (5) requests each to
   one target, then to the other. So each target has exactly c requests in flight while it
   is timed, and the machine's noise lands on both alike. (Alternating request by request
   with c > 1 would let the slower server hold nearly all c clients at once while the faster
   one sees almost none: its ratio would measure queue length, not the app.) req/s is the
   target's answered requests over the wall time of its turns. Between commands the bench
   waits for the bot's outbox to drain, so work a command leaves for after the ack (DMs,
   poll message updates) is not billed to the next. Answers are checked after each run
   (the bot's: 200, JSON with text or blocks, not a `:warning:` error reply), not while
   other clients are being timed. Commands, in order: /iwg help, /iwg coordinators,
   /iwg orgs, /ta list, /ta list all Kenya, /ta show TA-50000, /ta new Kenya: bench need
   #safe, /ta note 50000 bench note, /meetings, /meetings 2024, /agenda, /agenda add bench
   item (5 min), /poll list, and a vote click on the newest open poll (members U0001..U0500
   in turn, so votes are cast, moved and withdrawn); all commands as U0COORD. Each run
   also reads both servers' CPU time (all threads, from /proc) before it and after the
   outbox has settled: CPU ms per request, after-ack work included.
6. Memory: the bot's VmRSS (and VmHWM, its peak) from /proc after the load.

Targets (PASS/FAIL lines; exit status 1 if any fails, or any answer is wrong): at the
highest concurrency, each command's median ack within --max-ratio (1.3) of the bare app's
and p99 under --max-p99-ms (25); every reminder posted within --max-late (1) s of due;
start-up under --max-startup (3) s; VmRSS after the load under --max-rss-mb (150). Also
printed: what the bot adds to the median at the lowest concurrency.

--floor read|write times, in the bot's place, the bare app plus the least SQLite work a
command can do (fetch a page of requests, or commit one row): see README, Performance.
"""

from __future__ import annotations

import argparse
import http.client
import itertools
import json
import os
import random
import re
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/ack.py` puts bench/ first on sys.path, not the root, and tests/ is not
# an installed package: without this neither `bot` nor `tests.driver` would import.
sys.path.insert(0, str(ROOT))

from bench import fill as filler  # noqa: E402
from bot.run.http import EVENTS_PATH, THREADS  # noqa: E402
from bot.run.local_slack import LocalSlack  # noqa: E402
from tests.certificate import self_signed_certificate  # noqa: E402
from tests.conftest import BOT_TOKEN, COORDINATOR, SIGNING_SECRET, clean_env, free_port  # noqa: E402
from tests.driver import SlackDriver, sign  # noqa: E402

STARTUP_SECONDS = 60
REQUEST_TIMEOUT = 10
BENCH_CHANNEL = "C0BENCH"
REMINDER_OFFSET_SECONDS = 60  # IWG_REMINDERS=1m
REMINDER_TITLE = re.compile(r"Bench reminder (\d{5})")


# --- the baseline server (runs in its own process) -------------------------------------


def bare_app(token: str, signing_secret: str, api_url: str, work: Callable[[], str] | None = None):
    """Bolt and nothing else of the bot's: a catch-all command and action that ack a line.

    `work`, for the floor apps (--floor), runs in the command listener before the ack and
    says what the ack's line is."""
    from slack_bolt import App
    from slack_sdk import WebClient

    # The token goes on the client, as the bot does: Bolt ignores App(token=...) when a
    # client is given (and then refuses to start without a token).
    app = App(
        signing_secret=signing_secret, process_before_response=True, client=WebClient(token=token, base_url=api_url)
    )

    @app.command(re.compile(".*"))
    def any_command(ack):
        line = work() if work else "IWG Bot: /iwg help lists every command."
        ack(text=line, response_type="ephemeral")

    @app.action(re.compile(".*"))
    def any_action(ack):
        ack()

    return app


FLOOR_ROWS = 15  # a page of /ta list


def floor_work(kind: str, database: str) -> Callable[[], str]:
    """The least SQLite work a command that reads or writes can do, on the bot's database
    file with the bot's connection settings: `read`, a page of TA requests (fetched, not
    rendered); `write`, one row inserted and committed (the durability rule: committed
    before the ack). What it costs above the bare app is a floor under any such command."""
    local = threading.local()

    def conn() -> sqlite3.Connection:
        if not hasattr(local, "conn"):
            local.conn = sqlite3.connect(database, timeout=10, isolation_level=None)
            local.conn.execute("PRAGMA journal_mode = WAL")
            local.conn.execute("PRAGMA synchronous = NORMAL")
            local.conn.execute("CREATE TABLE IF NOT EXISTS bench_floor (id INTEGER PRIMARY KEY, at REAL)")
        return local.conn

    def read() -> str:
        rows = conn().execute("SELECT * FROM ta_requests ORDER BY id DESC LIMIT ?", [FLOOR_ROWS]).fetchall()
        return f"{len(rows)} requests read"

    def write() -> str:
        db = conn()
        db.execute("BEGIN IMMEDIATE")
        db.execute("INSERT INTO bench_floor (at) VALUES (?)", [time.time()])
        db.execute("COMMIT")
        return "one row written"

    return {"read": read, "write": write}[kind]


def serve_bare(port: int) -> None:
    """The bare app (or, with BENCH_FLOOR set, a floor app) behind the waitress setup the bot uses."""
    import waitress
    from slack_bolt.adapter.wsgi import SlackRequestHandler

    floor = os.environ.get("BENCH_FLOOR")
    work = floor_work(floor, os.environ["IWG_DATABASE"]) if floor else None
    # popped so that Bolt does not also pick SLACK_BOT_TOKEN from the environment and warn
    app = bare_app(
        os.environ.pop("SLACK_BOT_TOKEN"), os.environ["SLACK_SIGNING_SECRET"], os.environ["SLACK_API_URL"], work
    )
    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    waitress.create_server(handler, host="127.0.0.1", port=port, threads=THREADS, ident="bare-bolt").run()


# --- the loopback Slack, which notes when each reminder arrives ------------------------------


class RecordingSlack(LocalSlack):
    """LocalSlack that keeps the arrival time of every reminder and counts every API call."""

    def __init__(self):
        # over TLS, as Slack's Web API is (each slack_sdk call opens a new TLS connection)
        cert, key = self_signed_certificate()
        super().__init__(cert_file=cert, key_file=key)
        self.cert_file = cert
        self.reminders: dict[int, float] = {}  # reminder number -> first arrival (epoch seconds)
        self.duplicates = 0
        self.calls = 0
        self.last_call = 0.0
        self._lock = threading.Lock()

    def answer(self, method: str, args: dict) -> dict:
        now = time.time()
        with self._lock:
            self.calls += 1
            self.last_call = now
            if method == "chat.postMessage" and args.get("channel") == BENCH_CHANNEL:
                match = REMINDER_TITLE.search(str(args.get("text", "")))
                if match:
                    number = int(match.group(1))
                    if number in self.reminders:
                        self.duplicates += 1
                    else:
                        self.reminders[number] = now
        return super().answer(method, args)


# --- the targets ---------------------------------------------------------------------------


@dataclass
class Target:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path
    spawned: float  # time.monotonic() at spawn

    def wait_ready(self, path: str, want_200: bool) -> float:
        """Poll `path` until the server answers (200 if `want_200`); seconds since spawn."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            try:
                conn.request("GET", path)
                if conn.getresponse().status == 200 or not want_200:
                    return time.monotonic() - self.spawned
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.02)
        raise SystemExit(f"{self.name} did not become ready in {STARTUP_SECONDS}s:\n{self.log_tail()}")

    def memory_kb(self) -> dict[str, int]:
        """VmRSS and VmHWM (peak RSS) from /proc, in kB."""
        found = {}
        for line in Path(f"/proc/{self.proc.pid}/status").read_text().splitlines():
            key, _, value = line.partition(":")
            if key in ("VmRSS", "VmHWM"):
                found[key] = int(value.split()[0])
        return found

    def cpu_seconds(self) -> float:
        """CPU time of all the process's threads so far (nanoseconds in /proc/PID/task/*/schedstat)."""
        total = 0
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (OSError, ValueError, IndexError):  # a thread that ended while being read
                pass
        return total / 1e9

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def log_tail(self, lines: int = 20) -> str:
        return "\n".join(self.log.read_text(errors="replace").splitlines()[-lines:])


def start(name: str, argv: list[str], env: dict, cwd: Path) -> Target:
    log = cwd / f"{name}.log"
    with open(log, "wb") as out:  # the child keeps its own descriptor
        spawned = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, *argv], cwd=cwd, env=env, stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT
        )
    return Target(name, int(env["PORT"]), proc, log, spawned)


# --- what is sent ------------------------------------------------------------------------------


class BodyDriver(SlackDriver):
    """tests.driver.SlackDriver that hands back the body it would post, unsigned."""

    def post(self, body: str, **kwargs) -> str:  # type: ignore[override]
        return body


@dataclass
class Command:
    name: str  # as typed, e.g. "/ta list all Kenya"; the vote is "poll vote (click)"
    body: Callable[[random.Random, int], str]  # (this client's random, a running number) -> body
    check: Callable[[int, bytes], str | None]  # the bot's (status, body) -> what is wrong, or None
    key: str = ""

    def __post_init__(self):
        self.key = self.key or self.name.lstrip("/")


def _command_answer_problem(status: int, data: bytes) -> str | None:
    """200, JSON with text or blocks, and not an error reply (a :warning: first section)."""
    if status != 200:
        return f"HTTP {status}"
    try:
        answer = json.loads(data)
    except ValueError:
        return "not JSON"
    blocks = answer.get("blocks") or []
    if not blocks and not answer.get("text"):
        return "no text or blocks"
    first = blocks[0].get("text", {}).get("text", "") if blocks and isinstance(blocks[0].get("text"), dict) else ""
    return f"an error reply: {first[:120]}" if first.startswith(":warning:") else None


def _action_answer_problem(status: int, data: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}"


def _bare_answer_problem(status: int, data: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}"


def commands(driver: BodyDriver, poll_id: int | None, poll_options: int, poll_ts: str | None = None) -> list[Command]:
    def slash(command: str, text: str = "") -> Callable[[random.Random, int], str]:
        return lambda rng, n: driver.command_body(command, text, user_id=COORDINATOR)

    def vote(rng: random.Random, n: int) -> str:
        option = rng.randrange(poll_options)
        # members U0001..U0500 in turn: some cast, some move, some withdraw their vote
        return driver.click(
            f"poll_vote:{option}",
            f"{poll_id}:{option}",
            user_id=filler.USERS[n % len(filler.USERS)],
            channel_id="C0IWG",
            message_ts=poll_ts or "1.000001",
        )

    typed = [
        "/iwg help",
        "/iwg coordinators",
        "/iwg orgs",
        "/ta list",
        "/ta list all Kenya",
        "/ta list Uganda",
        "/ta list stuck",
        "/ta show TA-50000",
        "/ta new Kenya: bench need #safe",
        "/ta note 50000 bench note",
        "/meetings",
        "/meetings 2024",
        "/agenda",
        "/agenda add bench item (5 min)",
        "/poll list",
    ]
    found = [Command(t, slash(*t.split(" ", 1)), _command_answer_problem) for t in typed]
    if poll_id is not None:
        found.append(Command("poll vote (click)", vote, _action_answer_problem, key="poll vote"))
    return found


# --- the load ------------------------------------------------------------------------------


@dataclass
class Samples:
    latencies: list[float] = field(default_factory=list)  # seconds
    failures: list[str] = field(default_factory=list)
    busy: float = 0.0  # wall seconds of the turns spent on this target
    cpu: float = 0.0  # CPU seconds the target's process used for the run (see run_load's caller)


def post_once(conn: http.client.HTTPConnection, body: str) -> tuple[float, int, bytes]:
    """One signed request; only the round trip is timed, not building or signing it."""
    ts = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": ts,
        "X-Slack-Signature": sign(SIGNING_SECRET, ts, body),
    }
    data = body.encode()
    started = time.perf_counter()
    conn.request("POST", EVENTS_PATH, data, headers)
    response = conn.getresponse()
    payload = response.read()
    return time.perf_counter() - started, response.status, payload


def run_load(
    targets: list[Target],
    command: Command,
    requests: int,
    concurrency: int,
    per_turn: int,
    deadline: float,
    counter,
    seed: int,
) -> dict[str, Samples]:
    """`requests` to each target from `concurrency` client threads, in turns: every client sends
    `per_turn` requests to one target, all wait, then to the other; who goes first swaps each
    round. So each target has exactly `concurrency` requests in flight while it is measured,
    and the two share the machine's noise turn by turn (at concurrency 1 and per_turn 1, this
    is plain alternation)."""
    samples = {t.name: Samples() for t in targets}
    checks = {"bot": command.check, "bare": _bare_answer_problem}
    turns: list[tuple[Target, list[int]]] = []  # (target, requests per client)
    left = requests
    while left > 0:
        quota = min(left, concurrency * per_turn)
        shares = [quota // concurrency + (i < quota % concurrency) for i in range(concurrency)]
        order = targets if len(turns) % 4 == 0 else targets[::-1]
        turns += [(target, shares) for target in order]
        left -= quota
    barrier = threading.Barrier(concurrency + 1)
    errors: list[BaseException] = []
    # (latency, status, body) per target; checked after the run, so that parsing the bot's
    # bigger answers does not hold this process's GIL while other clients are being timed
    answers: dict[str, list[tuple[float, int, bytes]]] = {t.name: [] for t in targets}

    def client(index: int) -> None:
        rng = random.Random(seed * 100 + index)
        conns = {t.name: http.client.HTTPConnection("127.0.0.1", t.port, timeout=REQUEST_TIMEOUT) for t in targets}
        try:
            for target, shares in turns:
                barrier.wait()
                conn = conns[target.name]
                for _ in range(shares[index]):
                    body = command.body(rng, next(counter))
                    try:
                        answers[target.name].append(post_once(conn, body))  # atomic under the GIL
                    except (OSError, http.client.HTTPException) as error:
                        conn.close()  # http.client reconnects on the next request
                        samples[target.name].failures.append(f"{type(error).__name__}: {error}")
            barrier.wait()
        except threading.BrokenBarrierError:
            pass
        except BaseException as error:  # noqa: BLE001 (reported by the main thread)
            errors.append(error)
            barrier.abort()
        finally:
            for conn in conns.values():
                conn.close()

    threads = [threading.Thread(target=client, args=(i,), daemon=True) for i in range(concurrency)]
    for t in targets:  # the caller takes the CPU reading again once the work left after the acks is done
        samples[t.name].cpu = t.cpu_seconds()
    for thread in threads:
        thread.start()
    try:
        barrier.wait()
        for target, _ in turns:
            started = time.perf_counter()
            barrier.wait()  # every client has finished this turn
            samples[target.name].busy += time.perf_counter() - started
            if time.monotonic() > deadline:
                barrier.abort()
                raise TimeoutError("the run took longer than --timeout")
    except threading.BrokenBarrierError:
        pass
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]
    for name, answered in answers.items():
        for elapsed, status, payload in answered:
            problem = checks[name](status, payload)
            if problem:
                samples[name].failures.append(problem)
            else:
                samples[name].latencies.append(elapsed)
    return samples


def settle(database: Path, slack: RecordingSlack, limit: float = 20.0) -> float:
    """Wait until the bot's outbox is drained and the loopback Slack has been quiet for 0.3 s."""
    started = time.monotonic()
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    try:
        while time.monotonic() - started < limit:
            pending = conn.execute(
                "SELECT count(*) FROM outbox WHERE sent_at IS NULL AND failed_at IS NULL"
                " AND due_at <= strftime('%Y-%m-%dT%H:%M:%S+00:00', 'now')"
            ).fetchone()[0]
            if pending == 0 and time.time() - slack.last_call > 0.3:
                break
            time.sleep(0.1)
    finally:
        conn.close()
    return time.monotonic() - started


# --- reminders ---------------------------------------------------------------------------------


@dataclass
class ReminderResult:
    scheduled: int
    arrived: int = 0
    duplicates: int = 0
    lateness: list[float] = field(default_factory=list)  # seconds, per arrived reminder
    arrivals: list[float] = field(default_factory=list)  # epoch seconds, sorted
    claimed: int = 0
    outbox: dict[str, int] = field(default_factory=dict)
    phase_seconds: float = 0.0


def watch_reminders(
    database: Path, slack: RecordingSlack, dues: list[float], deadline: float, progress: bool
) -> ReminderResult:
    """Wait for the reminders; stop when all arrived, the outbox is done with them after the last
    due, or the last meeting has begun (the bot drops a reminder whose meeting has begun)."""
    started = time.monotonic()
    last_due = max(dues)
    last_start = last_due + REMINDER_OFFSET_SECONDS
    conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=10)
    shown = 0.0
    try:
        while True:
            now = time.time()
            arrived = len(slack.reminders)
            if arrived >= len(dues) or now > last_start + 2 or time.monotonic() > deadline:
                break
            if now > last_due + 2:
                claimed = conn.execute("SELECT count(*) FROM reminders").fetchone()[0]
                pending = conn.execute(
                    "SELECT count(*) FROM outbox WHERE kind = 'meeting.reminder'"
                    " AND sent_at IS NULL AND failed_at IS NULL"
                ).fetchone()[0]
                if claimed >= len(dues) and pending == 0:
                    break
            if progress and now - shown >= 5:
                shown = now
                to_due = min(dues) - now
                state = f"first due in {to_due:.0f}s" if to_due > 0 else f"{arrived}/{len(dues)} arrived"
                print(f"  reminders: {state}", flush=True)
            time.sleep(0.2)
        result = ReminderResult(scheduled=len(dues), arrived=len(slack.reminders), duplicates=slack.duplicates)
        result.lateness = sorted(at - dues[n] for n, at in slack.reminders.items())
        result.arrivals = sorted(slack.reminders.values())
        result.claimed = conn.execute("SELECT count(*) FROM reminders").fetchone()[0]
        result.outbox = dict(
            conn.execute(
                "SELECT CASE WHEN sent_at IS NOT NULL AND ts IS NOT NULL THEN 'posted'"
                " WHEN sent_at IS NOT NULL THEN 'settled unposted (meeting had begun)'"
                " WHEN failed_at IS NOT NULL THEN 'failed' ELSE 'pending' END, count(*)"
                " FROM outbox WHERE kind = 'meeting.reminder' GROUP BY 1"
            ).fetchall()
        )
    finally:
        conn.close()
    result.phase_seconds = time.monotonic() - started
    return result


# --- the report ----------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the samples at or below it."""
    if not sorted_values:
        return float("nan")
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil without floats drifting
    return sorted_values[int(rank) - 1]


def median(sorted_values: list[float]) -> float:
    n = len(sorted_values)
    if not n:
        return float("nan")
    return (sorted_values[(n - 1) // 2] + sorted_values[n // 2]) / 2


@dataclass
class Row:
    command: str
    concurrency: int
    bot: Samples
    bare: Samples

    def stats(self, which: str) -> tuple[float, float, float, float]:
        """(median ms, p99 ms, req/s while it had the turn, CPU ms per request)."""
        samples = getattr(self, which)
        ms = sorted(x * 1000 for x in samples.latencies)
        rate = len(samples.latencies) / samples.busy if samples.busy else float("nan")
        cpu = samples.cpu * 1000 / len(samples.latencies) if samples.latencies else float("nan")
        return median(ms), percentile(ms, 99), rate, cpu

    @property
    def ratio(self) -> float:
        return self.stats("bot")[0] / self.stats("bare")[0]


def print_table(rows: list[Row]) -> None:
    print(
        f"\n{'command':<34}{'conc':>5} |{'bot med':>8}{'p99':>8}{'req/s':>7}{'cpu':>6} |{'bare med':>9}{'p99':>8}"
        f"{'req/s':>7}{'cpu':>6} |{'ratio':>6}{'fail':>5}"
    )
    print("-" * 113)
    for row in rows:
        bm, bp, bt, bc = row.stats("bot")
        am, ap, at, ac = row.stats("bare")
        failed = len(row.bot.failures) + len(row.bare.failures)
        print(
            f"{row.command:<34}{row.concurrency:>5} |{bm:>8.2f}{bp:>8.2f}{bt:>7.0f}{bc:>6.2f} |{am:>9.2f}{ap:>8.2f}"
            f"{at:>7.0f}{ac:>6.2f} |{row.ratio:>6.2f}{failed:>5}"
        )
    print(
        "latency in ms (median, p99 nearest rank); req/s = answered requests / wall time of the target's turns;\n"
        "cpu = the server process's CPU ms per answered request (all its threads, after-ack work included)"
    )


# --- main ------------------------------------------------------------------------------------


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__
    )
    parser.add_argument(
        "--requests", type=int, default=200, help="timed requests per target, command and concurrency (200)"
    )
    parser.add_argument(
        "--warmup",
        type=int,
        default=40,
        help="untimed requests per target and command first, at the highest concurrency (40)",
    )
    parser.add_argument("--concurrency", default="1,8", help="client threads, comma-separated (1,8)")
    parser.add_argument(
        "--per-turn",
        type=int,
        default=5,
        help="requests each client sends to one target before the other's turn, at concurrency > 1 (5)",
    )
    parser.add_argument(
        "--commands", help="only these, comma-separated, as typed without the slash (e.g. 'iwg help,ta list,poll vote')"
    )
    parser.add_argument("--empty", action="store_true", help="no data: the database as a new install has it")
    parser.add_argument("--ta", type=int, default=100_000, help="TA requests (100000)")
    parser.add_argument("--agenda", type=int, default=10_000, help="agenda items (10000)")
    parser.add_argument("--meetings", type=int, default=40, help="meetings, the migration's four included (40)")
    parser.add_argument("--polls", type=int, default=1_000, help="polls (1000)")
    parser.add_argument("--votes", type=int, default=100_000, help="votes over all polls (100000)")
    parser.add_argument(
        "--reminders",
        type=int,
        help="reminders due after start; 0: none (20, or 0 with --empty): the one channel takes about one a second",
    )
    parser.add_argument("--reminder-delay", type=float, default=20, help="seconds from spawn to the first due (20)")
    parser.add_argument("--reminder-window", type=float, default=20, help="seconds the dues spread over (20)")
    parser.add_argument("--max-ratio", type=float, default=1.3, help="bot/bare median that fails (1.3)")
    parser.add_argument("--max-p99-ms", type=float, default=25, help="bot p99 that fails (25)")
    parser.add_argument("--max-late", type=float, default=1.0, help="reminder lateness that fails, s (1)")
    parser.add_argument("--max-startup", type=float, default=3.0, help="start-up that fails, s (3)")
    parser.add_argument("--max-rss-mb", type=float, default=150, help="VmRSS after the load that fails, MB (150)")
    parser.add_argument("--timeout", type=float, default=900, help="seconds the whole run may take (900)")
    parser.add_argument(
        "--bot-env",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="an extra environment variable for the bot only (repeatable), to try a change",
    )
    parser.add_argument("--keep", metavar="DIR", help="run in DIR and keep the database and logs there")
    parser.add_argument(
        "--floor",
        choices=("read", "write"),
        help="time, in the bot's place, a bare app whose "
        f"command listener also reads a page ({FLOOR_ROWS} rows) of TA requests, or writes and commits "
        "one row (in a table of its own, bench_floor): the least any command that reads or writes "
        "SQLite costs (clicks get no such work)",
    )
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        args.concurrency = sorted({int(c) for c in str(args.concurrency).split(",")})
    except ValueError:
        parser.error("--concurrency takes whole numbers, e.g. 1,8")
    if args.requests < 1 or min(args.concurrency) < 1:
        parser.error("--requests and --concurrency must be at least 1")
    if args.reminders is None:
        args.reminders = 0 if args.empty or args.floor else 20
    if args.floor and args.reminders:
        parser.error("--floor times a bare app, which sends no reminders: leave out --reminders")
    return args


def main() -> int:
    args = parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    deadline = time.monotonic() + args.timeout
    slack = RecordingSlack().start()
    try:
        if args.keep:
            Path(args.keep).mkdir(parents=True, exist_ok=True)
            return run(args, Path(args.keep).resolve(), slack, deadline)
        with tempfile.TemporaryDirectory(prefix="iwg-bench-", ignore_cleanup_errors=True) as tmp:
            return run(args, Path(tmp), slack, deadline)
    finally:
        slack.stop()


def run(args, cwd: Path, slack: RecordingSlack, deadline: float) -> int:
    database = cwd / "iwg.sqlite3"
    for stale in cwd.glob("iwg.sqlite3*"):
        stale.unlink()
    print(
        f"IWG Bot bench: {os.cpu_count()} cores, Python {sys.version.split()[0]}, waitress threads {THREADS}",
        flush=True,
    )
    if args.empty:
        made = filler.fill(database, ta=0, agenda=0, meetings=0, polls=0, votes=0)
        print("database: empty (migrations only)")
    else:
        made = filler.fill(
            database, ta=args.ta, agenda=args.agenda, meetings=args.meetings, polls=args.polls, votes=args.votes
        )
        print(
            f"database: {made.ta_requests:,} TA requests ({made.ta_events:,} events), {made.meetings} meetings "
            f"({made.agenda_items:,} agenda items), {made.polls:,} polls ({made.votes:,} votes); "
            f"filled in {made.seconds:.1f}s, {database.stat().st_size / 2**20:.0f} MB",
            flush=True,
        )
    dues: list[float] = []
    if args.reminders:
        first_due = time.time() + args.reminder_delay
        by_id = filler.add_reminder_meetings(database, args.reminders, first_due, args.reminder_window)
        dues = list(by_id.values())  # in title order: "Bench reminder 00000" is the first
        print(
            f"reminders: {args.reminders:,} meetings whose 1m reminders fall due "
            f"{args.reminder_delay:.0f}-{args.reminder_delay + args.reminder_window:.0f}s after spawn",
            flush=True,
        )

    slack_env = dict(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=slack.api_url,
        SSL_CERT_FILE=slack.cert_file,
    )
    targets: list[Target] = []
    rows: list[Row] = []
    reminders: ReminderResult | None = None
    memory: dict[str, dict[str, int]] = {}
    timed_out = None
    try:
        bot_env = clean_env(
            **slack_env,
            PORT=str(free_port()),
            IWG_DATABASE=str(database),
            IWG_COORDINATORS=COORDINATOR,
            IWG_CHANNEL=BENCH_CHANNEL,
            IWG_REMINDERS="1m" if args.reminders else "7d,1d,1h",
        )
        bot_env.update(pair.split("=", 1) for pair in args.bot_env)
        if args.floor:  # in the bot's place: see floor_work
            print(f"the 'bot' columns are the {args.floor} floor app, not the bot", flush=True)
            floor_port = free_port()
            bot_env.update(PORT=str(floor_port), BENCH_FLOOR=args.floor)
            targets.append(start("bot", [str(Path(__file__).resolve()), "--serve-bare", str(floor_port)], bot_env, cwd))
        else:
            targets.append(start("bot", [str(ROOT / "app.py")], bot_env, cwd))
        startup = targets[0].wait_ready(EVENTS_PATH if args.floor else "/healthz", want_200=not args.floor)
        print(f"start-up: {startup:.2f}s from spawn to {'an answer' if args.floor else '/healthz 200'}", flush=True)
        memory["after start"] = targets[0].memory_kb()
        bare_port = free_port()
        targets.append(
            start(
                "bare",
                [str(Path(__file__).resolve()), "--serve-bare", str(bare_port)],
                clean_env(**slack_env, PORT=str(bare_port)),
                cwd,
            )
        )
        targets[1].wait_ready(EVENTS_PATH, want_200=False)

        if dues:
            reminders = watch_reminders(database, slack, dues, deadline, progress=True)
            memory["after reminders"] = targets[0].memory_kb()
            removed = filler.remove_reminder_meetings(database)
            print(
                f"  reminder phase done in {reminders.phase_seconds:.0f}s; {removed:,} reminder meetings removed",
                flush=True,
            )

        driver = BodyDriver("http://127.0.0.1", SIGNING_SECRET, slack.response_url("bench"))
        chosen = commands(driver, made.open_poll, made.open_poll_options, made.open_poll_ts)
        if args.commands:
            wanted = [w.strip().lstrip("/") for w in args.commands.split(",")]
            chosen = [c for c in chosen if c.key in wanted or c.name.lstrip("/") in wanted]
            if not chosen:
                raise SystemExit(f"--commands matched none of: {', '.join(c.key for c in commands(driver, 1, 2))}")
        counter = itertools.count()
        for command in chosen:
            print(f"  load: {command.name}", flush=True)
            if args.warmup:  # at the highest concurrency, so every server thread has its connection
                top = max(args.concurrency)
                run_load(
                    targets, command, args.warmup, top, 1 if top == 1 else args.per_turn, deadline, counter, seed=0
                )
                settle(database, slack)
            for concurrency in args.concurrency:
                per_turn = 1 if concurrency == 1 else args.per_turn
                samples = run_load(
                    targets, command, args.requests, concurrency, per_turn, deadline, counter, seed=concurrency
                )
                settle(database, slack)
                for target in targets:  # the run's CPU, with the work it left for after the acks
                    samples[target.name].cpu = target.cpu_seconds() - samples[target.name].cpu
                rows.append(Row(command.name, concurrency, samples["bot"], samples["bare"]))
        memory["after load"] = targets[0].memory_kb()
    except TimeoutError as error:
        timed_out = str(error)
    finally:
        for target in targets:
            target.stop()

    print_table(rows)
    for row in rows:
        for name in ("bot", "bare"):
            failures = getattr(row, name).failures
            if failures:
                print(
                    f"{name} wrong answers to {row.command} at {row.concurrency} (first 3 of {len(failures)}): "
                    f"{failures[:3]}"
                )
    print()
    print(f"start-up{'' if args.empty else ' with the data'}: {startup:.2f}s (spawn to /healthz 200)")
    for when, kb in memory.items():
        rss, peak = kb.get("VmRSS", 0) / 1024, kb.get("VmHWM", 0) / 1024
        print(f"bot memory {when}: VmRSS {rss:.0f} MB, peak (VmHWM) {peak:.0f} MB")
    if reminders:
        late = reminders.lateness
        print(
            f"reminders: {reminders.arrived:,} of {reminders.scheduled:,} posted ({reminders.duplicates} twice), "
            f"{reminders.claimed:,} claimed; outbox: "
            + ", ".join(f"{k} {v:,}" for k, v in sorted(reminders.outbox.items()))
        )
        if late:
            print(
                f"reminder lateness (arrival - due): median {median(late):.2f}s, p99 {percentile(late, 99):.2f}s, "
                f"max {late[-1]:.2f}s; within 1 s: {sum(x <= 1 for x in late):,}; "
                f"posted at {len(late) / max(1e-9, reminders.arrivals[-1] - reminders.arrivals[0]):.0f}/s "
                f"(first to last arrival {reminders.arrivals[-1] - reminders.arrivals[0]:.1f}s)"
            )

    low = min(args.concurrency)
    added = sorted((r.stats("bot")[0] - r.stats("bare")[0], r.command) for r in rows if r.concurrency == low)
    if added:
        print(
            f"added by the bot at concurrency {low} (median bot - bare, ms): at most {added[-1][0]:.2f} "
            f"({added[-1][1]}), half of the commands under {added[len(added) // 2][0]:.2f}"
        )

    # --- targets
    checks: list[tuple[bool, str]] = []
    top = max(args.concurrency)
    for row in (r for r in rows if r.concurrency == top):
        checks.append(
            (
                row.ratio <= args.max_ratio,
                f"{row.command} @{top}: median ratio {row.ratio:.2f} (limit {args.max_ratio})",
            )
        )
        p99 = row.stats("bot")[1]
        checks.append(
            (p99 < args.max_p99_ms, f"{row.command} @{top}: bot p99 {p99:.1f} ms (limit {args.max_p99_ms:g})")
        )
    if reminders:
        worst = reminders.lateness[-1] if reminders.lateness else float("inf")
        checks.append(
            (
                reminders.arrived == reminders.scheduled and worst <= args.max_late,
                f"reminders: {reminders.arrived:,}/{reminders.scheduled:,} posted, max lateness "
                f"{worst:.2f}s (limit {args.max_late:g}s)",
            )
        )
    checks.append((startup < args.max_startup, f"start-up {startup:.2f}s (limit {args.max_startup:g}s)"))
    if "after load" in memory:
        rss = memory["after load"]["VmRSS"] / 1024
        checks.append((rss < args.max_rss_mb, f"memory after load: VmRSS {rss:.0f} MB (limit {args.max_rss_mb:g} MB)"))
    wrong = sum(len(r.bot.failures) + len(r.bare.failures) for r in rows)
    checks.append((wrong == 0, f"wrong answers: {wrong}"))
    if timed_out:
        checks.append((False, f"run: {timed_out}"))
    print("\nTargets:")
    for ok, line in checks:
        print(f"{'PASS' if ok else 'FAIL'}: {line}")
    failed = sum(not ok for ok, _ in checks)
    print(f"\n{len(checks) - failed} of {len(checks)} targets met")
    if wrong or timed_out:
        for target in targets:
            print(f"--- {target.name} log (tail)\n{target.log_tail()}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
