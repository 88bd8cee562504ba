"""`/meetings ics`: the upcoming meetings as an iCalendar file, written by the icalendar library."""

from __future__ import annotations

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

from storage.meetings import Meeting

TIMED_LENGTH = timedelta(hours=2)  # a timed meeting with no end given is shown as two hours


def meetings_ics(meetings: list[Meeting], now: datetime) -> bytes:
    calendar = Calendar()
    calendar.add("prodid", "-//IWG Bot//INSPIRE Implementation Working Group//EN")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", "IWG meetings")
    for meeting in meetings:
        event = Event()
        event.add("uid", f"meeting-{meeting.id}@iwg-bot")
        event.add("summary", meeting.title)
        event.add("dtstamp", now)
        if meeting.all_day:
            event.add("dtstart", meeting.start_date)
            event.add("dtend", meeting.last_day + timedelta(days=1))  # DTEND of a date is exclusive
        else:
            event.add("dtstart", meeting.starts_at)
            end = meeting.starts_at + TIMED_LENGTH
            if meeting.end_date:  # the same clock time on the last day, in the meeting's own zone
                zone = ZoneInfo(meeting.zone)
                end = datetime.combine(meeting.end_date, end.astimezone(zone).time(), zone)
            event.add("dtend", end)
        event.add("location", meeting.place or "Virtual")
        calendar.add_component(event)
    return calendar.to_ical()
