"""Settings from the environment or a `.env` file (SPEC.md, "Configuration").

Every variable is validated when the bot starts, so that a typo in a time zone or a
reminder offset stops the start with one line naming the variable instead of failing
hours later when the first reminder falls due.
"""

from __future__ import annotations

import re
import sys
from collections.abc import Callable
from datetime import time, timedelta
from email.utils import parseaddr
from enum import Enum
from typing import Annotated, NamedTuple
from urllib.parse import unquote, urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import Field, SecretStr, ValidationError, field_validator, model_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.i18n import LANGUAGES

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

_OFFSET = re.compile(r"^(\d+)\s*([mhdw])$")
_OFFSET_UNITS = {"m": "minutes", "h": "hours", "d": "days", "w": "weeks"}
_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_DIGEST = re.compile(r"^([a-z]+)\s+(\d{1,2})(?::(\d{2}))?$")
_USER_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")
_CHANNEL_ID = re.compile(r"^[CGD][A-Z0-9]{2,}$")
_PUBLIC_URL = re.compile(r"^https?://[^/\s?#@]+(/[^\s?#]*)?$")
CALENDAR_SECRET_LENGTH = 22  # URL-safe characters: 132 bits, past guessing
_CALENDAR_SECRET = re.compile(r"^[A-Za-z0-9_-]+$")
MAKE_SECRET = 'python -c "import secrets; print(secrets.token_urlsafe(24))"'


class Mode(str, Enum):
    SOCKET = "socket"
    HTTP = "http"
    CONSOLE = "console"


class DigestTime(NamedTuple):
    """When the weekly digest goes out: a weekday (0 = Monday) and a wall-clock time."""

    weekday: int
    at: time

    def __str__(self) -> str:
        return f"{_WEEKDAYS[self.weekday][:3]} {self.at:%H:%M}"


class SmtpServer(NamedTuple):
    """Where mail goes (IWG_SMTP_URL): `security` is "plain", "starttls" or "tls"."""

    security: str
    host: str
    port: int
    username: str | None = None
    password: str | None = None


SMTP_SCHEMES = {"smtp": ("plain", 25), "smtp+starttls": ("starttls", 587), "smtps": ("tls", 465)}
SMTP_FORMS = "smtp://host:port, smtp+starttls://user:pass@host:587 or smtps://user:pass@host:465"


def parse_smtp_url(text: str) -> SmtpServer:
    """`smtp+starttls://user:p%40ss@mail.example.org:587` -> SmtpServer (user and password
    percent-decoded). The error never repeats the URL, which may hold a password."""
    parts = urlsplit(text.strip())
    scheme = SMTP_SCHEMES.get(parts.scheme.lower())
    try:
        port = parts.port
    except ValueError:
        port = -1
    if scheme is None or not parts.hostname or port == -1 or parts.path not in ("", "/") or parts.query:
        raise ValueError(f"not a mail server URL: use {SMTP_FORMS}")
    user = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if scheme[0] == "plain" and user:
        raise ValueError(
            "a login over plain smtp:// would send the password unencrypted: use smtp+starttls:// or smtps://"
        )
    return SmtpServer(scheme[0], parts.hostname, port or scheme[1], user, password)


class ConfigError(ValueError):
    """A setting that cannot work; `str()` is the one line shown to the operator."""


def _blank_is_unset(value):
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _secret(value, check: Callable[[str], str]):
    """A secret setting before pydantic wraps it: blank is unset, one already wrapped is
    kept, and any other is `check`ed as typed without its surrounding space (a check's
    refusal never repeats the value)."""
    value = _blank_is_unset(value)
    if value is None or isinstance(value, SecretStr):
        return value
    return check(str(value).strip())


def _smtp_url_checked(url: str) -> str:
    parse_smtp_url(url)  # raises with the right forms, never echoing the URL
    return url


def _calendar_secret_checked(secret: str) -> str:
    if not _CALENDAR_SECRET.match(secret):
        raise ValueError(f"use only the letters, digits, _ and -; make one with {MAKE_SECRET}")
    return _unguessable(secret)


def _unguessable(secret: str) -> str:
    """A secret long enough that nobody guesses it; the refusal never repeats it."""
    if len(secret) < CALENDAR_SECRET_LENGTH:
        raise ValueError(
            f"too short to be unguessable ({len(secret)} characters, {CALENDAR_SECRET_LENGTH} at least); "
            f"make one with {MAKE_SECRET}"
        )
    return secret


def parse_offsets(text: str) -> tuple[timedelta, ...]:
    """`7d,1d,1h` -> offsets before a meeting, longest first, without repeats."""
    offsets = set()
    for part in (p.strip().lower() for p in text.split(",")):
        match = _OFFSET.match(part)
        if not match or int(match.group(1)) == 0:
            raise ValueError(f"{part!r} is not an offset: use a whole number and m, h, d or w, e.g. 7d,1d,1h")
        number, unit = match.groups()
        offsets.add(timedelta(**{_OFFSET_UNITS[unit]: int(number)}))
    return tuple(sorted(offsets, reverse=True))


def parse_digest_time(text: str) -> DigestTime:
    """`mon 08:00` (also `monday 8`, `Thurs 8:30`) -> DigestTime."""
    match = _DIGEST.match(text.strip().lower())
    word = match.group(1) if match else ""
    days = [i for i, name in enumerate(_WEEKDAYS) if len(word) >= 3 and name.startswith(word)]
    if not days:
        raise ValueError(f"{text!r} is not a weekly time: use a weekday and HH:MM, e.g. mon 08:00")
    hour, minute = int(match.group(2)), int(match.group(3) or 0)
    if hour > 23 or minute > 59:
        raise ValueError(f"{text!r} has no such time of day: use 00:00 to 23:59, e.g. mon 08:00")
    return DigestTime(days[0], time(hour, minute))


class Settings(BaseSettings):
    """SPEC.md's configuration table, one field per variable."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True)

    slack_bot_token: SecretStr | None = Field(None, validation_alias="SLACK_BOT_TOKEN")
    slack_signing_secret: SecretStr | None = Field(None, validation_alias="SLACK_SIGNING_SECRET")
    slack_app_token: SecretStr | None = Field(None, validation_alias="SLACK_APP_TOKEN")
    slack_api_url: str = Field(DEFAULT_SLACK_API_URL, validation_alias="SLACK_API_URL")
    port: int = Field(3000, validation_alias="PORT", ge=1, le=65535)
    database: str = Field("iwg.sqlite3", validation_alias="IWG_DATABASE", min_length=1)
    channel: str | None = Field(None, validation_alias="IWG_CHANNEL")
    coordinators: Annotated[tuple[str, ...], NoDecode] = Field((), validation_alias="IWG_COORDINATORS")
    timezone: Annotated[ZoneInfo, NoDecode] = Field(ZoneInfo("UTC"), validation_alias="IWG_TIMEZONE")
    reminders: Annotated[tuple[timedelta, ...], NoDecode] = Field(
        parse_offsets("7d,1d,1h"), validation_alias="IWG_REMINDERS"
    )
    digest: Annotated[DigestTime, NoDecode] = Field(parse_digest_time("mon 08:00"), validation_alias="IWG_DIGEST")
    public_url: str | None = Field(None, validation_alias="IWG_PUBLIC_URL")
    calendar_secret: SecretStr | None = Field(None, validation_alias="IWG_CALENDAR_SECRET")
    language: str = Field("en", validation_alias="IWG_LANGUAGE")  # the channel's posts (bot/i18n.py)
    # the public request page (issue 18): its mail server, the sender, the key that signs its links
    smtp_url: SecretStr | None = Field(None, validation_alias="IWG_SMTP_URL")
    mail_from: str | None = Field(None, validation_alias="IWG_MAIL_FROM")
    secret_key: SecretStr | None = Field(None, validation_alias="IWG_SECRET_KEY")
    trusted_proxies: int = Field(0, validation_alias="IWG_TRUSTED_PROXIES", ge=0, le=5)

    _blank = field_validator(
        "slack_bot_token",
        "slack_signing_secret",
        "slack_app_token",
        "channel",
        "public_url",
        "mail_from",
        mode="before",
    )(_blank_is_unset)

    @field_validator("smtp_url", mode="before")
    @classmethod
    def _smtp_url(cls, value):
        return _secret(value, _smtp_url_checked)

    @field_validator("mail_from")
    @classmethod
    def _mail_from(cls, value: str | None) -> str | None:
        if value is None:
            return None
        _name, address = parseaddr(value.strip())
        if not re.fullmatch(r"[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+", address or "") or "\n" in value:
            raise ValueError(f"{value!r} is not a mail address, e.g. IWG Bot <iwg-bot@example.org>")
        return value.strip()

    @field_validator("secret_key", mode="before")
    @classmethod
    def _secret_key(cls, value):
        return _secret(value, _unguessable)

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        value = value.strip()
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError(f"{value!r} is not an http(s) URL, e.g. {DEFAULT_SLACK_API_URL}")
        return value if value.endswith("/") else value + "/"

    @field_validator("public_url")
    @classmethod
    def _public_url(cls, value: str | None) -> str | None:
        if value is None:
            return None
        value = value.strip()
        if not _PUBLIC_URL.match(value):
            raise ValueError(
                f"{value!r} is not a base URL: use where Slack reaches the bot, e.g. https://iwg-bot.example.org"
            )
        return value.rstrip("/")

    @field_validator("calendar_secret", mode="before")
    @classmethod
    def _calendar_secret(cls, value):
        return _secret(value, _calendar_secret_checked)  # the feed's password: never echoed

    @field_validator("channel")
    @classmethod
    def _channel(cls, value: str | None) -> str | None:
        if value is not None and not _CHANNEL_ID.match(value.strip()):
            raise ValueError(
                f"{value!r} is not a channel ID: use the ID (e.g. C0123456789) from the channel's details, not its name"
            )
        return value and value.strip()

    @field_validator("language", mode="before")
    @classmethod
    def _language(cls, value) -> str:
        code = str(value or "en").strip().lower()
        if code not in LANGUAGES:
            raise ValueError(f"{value!r} is not a language the bot speaks: use one of {', '.join(LANGUAGES)}")
        return code

    @field_validator("coordinators", mode="before")
    @classmethod
    def _coordinators(cls, value) -> tuple[str, ...]:
        ids = re.split(r"[,\s]+", value.strip()) if isinstance(value, str) else list(value)
        ids = [i for i in ids if i]
        for user_id in ids:
            if not _USER_ID.match(user_id):
                raise ValueError(
                    f"{user_id!r} is not a Slack user ID: use IDs like U0123456789, "
                    "comma-separated (a member's profile, ⋮, Copy member ID)"
                )
        return tuple(dict.fromkeys(ids))

    @field_validator("timezone", mode="before")
    @classmethod
    def _timezone(cls, value) -> ZoneInfo:
        if isinstance(value, ZoneInfo):
            return value
        try:
            return ZoneInfo(str(value).strip())
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"{value!r} is not an IANA time zone, e.g. UTC, Europe/Geneva, America/Argentina/Buenos_Aires"
            ) from None

    @field_validator("reminders", mode="before")
    @classmethod
    def _reminders(cls, value) -> tuple[timedelta, ...]:
        return parse_offsets(value) if isinstance(value, str) else tuple(value)

    @field_validator("digest", mode="before")
    @classmethod
    def _digest(cls, value) -> DigestTime:
        return parse_digest_time(value) if isinstance(value, str) else value

    @model_validator(mode="after")
    def _credentials(self) -> "Settings":
        bot, secret, app = self.slack_bot_token, self.slack_signing_secret, self.slack_app_token
        if (secret or app) and not bot:
            raise ConfigError(
                "SLACK_BOT_TOKEN: not set, but other Slack credentials are; set it (xoxb-…) "
                "or unset them all for the console"
            )
        if bot and not (secret or app):
            raise ConfigError(
                "SLACK_APP_TOKEN: not set; set it (xapp-…) for Socket Mode, or set SLACK_SIGNING_SECRET for HTTP mode"
            )
        return self

    @property
    def mode(self) -> Mode:
        if self.slack_bot_token and self.slack_app_token:
            return Mode.SOCKET
        if self.slack_bot_token and self.slack_signing_secret:
            return Mode.HTTP
        return Mode.CONSOLE

    @property
    def calendar_url(self) -> str | None:
        """The calendar feed's address, to give members; None unless IWG_PUBLIC_URL and
        IWG_CALENDAR_SECRET are both set and the bot serves HTTP (HTTP mode)."""
        if not (self.public_url and self.calendar_secret) or self.mode is not Mode.HTTP:
            return None
        return f"{self.public_url}/calendar/{self.calendar_secret.get_secret_value()}.ics"

    @property
    def smtp(self) -> SmtpServer | None:
        return parse_smtp_url(self.smtp_url.get_secret_value()) if self.smtp_url else None

    @property
    def public_page_missing(self) -> list[str]:
        """The variables the public request page still needs (none: it is on)."""
        needed = {
            "IWG_PUBLIC_URL": self.public_url,
            "IWG_SMTP_URL": self.smtp_url,
            "IWG_MAIL_FROM": self.mail_from,
            "IWG_SECRET_KEY": self.secret_key,
        }
        return [name for name, value in needed.items() if not value]

    @property
    def public_page(self) -> bool:
        """Whether `/request` is served: every mail setting is there, and an HTTP server runs
        (HTTP mode, or Socket Mode beside which IWG_PUBLIC_URL asks for one on $PORT)."""
        return not self.public_page_missing and self.mode is not Mode.CONSOLE

    def secrets(self) -> list[str]:
        """The values no log line may carry."""
        fields = (
            self.slack_bot_token,
            self.slack_signing_secret,
            self.slack_app_token,
            self.calendar_secret,
            self.secret_key,
            self.smtp_url,
        )
        values = [f.get_secret_value() for f in fields if f]
        server = self.smtp
        if server and server.password:
            values.append(server.password)
        return values


def describe_error(error: ValidationError) -> list[str]:
    """One line per wrong variable, naming it, without pydantic's noise."""
    lines = []
    for item in error.errors(include_url=False):
        if item["type"] == "value_error":
            message = str(item["ctx"]["error"])
        else:  # pydantic's own check (a port that is not a number, say)
            message = f"{item['input']!r}: {item['msg'].lower()}"
        if item["loc"]:
            lines.append(f"{item['loc'][0]}: {message}")
        else:  # a ConfigError from the model validator names its own variable
            lines.append(message)
    return lines


def load_settings(**overrides) -> Settings:
    """Settings, or exit with status 2 and one line per wrong variable."""
    try:
        return Settings(**overrides)
    except ValidationError as error:
        for line in describe_error(error):
            print(f"iwg-bot: {line}", file=sys.stderr)
        raise SystemExit(2) from None
