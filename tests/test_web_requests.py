"""Requests from the public page, from held submission to logged request (bot/domain/web_requests.py),
on the test's clock: confirmation once, expiry, what the requester may see and be mailed."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest

from bot.domain.web_links import LinkAltered, LinkExpired
from bot.domain.web_requests import FormReused, WebForm
from tests.clocked import ClockedBot
from tests.conftest import COORDINATOR, SECOND_COORDINATOR
from tests.test_http import valid_ephemeral

WEB = {
    "IWG_PUBLIC_URL": "https://iwg.example.org",
    "IWG_SMTP_URL": "smtp://127.0.0.1:2525",
    "IWG_MAIL_FROM": "IWG Bot <iwg@example.org>",
    "IWG_SECRET_KEY": "k" * 32,
}
FORM = WebForm(
    name="Amina Njoroge",
    organisation="Ministry of Labour & Social Protection",
    email="Amina@Labour.go.ke",
    places="KE",
    need="Training for <b>social workers</b> on case management",
    strategies=("response", "parenting"),
    kind="training",
    due_date=date(2031, 6, 30),
    language="fr",
)
LEAD = "U0LEAD"


@pytest.fixture
def clocked(tmp_dir, standin):
    bot = ClockedBot(tmp_dir, standin, **WEB)
    yield bot
    bot.close()


def outbox(bot, kind: str) -> list[tuple[str, str]]:
    rows = bot.services.storage.db.execute("SELECT subject, recipient FROM outbox WHERE kind = ? ORDER BY id", [kind])
    return [tuple(row) for row in rows]


def count(bot, table: str) -> int:
    return bot.services.storage.db.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def held_and_confirmed(bot):
    service = bot.services.web_requests
    submission = service.hold(FORM, "nonce-1", "203.0.113.9")
    return submission, service.confirm(service.links.confirm_token(submission.id))


def test_a_submission_is_held_and_only_its_confirmation_mailed(clocked):
    submission = clocked.services.web_requests.hold(FORM, "nonce-1", "203.0.113.9")
    assert (submission.ref, submission.email, submission.language) == ("W-1", "Amina@Labour.go.ke", "fr")
    assert outbox(clocked, "web.confirm") == [("W-1", "mail:amina@labour.go.ke")]
    assert count(clocked, "ta_requests") == 0 and outbox(clocked, "ta.announce") == []


def test_one_form_makes_one_submission(clocked):
    service = clocked.services.web_requests
    service.hold(FORM, "nonce-1", "203.0.113.9")
    with pytest.raises(FormReused):
        service.hold(FORM.model_copy(update={"need": "again"}), "nonce-1", "203.0.113.9")
    assert count(clocked, "web_submissions") == 1 and len(outbox(clocked, "web.confirm")) == 1


def test_confirming_logs_it_once_and_announces_it_like_slack(clocked, standin):
    submission, confirmation = held_and_confirmed(clocked)
    request = confirmation.request
    assert confirmation.first_time and request.from_web and request.requester == "mail:amina@labour.go.ke"
    assert (request.requester_name, request.requester_language, request.country) == ("Amina Njoroge", "fr", "KE")
    again = clocked.services.web_requests.confirm(clocked.services.web_requests.links.confirm_token(submission.id))
    assert (again.first_time, again.request.id) == (False, request.id)
    assert count(clocked, "ta_requests") == 1
    assert sorted(r for _s, r in outbox(clocked, "ta.announce")) == sorted([COORDINATOR, SECOND_COORDINATOR])
    assert outbox(clocked, "web.logged") == [(request.ref, "mail:amina@labour.go.ke")]
    clocked.sender.drain()  # the Slack lanes; the mail lane is the mailer's
    announcement = json.dumps(standin.dms_to(COORDINATOR)[-1], ensure_ascii=False)
    assert "Ministry of Labour &amp; Social Protection" in announcement and "web form" in announcement
    assert "<b>" not in announcement and "&lt;b&gt;" in announcement


def test_a_link_older_than_48_hours_is_expired_and_the_submission_deleted(clocked):
    service = clocked.services.web_requests
    submission = service.hold(FORM, "nonce-1", "203.0.113.9")
    token = service.links.confirm_token(submission.id)
    clocked.clock.now += timedelta(hours=48, minutes=1)
    with pytest.raises(LinkExpired):
        service.confirm(token)
    assert service.expire() == 1 and count(clocked, "web_submissions") == 0
    with pytest.raises(LinkExpired):  # gone, though a link of the same age would read
        service.confirm(token)
    assert count(clocked, "ta_requests") == 0


def test_an_altered_link_is_refused(clocked):
    service = clocked.services.web_requests
    submission = service.hold(FORM, "nonce-1", "203.0.113.9")
    token = service.links.confirm_token(submission.id)
    for wrong in (
        token[:-1] + ("A" if token[-1] != "A" else "B"),
        "",
        "abc",
        service.links.status_token(submission.id),
    ):
        with pytest.raises(LinkAltered):
            service.confirm(wrong)
    assert count(clocked, "ta_requests") == 0


def test_the_requester_is_mailed_status_changes_and_public_notes_only(clocked):
    _submission, confirmation = held_and_confirmed(clocked)
    ref = confirmation.request.ref
    run = clocked.driver.command
    valid_ephemeral(run("/iwg", "orgs add World Health Organization (WHO) #response", user_id=COORDINATOR))
    valid_ephemeral(run("/ta", f"assign {ref} WHO <@{LEAD}>", user_id=COORDINATOR))
    private = valid_ephemeral(run("/ta", f"note {ref} budget still unclear", user_id=LEAD))
    assert "requester is not told" in json.dumps(private)
    public = valid_ephemeral(run("/ta", f"note {ref} public The first session is on 3 May", user_id=COORDINATOR))
    assert "mailed to the requester" in json.dumps(public)
    valid_ephemeral(run("/ta", f"edit {ref} need Training for 40 social workers", user_id=COORDINATOR))
    lane = "mail:amina@labour.go.ke"
    assert [r for _s, r in outbox(clocked, "ta.requester")] == [lane]  # the assignment
    notes = outbox(clocked, "ta.note")
    assert notes.count((ref, lane)) == 1  # the public one; not the private one
    assert outbox(clocked, "ta.edited") == []
    status = clocked.services.web_requests.status(
        clocked.services.web_requests.links.status_token(confirmation.request.id)
    )
    shown = [(e.kind, e.status, e.organisation, e.text) for e in status.history]
    assert shown == [
        ("created", "new", None, None),
        ("assigned", "assigned", "World Health Organization (WHO)", None),
        ("note", None, None, "The first session is on 3 May"),
    ]
    assert status.organisation == "World Health Organization (WHO)"


def test_public_notes_are_for_coordinators_and_web_requests(clocked):
    _submission, confirmation = held_and_confirmed(clocked)
    ref = confirmation.request.ref
    refused = json.dumps(valid_ephemeral(clocked.driver.command("/ta", f"note {ref} public hello", user_id=LEAD)))
    assert "Only coordinators can make a note public" in refused
    valid_ephemeral(clocked.driver.command("/ta", "new Uganda: advice on parenting #parenting", user_id=LEAD))
    slack = json.dumps(valid_ephemeral(clocked.driver.command("/ta", "note TA-2 public hi", user_id=COORDINATOR)))
    assert "logged in Slack" in slack and "/ta note" in slack
    assert count(clocked, "ta_events WHERE kind = 'note'") == 0


def test_a_status_link_shows_only_web_requests(clocked):
    valid_ephemeral(clocked.driver.command("/ta", "new Uganda: advice on parenting #parenting", user_id=LEAD))
    links = clocked.services.web_requests.links
    with pytest.raises(LinkAltered):
        clocked.services.web_requests.status(links.status_token(1))
    with pytest.raises(LinkAltered):
        clocked.services.web_requests.status(links.confirm_token(1))
