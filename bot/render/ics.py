"""The meetings as iCalendar (RFC 5545), written by the icalendar library: `/meetings ics`'s
file of the upcoming ones, and the feed a calendar subscribes to (`GET /calendar/<secret>.ics`).

Each meeting is one VEVENT, the same in both:

- UID `meeting-<id>@iwg-bot`, never changed, so a calendar updates the event it has;
- SEQUENCE the meeting's (raised on every change), LAST-MODIFIED its `updated_at`, and
  DTSTAMP the same instant: with no METHOD in the object, RFC 5545 (3.8.7.2) makes DTSTAMP
  the time the event was last revised, which also keeps the feed's bytes (and its ETag)
  the same until something changes;
- STATUS CONFIRMED or CANCELLED: a cancelled meeting stays in the feed so that subscribed
  calendars take it off. No METHOD: METHOD (CANCEL, PUBLISH…) belongs to iTIP scheduling
  messages (RFC 5546), not to a published calendar;
- LOCATION the place, or "Virtual".

When, by the meeting's shape (times in UTC, except daily sessions, see below):

- all day (one day or several): DTSTART;VALUE=DATE the first day, DTEND the day after the
  last (a date's DTEND is exclusive);
- timed with an end: DTSTART `starts_at`, DTEND `ends_at`;
- timed on one day with no end time: TIMED_LENGTH, two hours;
- timed, over several days, with no end time ("27 May 14:00 until 28 May"): all day over
  those days, the start time in DESCRIPTION, rather than one block of 26 hours;
- daily sessions (`each_day`): the first session, then RRULE:FREQ=DAILY;COUNT=<days>. A
  rule repeats in the zone of its DTSTART, so these are written in the meeting's own zone
  (TZID and a VTIMEZONE) unless it is UTC: a session stays at 14:00 across a change to or
  from summer time.
"""

from __future__ import annotations

import hashlib
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from bot import i18n
from bot.i18n import N_, _
from storage.meetings import Meeting

TIMED_LENGTH = timedelta(hours=2)  # a timed meeting with no end given is shown as two hours
CALENDAR_NAME = N_("IWG meetings")
FEED_PAST = timedelta(days=365)  # how far back the feed reaches: the last 12 months
FEED_REFRESH = timedelta(hours=1)  # the hint to subscribers: fetch again after an hour
_PRODID = "-//IWG Bot//INSPIRE Implementation Working Group//EN"


def meetings_ics(meetings: list[Meeting], now: datetime | None = None) -> bytes:
    """The file `/meetings ics` sends: the meetings given (the upcoming ones), each as one
    VEVENT. `now` is no longer needed (DTSTAMP is each meeting's last change) and may be
    left out."""
    return _calendar(meetings).to_ical()


def feed_meetings(meetings: list[Meeting], now: datetime) -> list[Meeting]:
    """Of `meetings`, what the feed holds: those not over 12 months ago, cancelled ones too,
    earliest first."""
    since = (now - FEED_PAST).date()
    return sorted((m for m in meetings if m.last_day >= since), key=lambda m: (m.starts_at, m.id))


def feed_ics(meetings: list[Meeting], now: datetime) -> bytes:
    """The subscription feed: `feed_meetings(meetings, now)`, with the hints of how often to
    fetch it again (REFRESH-INTERVAL, RFC 7986, and Outlook's X-PUBLISHED-TTL)."""
    calendar = _calendar(feed_meetings(meetings, now))
    calendar.add("refresh-interval", FEED_REFRESH, parameters={"VALUE": "DURATION"})
    calendar.add("x-published-ttl", "PT1H")
    return calendar.to_ical()


def etag(body: bytes) -> str:
    """A strong HTTP entity tag for these bytes."""
    return '"' + hashlib.sha256(body).hexdigest()[:32] + '"'


def _calendar(meetings: list[Meeting]) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", _PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    name = _(CALENDAR_NAME)
    calendar.add("name", name)  # RFC 7986's name, and the older one most clients read
    calendar.add("x-wr-calname", name)
    for meeting in meetings:
        calendar.add_component(meeting_event(meeting))
    if calendar.get_missing_tzids():  # daily sessions in a zone other than UTC
        calendar.add_missing_timezones()
    return calendar


def meeting_event(meeting: Meeting) -> Event:
    event = Event()
    event.add("uid", f"meeting-{meeting.id}@iwg-bot")
    event.add("dtstamp", meeting.updated_at)
    event.add("last-modified", meeting.updated_at)
    event.add("sequence", meeting.sequence)
    event.add("summary", meeting.title)
    start, end, rule, note = when(meeting)
    event.add("dtstart", start)
    event.add("dtend", end)
    if rule:
        event.add("rrule", rule)
    if note:
        event.add("description", note)
    event.add("location", meeting.place or _("Virtual"))
    event.add("status", "CANCELLED" if meeting.status == "cancelled" else "CONFIRMED")
    return event


def when(meeting: Meeting) -> tuple[date | datetime, date | datetime, dict | None, str | None]:
    """(DTSTART, DTEND, RRULE or None, DESCRIPTION or None), by the rules above."""
    after_last = meeting.last_day + timedelta(days=1)  # a date's DTEND is exclusive
    if meeting.all_day:
        return meeting.start_date, after_last, None, None
    if meeting.each_day and meeting.days > 1:
        return _sessions(meeting)
    if meeting.end_date and meeting.end_time is None:  # a start time, an end day, no end time
        start_time = meeting.start_time.strftime("%H:%M")
        note = _(
            "Starts at {time} ({zone}) on {day}.",
            time=start_time,
            zone=meeting.zone,
            day=i18n.day(meeting.start_date, "dd MMMM y"),
        )
        return meeting.start_date, after_last, None, note
    start = _utc(meeting.starts_at)
    end = _utc(meeting.ends_at) if meeting.ends_at and meeting.ends_at > meeting.starts_at else start + TIMED_LENGTH
    return start, end, None, None


def _sessions(meeting: Meeting) -> tuple[datetime, datetime, dict, None]:
    """The first of the daily sessions, and the rule that repeats it on each day."""
    zone = ZoneInfo(meeting.zone)
    start = meeting.starts_at.astimezone(zone)
    if meeting.end_time is None:
        end = start + TIMED_LENGTH
    else:
        end = datetime.combine(meeting.start_date, meeting.end_time, zone)
        if end <= start:  # a session past midnight ends the next day
            end += timedelta(days=1)
    if meeting.zone == "UTC":
        start, end = _utc(start), _utc(end)
    return start, end, {"freq": "daily", "count": meeting.days}, None


def _utc(moment: datetime) -> datetime:
    return moment.astimezone(ZoneInfo("UTC"))
