"""The bot talks to Slack over TLS, as it must in production: the stand-in serves HTTPS with
a self-signed certificate that the bot trusts through SSL_CERT_FILE."""

from __future__ import annotations

import pytest

from tests.conftest import BOT_TOKEN, COORDINATOR, SIGNING_SECRET, BotProcess, clean_env, free_port
from tests.driver import SlackDriver
from tests.slack_standin import SlackStandIn
from tests.test_outbound import announced
from tests.test_ta import log_request


@pytest.fixture
def https_standin():
    slack = SlackStandIn(https=True).start()
    yield slack
    slack.stop()
    assert slack.problems == []


def test_the_bot_speaks_tls_to_slack(https_standin, tmp_dir):
    assert https_standin.api_url.startswith("https://")
    port = free_port()
    env = clean_env(
        SLACK_BOT_TOKEN=BOT_TOKEN,
        SLACK_SIGNING_SECRET=SIGNING_SECRET,
        SLACK_API_URL=https_standin.api_url,
        PORT=str(port),
        IWG_DATABASE=str(tmp_dir / "iwg.sqlite3"),
        IWG_COORDINATORS=COORDINATOR,
        IWG_CHANNEL="C0IWG",
        SSL_CERT_FILE=https_standin.cert_file,
    )
    process = BotProcess(env, tmp_dir)
    try:
        process.wait_healthy(port)
        driver = SlackDriver(f"http://127.0.0.1:{port}", SIGNING_SECRET, https_standin.response_url("tls"))
        log_request(driver)
        https_standin.wait_for(lambda: announced(https_standin), timeout=10, what="the announcement over TLS")
    finally:
        process.stop()
