"""`/meetings plan <year>`, the same meeting twice, moving and editing meetings, and an
agenda that follows its meeting: the real app on a clock standing in December 2026."""

from __future__ import annotations

import json
from datetime import date, datetime, timezone

import pytest

from bot.domain.meeting_plan import same_weekday, similar_titles
from bot.render.meeting_changes import EDIT_PLAN_BUTTON, PLAN_FORM, SCHEDULE_PLAN_BUTTON
from tests.clocked import ClockedBot
from tests.conftest import CHANNEL, COORDINATOR
from tests.test_http import valid_ephemeral

MEMBER, OTHER = "U0MEMBER", "U0OTHER"
DECEMBER_2026 = datetime(2026, 12, 2, 10, 0, tzinfo=timezone.utc)


@pytest.fixture
def clocked(tmp_dir, standin):
    bot = ClockedBot(tmp_dir, standin)
    bot.clock.now = DECEMBER_2026
    yield bot
    bot.close()


def run(bot: ClockedBot, command: str, text: str, user_id: str = COORDINATOR) -> str:
    return json.dumps(valid_ephemeral(bot.driver.command(command, text, user_id=user_id)), ensure_ascii=False)


def actions(reply: dict) -> dict[str, str]:
    """action_id -> value of the buttons in a reply."""
    return {
        element["action_id"]: element.get("value", "")
        for block in reply["blocks"]
        if block["type"] == "actions"
        for element in block["elements"]
    }


def meetings_of(bot: ClockedBot, year: int):
    return bot.services.meetings.of_year(year)


def jobs_for(bot: ClockedBot, meeting_id: int) -> list:
    return [j for j in bot.services.reminder_service.scheduler.get_jobs() if j.id.startswith(f"reminder:{meeting_id}:")]


# --- the pattern ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "day, year, expected",
    [
        (date(2024, 2, 28), 2027, date(2027, 2, 24)),  # the fourth Wednesday of February
        (date(2024, 6, 26), 2027, date(2027, 6, 23)),
        (date(2024, 9, 19), 2027, date(2027, 9, 16)),  # the third Thursday
        (date(2024, 12, 5), 2027, date(2027, 12, 2)),  # the first Thursday
        (date(2024, 5, 29), 2025, date(2025, 5, 28)),  # a fifth Wednesday where May 2025 has none: the last
    ],
)
def test_the_same_weekday_in_the_same_week(day, year, expected):
    assert same_weekday(day, year) == expected


@pytest.mark.parametrize(
    "one, other, same",
    [
        ("Q4 meeting", "Q4 Meeting", True),
        ("Q2 meeting", "Q2 meeting (in person)", True),
        ("Q1 meeting", "Q1 meting", True),
        ("Q1 meeting", "Q2 meeting", False),
        ("Parenting workshop", "Budget call", False),
    ],
)
def test_similar_titles(one, other, same):
    assert similar_titles(one, other) is same


# --- must show: next year from the 2024 pattern ----------------------------------------------


def test_plan_2027_proposes_the_2024_pattern_and_schedules_it_when_confirmed(clocked, standin):
    answer = valid_ephemeral(clocked.driver.command("/meetings", "plan 2027", user_id=COORDINATOR))
    shown = json.dumps(answer, ensure_ascii=False)
    for day in (
        "Wednesday 24 February 2027",
        "Wednesday 23 June 2027 – Friday 25 June",
        "16 September 2027",
        "2 December 2027",
    ):
        assert day in shown, day
    assert "Buenos Aires, hosted by Red por la Infancia (to be confirmed)" in shown
    assert "/meetings plan 2027 confirm" in shown
    assert meetings_of(clocked, 2027) == []  # nothing written until confirmed

    buttons = actions(answer)
    assert set(buttons) == {SCHEDULE_PLAN_BUTTON, EDIT_PLAN_BUTTON}
    clocked.driver.click(SCHEDULE_PLAN_BUTTON, buttons[SCHEDULE_PLAN_BUTTON], COORDINATOR)
    standin.wait_for(lambda: standin.responses, what="the answer to the click")
    scheduled = meetings_of(clocked, 2027)
    assert [(m.start_date, m.last_day) for m in scheduled] == [
        (date(2027, 2, 24), date(2027, 2, 24)),
        (date(2027, 6, 23), date(2027, 6, 25)),
        (date(2027, 9, 16), date(2027, 9, 16)),
        (date(2027, 12, 2), date(2027, 12, 2)),
    ]
    assert all(m.series == "quarterly" for m in scheduled)
    listed = run(clocked, "/meetings", "", MEMBER)
    assert all(m.ref in listed for m in scheduled)
    assert all(jobs_for(clocked, m.id) for m in scheduled), "every meeting's reminders are planned"
    # and the same plan cannot be scheduled twice
    assert "all scheduled" in run(clocked, "/meetings", "plan 2027")


def test_the_plan_is_for_coordinators_and_for_a_year_ahead(clocked):
    assert "coordinator" in run(clocked, "/meetings", "plan 2027", MEMBER)
    assert "not 2019" in run(clocked, "/meetings", "plan 2019")
    assert "is not a year" in run(clocked, "/meetings", "plan next")
    assert meetings_of(clocked, 2027) == []


def test_the_typed_confirmation_and_the_edit_form(clocked, standin):
    answer = valid_ephemeral(clocked.driver.command("/meetings", "plan 2027", user_id=COORDINATOR))
    clocked.driver.click(EDIT_PLAN_BUTTON, actions(answer)[EDIT_PLAN_BUTTON], COORDINATOR)
    view = standin.wait_for(lambda: standin.calls_to("views.open"), what="the form")[0].args["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["callback_id"] == PLAN_FORM and len(view["blocks"]) == 4
    values = {
        b["block_id"]: {"value": {"type": "datepicker", "selected_date": b["element"]["initial_date"]}}
        for b in view["blocks"]
    }
    values["day0"]["value"]["selected_date"] = "2027-03-03"  # Q1 a week later
    assert clocked.driver.submit(view, values, COORDINATOR).status == 200
    assert [m.start_date for m in meetings_of(clocked, 2027)][:1] == [date(2027, 3, 3)]
    clocked.drain()
    assert any("Scheduled 4 meetings" in dm["text"] for dm in standin.dms_to(COORDINATOR))


def test_with_no_year_on_record_the_last_week_of_each_second_month(clocked):
    with clocked.services.storage.write() as db:
        db.execute("UPDATE meetings SET series = NULL")
    shown = run(clocked, "/meetings", "plan 2027 confirm")
    assert "Scheduled 4 meetings" in shown
    assert [m.start_date for m in meetings_of(clocked, 2027)] == [
        date(2027, 2, 24), date(2027, 5, 26), date(2027, 8, 25), date(2027, 11, 24),
    ]  # fmt: skip


# --- no duplicates ---------------------------------------------------------------------------


def test_the_same_meeting_twice_is_refused_with_the_one_that_exists(clocked):
    assert "Scheduled" in run(clocked, "/meetings", "add Q4 meeting on 9 December 2026")
    again = run(clocked, "/meetings", "add Q4 Meeting on 9 December 2026 at 14:00")
    assert "is on that day already" in again and "M-5" in again
    assert len(meetings_of(clocked, 2026)) == 1
    assert "Scheduled" in run(clocked, "/meetings", "add Budget call on 9 December 2026")


# --- the agenda follows its meeting ---------------------------------------------------------------


def test_agenda_items_go_to_the_next_quarterly_meeting_not_a_test_call(clocked):
    run(clocked, "/meetings", "plan 2027 confirm")
    q1 = meetings_of(clocked, 2027)[0]
    assert "Scheduled" in run(clocked, "/meetings", "add Test call on 10 December 2026")
    added = run(clocked, "/agenda", "add Handbook update (15 min)", MEMBER)
    assert q1.ref in added
    test_call = meetings_of(clocked, 2026)[0]
    named = run(clocked, "/agenda", f"add {test_call.ref} Sound check", MEMBER)
    assert test_call.ref in named
    assert "A-1" in run(clocked, "/agenda", q1.ref) and "Sound check" not in run(clocked, "/agenda", q1.ref)
    assert "3 priorities" in run(clocked, "/agenda", "add 3 priorities for 2027", MEMBER)  # a number is not M-3


def test_moving_an_item_and_who_may(clocked, standin):
    run(clocked, "/meetings", "plan 2027 confirm")
    q1, q2 = meetings_of(clocked, 2027)[:2]
    run(clocked, "/agenda", "add Handbook update", MEMBER)
    assert "Only the one who proposed A-1" in run(clocked, "/agenda", f"move A-1 to {q2.ref}", OTHER)
    assert "Moved *A-1*" in run(clocked, "/agenda", f"move A-1 to {q2.ref}", COORDINATOR)
    assert clocked.services.agenda.get(1).meeting_id == q2.id
    assert "already" in run(clocked, "/agenda", f"move A-1 to {q2.ref}", MEMBER)
    clocked.drain()
    assert any("moved from" in json.dumps(dm) for dm in standin.dms_to(MEMBER))


def test_cancelling_moves_the_items_on_and_tells_each_proposer(clocked, standin):
    run(clocked, "/meetings", "plan 2027 confirm")
    q1, q2 = meetings_of(clocked, 2027)[:2]
    run(clocked, "/agenda", "add Handbook update (15 min)", MEMBER)
    run(clocked, "/agenda", "add Regional &lt;b&gt;news&lt;/b&gt; &amp; more", OTHER)  # as Slack sends it
    run(clocked, "/agenda", "add A second one", MEMBER)
    answer = run(clocked, "/meetings", f"cancel {q1.ref}")
    assert "3 agenda items moved to" in answer and q2.ref in answer
    assert [i.meeting_id for i in clocked.services.agenda.for_meeting(q2.id)] == [q2.id] * 3
    clocked.drain()
    to_member = [json.dumps(dm, ensure_ascii=False) for dm in standin.dms_to(MEMBER)]
    to_other = [json.dumps(dm, ensure_ascii=False) for dm in standin.dms_to(OTHER)]
    assert len(to_member) == 1 and "A-1" in to_member[0] and "A-3" in to_member[0] and q2.ref in to_member[0]
    assert len(to_other) == 1 and "&lt;b&gt;news&lt;/b&gt; &amp; more" in to_other[0]


def test_moving_a_meeting_keeps_its_agenda_replans_and_tells_the_channel_once(clocked, standin):
    run(clocked, "/meetings", "plan 2027 confirm")
    q1 = meetings_of(clocked, 2027)[0]
    run(clocked, "/agenda", "add Handbook update", MEMBER)
    before = sorted(j.trigger.run_date for j in jobs_for(clocked, q1.id))
    assert "coordinator" in run(clocked, "/meetings", f"move {q1.ref} to 3 March 2027", MEMBER)
    answer = run(clocked, "/meetings", f"move {q1.ref} to 3 March 2027 at 14:00-16:00")
    moved = clocked.services.meetings.get(q1.id)
    assert moved.start_date == date(2027, 3, 3) and moved.sequence == 1 and "03 Mar 2027 14:00" in answer
    after = sorted(j.trigger.run_date for j in jobs_for(clocked, q1.id))
    assert after and after != before
    assert clocked.services.agenda.get(1).meeting_id == q1.id
    clocked.drain()
    posts = standin.posts_in(CHANNEL, "has moved")
    assert len(posts) == 1 and "<@U" not in json.dumps(posts)


def test_editing_a_meeting(clocked):
    run(clocked, "/meetings", "plan 2027 confirm")
    q2 = meetings_of(clocked, 2027)[1]
    assert "is now" in run(clocked, "/meetings", f"edit {q2.ref} place Montevideo, hosted by &lt;Red&gt; &amp; friends")
    assert clocked.services.meetings.get(q2.id).place == "Montevideo, hosted by <Red> & friends"
    assert "virtual" in run(clocked, "/meetings", f"edit {q2.ref} place virtual")
    assert clocked.services.meetings.get(q2.id).place is None
    assert "title, place or time" in run(clocked, "/meetings", f"edit {q2.ref} colour blue")
    assert "is a move" in run(clocked, "/meetings", f"edit {q2.ref} date 3 July")
    assert "is now" in run(clocked, "/meetings", f"edit {q2.ref} title Q2 meeting (hybrid)")
    assert clocked.services.meetings.get(q2.id).sequence == 3


def test_a_refusal_naming_a_meeting_escapes_its_title(clocked):
    assert "Scheduled" in run(clocked, "/meetings", "add Q4 &lt;!here&gt; &amp; friends on 9 December 2026")
    again = run(clocked, "/meetings", "add Q4 &lt;!here&gt; &amp; friends on 9 December 2026")
    assert "is on that day already" in again
    assert "&lt;!here&gt; &amp; friends" in again and "<!here>" not in again
