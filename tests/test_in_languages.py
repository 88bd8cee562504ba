"""Members answered in their own Slack language (French, Spanish, Arabic), typing in it too;
the channel's posts in the group's language (IWG_LANGUAGE) whoever reads them.

The app runs in this process against the stand-in, whose users.info gives each member the
locale the test sets. Expected texts are read from the catalogues (bot/locales), so a
test fails when a reply stays English or comes out in the wrong language.
"""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.i18n import FSI, PDI, in_language
from bot.parsing.catalogue import BY_COMMAND
from tests.clocked import ClockedBot
from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_outbound import queue_reminder

AMELIE, LUCIA, LAYLA = "U0AMELIE", "U0LUCIA", "U0LAYLA"  # fr-FR, es-ES, ar


@pytest.fixture
def clocked(tmp_dir, standin):
    standin.locales.update({AMELIE: "fr-FR", LUCIA: "es-ES", LAYLA: "ar", COORDINATOR: "en-GB"})
    bot = ClockedBot(tmp_dir, standin)
    yield bot
    bot.close()


def answer(bot: ClockedBot, command: str, text: str, user_id: str) -> dict:
    return valid_ephemeral(bot.driver.command(command, text, user_id=user_id))


def shown(message: dict) -> str:
    return json.dumps(message, ensure_ascii=False)


def translated(code: str, message: str) -> str:
    found = in_language(code, message)
    assert found != message, f"no {code} translation of {message!r}"
    return found


def test_ta_help_is_in_the_members_slack_language(clocked):
    family = BY_COMMAND["/ta"]
    for member, code in ((AMELIE, "fr"), (LUCIA, "es"), (LAYLA, "ar")):
        help_text = shown(answer(clocked, "/ta", "help", member))
        assert translated(code, family.summary) in help_text
        assert translated(code, family.subcommands[0].does) in help_text
        assert family.summary not in help_text  # the English is gone
        assert "/ta new" in help_text  # the commands stay as they are typed


def test_a_request_in_french_is_read_and_confirmed_in_french(clocked):
    reply = answer(clocked, "/ta", "new Sénégal: formation des enseignants avant le 3 mars #education", AMELIE)
    request = clocked.services.ta_requests.get(1)
    assert request.country == "SN" and request.due_date is not None and request.due_date.month == 3
    assert request.need == "formation des enseignants"
    confirmation = "Logged *{ref}*. The coordinators have been told; you will hear of every change by direct message."
    assert translated("fr", confirmation).split("{")[0] in shown(reply)
    assert "Logged" not in shown(reply)


def test_a_request_in_spanish_finds_filipinas_and_30_de_marzo(clocked):
    reply = answer(clocked, "/ta", "new Filipinas: capacitación de docentes para el 30 de marzo", LUCIA)
    request = clocked.services.ta_requests.get(1)
    assert request.country == "PH"
    assert (request.due_date.month, request.due_date.day) == (3, 30)
    assert request.need == "capacitación de docentes"
    assert "Logged" not in shown(reply)


def test_english_by_with_a_spanish_date_is_read_too(clocked):
    answer(clocked, "/ta", "new Perú: encuesta nacional by 30 de marzo", LUCIA)
    request = clocked.services.ta_requests.get(1)
    assert request.country == "PE" and (request.due_date.month, request.due_date.day) == (3, 30)


def test_in_arabic_a_request_id_is_isolated_so_it_reads_in_order(clocked):
    for n in range(6):
        answer(clocked, "/ta", f"new Kenya: need {n}", COORDINATOR)
    reply = answer(clocked, "/ta", "new كينيا: تدريب المعلمين", LAYLA)
    text = shown(reply)
    assert f"{FSI}TA-7{PDI}" in text  # left to right inside the right-to-left sentence
    assert any("\u0600" <= c <= "\u06ff" for c in reply["text"])  # and the sentence is Arabic
    english = shown(answer(clocked, "/ta", "show TA-7", COORDINATOR))
    assert FSI not in english and PDI not in english


def test_a_status_typed_in_french_moves_the_request(clocked):
    answer(clocked, "/ta", "new Mali: appui", COORDINATOR)
    answer(clocked, "/ta", f"assign TA-1 WHO <@{AMELIE}>", COORDINATOR)  # she leads it
    in_progress = in_language("fr", "in-progress", "status")
    reply = answer(clocked, "/ta", f"status TA-1 {in_progress}", AMELIE)
    assert clocked.services.ta_requests.get(1).status == "in-progress"
    assert in_progress in shown(reply)
    answer(clocked, "/ta", "status TA-1 Terminé", AMELIE)  # the masculine, capital and accent as typed
    assert clocked.services.ta_requests.get(1).status == "completed"


def test_the_app_home_is_in_the_members_language(clocked):
    answer(clocked, "/ta", "new Sénégal: formation", AMELIE)
    home = shown(clocked.home(AMELIE))
    assert translated("fr", "*Your TA requests* (asked or led)") in home
    assert "Your TA requests" not in home


def test_iwg_language_overrides_slack_and_auto_goes_back(clocked):
    chosen = answer(clocked, "/iwg", "language fr", LUCIA)
    assert "Français" in shown(chosen)
    assert translated("fr", BY_COMMAND["/ta"].summary) in shown(answer(clocked, "/ta", "help", LUCIA))
    answer(clocked, "/iwg", "language auto", LUCIA)
    assert translated("es", BY_COMMAND["/ta"].summary) in shown(answer(clocked, "/ta", "help", LUCIA))
    refused = shown(answer(clocked, "/iwg", "language klingon", LUCIA))
    assert "/iwg language" in refused
    assert clocked.services.languages.of(LUCIA, None) == "es"


@pytest.mark.parametrize("group", ["en", "fr", "ar"])
def test_the_channel_reminder_is_in_the_groups_language_whoever_reads_it(clocked, group):
    clocked.services.settings.language = group
    answer(clocked, "/ta", "help", LUCIA)  # a Spanish reader is known; the channel is not hers
    queue_reminder(clocked.services, title="Réunion Q1")
    clocked.drain()
    post = clocked.standin.posts_in("C0IWG", "Q1")[-1]
    header = post["blocks"][0]["text"]["text"]
    reminder = "Reminder: {title} {when}"
    expected = reminder if group == "en" else translated(group, reminder)
    assert header.startswith(expected.split("{")[0].strip()[:6])
    if group != "en":
        assert not header.startswith("Reminder")


def test_a_dm_goes_out_in_the_recipients_language(clocked):
    answer(clocked, "/ta", "new Sénégal: formation", AMELIE)
    answer(clocked, "/ta", "assign TA-1 WHO", COORDINATOR)
    clocked.drain()
    told = clocked.standin.dms_to(AMELIE)
    brokered = "Your request *{ref}* ({places}) has been brokered to *{organisation}*."
    assert told and translated("fr", brokered).split("{")[0] in shown(told[-1])
    coordinators = clocked.standin.dms_to(COORDINATOR)
    assert coordinators and "TA-1" in shown(coordinators[0])  # the coordinator reads English


def test_a_locale_the_bot_lacks_is_english(clocked):
    clocked.standin.locales["U0JOAO"] = "pt-BR"
    assert BY_COMMAND["/ta"].summary in shown(answer(clocked, "/ta", "help", "U0JOAO"))
    clocked.clock.now += timedelta(days=2)
    assert BY_COMMAND["/ta"].summary in shown(answer(clocked, "/ta", "help", "U0JOAO"))


def test_a_command_copied_from_an_arabic_message_works(clocked):
    """Isolates keep `TA-7` in order when read, but never sit inside a command to copy, and
    what a member pastes with them is read without them."""
    reply = shown(answer(clocked, "/ta", "new كينيا: تدريب المعلمين", LAYLA))
    assert "`/ta show TA-1`" in reply  # inside code: as typed
    pasted = answer(clocked, "/ta", f"show {FSI}TA-1{PDI}", LAYLA)
    assert "كينيا" in shown(pasted)  # found, and Kenya in Arabic


def test_countries_are_shown_in_the_members_language(clocked):
    answer(clocked, "/ta", "new Senegal, Philippines: appui", COORDINATOR)
    assert "Sénégal" in shown(answer(clocked, "/ta", "show TA-1", AMELIE))
    assert "Filipinas" in shown(answer(clocked, "/ta", "show TA-1", LUCIA))
    assert "Senegal and Philippines" in shown(answer(clocked, "/ta", "show TA-1", COORDINATOR))
