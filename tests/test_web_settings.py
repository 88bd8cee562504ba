"""The public page's settings: the mail server's URL in its three forms, the sender, the
key, and which of them the page still lacks."""

from __future__ import annotations

import pytest

from bot.settings import Settings, SmtpServer, parse_smtp_url

PAGE = {
    "IWG_PUBLIC_URL": "https://iwg.example.org",
    "IWG_SMTP_URL": "smtp+starttls://bot%40iwg.example.org:p%40ss%3Aword@mail.example.org:587",
    "IWG_MAIL_FROM": "IWG Bot <iwg-bot@example.org>",
    "IWG_SECRET_KEY": "a" * 32,
}
HTTP = {"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"}


@pytest.mark.parametrize(
    "url, server",
    [
        ("smtp://localhost:2525", SmtpServer("plain", "localhost", 2525)),
        ("smtp://relay.internal", SmtpServer("plain", "relay.internal", 25)),
        ("smtp+starttls://u:p@mail.example.org:587", SmtpServer("starttls", "mail.example.org", 587, "u", "p")),
        ("SMTPS://u%40x.org:p%2Fq@mail.example.org", SmtpServer("tls", "mail.example.org", 465, "u@x.org", "p/q")),
    ],
)
def test_the_three_forms_of_mail_server(url, server):
    assert parse_smtp_url(url) == server


@pytest.mark.parametrize(
    "url", ["mail.example.org:25", "http://mail.example.org", "smtp://", "smtp://h:70000", "smtp://h/x", "smtp://u:p@h"]
)
def test_what_is_not_a_mail_server(url):
    with pytest.raises(ValueError) as refused:
        parse_smtp_url(url)
    assert "smtp+starttls://" in str(refused.value) and (len(url) < 8 or url not in str(refused.value))


def test_the_page_says_what_it_lacks_and_is_off_in_the_console():
    assert Settings(_env_file=None, **HTTP, **PAGE).public_page
    assert not Settings(_env_file=None, **PAGE).public_page  # the console serves no HTTP
    lacking = Settings(_env_file=None, **HTTP, IWG_PUBLIC_URL="https://iwg.example.org")
    assert lacking.public_page_missing == ["IWG_SMTP_URL", "IWG_MAIL_FROM", "IWG_SECRET_KEY"]
    assert not lacking.public_page


def test_the_key_and_the_mail_password_are_secrets():
    settings = Settings(_env_file=None, **HTTP, **PAGE)
    assert settings.smtp.password == "p@ss:word" and settings.smtp.username == "bot@iwg.example.org"
    assert {"a" * 32, "p@ss:word", PAGE["IWG_SMTP_URL"]} <= set(settings.secrets())
    assert "p%40ss" not in repr(settings) and "a" * 32 not in repr(settings)
