"""Whose language a reply is in: the member's choice (`/iwg language`), else their Slack
locale (users.info with include_locale, asked once and kept, asked again after the ack once
a day old), else English; channel posts in IWG_LANGUAGE.
"""

from __future__ import annotations

import threading
import time
from datetime import timedelta

import pytest

from bot.i18n import normalise
from bot.outbound.languages import LIFETIME
from bot.settings import ConfigError, Settings
from tests.clocked import ClockedBot

FRENCH, SPANISH, ARABIC, BRAZILIAN = "U0AMELIE", "U0LUCIA", "U0LAYLA", "U0JOAO"


@pytest.fixture
def clocked(tmp_dir, standin):
    standin.locales.update({FRENCH: "fr-FR", SPANISH: "es-ES", ARABIC: "ar", BRAZILIAN: "pt-BR"})
    bot = ClockedBot(tmp_dir, standin)
    yield bot
    bot.close()


def locale_asks(standin, user_id: str) -> list:
    return [c for c in standin.calls_to("users.info") if c.args.get("user") == user_id]


@pytest.mark.parametrize(
    ("locale", "language"),
    [("fr-FR", "fr"), ("fr-CA", "fr"), ("es-419", "es"), ("es_ES", "es"), ("ar", "ar"), ("pt-BR", "en"), ("", "en")],
)
def test_a_slack_locale_is_one_of_the_bots_languages_or_english(locale, language):
    assert normalise(locale) == language


def test_the_first_answer_asks_slack_once_and_later_ones_read_what_was_kept(clocked):
    clocked.driver.command("/ta", "help", user_id=FRENCH)
    assert [c.args.get("include_locale") for c in locale_asks(clocked.standin, FRENCH)] == ["1"]
    for _unused in range(3):
        clocked.driver.command("/ta", "help", user_id=FRENCH)
    assert len(locale_asks(clocked.standin, FRENCH)) == 1
    assert clocked.services.languages.of(FRENCH, None) == "fr"
    assert clocked.services.languages.of(BRAZILIAN, None) == "en"  # never asked, no client: English


def test_a_day_old_locale_is_asked_again_after_the_ack_not_before_it(clocked):
    clocked.driver.command("/ta", "help", user_id=SPANISH)
    clocked.clock.now += LIFETIME + timedelta(minutes=1)
    clocked.standin.locales[SPANISH] = "fr-FR"  # they changed their Slack language
    clocked.standin.slow["users.info"] = 1.5
    answered = threading.Event()
    asked_at: list[float] = []

    def watch() -> None:
        clocked.standin.wait_for(lambda: len(locale_asks(clocked.standin, SPANISH)) == 2, timeout=10)
        asked_at.append(time.monotonic())

    watcher = threading.Thread(target=watch)
    watcher.start()
    reply = clocked.driver.command("/ta", "help", user_id=SPANISH)
    answered_at = time.monotonic()
    answered.set()
    watcher.join()
    assert reply.status == 200
    assert answered_at < asked_at[0]  # the ack did not wait for Slack's slow answer
    clocked.services.after_ack.wait()
    assert clocked.services.languages.of(SPANISH, None) == "fr"


def test_when_slack_does_not_say_the_member_is_answered_in_english_and_it_is_asked_again_after_the_ack(clocked):
    clocked.standin.fail_next["users.info"] = "ratelimited"
    clocked.driver.command("/ta", "help", user_id=ARABIC)
    clocked.services.after_ack.wait()
    assert len(locale_asks(clocked.standin, ARABIC)) == 2
    assert clocked.services.languages.of(ARABIC, None) == "ar"


def test_a_member_slack_does_not_know_is_not_asked_about_again(clocked):
    clocked.standin.fail_next["users.info"] = "user_not_found"
    clocked.driver.command("/ta", "help", user_id="U0GONE")
    clocked.driver.command("/ta", "help", user_id="U0GONE")
    clocked.services.after_ack.wait()
    assert len(locale_asks(clocked.standin, "U0GONE")) == 1
    assert clocked.services.languages.of("U0GONE", None) == "en"


def test_iwg_language_is_a_setting_of_the_bots_languages():
    assert Settings(_env_file=None, IWG_LANGUAGE="FR").language == "fr"
    assert Settings(_env_file=None).language == "en"
    with pytest.raises((ConfigError, ValueError), match="one of en, fr, es, ar"):
        Settings(_env_file=None, IWG_LANGUAGE="pt")
