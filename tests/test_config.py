"""Settings: every variable parsed, and a wrong one stops the start with one line, exit 2."""

from __future__ import annotations

import subprocess
import sys
from datetime import time, timedelta

import pytest

from bot.settings import Mode, Settings, parse_digest_time, parse_offsets
from tests.conftest import ROOT, clean_env


def test_offsets_parse_sort_and_dedupe():
    assert parse_offsets("1h, 7d,1d,1h,30m,2w") == (
        timedelta(weeks=2),
        timedelta(days=7),
        timedelta(days=1),
        timedelta(hours=1),
        timedelta(minutes=30),
    )


@pytest.mark.parametrize("text", ["", "7", "7x", "0h", "-1d", "1.5h", "7d,,1h", "d7"])
def test_bad_offsets_are_refused(text):
    with pytest.raises(ValueError, match="is not an offset"):
        parse_offsets(text)


@pytest.mark.parametrize(
    "text, weekday, at",
    [
        ("mon 08:00", 0, time(8)),
        ("Friday 17:30", 4, time(17, 30)),
        ("sun 7", 6, time(7)),
    ],
)
def test_digest_times(text, weekday, at):
    assert parse_digest_time(text) == (weekday, at)


@pytest.mark.parametrize("text", ["funday 08:00", "mon", "mon 24:00", "mon 08:60", "monday08:00", "mondayish 8"])
def test_bad_digest_times(text):
    with pytest.raises(ValueError):
        parse_digest_time(text)


def settings(**env) -> Settings:
    return Settings(_env_file=None, **env)


def test_defaults_and_modes():
    s = settings()
    assert (s.mode, s.port, s.database, str(s.timezone), str(s.digest)) == (
        Mode.CONSOLE,
        3000,
        "iwg.sqlite3",
        "UTC",
        "mon 08:00",
    )
    assert s.slack_api_url == "https://slack.com/api/"
    assert settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s").mode is Mode.HTTP
    assert settings(SLACK_BOT_TOKEN="xoxb-1", SLACK_APP_TOKEN="xapp-1", SLACK_SIGNING_SECRET="s").mode is Mode.SOCKET
    assert settings(SLACK_BOT_TOKEN=" ", SLACK_APP_TOKEN="").mode is Mode.CONSOLE
    assert settings(SLACK_API_URL="http://127.0.0.1:9/api").slack_api_url == "http://127.0.0.1:9/api/"
    assert settings(IWG_COORDINATORS="U01, W02 U01").coordinators == ("U01", "W02")


def test_secrets_never_show_in_repr():
    s = settings(SLACK_BOT_TOKEN="xoxb-very-secret", SLACK_SIGNING_SECRET="shh-secret")
    assert "very-secret" not in repr(s) and "shh-secret" not in repr(s)
    assert set(s.secrets()) == {"xoxb-very-secret", "shh-secret"}


def test_the_calendar_feed_address():
    secret = "Zq3x_Kd8-PvN2mW7tR9yB4cL1sE6uA0h"
    http = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}
    s = settings(IWG_PUBLIC_URL=" https://iwg-bot.example.org/ ", IWG_CALENDAR_SECRET=secret, **http)
    assert s.calendar_url == f"https://iwg-bot.example.org/calendar/{secret}.ics"
    assert secret in s.secrets() and secret not in repr(s)
    assert settings(IWG_PUBLIC_URL="http://10.0.0.5:3000/iwg", IWG_CALENDAR_SECRET=secret, **http).calendar_url == (
        f"http://10.0.0.5:3000/iwg/calendar/{secret}.ics"
    )
    # no address unless both are set and the bot serves HTTP (Socket Mode and the console do not)
    assert settings(IWG_CALENDAR_SECRET=secret, **http).calendar_url is None
    assert settings(IWG_PUBLIC_URL="https://iwg-bot.example.org", IWG_CALENDAR_SECRET=" ", **http).calendar_url is None
    assert settings(IWG_PUBLIC_URL="https://iwg-bot.example.org", IWG_CALENDAR_SECRET=secret).calendar_url is None


def start(tmp_dir, **env) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_dir,
        env=clean_env(**env),
        input="",
        capture_output=True,
        text=True,
        timeout=60,
    )


@pytest.mark.parametrize(
    "variable, value",
    [
        ("IWG_TIMEZONE", "Mars/Olympus_Mons"),
        ("IWG_TIMEZONE", "../../etc/passwd"),
        ("IWG_REMINDERS", "7d,1 fortnight"),
        ("IWG_DIGEST", "someday 25:00"),
        ("PORT", "eighty"),
        ("IWG_CHANNEL", "#general"),
        ("IWG_COORDINATORS", "amina@example.org"),
        ("SLACK_API_URL", "slack.com/api"),
        ("IWG_PUBLIC_URL", "iwg-bot.example.org"),
        ("IWG_CALENDAR_SECRET", "hunter2-is-guessable"),
        ("IWG_CALENDAR_SECRET", "long enough but with spaces in it"),
        ("IWG_SMTP_URL", "smtp://amina:hunter2pass@mail.example.org:25"),
        ("IWG_SMTP_URL", "imaps://amina:hunter2pass@mail.example.org"),
        ("IWG_MAIL_FROM", "the IWG bot"),
        ("IWG_SECRET_KEY", "hunter2"),
    ],
)
def test_a_wrong_setting_stops_the_start_with_one_line(tmp_dir, variable, value):
    result = start(tmp_dir, **{variable: value})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"iwg-bot: {variable}: ")
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert not (tmp_dir / "iwg.sqlite3").exists()
    if variable in ("IWG_CALENDAR_SECRET", "IWG_SECRET_KEY"):  # a secret, even a bad one, is never shown
        assert value not in result.stderr and "secrets.token_urlsafe(24)" in result.stderr
    if variable == "IWG_SMTP_URL":  # nor a mail server's password
        assert "hunter2pass" not in result.stderr and "smtp+starttls://" in result.stderr


def test_half_set_credentials_name_the_missing_one(tmp_dir):
    result = start(tmp_dir, SLACK_SIGNING_SECRET="abc")
    assert (result.returncode, result.stderr.split(":")[1].strip()) == (2, "SLACK_BOT_TOKEN")
    result = start(tmp_dir, SLACK_BOT_TOKEN="xoxb-1")
    assert (result.returncode, result.stderr.split(":")[1].strip()) == (2, "SLACK_APP_TOKEN")


def test_settings_come_from_a_dotenv_file(tmp_dir):
    (tmp_dir / ".env").write_text("IWG_TIMEZONE=Nowhere/Special\n")
    result = start(tmp_dir)
    assert result.returncode == 2 and "IWG_TIMEZONE" in result.stderr


def test_an_unusable_database_stops_the_start_with_one_line(tmp_dir):
    result = start(tmp_dir, IWG_DATABASE=str(tmp_dir / "no" / "such" / "dir" / "x.sqlite3"))
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [result.stderr.strip()]
    assert result.stderr.startswith("iwg-bot: IWG_DATABASE: ")
