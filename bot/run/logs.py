"""Logging that never carries a token, the signing secret or a request body."""

from __future__ import annotations

import logging
import re

# Slack token shapes (bot, user, app-level, config, refresh), whoever logs them.
_TOKEN = re.compile(r"\bx(?:ox[abeprs]|app)-[A-Za-z0-9-]+")

# Bolt logs the whole request body at INFO when a signature does not verify, and its app
# logger names unhandled requests' fields; neither belongs in our logs.
_CHATTY_LOGGERS = ("slack_bolt.RequestVerification",)
# APScheduler logs three INFO lines per job run: thousands a day with reminders and resyncs.
_QUIET_LOGGERS = ("apscheduler",)


# Bolt warns on every start that the token it read from SLACK_BOT_TOKEN is unused because
# we hand it a configured client (which carries that very token): noise, dropped.
_NOISE = ("`token` will be unused",)


class RedactSecrets(logging.Filter):
    """Replaces every secret value and token-shaped string in a record with [redacted];
    drops Bolt's known noise."""

    def __init__(self, secrets: list[str]):
        super().__init__()
        self.secrets = [s for s in secrets if s]

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a malformed record: let logging report it as it always does
            return True
        clean = _TOKEN.sub("[redacted]", message)
        for secret in self.secrets:
            clean = clean.replace(secret, "[redacted]")
        if clean != message:
            record.msg, record.args = clean, None
        return not any(noise in clean for noise in _NOISE)


def configure_logging(secrets: list[str], level: int = logging.INFO) -> None:
    """Root handler on stderr with the redacting filter; Bolt's body-logging loggers muted."""
    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    handler.addFilter(RedactSecrets(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for name in _QUIET_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
    quiet_bolt()


def quiet_bolt() -> None:
    """Call again after each App is built: Bolt copies its app logger's level onto these."""
    for name in _CHATTY_LOGGERS:
        logging.getLogger(name).setLevel(logging.WARNING)
