"""The console in this process (bot/run/modes.console_session): who sees what, which
buttons a member may click, the App Home's buttons, and forms opened from an ephemeral
message. The piped tour of the README is in test_console.py."""

from __future__ import annotations

import contextlib
import io

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from bot.parsing.ta_command import NewRequest
from bot.run.modes import console_session
from bot.services import Services
from bot.settings import Settings
from storage import Storage


@contextlib.contextmanager
def open_console(tmp_dir):
    """A console session on a file in tmp_dir; yields typed(*lines) -> what they printed."""
    out = io.StringIO()
    settings = Settings(_env_file=None, IWG_DATABASE=str(tmp_dir / "iwg.sqlite3"))
    with console_session(settings, out, echo=True) as session:

        def typed(*lines: str) -> str:
            start = len(out.getvalue())
            session.run(lines)
            return out.getvalue()[start:]

        yield typed


@pytest.fixture
def console(tmp_dir):
    with open_console(tmp_dir) as typed:
        yield typed


def logged_earlier(tmp_dir, count: int) -> None:
    """`count` requests on the console's file, their notices already delivered (typed in
    the console, each would wait out the courier's pace to the coordinators' DMs)."""
    storage = Storage(tmp_dir / "iwg.sqlite3")
    storage.migrate()
    services = Services.build(Settings(_env_file=None), storage, BackgroundScheduler())
    for n in range(1, count + 1):
        services.ta_service.log(NewRequest("KE", f"need number {n}", []), requester="U0MEMBER")
    with storage.write() as db:
        db.execute("UPDATE outbox SET sent_at = '2026-01-01T00:00:00+00:00' WHERE sent_at IS NULL")
    storage.close()


def test_a_members_direct_messages_wait_for_them_and_only_they_click_their_buttons(console):
    console("/iwg coordinators add @U0AMINA")
    out = console("as Bob", "/ta new Uganda: parenting programme")
    # the coordinators' announcement: Amina's waits for her, the console user's too
    assert "   ✉ a direct message for @U0AMINA (as @U0AMINA to read it)" in out
    assert "   ✉ a direct message for @Console Coordinator (as @U0CONSOLE to read it)" in out
    assert "[b" not in out.split("Logged *TA-1*")[1]  # Bob's own answer has no buttons of theirs
    out = console("as @U0AMINA")
    assert "You are now @U0AMINA, a coordinator." in out
    assert "waiting for you:" in out and "TA REQUEST TA-1: UGANDA" in out
    handle = out.split("[b")[1].split(" ")[0]
    refused = console("as Bob", f"click b{handle}")
    assert f"b{handle} is @U0AMINA's to click: `as @U0AMINA` first." in refused
    assert "a form opens" not in refused


def test_an_unknown_or_outdated_handle_is_answered(console):
    assert "There is no button b99: each one shows its handle, like [b1 Vote]." in console("click b99")
    out = console('/poll "Venue?" "Nairobi" "Virtual"', "click b1", "click b3", "y", "click b1")
    assert "P-1 closed" in out
    assert out.endswith("b1 is no longer in its message (it was updated): click one it shows now.\n")
    assert "Several buttons say" in console(
        '/poll "Again?" "Nairobi" "Geneva"', '/poll "Once more?" "Nairobi" "Lima"', "click Nairobi"
    )


def test_the_app_homes_button_opens_its_form_and_the_form_can_be_left(console):
    out = console("home")
    assert "── your App Home ──" in out and "[b1 New TA request]" in out
    out = console("click New TA request")
    assert "── a form opens: New TA request ──" in out
    assert console("cancel").endswith("Form closed; nothing was sent.\n")
    assert "No form is open." in console("cancel")
    assert "TA-1" not in console("/ta list all")


def test_today_in_a_form_is_the_consoles_today_after_a_wait(console):
    console("wait 30d")
    out = console("/ta", "Kenya", "training", "-", "-", "today")
    assert "── New TA request: sent ──" in out and "has passed" not in out


def test_a_label_finds_the_button_a_message_shows_now_not_one_an_update_took_away(tmp_dir):
    logged_earlier(tmp_dir, 17)
    with open_console(tmp_dir) as console:
        out = console("/ta list", "click Next page")
        assert "16–17 shown" in out
        assert "No button “Next page” in the latest messages" in console("click Next page")  # the last has none


def test_a_confirmation_answered_with_a_command_cancels_and_runs_the_command(console):
    console("/ta new Uganda: parenting programme")
    out = console("click Decline", "/ta show TA-1")
    assert "Cancelled: nothing was sent." in out and ":new: new" in out.split("Cancelled")[1]


def test_a_form_opened_from_an_ephemeral_message_replaces_it_when_done(console):
    out = console("/ta new Kenja: training for social workers")
    assert "I read “Kenja” as *Kenya*" in out
    handle = out.split("Change country…]")[0].rsplit("[", 1)[1].split(" ")[0]
    out = console(f"click {handle}")
    assert "── a form opens: Change TA-1 ──" in out and "(now: Kenya; Enter keeps it)" in out
    out = console("Tanzania")
    assert "── Change TA-1: sent ──" in out
    assert "Tanzania" in console("/ta show TA-1")


def test_who_and_wait_answer_bad_input(console):
    assert console("who") == "iwg> who\nYou are Console Coordinator (@U0CONSOLE), a coordinator.\n"
    assert "Use: wait 7d" in console("wait forever")
    assert "Use: wait 7d" in console("wait 500d")
    assert "Use: as @U0123ABCD, as Amina, or as me" in console("as <@!channel>")
    assert "Use: as @U0123ABCD" in console("as @U0")
    assert "You are now Console Coordinator (@U0CONSOLE), a coordinator." in console("as Amina", "as Me")
    assert "You are now WANJIKU (@U0WANJIKU)" in console("as WANJIKU")  # a name: Slack IDs have digits


def test_a_lead_is_found_by_first_name_and_a_command_does_not_answer_a_field(console):
    assert "You are now Aïcha Diallo (@U0AICHADIAL)" in console("as Aïcha Diallo")
    console("as me", "/ta new Senegal: training")
    out = console("click Assign", "3", "/iwg help", "aicha")
    assert "A form is open: answer its field, or type cancel to leave it, then the command." in out
    assert "IWG BOT" not in out  # the command was not sent
    assert "*Lead*: @Aïcha Diallo" in out
