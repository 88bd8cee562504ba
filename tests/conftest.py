"""Fixtures: the Slack stand-in, the real bot started as `python app.py` in HTTP mode, and
in-process senders (the outbox's delivering side) for the courier's own rules."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from datetime import datetime, timezone
from pathlib import Path

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.outbound.courier import Courier
from bot.outbound.notices import NoticeSender
from bot.run import app_factory
from bot.services import Services
from bot.settings import Settings
from storage import Storage
from tests.browser import browser  # noqa: F401 - the fixture of the page tests in Chromium
from tests.driver import SlackDriver
from tests.slack_standin import SlackStandIn

ROOT = Path(__file__).resolve().parent.parent
BOT_TOKEN = "xoxb-1234-5678-testtokenvalue"
SIGNING_SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
APP_TOKEN = "xapp-1-A111-222-testapptokenvalue"
COORDINATOR = "U0COORD"
CHANNEL = "C0IWG"


@pytest.fixture
def standin():
    slack = SlackStandIn().start()
    yield slack
    slack.stop()
    assert slack.problems == [], "payloads Slack would reject:\n" + "\n".join(slack.problems)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def clean_env(**extra: str) -> dict:
    """The machine's environment without any Slack or IWG setting, plus `extra`."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "IWG_")) and k != "PORT"}
    env.update(extra)
    return env


class BotProcess:
    """`python app.py` in a temporary folder, its stderr kept for the log assertions."""

    def __init__(self, env: dict, cwd: Path):
        self.cwd = cwd
        self.stderr_path = cwd / f"bot-{env.get('PORT', 'x')}.stderr"  # one per process: two may run at once
        self._stderr = open(self.stderr_path, "wb")
        self.proc = subprocess.Popen(
            [sys.executable, str(ROOT / "app.py")],
            cwd=cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=self._stderr,
        )

    def wait_healthy(self, port: int, timeout: float = 20) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise AssertionError(f"the bot exited with {self.proc.returncode}: {self.logs()}")
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=1) as r:
                    if r.status == 200:
                        return
            except OSError:
                time.sleep(0.05)
        raise AssertionError(f"the bot did not become healthy: {self.logs()}")

    def stop(self, sig: int = signal.SIGTERM) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()
        self._stderr.close()

    def logs(self) -> str:
        if not self._stderr.closed:
            self._stderr.flush()
        return self.stderr_path.read_text(errors="replace")


@pytest.fixture
def tmp_dir():
    with tempfile.TemporaryDirectory(prefix="iwg-test-", ignore_cleanup_errors=True) as path:
        yield Path(path)


@pytest.fixture
def start_bot(standin, tmp_dir):
    """Start the bot in HTTP mode against the stand-in; returns (driver, process)."""
    started: list[BotProcess] = []

    def start(**settings: str) -> tuple[SlackDriver, BotProcess]:
        port = int(settings.get("PORT") or free_port())  # given, when IWG_PUBLIC_URL must name it
        env = clean_env(
            **{
                "SLACK_BOT_TOKEN": BOT_TOKEN,
                "SLACK_SIGNING_SECRET": SIGNING_SECRET,
                "SLACK_API_URL": standin.api_url,
                "PORT": str(port),
                "IWG_DATABASE": str(tmp_dir / "iwg.sqlite3"),
                "IWG_COORDINATORS": COORDINATOR,
                "IWG_CHANNEL": CHANNEL,
                **settings,
            }
        )
        bot = BotProcess(env, tmp_dir)
        started.append(bot)
        bot.wait_healthy(port)
        return SlackDriver(f"http://127.0.0.1:{port}", SIGNING_SECRET, standin.response_url("cmd")), bot

    yield start
    for bot in started:
        bot.stop()


@pytest.fixture
def bot(start_bot):
    """A running bot with the default settings: (driver, process)."""
    return start_bot()


# --- in-process senders: two "processes" on one database file, on a clock the test moves ---

SECOND_COORDINATOR = "U0COORD2"


class Clock:
    """Stands still where the test puts it; with `now = None`, runs as real time does."""

    def __init__(self, now: datetime | None):
        self.now = now

    def __call__(self) -> datetime:
        return datetime.now(timezone.utc) if self.now is None else self.now


class Sender:
    """One process's delivering side: its own connections to the database, its own courier."""

    def __init__(self, path, clock: Clock, standin, channel: str, **more_settings: str):
        settings = Settings(
            _env_file=None,
            IWG_CHANNEL=channel,
            IWG_COORDINATORS=f"{COORDINATOR},{SECOND_COORDINATOR}",
            SLACK_BOT_TOKEN="xoxb-test",
            SLACK_SIGNING_SECRET="s3cret",
            SLACK_API_URL=standin.api_url,
            **more_settings,
        )
        self.storage = Storage(path, clock=clock)
        self.storage.migrate()
        self.scheduler = BackgroundScheduler(timezone=timezone.utc)
        self.scheduler.start(paused=True)
        self.services = Services.build(settings, self.storage, self.scheduler)
        self.services.coordinators.sync_config(settings.coordinators)
        # the courier's client; before the fix, the app's client with the SDK's retries
        make = getattr(app_factory, "courier_client", None)
        client = make(settings) if make else app_factory.web_client(settings)
        sender = NoticeSender(self.services, client)
        refused = getattr(sender, "refused", None)  # (none before the fix)
        self.courier = Courier(self.services.outbox, sender, **({"on_refused": refused} if refused else {}))

    def drain(self, within: float = 5.0) -> None:
        """Send what is due; fails if that takes longer than `within` (a sleep inside a claim)."""
        done = threading.Thread(target=self.courier.drain, daemon=True)
        done.start()
        done.join(within)
        assert not done.is_alive(), f"the courier was still busy after {within}s"

    def close(self) -> None:
        self.scheduler.shutdown(wait=False)
        self.storage.close()


@pytest.fixture
def senders(tmp_dir, standin):
    """Two senders on one database and one clock: (clock, first, second)."""
    clock = Clock(datetime.now(timezone.utc))
    made = [Sender(tmp_dir / "iwg.sqlite3", clock, standin, "C0IWG") for _ in range(2)]
    yield clock, made[0], made[1]
    for sender in made:
        sender.close()
