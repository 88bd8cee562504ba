"""The calendar feed (`GET /calendar/<IWG_CALENDAR_SECRET>.ics`) end to end, and the shape of
each meeting's VEVENT, in the feed and in `/meetings ics`'s file alike."""

from __future__ import annotations

import urllib.error
import urllib.request
from datetime import date, datetime, time, timedelta, timezone
from email.message import Message
from zoneinfo import ZoneInfo

import icalendar
from dateutil.rrule import rrulestr

from bot.render.ics import TIMED_LENGTH, feed_ics, meetings_ics
from storage.meetings import Meeting
from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral

SECRET = "Zq3x_Kd8-PvN2mW7tR9yB4cL1sE6uA0h"  # 32 URL-safe characters, as token_urlsafe(24) makes
UTC = timezone.utc
Y = date.today().year + 2  # always ahead
CHANGED = datetime(2026, 5, 1, 9, 30, tzinfo=UTC)


def fetch(driver, path: str, method: str = "GET", headers: dict | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(driver.base_url + path, headers=headers or {}, method=method)
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        return error.code, error.headers, error.read()


def events_of(body: bytes) -> dict[str, icalendar.Event]:
    """The feed's events by UID, each checked for what RFC 5545 requires of a VEVENT."""
    events = icalendar.Calendar.from_ical(body).walk("VEVENT")
    for event in events:
        assert {"UID", "DTSTAMP", "DTSTART"} <= set(event), event
    return {str(event["uid"]): event for event in events}


# --- end to end: the real bot in HTTP mode ---


def test_the_feed_follows_the_meetings(start_bot, tmp_dir):
    driver, process = start_bot(IWG_CALENDAR_SECRET=SECRET, IWG_PUBLIC_URL="https://iwg-bot.example.org/")
    feed = f"/calendar/{SECRET}.ics"
    driver.command("/meetings", f"add Q1 on 24 February {Y} at 14:00", user_id=COORDINATOR)
    driver.command("/meetings", f"add Q2 on 23 June {Y} until 25 June {Y} in Nairobi", user_id=COORDINATOR)

    status, headers, body = fetch(driver, feed)
    assert status == 200 and headers["Content-Type"] == "text/calendar; charset=utf-8"
    assert "max-age" in headers["Cache-Control"] and headers["ETag"] and headers["Last-Modified"]
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["x-wr-calname"]) == "IWG meetings" and "METHOD" not in calendar
    assert b"REFRESH-INTERVAL;VALUE=DURATION:PT1H" in body and b"X-PUBLISHED-TTL:PT1H" in body
    events = events_of(body)
    # the 2024 schedule is in the feed only while it is within the last 12 months
    recent_2024 = date.today() - timedelta(days=365) <= date(2024, 12, 5)
    assert ("meeting-4@iwg-bot" in events) is recent_2024
    q1, q2 = events["meeting-5@iwg-bot"], events["meeting-6@iwg-bot"]
    assert q1.decoded("dtstart") == datetime(Y, 2, 24, 14, tzinfo=UTC)
    assert q1.decoded("dtend") == datetime(Y, 2, 24, 16, tzinfo=UTC)
    assert (q2.decoded("dtstart"), q2.decoded("dtend")) == (date(Y, 6, 23), date(Y, 6, 26))
    assert [(str(e["status"]), e.decoded("sequence")) for e in (q1, q2)] == [("CONFIRMED", 0), ("CONFIRMED", 0)]

    # a HEAD has the headers and no body; the same ETag asked again is a 304
    status, head_headers, head_body = fetch(driver, feed, "HEAD")
    assert (status, head_body, head_headers["Content-Length"]) == (200, b"", str(len(body)))
    assert fetch(driver, feed, headers={"If-None-Match": headers["ETag"]})[0] == 304

    # a move keeps the UID and raises SEQUENCE; a cancelled meeting stays, CANCELLED, so
    # calendars take it off
    moved = valid_ephemeral(driver.command("/meetings", f"move M-5 to 3 March {Y} at 15:00", user_id=COORDINATOR))
    assert "is now" in moved["text"]
    assert "Cancelled *M-6" in valid_ephemeral(driver.command("/meetings", "cancel M-6", user_id=COORDINATOR))["text"]
    status, changed_headers, body = fetch(driver, feed, headers={"If-None-Match": headers["ETag"]})
    assert status == 200 and changed_headers["ETag"] != headers["ETag"]
    events = events_of(body)
    q1, q2 = events["meeting-5@iwg-bot"], events["meeting-6@iwg-bot"]
    assert (q1.decoded("dtstart"), q1.decoded("dtend")) == (
        datetime(Y, 3, 3, 15, tzinfo=UTC),
        datetime(Y, 3, 3, 17, tzinfo=UTC),
    )
    assert (q1.decoded("sequence"), str(q1["status"])) == (1, "CONFIRMED")
    assert (q2.decoded("sequence"), str(q2["status"])) == (1, "CANCELLED")

    # `/meetings ics` gives members the address to subscribe to
    ics = valid_ephemeral(driver.command("/meetings", "ics", user_id="U0MEMBER"))
    assert f"https://iwg-bot.example.org/calendar/{SECRET}.ics" in ics["text"]

    # the secret never reaches the logs, whoever logs the path
    assert SECRET not in process.logs() and "Calendar feed: GET /calendar/<IWG_CALENDAR_SECRET>.ics" in process.logs()


def test_a_wrong_secret_is_as_unknown_as_any_path(start_bot):
    driver, _ = start_bot(IWG_CALENDAR_SECRET=SECRET)
    unknown = fetch(driver, "/nowhere")
    assert unknown[0] == 404
    for path in (
        f"/calendar/{SECRET[:-1]}x.ics",
        f"/calendar/{SECRET[:-1]}.ics",
        f"/calendar/{SECRET}x.ics",
        f"/calendar/{SECRET}",
        f"/calendar/{SECRET}.ics/",
        "/calendar/.ics",
        "/calendar/%C3%A9t%C3%A9.ics",
    ):
        status, headers, body = fetch(driver, path)
        assert (status, body, headers["Content-Type"]) == (404, unknown[2], unknown[1]["Content-Type"]), path
    assert driver.post("", path=f"/calendar/{SECRET}.ics", signed=False).status == 404  # only GET and HEAD
    assert fetch(driver, f"/calendar/{SECRET}.ics")[0] == 200


def test_no_secret_no_feed(start_bot):
    driver, _ = start_bot()
    for path in (f"/calendar/{SECRET}.ics", "/calendar/.ics", "/calendar/None.ics"):
        assert fetch(driver, path)[0] == 404, path


# --- each meeting's VEVENT, from Meeting objects ---


def meeting(**fields) -> Meeting:
    zone = ZoneInfo(fields.setdefault("zone", "UTC"))
    start = fields["start_date"]
    fields.setdefault("starts_at", datetime.combine(start, fields.get("start_time") or time(0), zone))
    return Meeting(**{"id": 7, "title": "Q3", "updated_at": CHANGED, **fields})


def event_of(m: Meeting, ics=meetings_ics) -> icalendar.Event:
    (event,) = icalendar.Calendar.from_ical(ics([m], CHANGED)).walk("VEVENT")
    return event


def span(event: icalendar.Event):
    return event.decoded("dtstart"), event.decoded("dtend"), event.get("rrule"), event.get("description")


def test_all_day_meetings_are_dates_with_an_exclusive_end():
    one = event_of(meeting(start_date=date(Y, 9, 19)))
    assert span(one) == (date(Y, 9, 19), date(Y, 9, 20), None, None)
    several = event_of(meeting(start_date=date(Y, 6, 26), end_date=date(Y, 6, 28)))
    assert span(several) == (date(Y, 6, 26), date(Y, 6, 29), None, None)
    assert b"DTSTART;VALUE=DATE:" in several.to_ical()


def test_timed_meetings_are_in_utc():
    zurich = ZoneInfo("Europe/Zurich")
    ended = meeting(
        start_date=date(Y, 2, 24),
        start_time=time(14),
        end_time=time(15, 30),
        zone="Europe/Zurich",
        ends_at=datetime(Y, 2, 24, 15, 30, tzinfo=zurich),
    )
    assert span(event_of(ended))[:2] == (datetime(Y, 2, 24, 13, tzinfo=UTC), datetime(Y, 2, 24, 14, 30, tzinfo=UTC))
    assert b"DTSTART:" in event_of(ended).to_ical() and b"Z\r\n" in event_of(ended).to_ical()
    no_end = event_of(meeting(start_date=date(Y, 2, 24), start_time=time(14)))
    assert span(no_end) == (
        datetime(Y, 2, 24, 14, tzinfo=UTC),
        datetime(Y, 2, 24, 14, tzinfo=UTC) + TIMED_LENGTH,
        None,
        None,
    )
    assert TIMED_LENGTH == timedelta(hours=2)
    over_days = meeting(  # 24 February 09:00 to 26 February 17:00: one block, as given
        start_date=date(Y, 2, 24),
        start_time=time(9),
        end_date=date(Y, 2, 26),
        end_time=time(17),
        ends_at=datetime(Y, 2, 26, 17, tzinfo=UTC),
    )
    assert span(event_of(over_days))[:2] == (datetime(Y, 2, 24, 9, tzinfo=UTC), datetime(Y, 2, 26, 17, tzinfo=UTC))


def test_a_start_time_with_an_end_day_but_no_end_time_is_all_day_over_those_days():
    event = event_of(meeting(start_date=date(Y, 5, 27), start_time=time(14), end_date=date(Y, 5, 28)))
    start, end, rule, description = span(event)
    assert (start, end, rule) == (date(Y, 5, 27), date(Y, 5, 29), None)
    assert "14:00" in str(description) and "UTC" in str(description)


def test_daily_sessions_repeat_the_first_one():
    utc = event_of(
        meeting(
            start_date=date(Y, 10, 12),
            start_time=time(14),
            end_date=date(Y, 10, 14),
            end_time=time(16),
            each_day=True,
            ends_at=datetime(Y, 10, 14, 16, tzinfo=UTC),
        )
    )
    start, end, rule, _ = span(utc)
    assert (start, end) == (datetime(Y, 10, 12, 14, tzinfo=UTC), datetime(Y, 10, 12, 16, tzinfo=UTC))
    assert rule.to_ical() == b"FREQ=DAILY;COUNT=3"


def test_daily_sessions_keep_their_wall_time_across_summer_time():
    zurich = ZoneInfo("Europe/Zurich")  # summer time began on 29 March 2026, at 02:00
    m = meeting(
        start_date=date(2026, 3, 28),
        start_time=time(14),
        end_date=date(2026, 3, 30),
        end_time=time(16),
        each_day=True,
        zone="Europe/Zurich",
        ends_at=datetime(2026, 3, 30, 16, tzinfo=zurich),
    )
    calendar = icalendar.Calendar.from_ical(meetings_ics([m]))
    assert [str(tz["tzid"]) for tz in calendar.walk("VTIMEZONE")] == ["Europe/Zurich"]
    (event,) = calendar.walk("VEVENT")
    assert b"DTSTART;TZID=Europe/Zurich:20260328T140000" in event.to_ical()
    sessions = list(rrulestr(event["rrule"].to_ical().decode(), dtstart=event.decoded("dtstart")))
    assert [s.astimezone(UTC).hour for s in sessions] == [13, 12, 12]  # 14:00 in Zurich each day
    assert event.decoded("dtend") == datetime(2026, 3, 28, 16, tzinfo=zurich)


def test_every_event_says_who_it_is_and_how_new():
    m = meeting(start_date=date(Y, 9, 19), title="Q3; review, and plans", sequence=3, status="cancelled")
    event = event_of(m)
    assert str(event["uid"]) == "meeting-7@iwg-bot" and str(event["summary"]) == "Q3; review, and plans"
    assert (event.decoded("sequence"), str(event["status"]), str(event["location"])) == (3, "CANCELLED", "Virtual")
    assert event.decoded("dtstamp") == event.decoded("last-modified") == CHANGED
    assert str(event_of(meeting(start_date=date(Y, 9, 19), place="Buenos Aires"))["location"]) == "Buenos Aires"
    assert str(event_of(meeting(start_date=date(Y, 9, 19)))["status"]) == "CONFIRMED"


def test_the_feed_holds_twelve_months_back_and_all_ahead_the_file_no_hints():
    now = datetime(2026, 12, 2, 12, tzinfo=UTC)
    old = meeting(id=1, start_date=date(2025, 11, 30))
    recent = meeting(id=2, start_date=date(2026, 1, 10), status="cancelled")
    ahead = meeting(id=3, start_date=date(2027, 2, 24))
    body = feed_ics([ahead, old, recent], now)
    assert list(events_of(body)) == ["meeting-2@iwg-bot", "meeting-3@iwg-bot"]
    assert feed_ics([ahead, old, recent], now) == body  # the same bytes until something changes
    calendar = icalendar.Calendar.from_ical(body)
    assert str(calendar["refresh-interval"].params["VALUE"]) == "DURATION" and "METHOD" not in calendar
    file = icalendar.Calendar.from_ical(meetings_ics([ahead], now))
    assert (
        "REFRESH-INTERVAL" not in file and "X-PUBLISHED-TTL" not in file and str(file["x-wr-calname"]) == "IWG meetings"
    )
