"""Due dates and moments as members type them, read in the group's zone from a fixed now."""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.parsing.dates import date_intended, parse_due_date, parse_moment

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)  # a Wednesday
UTC = ZoneInfo("UTC")
AUCKLAND = ZoneInfo("Pacific/Auckland")  # already Thursday 26 November, 01:00
LOS_ANGELES = ZoneInfo("America/Los_Angeles")  # Wednesday 04:00


def utc(*args: int) -> datetime:
    return datetime(*args, tzinfo=timezone.utc)


@pytest.mark.parametrize(
    "typed, due",
    [
        ("30 March", date(2027, 3, 30)),
        ("30 March 2027", date(2027, 3, 30)),
        ("30/03/2027", date(2027, 3, 30)),
        ("2027-03-30", date(2027, 3, 30)),
        ("30.03.2027", date(2027, 3, 30)),
        ("3/30/2027", date(2027, 3, 30)),
        ("03/04/2027", date(2027, 4, 3)),  # day first
        ("next Friday", date(2026, 11, 27)),
        ("friday", date(2026, 11, 27)),
        ("in 3 weeks", date(2026, 12, 16)),
        ("in two weeks", date(2026, 12, 9)),
        ("in 6 weeks", date(2027, 1, 6)),
        ("in 2 months", date(2027, 1, 25)),
        ("in a year", date(2027, 11, 25)),
        ("today", date(2026, 11, 25)),
        ("tomorrow", date(2026, 11, 26)),
        ("March", date(2027, 3, 31)),
        ("by March", date(2027, 3, 31)),
        ("March 2027", date(2027, 3, 31)),
        ("end of March", date(2027, 3, 31)),
        ("the end of February", date(2027, 2, 28)),
        ("by end of March", date(2027, 3, 31)),
        ("by the end of March", date(2027, 3, 31)),
        ("end of next month", date(2026, 12, 31)),
        ("end of the month", date(2026, 11, 30)),
        ("next month", date(2026, 12, 31)),
        ("2027", date(2027, 12, 31)),
        ("end of the year", date(2026, 12, 31)),
        ("25 November", date(2026, 11, 25)),
        ("November", date(2026, 11, 30)),  # today / this month, not next year
        ("24 November", date(2027, 11, 24)),
        ("30 November", date(2026, 11, 30)),
        ("٣٠/٣/٢٠٢٧", date(2027, 3, 30)),  # Arabic-Indic digits
        ("  30\u00a0March\t2027\n", date(2027, 3, 30)),  # a no-break space, a tab
    ],
)
def test_due_dates_in_utc(typed, due):
    assert parse_due_date(typed, UTC, NOW) == due


def test_today_is_the_groups_today():
    assert parse_due_date("today", AUCKLAND, NOW) == date(2026, 11, 26)
    assert parse_due_date("today", LOS_ANGELES, NOW) == date(2026, 11, 25)
    assert parse_due_date("in 3 weeks", AUCKLAND, NOW) == date(2026, 12, 17)
    with pytest.raises(UserError, match="^25 November 2026 is in the past; a due date must be today or later.$"):
        parse_due_date("25 November 2026", AUCKLAND, NOW)
    assert parse_due_date("25 November 2026", LOS_ANGELES, NOW) == date(2026, 11, 25)


@pytest.mark.parametrize(
    "typed, when",
    [
        ("yesterday", "24 November 2026"),
        ("30 March 2026", "30 March 2026"),
        ("1 January 2000", "1 January 2000"),
        ("Q1 2020", "31 March 2020"),
        ("end of Q4 2025", "31 December 2025"),
        ("mid-January 2026", "15 January 2026"),
    ],
)
def test_a_past_due_date_is_refused(typed, when):
    with pytest.raises(UserError, match=f"^{when} is in the past"):
        parse_due_date(typed, UTC, NOW)


@pytest.mark.parametrize(
    "typed",
    [
        "",
        "   ",
        "a",
        "Kenya",
        "hello world",
        "end of next week",
        "Q5 2027",
        "Q0",
        "fifth quarter",
        "this quarter 2027",
        "quarter",  # "figures by quarter": how they are split, not a date
        "mid-Febtember",
        "late 2027",
        "30 mars 2027",
        "غدا",
        "1700000000",
        "20270330",
        "30 Mar\x00ch 2027",
        "\x1b[2J",
        "x" * 10_000,
        "30 March " * 2_000,
    ],
)
def test_what_is_not_a_date_is_refused(typed):
    with pytest.raises(UserError) as caught:
        parse_due_date(typed, UTC, NOW)
    problem = caught.value.problem
    assert problem.startswith("I couldn't read “") and problem.endswith(
        "” as a date. Try e.g. 30 March 2027 or in 6 weeks."
    )
    assert len(problem) < 160 and "\x00" not in problem and "\x1b" not in problem


@pytest.mark.parametrize(
    "typed, due",
    [
        ("Q1 2027", date(2027, 3, 31)),
        ("q2 2027", date(2027, 6, 30)),
        ("Q4 of 2027", date(2027, 12, 31)),
        ("Q3, 2027", date(2027, 9, 30)),
        ("by Q1 2027", date(2027, 3, 31)),
        ("1st quarter 2027", date(2027, 3, 31)),
        ("first quarter of 2027", date(2027, 3, 31)),
        ("by the third quarter of 2027", date(2027, 9, 30)),
        ("Q4 2026", date(2026, 12, 31)),
        ("Q3", date(2027, 9, 30)),  # the next Q3 to end
        ("Q4", date(2026, 12, 31)),  # this one, not yet over
        ("end of Q2", date(2027, 6, 30)),
        ("this quarter", date(2026, 12, 31)),
        ("end of the quarter", date(2026, 12, 31)),
        ("end of quarter", date(2026, 12, 31)),
        ("by the end of this quarter", date(2026, 12, 31)),
        ("next quarter", date(2027, 3, 31)),
        ("end of next quarter", date(2027, 3, 31)),
        ("2027 Q1", date(2027, 3, 31)),  # dateparser read it as 25 February
        ("2027-Q2", date(2027, 6, 30)),
        ("Q1-2027", date(2027, 3, 31)),  # dateparser read it as 2 March
        ("Q3/2027", date(2027, 9, 30)),
        ("by H1 2027", date(2027, 6, 30)),  # dateparser read it as 1 December
        ("1H 2027", date(2027, 6, 30)),
        ("H2", date(2026, 12, 31)),
        ("the first half of 2028", date(2028, 6, 30)),
        ("second half of 2027", date(2027, 12, 31)),
    ],
)
def test_a_quarter_is_its_last_day(typed, due):
    assert parse_due_date(typed, UTC, NOW) == due


@pytest.mark.parametrize(
    "now, typed, due",
    [
        (utc(2027, 8, 1), "this quarter", date(2027, 9, 30)),
        (utc(2027, 8, 1), "next quarter", date(2027, 12, 31)),
        (utc(2027, 8, 1), "Q3", date(2027, 9, 30)),
        (utc(2027, 8, 1), "Q2", date(2028, 6, 30)),
        (utc(2027, 3, 31), "Q1", date(2027, 3, 31)),  # its last day is today
        (utc(2027, 1, 1), "this quarter", date(2027, 3, 31)),
    ],
)
def test_quarters_are_counted_from_today(now, typed, due):
    assert parse_due_date(typed, UTC, now) == due


def test_the_quarter_is_the_groups_quarter():
    new_year_in_auckland = utc(2026, 12, 31, 12)
    assert parse_due_date("this quarter", UTC, new_year_in_auckland) == date(2026, 12, 31)
    assert parse_due_date("this quarter", AUCKLAND, new_year_in_auckland) == date(2027, 3, 31)


@pytest.mark.parametrize(
    "typed, due",
    [
        ("mid-January", date(2027, 1, 15)),
        ("mid January", date(2027, 1, 15)),
        ("Mid-Jan 2027", date(2027, 1, 15)),
        ("mid-Sept", date(2027, 9, 15)),
        ("mid-March of 2028", date(2028, 3, 15)),
        ("by mid-February", date(2027, 2, 15)),
        ("early March", date(2027, 3, 10)),
        ("late March", date(2027, 3, 31)),
        ("late February 2028", date(2028, 2, 29)),
        ("early December", date(2026, 12, 10)),
        ("late November", date(2026, 11, 30)),  # this month: its last day is still to come
        ("mid-November", date(2027, 11, 15)),  # this month's 15th is past
    ],
)
def test_early_mid_and_late_in_a_month_are_fixed_days(typed, due):
    assert parse_due_date(typed, UTC, NOW) == due


def test_mid_month_typed_on_the_15th_is_today():
    assert parse_due_date("mid-November", UTC, utc(2026, 11, 15, 23)) == date(2026, 11, 15)


@pytest.mark.parametrize("typed", ["31/02/2027", "31/02", "13/13", "0/5"])
def test_numeric_days_that_do_not_exist_are_named(typed):
    with pytest.raises(UserError, match="There is no day"):
        parse_due_date(typed, UTC, NOW)


@pytest.mark.parametrize(
    "typed, expected",
    [
        ("12/25", date(2026, 12, 25)),  # month first only when day first is impossible
        ("3/30", date(2027, 3, 30)),
        ("30/03", date(2027, 3, 30)),
        ("25/11", date(2026, 11, 25)),  # today
        ("24/11", date(2027, 11, 24)),  # the next one to come
        ("1/2/27", date(2027, 2, 1)),
        ("01.02.2027", date(2027, 2, 1)),
    ],
)
def test_numeric_dates_without_a_year_are_the_next_such_day(typed, expected):
    assert parse_due_date(typed, UTC, NOW) == expected


def test_user_text_is_escaped():
    with pytest.raises(UserError) as caught:
        parse_due_date("<!channel>", UTC, NOW)
    assert "&lt;!channel&gt;" in caught.value.problem and "<!channel>" not in caught.value.problem


@pytest.mark.parametrize(
    "tz, typed, moment",
    [
        (UTC, "30 March 2027 14:00", utc(2027, 3, 30, 14)),
        (AUCKLAND, "30 March 2027 14:00", utc(2027, 3, 30, 1)),  # NZDT, +13
        (AUCKLAND, "30 July 2027 09:30", utc(2027, 7, 29, 21, 30)),  # NZST, +12
        (LOS_ANGELES, "30 July 2027 09:30", utc(2027, 7, 30, 16, 30)),  # PDT, -7
        (LOS_ANGELES, "tomorrow 9am", utc(2026, 11, 26, 17)),  # PST, -8
        (LOS_ANGELES, "30 March 2027 14:00 UTC", utc(2027, 3, 30, 14)),
        (LOS_ANGELES, "30 March 2027 3pm EAT", utc(2027, 3, 30, 12)),
        (UTC, "30 March 2027 14:00 +03:00", utc(2027, 3, 30, 11)),
        (UTC, "in 2 hours", utc(2026, 11, 25, 14)),
        (AUCKLAND, "in 2 hours", utc(2026, 11, 25, 14)),
        (UTC, "14:00", utc(2026, 11, 25, 14)),
        (UTC, "10:00", utc(2026, 11, 26, 10)),  # the next one
        (UTC, "next Friday 10:00", utc(2026, 11, 27, 10)),
        (UTC, "in 12 months", utc(2027, 11, 25, 12)),
        (AUCKLAND, "30 March 2027", utc(2027, 3, 29, 11)),  # midnight there
    ],
)
def test_moments_are_read_in_the_groups_zone_and_given_in_utc(tz, typed, moment):
    got = parse_moment(typed, tz, NOW)
    assert got == moment and got.tzinfo == timezone.utc


@pytest.mark.parametrize(
    "typed, problem",
    [
        ("March 2027", "names a month or a year; which day?"),
        ("2027", "names a month or a year; which day?"),
        ("hello", "as a date and time"),
        ("", "as a date and time"),
        ("\x00", "as a date and time"),
        ("y" * 10_000, "as a date and time"),
        ("الساعة الثالثة", "as a date and time"),
    ],
)
def test_what_is_not_a_moment_is_refused(typed, problem):
    with pytest.raises(UserError, match=problem):
        parse_moment(typed, UTC, NOW)


def test_a_naive_now_is_taken_as_utc():
    assert parse_due_date("today", AUCKLAND, NOW.replace(tzinfo=None)) == date(2026, 11, 26)


@pytest.mark.parametrize(
    "typed",
    [
        "31 Febtember",
        "Febtember",
        "mid-Febtember",
        "Feburary",
        "March",
        "mar",
        "Sept 2027",
        "friday",
        "next Tuesday",
        "today",
        "tomorrow",
        "tonight",
        "6 weeks",
        "a month from now",
        "two years",
        "the quarter",
        "quarters",
        "Q3",
        "31/02",
        "٣٠/٣",
        "end of term",
        "the end of the rainy season",
        "mid-term",
        "early spring",
        "late spring",
        "next harvest",
        "this spring",
    ],
)
def test_a_date_is_intended(typed):
    assert date_intended(typed)


@pytest.mark.parametrize(
    "typed",
    [
        "phone",
        "marine police",
        "the ministry",
        "UNICEF staff",
        "mobile teams",
        "Mary Wanjiru",  # begins like March, ends as a name
        "midwives",
        "endline survey",
        "",
        "early childhood educators",  # each begins like a date, and goes on as people
        "3 partner NGOs",
        "Sunday school teachers",
        "this team",
        "next-door neighbours",
        "end users",
        "May Chen",
        "Jan de Vries",
    ],
)
def test_ordinary_words_are_not_a_date(typed):
    assert not date_intended(typed)
