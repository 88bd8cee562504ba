"""Ack latency of `/iwg help`: the real bot in HTTP mode against a bare Bolt app.

Run from the repo root, after `pip install -e '.[test]'`:

    python bench/ack.py                                  # 500 timed requests per target
    python bench/ack.py --requests 2000 --concurrency 4  # a thread pool of 4 clients

Slack gives an app 3 seconds to ack a slash command, and the bot answers in the ack, so
what the bot adds on top of Bolt itself (settings, pydantic, storage, rendering, logging)
is what members wait for. Both targets are subprocesses of this script, served the same
way: the bot exactly as production starts it (`python app.py`, waitress with
bot.http.THREADS threads), the baseline as `python bench/ack.py --serve-bare PORT` (the
same waitress and thread count, Bolt's own WSGI adapter, one listener that acks a line).
Both authenticate against bot.local_slack.LocalSlack on loopback. Timed requests are
signed like Slack's, sent over one keep-alive connection per target per client, and
alternate between the targets so that machine noise lands on both alike.

Exit status 1 when the bot's median ack is more than --max-ratio (1.5) times the bare
app's, or when any answer is wrong (not 200, or the bot's not JSON with blocks).
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# `python bench/ack.py` puts bench/ first on sys.path, not the root, and tests/ is not
# an installed package: without this neither `bot` nor `tests.driver` would import.
sys.path.insert(0, str(ROOT))

from bot.http import EVENTS_PATH, THREADS  # noqa: E402
from bot.local_slack import LocalSlack  # noqa: E402
from tests.conftest import BOT_TOKEN, COORDINATOR, SIGNING_SECRET, clean_env, free_port  # noqa: E402
from tests.driver import SlackDriver, sign  # noqa: E402

STARTUP_SECONDS = 30
REQUEST_TIMEOUT = 10


# --- the baseline server (runs in its own process) -------------------------------------


def serve_bare(port: int) -> None:
    """Bolt and nothing else of the bot's, behind the same waitress setup the bot uses."""
    import waitress
    from slack_bolt import App
    from slack_bolt.adapter.wsgi import SlackRequestHandler
    from slack_sdk import WebClient

    # The token goes on the client, as the bot does: Bolt ignores App(token=...) when a
    # client is given (and then refuses to start without a token). Popped so that Bolt
    # does not also pick SLACK_BOT_TOKEN from the environment and warn about it.
    client = WebClient(token=os.environ.pop("SLACK_BOT_TOKEN"), base_url=os.environ["SLACK_API_URL"])
    app = App(signing_secret=os.environ["SLACK_SIGNING_SECRET"], process_before_response=True, client=client)

    @app.command("/iwg")
    def iwg(ack):
        ack(text="IWG Bot: /iwg help lists every command.", response_type="ephemeral")

    handler = SlackRequestHandler(app, path=EVENTS_PATH)
    waitress.create_server(handler, host="127.0.0.1", port=port, threads=THREADS, ident="bare-bolt").run()


# --- the targets ---------------------------------------------------------------------------


def _bot_answer_problem(status: int, data: bytes) -> str | None:
    """What is wrong with the bot's answer to `/iwg help`, or None: 200, JSON, with blocks."""
    if status != 200:
        return f"HTTP {status}"
    try:
        blocks = json.loads(data).get("blocks")
    except ValueError:
        return "not JSON"
    return None if isinstance(blocks, list) and blocks else "no blocks"


def _bare_answer_problem(status: int, data: bytes) -> str | None:
    return None if status == 200 else f"HTTP {status}"


@dataclass
class Target:
    name: str
    port: int
    proc: subprocess.Popen
    log: Path
    check: Callable[[int, bytes], str | None]  # (status, body) -> what is wrong, or None
    latencies: list[float] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def wait_ready(self, path: str, want_200: bool) -> None:
        """Poll `path` until the server answers (200 if `want_200`), or give up with its log."""
        deadline = time.monotonic() + STARTUP_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise SystemExit(f"{self.name} exited with {self.proc.returncode}:\n{self.log_tail()}")
            conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
            try:
                conn.request("GET", path)
                if conn.getresponse().status == 200 or not want_200:
                    return
            except OSError:
                pass
            finally:
                conn.close()
            time.sleep(0.05)
        raise SystemExit(f"{self.name} did not become ready in {STARTUP_SECONDS}s:\n{self.log_tail()}")

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


def start(name: str, argv: list[str], env: dict, cwd: Path, check) -> Target:
    log = cwd / f"{name}.log"
    with open(log, "wb") as out:  # the child keeps its own descriptor
        proc = subprocess.Popen([sys.executable, *argv], cwd=cwd, env=env,
                                stdin=subprocess.DEVNULL, stdout=out, stderr=subprocess.STDOUT)
    return Target(name, int(env["PORT"]), proc, log, check)


# --- the load ------------------------------------------------------------------------------


def post_once(conn: http.client.HTTPConnection, driver: SlackDriver) -> tuple[float, int, bytes]:
    """One signed `/iwg help`; only the round trip is timed, not building or signing it."""
    body = driver.command_body("/iwg", "help")
    ts = str(int(time.time()))
    headers = {"Content-Type": "application/x-www-form-urlencoded",
               "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": sign(SIGNING_SECRET, ts, body)}
    data = body.encode()
    started = time.perf_counter()
    conn.request("POST", EVENTS_PATH, data, headers)
    response = conn.getresponse()
    payload = response.read()
    return time.perf_counter() - started, response.status, payload


def client_loop(targets: list[Target], driver: SlackDriver, pairs: int, deadline: float, record: bool) -> None:
    """`pairs` requests to each target, alternating and swapping who goes first each round."""
    conns = {t.name: http.client.HTTPConnection("127.0.0.1", t.port, timeout=REQUEST_TIMEOUT) for t in targets}
    try:
        for i in range(pairs):
            if time.monotonic() > deadline:
                raise TimeoutError("the run took longer than --timeout")
            for target in targets if i % 2 == 0 else targets[::-1]:
                conn = conns[target.name]
                try:
                    elapsed, status, payload = post_once(conn, driver)
                    problem = target.check(status, payload)
                except (OSError, http.client.HTTPException) as error:
                    conn.close()  # http.client reconnects on the next request
                    elapsed, problem = None, f"{type(error).__name__}: {error}"
                if problem:
                    target.failures.append(problem)  # list.append is atomic under the GIL
                elif record:
                    target.latencies.append(elapsed)
    finally:
        for conn in conns.values():
            conn.close()


def run_load(targets: list[Target], driver: SlackDriver, requests: int, concurrency: int,
             deadline: float, record: bool) -> None:
    """Split `requests` per target across `concurrency` clients, each with its own connections."""
    shares = [requests // concurrency + (i < requests % concurrency) for i in range(concurrency)]
    with ThreadPoolExecutor(concurrency) as pool:
        for future in [pool.submit(client_loop, targets, driver, n, deadline, record) for n in shares if n]:
            future.result()


# --- the report ----------------------------------------------------------------------------


def percentile(sorted_values: list[float], p: float) -> float:
    """Nearest rank: the smallest value with at least p% of the samples at or below it."""
    rank = max(1, -(-len(sorted_values) * p // 100))  # ceil without floats drifting
    return sorted_values[int(rank) - 1]


def median(sorted_values: list[float]) -> float:
    n = len(sorted_values)
    return (sorted_values[(n - 1) // 2] + sorted_values[n // 2]) / 2


def report(targets: list[Target], args) -> bool:
    print(f"\n/iwg help, {args.requests} timed requests per target, concurrency {args.concurrency}, "
          f"waitress threads {THREADS}; latency in ms")
    print(f"{'target':<8}{'n':>6}{'median':>9}{'p90':>9}{'p99':>9}{'max':>9}{'failed':>8}")
    medians = {}
    for t in targets:
        ms = sorted(x * 1000 for x in t.latencies) or [float("nan")]
        medians[t.name] = median(ms)
        print(f"{t.name:<8}{len(t.latencies):>6}{median(ms):>9.2f}{percentile(ms, 90):>9.2f}"
              f"{percentile(ms, 99):>9.2f}{ms[-1]:>9.2f}{len(t.failures):>8}")
    for t in targets:
        if t.failures:
            print(f"{t.name} failures (first 5 of {len(t.failures)}): {t.failures[:5]}")
    ratio = medians["bot"] / medians["bare"]
    print(f"ratio bot median / bare median: {ratio:.2f}")
    failed = sum(len(t.failures) for t in targets)
    ok = ratio <= args.max_ratio and not failed
    verdict = "PASS" if ok else "FAIL"
    sign_ = "<=" if ratio <= args.max_ratio else ">"
    extra = f", {failed} wrong answers" if failed else ""
    print(f"{verdict}: median ack ratio {ratio:.2f} {sign_} {args.max_ratio}{extra}")
    return ok


# --- main ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=500, help="timed requests per target (500)")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests per target first (50)")
    parser.add_argument("--concurrency", type=int, default=1, help="client threads (1: sequential)")
    parser.add_argument("--max-ratio", type=float, default=1.5, help="the bot/bare median that fails (1.5)")
    parser.add_argument("--timeout", type=float, default=300, help="seconds the whole run may take (300)")
    parser.add_argument("--serve-bare", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_bare:
        serve_bare(args.serve_bare)
        return 0
    if args.requests < 1 or args.concurrency < 1:
        parser.error("--requests and --concurrency must be at least 1")

    deadline = time.monotonic() + args.timeout
    slack = LocalSlack().start()
    targets: list[Target] = []
    try:
        with tempfile.TemporaryDirectory(prefix="iwg-bench-") as tmp:
            cwd = Path(tmp)
            slack_env = dict(SLACK_BOT_TOKEN=BOT_TOKEN, SLACK_SIGNING_SECRET=SIGNING_SECRET,
                             SLACK_API_URL=slack.api_url)
            try:
                targets.append(start("bot", [str(ROOT / "app.py")], clean_env(
                    **slack_env, PORT=str(free_port()), IWG_DATABASE=str(cwd / "iwg.sqlite3"),
                    IWG_COORDINATORS=COORDINATOR), cwd, _bot_answer_problem))
                bare_port = free_port()
                targets.append(start("bare", [str(Path(__file__).resolve()), "--serve-bare", str(bare_port)],
                                     clean_env(**slack_env, PORT=str(bare_port)), cwd, _bare_answer_problem))
                targets[0].wait_ready("/healthz", want_200=True)
                targets[1].wait_ready(EVENTS_PATH, want_200=False)
                driver = SlackDriver("http://127.0.0.1", SIGNING_SECRET, slack.response_url("bench"))
                run_load(targets, driver, args.warmup, args.concurrency, deadline, record=False)
                run_load(targets, driver, args.requests, args.concurrency, deadline, record=True)
            except TimeoutError as error:
                print(f"FAIL: {error}")
                return 1
            finally:
                for target in targets:  # stopped before the folder holding their logs goes
                    target.stop()
            ok = report(targets, args)
            if not ok and any(t.failures for t in targets):
                for t in targets:
                    print(f"--- {t.name} log (tail)\n{t.log_tail()}")
            return 0 if ok else 1
    finally:
        slack.stop()


if __name__ == "__main__":
    sys.exit(main())
