"""/meetings and /agenda end to end."""

from __future__ import annotations

import json
from datetime import date, datetime, timedelta, timezone

import icalendar

from tests.conftest import CHANNEL, COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_ta import rows

MEMBER = "U0MEMBER"
Y = date.today().year + 2  # always ahead: no test date may pass while the code stays the same


def text_of(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def test_the_2024_schedule_is_there_from_the_start(bot):
    driver, _ = bot
    listing = text_of(valid_ephemeral(driver.command("/meetings", "2024", user_id=MEMBER)))
    for day in ("2024-02-28", "2024-06-26", "2024-09-19", "2024-12-05"):
        noon = int(datetime.fromisoformat(day).replace(hour=12, tzinfo=timezone.utc).timestamp())
        assert f"<!date^{noon}^{{date_long_pretty}}|" in listing
    assert "Buenos Aires, hosted by Red por la Infancia" in listing and listing.count("*M-") == 4
    assert "No meetings in 1999" in valid_ephemeral(driver.command("/meetings", "1999"))["text"]


def test_with_nothing_ahead_the_latest_year_shows_marked_past(bot):
    driver, _ = bot
    member = text_of(valid_ephemeral(driver.command("/meetings", "", user_id=MEMBER)))
    assert "No upcoming meetings; the 2024 schedule" in member and member.count("_past_") == 4
    assert "/meetings add" not in member
    assert "/meetings add" in text_of(valid_ephemeral(driver.command("/meetings", "", user_id=COORDINATOR)))


def test_coordinators_schedule_and_cancel_members_cannot(bot):
    driver, process = bot
    refused = valid_ephemeral(driver.command("/meetings", f"add Q1 on 24 February {Y}", user_id=MEMBER))
    assert refused["text"].startswith("Only coordinators can schedule meetings")
    assert rows(process, "SELECT count(*) FROM meetings") == [(4,)]
    added = valid_ephemeral(
        driver.command(
            "/meetings",
            f"add Workshop on parenting on 24 February {Y} at 14:00 until 25 February {Y} in Nairobi",
            user_id=COORDINATOR,
        )
    )
    assert "Scheduled *M-5 Workshop on parenting*" in added["text"]
    assert rows(
        process, "SELECT title, start_date, start_time, end_date, place, starts_at FROM meetings WHERE id = 5"
    ) == [("Workshop on parenting", f"{Y}-02-24", "14:00", f"{Y}-02-25", "Nairobi", f"{Y}-02-24T14:00:00+00:00")]
    upcoming = text_of(valid_ephemeral(driver.command("/meetings", "", user_id=MEMBER)))
    assert "Upcoming IWG meetings" in upcoming and "M-5" in upcoming and "M-1" not in upcoming
    assert valid_ephemeral(driver.command("/meetings", "cancel M-5", user_id=MEMBER))["text"].startswith(
        "Only coordinators"
    )
    assert "Cancelled *M-5" in valid_ephemeral(driver.command("/meetings", "cancel 5", user_id=COORDINATOR))["text"]
    assert rows(process, "SELECT status FROM meetings WHERE id = 5") == [("cancelled",)]
    assert "already cancelled" in valid_ephemeral(driver.command("/meetings", "cancel 5", user_id=COORDINATOR))["text"]


def test_times_are_in_the_groups_zone(start_bot):
    driver, process = start_bot(IWG_TIMEZONE="Africa/Nairobi")
    driver.command("/meetings", f"add Q1 on 24 February {Y} at 14:00", user_id=COORDINATOR)
    assert rows(process, "SELECT starts_at, zone FROM meetings WHERE id = 5") == [
        (f"{Y}-02-24T11:00:00+00:00", "Africa/Nairobi")
    ]


def test_bad_meetings_get_clear_answers(bot):
    driver, process = bot
    cases = {
        f"add Q1 24 February {Y}": "Say when",
        "add Q1 on 31 Febtember": "couldn't read “31 Febtember”",
        "add Q1 on 1 January 2020": "in the past",
        f"add Q1 on 24 February {Y} until 20 February {Y}": "ends",
        f"add  on 24 February {Y}": "Say when",
        "add Q1 on March": "which day",
        "cancel": "Say which meeting",
        "cancel M-99": "There is no meeting M-99",
        "cancel TA-1": "is not a meeting ID",
        "frobnicate": "not a form I know",
    }
    for text, problem in cases.items():
        answer = valid_ephemeral(driver.command("/meetings", text, user_id=COORDINATOR))
        assert problem in answer["text"], (text, answer["text"])
    assert rows(process, "SELECT count(*) FROM meetings") == [(4,)]


def test_the_agenda(bot):
    driver, process = bot
    assert "No meeting is scheduled" in valid_ephemeral(driver.command("/agenda", "add Item", user_id=MEMBER))["text"]
    driver.command("/meetings", f"add Q1 on 24 February {Y} at 14:00", user_id=COORDINATOR)
    driver.command("/meetings", f"add Q2 on 23 June {Y}", user_id=COORDINATOR)
    added = valid_ephemeral(driver.command("/agenda", "add Handbook update (15 min)", user_id=MEMBER))
    assert "Added *A-1* Handbook update (15 min) to the agenda of *M-5 Q1*" in added["text"]
    driver.command("/agenda", "add Roundtable &lt;all&gt; (45 mins)", user_id="U0OTHER")
    driver.command("/agenda", "add AOB", user_id=COORDINATOR)
    agenda = text_of(valid_ephemeral(driver.command("/agenda", "", user_id=MEMBER)))
    assert "3 items, 60 min in all" in agenda and "Roundtable &lt;all&gt; (45 min) — <@U0OTHER>" in agenda
    assert "No items yet" in text_of(valid_ephemeral(driver.command("/agenda", "M-6", user_id=MEMBER)))

    refused = valid_ephemeral(driver.command("/agenda", "remove A-2", user_id=MEMBER))
    assert "Only the one who proposed A-2 and coordinators" in refused["text"]
    assert "Removed *A-1*" in valid_ephemeral(driver.command("/agenda", "remove A-1", user_id=MEMBER))["text"]
    assert "Removed *A-2*" in valid_ephemeral(driver.command("/agenda", "remove 2", user_id=COORDINATOR))["text"]
    assert "no agenda item A-2" in valid_ephemeral(driver.command("/agenda", "remove 2", user_id=COORDINATOR))["text"]
    for text, problem in {
        "add (15 min)": "is empty",
        "add Item (0 min)": "0 minutes",
        "add Item (900 min)": "900 minutes",
        "remove": "Say which item",
        "M-99": "There is no meeting M-99",
    }.items():
        assert problem in valid_ephemeral(driver.command("/agenda", text, user_id=MEMBER))["text"], text
    assert rows(process, "SELECT count(*) FROM agenda_items WHERE removed_at IS NULL") == [(1,)]


def test_posting_the_schedule_and_agenda(bot, standin):
    driver, _ = bot
    driver.command("/meetings", f"add Q1 on 24 February {Y} at 14:00", user_id=COORDINATOR)
    assert "Only coordinators" in valid_ephemeral(driver.command("/meetings", "post", user_id=MEMBER))["text"]
    assert (
        "Posting the schedule in <#C0IWG>"
        in valid_ephemeral(driver.command("/meetings", "post", user_id=COORDINATOR))["text"]
    )
    post = standin.wait_for(
        lambda: [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL],
        what="the schedule post",
    )[0]
    assert "Upcoming IWG meetings" in post.args["text"]

    standin.fail_next["chat.postMessage"] = "not_in_channel"
    driver.command("/agenda", "post", user_id=COORDINATOR)
    told = standin.wait_for(lambda: standin.responses, what="the explanation")[0].args
    assert "I am not a member of it" in told["text"] and "/invite @IWG Bot" in told["text"]


def test_the_calendar_file(bot, standin):
    driver, _ = bot
    assert "no upcoming meetings" in valid_ephemeral(driver.command("/meetings", "ics", user_id=MEMBER))["text"]
    driver.command("/meetings", f"add Q1 on 24 February {Y} at 14:00", user_id=COORDINATOR)
    driver.command("/meetings", f"add Q2 on 23 June {Y} until 25 June {Y} in Nairobi", user_id=COORDINATOR)
    assert "on its way" in valid_ephemeral(driver.command("/meetings", "ics", user_id=MEMBER))["text"]
    standin.wait_for(lambda: standin.calls_to("files.completeUploadExternal"), what="the upload")
    (content,) = standin.uploads.values()
    events = icalendar.Calendar.from_ical(content).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["Q1", "Q2"]
    assert events[0].decoded("dtstart") == datetime(Y, 2, 24, 14, 0, tzinfo=timezone.utc)
    assert events[1].decoded("dtstart") == date(Y, 6, 23) and events[1].decoded("dtend") == date(Y, 6, 26)
    assert str(events[1]["location"]) == "Nairobi"

    standin.fail_next["files.completeUploadExternal"] = "not_allowed_token_type"
    assert "on its way" in valid_ephemeral(driver.command("/meetings", "ics", user_id=MEMBER))["text"]
    told = standin.wait_for(lambda: standin.responses, what="the failed upload's answer")[0].args
    assert told["text"].startswith("I could not send the calendar file to your direct messages")
    assert told["blocks"][0]["text"]["text"].startswith(":warning:")
    assert "not_allowed_token_type" in told["text"] and told["response_type"] == "ephemeral"


def test_relative_days_are_all_day_and_titles_may_say_on(bot):
    driver, process = bot
    driver.command("/meetings", "add Check-in on tomorrow", user_id=COORDINATOR)
    driver.command("/meetings", f"add Talk on Friday on 3 March {Y} at 9am until 4 March", user_id=COORDINATOR)
    tomorrow = (datetime.now(timezone.utc) + timedelta(days=1)).date().isoformat()
    assert rows(process, "SELECT title, start_date, start_time, end_date FROM meetings WHERE id > 4 ORDER BY id") == [
        ("Check-in", tomorrow, None, None),
        ("Talk on Friday", f"{Y}-03-03", "09:00", f"{Y}-03-04"),
    ]
