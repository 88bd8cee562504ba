"""Fixtures: the Slack stand-in, and the real bot started as `python app.py` in HTTP mode."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

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
        self.proc = subprocess.Popen([sys.executable, str(ROOT / "app.py")], cwd=cwd, env=env,
                                     stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr)

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
        port = free_port()
        env = clean_env(**{
            "SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": standin.api_url, "PORT": str(port), "IWG_DATABASE": str(tmp_dir / "iwg.sqlite3"),
            "IWG_COORDINATORS": COORDINATOR, "IWG_CHANNEL": CHANNEL, **settings,
        })
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
