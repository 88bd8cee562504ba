"""Meeting dates and times as people type them (bot/parsing/meeting_when.py), read from a
fixed now: ranges of days and of hours, ends, zones, moves and new hours."""

from __future__ import annotations

from datetime import date, datetime, time, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.parsing.meeting_command import ADD_USAGE, read_meeting
from bot.parsing.meeting_when import EDIT_USAGE, MOVE_USAGE, read_move, read_when, retime

NOW = datetime(2026, 12, 2, 10, tzinfo=timezone.utc)  # a Wednesday
UTC = ZoneInfo("UTC")
ZURICH = ZoneInfo("Europe/Zurich")  # Geneva's zone: UTC+1 in winter, +2 in summer
BUENOS_AIRES = ZoneInfo("America/Argentina/Buenos_Aires")  # UTC-3 all year


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


def when(text: str, zone: ZoneInfo = UTC):
    return read_when(text, zone, NOW)


def hours(times) -> tuple:
    return times.start_time, times.end_time


# --- what was found: each failed before meeting_when.py ----------------------------------


def test_a_day_range_is_an_all_day_meeting_over_those_days():
    new = read_meeting("Q4 on 12-14 October 2027", UTC, NOW)  # was "I couldn't read"
    assert (new.title, new.times.start_date, new.times.end_date) == ("Q4", date(2027, 10, 12), date(2027, 10, 14))
    assert new.times.all_day and new.times.starts_at == utc(2027, 10, 12) and new.times.ends_at is None


def test_a_time_range_after_a_date_is_its_start_and_end():
    new = read_meeting("Call on 25 Feb 14:00-16:00 in Nairobi", UTC, NOW)  # was 'There is no day "00-16"'
    assert (new.title, new.place, new.times.start_date) == ("Call", "Nairobi", date(2027, 2, 25))
    assert hours(new.times) == (time(14), time(16)) and new.times.end_date is None
    assert (new.times.starts_at, new.times.ends_at) == (utc(2027, 2, 25, 14), utc(2027, 2, 25, 16))


def test_a_start_time_until_a_day_is_whole_days_not_one_long_block():
    times = read_meeting("Visit on 27 May 14:00 until 28 May", UTC, NOW).times
    assert (times.start_date, times.start_time, times.end_date) == (date(2027, 5, 27), time(14), date(2027, 5, 28))
    assert times.end_time is None and not times.each_day and times.ends_at is None


def test_titles_may_still_say_on():
    new = read_meeting("Workshop on parenting on 3-4 March 2027 at 9am-1pm", UTC, NOW)
    assert new.title == "Workshop on parenting"
    assert (new.times.end_date, new.times.each_day, hours(new.times)) == (date(2027, 3, 4), True, (time(9), time(13)))


# --- days ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, first, last",
    [
        ("12-14 October 2027", date(2027, 10, 12), date(2027, 10, 14)),
        ("26–28 June", date(2027, 6, 26), date(2027, 6, 28)),  # an en dash
        ("26 - 28 June", date(2027, 6, 26), date(2027, 6, 28)),
        ("12 Oct - 14 Oct 2027", date(2027, 10, 12), date(2027, 10, 14)),  # the year applies to both
        ("30 June - 2 July", date(2027, 6, 30), date(2027, 7, 2)),
        ("28 Dec 2027 - 2 Jan 2028", date(2027, 12, 28), date(2028, 1, 2)),
        ("28 Dec - 2 Jan", date(2026, 12, 28), date(2027, 1, 2)),  # the end month before: next year
        ("28 Dec - 2 Jan 2028", date(2027, 12, 28), date(2028, 1, 2)),
        ("October 12-14, 2027", date(2027, 10, 12), date(2027, 10, 14)),
        ("12th to 14th October", date(2027, 10, 12), date(2027, 10, 14)),
        ("from 12 to 14 October", date(2027, 10, 12), date(2027, 10, 14)),
        ("1-3 December", date(2027, 12, 1), date(2027, 12, 3)),  # 1 December is past: next year's
        ("2-4 December", date(2026, 12, 2), date(2026, 12, 4)),  # today's is still to come
        ("1-31 March 2027", date(2027, 3, 1), date(2027, 3, 31)),  # 31 days: the most
        ("12/10/2027 - 14/10/2027", date(2027, 10, 12), date(2027, 10, 14)),
        ("Mon 12 - Wed 14 October 2027", date(2027, 10, 12), date(2027, 10, 14)),  # the weekdays left out
        ("Tuesday 12 Oct - Thursday 14 Oct 2027", date(2027, 10, 12), date(2027, 10, 14)),
        ("24 February 2027 until 25 February", date(2027, 2, 24), date(2027, 2, 25)),
    ],
)
def test_day_ranges_are_all_day_over_their_days(typed, first, last):
    times = when(typed)
    assert (times.start_date, times.end_date, times.all_day, times.each_day) == (first, last, True, False)
    assert times.starts_at == utc(first.year, first.month, first.day) and times.ends_at is None


@pytest.mark.parametrize(
    "typed, day",
    [
        ("tomorrow", date(2026, 12, 3)),
        ("30 March", date(2027, 3, 30)),
        ("2027-03-30", date(2027, 3, 30)),
        ("12.10", date(2027, 10, 12)),  # a date, not 12:10
        ("25 Feb all day", date(2027, 2, 25)),
    ],
)
def test_single_days_are_all_day_unless_a_time_is_typed(typed, day):
    times = when(typed)
    assert (times.start_date, times.end_date, times.start_time, times.end_time) == (day, None, None, None)


def test_an_all_day_meeting_starts_at_midnight_in_the_groups_zone():
    times = when("12-14 October 2027", BUENOS_AIRES)
    assert times.starts_at == utc(2027, 10, 12, 3) and times.zone == "America/Argentina/Buenos_Aires"


# --- hours --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, start, end",
    [
        ("25 Feb 14:00-16:00", time(14), time(16)),
        ("25 Feb 14:00–16:00", time(14), time(16)),
        ("25 Feb 14:00 - 16:00", time(14), time(16)),
        ("25 Feb 2-4pm", time(14), time(16)),
        ("25 Feb 2pm-4pm", time(14), time(16)),
        ("25 Feb 2 - 4 pm", time(14), time(16)),
        ("25 Feb 9:30-11", time(9, 30), time(11)),
        ("25 Feb 9.30-11.00", time(9, 30), time(11)),
        ("25 Feb 14h-16h", time(14), time(16)),
        ("25 Feb 14h30-16h", time(14, 30), time(16)),
        ("25 Feb at 14:00-16:00", time(14), time(16)),
        ("25 Feb from 14:00 to 16:00", time(14), time(16)),
        ("25 Feb from 9 to 11", time(9), time(11)),  # bare hours after "from"
        ("25 Feb 11-1pm", time(11), time(13)),  # 23:00 would come after the end
        ("25 Feb 11am-1", time(11), time(13)),
        ("25 Feb 10-11am", time(10), time(11)),
        ("25 Feb 12-2pm", time(12), time(14)),
        ("25 Feb noon-2pm", time(12), time(14)),
        ("25 Feb 14:00 until 16:00", time(14), time(16)),  # until a time: the same day
        ("25 Feb from 14:00 until 16:00", time(14), time(16)),
        ("25 Feb 2027 14:00 until 25 Feb 2027 16:00", time(14), time(16)),
    ],
)
def test_time_ranges_are_a_start_and_an_end_the_same_day(typed, start, end):
    times = when(typed, ZURICH)
    assert (times.start_date, times.end_date, hours(times), times.each_day) == (
        date(2027, 2, 25),
        None,
        (start, end),
        False,
    )
    assert times.starts_at == datetime.combine(date(2027, 2, 25), start, ZURICH)
    assert times.ends_at == datetime.combine(date(2027, 2, 25), end, ZURICH)


@pytest.mark.parametrize(
    "typed, day, start",
    [
        ("26 February at 14:00", date(2027, 2, 26), time(14)),
        ("next Friday 9am", date(2026, 12, 4), time(9)),
        ("9am next Friday", date(2026, 12, 4), time(9)),  # read by dates.py, as before
        ("tomorrow at 9", date(2026, 12, 3), time(9)),
        ("3 March 2027 14:00 UTC", date(2027, 3, 3), time(11)),  # typed in UTC, kept in the group's zone
        ("3 March 2027 3pm EAT", date(2027, 3, 3), time(9)),
    ],
)
def test_a_single_time_is_a_start_without_an_end(typed, day, start):
    times = when(typed, BUENOS_AIRES)
    assert (times.start_date, times.start_time, times.end_time, times.ends_at) == (day, start, None, None)
    assert times.starts_at == datetime.combine(day, start, BUENOS_AIRES) and times.zone == BUENOS_AIRES.key


def test_a_range_typed_with_a_zone_is_the_groups_wall_time():
    times = when("3 March 2027 14:00-16:00 UTC", ZURICH)
    assert hours(times) == (time(15), time(17)) and times.ends_at == utc(2027, 3, 3, 16)


def test_until_a_day_at_a_time_is_one_block_through_the_night():
    for typed in ("27 May at 14:00 until 28 May at 12:00", "27 May 14:00 - 28 May 12:00"):
        times = when(typed, ZURICH)
        assert (times.start_date, times.end_date, hours(times)) == (
            date(2027, 5, 27),
            date(2027, 5, 28),
            (time(14), time(12)),
        )
        assert not times.each_day and times.ends_at == utc(2027, 5, 28, 10), typed  # 12:00 in Zurich's summer


def test_a_time_range_over_several_days_is_a_session_each_day():
    for typed in ("12-14 October 2027 at 14:00-16:00", "12 October 2027 14:00-16:00 until 14 October"):
        times = when(typed, ZURICH)
        assert (times.start_date, times.end_date, times.each_day) == (date(2027, 10, 12), date(2027, 10, 14), True)
        assert hours(times) == (time(14), time(16)) and times.starts_at == utc(2027, 10, 12, 12)
        assert times.ends_at == utc(2027, 10, 14, 14), typed  # the last session's end


def test_a_single_time_on_a_day_range_is_a_start_over_whole_days():
    times = when("12-14 October 2027 at 14:00")
    assert (times.end_date, hours(times), times.each_day, times.ends_at) == (
        date(2027, 10, 14),
        (time(14), None),
        False,
        None,
    )


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("25 Feb 16:00-14:00", "It ends (14:00) before it starts (16:00)"),
        ("25 Feb 22:00-01:00", "before it starts"),
        ("25 Feb 14:00-14:00", "It ends when it starts (14:00)"),
        ("14-12 October", "It ends (12 October 2027) before it starts (14 October 2027)"),
        ("24 February 2027 until 20 February 2027", "before it starts"),
        ("30-32 March", "There is no 32 March."),
        ("30-31 April 2027", "There is no 31 April 2027."),
        ("1 January 2020", "1 January 2020 is in the past"),
        ("2 December 2026 9:00", "2 December 2026 09:00 is in the past"),  # today, an hour ago
        ("1 March - 2 April 2027", "is 33 days; is that one meeting?"),
        ("25 Feb 25:00", "There is no time “25:00”"),
        ("25 Feb 13pm", "There is no time “13pm”"),
        ("14:00-16:00", "Say which day"),
        ("all day", "Say which day"),
        ("31 Febtember", "couldn't read “31 Febtember”"),
        ("March", "which day"),
        ("25 Feb until 16:00", "An end time needs a start time"),
        ("25 Feb 14:00-15:00 until 16:00", "Say the end once"),
        ("12-14 October until 15 October", "Say the last day once"),
        ("25 Feb 2027 22:30-23:30 UTC", "runs past midnight"),  # in Zurich, 23:30-00:30
    ],
)
def test_what_cannot_be_a_meeting_is_answered_with_the_form(typed, problem):
    with pytest.raises(UserError) as refusal:
        when(typed, ZURICH)
    assert problem in refusal.value.problem and refusal.value.usage == ADD_USAGE


def test_read_meeting_answers_what_read_when_refuses():
    with pytest.raises(UserError) as refusal:
        read_meeting("Q1 on 14-12 October", UTC, NOW)
    assert "before it starts" in refusal.value.problem and refusal.value.usage == ADD_USAGE


# --- moves --------------------------------------------------------------------------------

TWO_HOURS = read_when("25 Feb 14:00-16:00", ZURICH, NOW)
SESSIONS = read_when("12-14 October 2027 14:00-16:00", ZURICH, NOW)
BLOCK = read_when("27 May at 14:00 until 28 May at 12:00", ZURICH, NOW)
DAYS = read_when("12-14 October 2027", ZURICH, NOW)


def move(text: str, current):
    return read_move(text, ZURICH, NOW, current)


@pytest.mark.parametrize(
    "typed, current, last, start, end, each_day",
    [
        ("M-3 to 3 March", TWO_HOURS, None, time(14), time(16), False),  # its hours kept
        ("m-3 to 3 March at 15:00", TWO_HOURS, None, time(15), time(17), False),  # its two hours kept
        ("3 to 3 March at 15:00-17:30", TWO_HOURS, None, time(15), time(17, 30), False),
        ("M-3 3 March 3-5pm", TWO_HOURS, None, time(15), time(17), False),  # "to" may be left out
        ("M-3 to 3-5 March", TWO_HOURS, date(2027, 3, 5), time(14), time(16), True),  # a range given
        ("M-3 to 3 March", SESSIONS, date(2027, 3, 5), time(14), time(16), True),  # its three days kept
        ("M-3 to 3 March at 9:00", SESSIONS, date(2027, 3, 5), time(9), time(11), True),
        ("M-3 to 3 March", DAYS, date(2027, 3, 5), None, None, False),
        ("M-3 to 3 March at 9:00", DAYS, date(2027, 3, 5), time(9), None, False),
        ("M-3 to 3 March", BLOCK, date(2027, 3, 4), time(14), time(12), False),
        ("M-3 to 3 March at 15:00", BLOCK, date(2027, 3, 4), time(15), time(13), False),  # 22 hours kept
        ("M-3 to 3 March all day", TWO_HOURS, None, None, None, False),
    ],
)
def test_a_move_keeps_what_it_does_not_say(typed, current, last, start, end, each_day):
    meeting_id, times = move(typed, current)
    assert (meeting_id, times.start_date, times.end_date) == (3, date(2027, 3, 3), last)
    assert (hours(times), times.each_day) == ((start, end), each_day)
    assert times.starts_at == datetime.combine(date(2027, 3, 3), start or time(0), ZURICH)
    assert times.ends_at == (end and datetime.combine(last or date(2027, 3, 3), end, ZURICH))


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("", "Say which meeting"),
        ("TA-3 to 3 March", "“TA-3” is not a meeting ID"),
        ("M-3", "Say when to"),
        ("M-3 to", "Say when to"),
        ("M-3 to 1 January 2020", "in the past"),
        ("M-3 to Febtember", "couldn't read “Febtember”"),
        ("M-3 to 3 March at 23:00", "run past midnight"),  # two hours from 23:00
    ],
)
def test_a_move_that_cannot_be_done_is_answered_with_the_form(typed, problem):
    with pytest.raises(UserError) as refusal:
        move(typed, TWO_HOURS)
    assert problem in refusal.value.problem and refusal.value.usage == MOVE_USAGE


# --- new hours ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed, current, start, end, each_day",
    [
        ("14:00-16:00", DAYS, time(14), time(16), True),
        ("2-4pm", TWO_HOURS, time(14), time(16), False),
        ("9-11", TWO_HOURS, time(9), time(11), False),  # only hours can be meant here
        ("15:00", TWO_HOURS, time(15), time(17), False),  # its two hours kept
        ("15:00", SESSIONS, time(15), time(17), True),
        ("15:00", DAYS, time(15), None, False),
        ("all day", SESSIONS, None, None, False),
    ],
)
def test_new_hours_keep_the_days(typed, current, start, end, each_day):
    times = retime(current, typed, ZURICH)
    assert (times.start_date, times.end_date) == (current.start_date, current.end_date)
    assert (hours(times), times.each_day) == ((start, end), each_day)
    assert times.ends_at == (end and datetime.combine(current.last_day, end, ZURICH))


def test_new_hours_for_one_block_keep_how_long_it_lasts():
    times = retime(BLOCK, "15:00", ZURICH)
    assert (times.end_date, hours(times), times.ends_at) == (
        date(2027, 5, 28),
        (time(15), time(13)),
        utc(2027, 5, 28, 11),
    )


@pytest.mark.parametrize("typed", ["lunch", "3 March", "16:00-14:00", "23:00"])
def test_hours_that_cannot_be_are_answered_with_the_form(typed):
    with pytest.raises(UserError) as refusal:
        retime(TWO_HOURS, typed, ZURICH)
    assert refusal.value.usage == EDIT_USAGE
