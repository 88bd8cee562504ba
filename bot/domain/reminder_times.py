"""When a meeting's reminders go out: pure planning, one answer for the plan and a late job.

`reminder_times` is asked when the jobs are planned and again when each job fires, so a job
that runs late, or that another process planned before the meeting moved, is judged by the
same rules as the plan. The rules, in order:

1. **When a reminder falls due.** A timed meeting's falls `offset` before it starts. An
   all-day meeting has no hour to count back from (its start is midnight, so "1 hour
   before" would be 23:00 the night before, when nobody reads it): its reminders fall due
   at 09:00 in the group's zone (IWG_TIMEZONE), `offset` whole days before its first day
   (floored: 36h is 1 day), and offsets under a day are skipped for it. A reminder that
   would fall due at or after the meeting's start is skipped.
2. **Missed ones.** Of the reminders already due (missed while the bot was down, or due
   when the meeting was added), only the latest goes out, now; the earlier are skipped.
3. **An hour apart.** No two reminders of one meeting go out less than an hour apart; the
   later one wins, being closer to the meeting and saying more exactly how long is left.
   A meeting added 66 minutes ahead gets its 1-hour reminder only, not the missed 1-day one
   now and the 1-hour one six minutes later; IWG_REMINDERS=2h,90m sends only the 90m one.
   A job runs a moment after its time: one less than ON_TIME late counts as on time for
   this rule, so reminders exactly an hour apart (2h,1h) both go out.

Two offsets falling due at the same moment (an all-day meeting's 1d and 36h) are one
reminder: the smaller offset's.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone, tzinfo
from typing import Iterable

from storage.meetings import MeetingTimes

MORNING = time(9)  # when an all-day meeting's reminders go out, in the group's zone
MIN_GAP = timedelta(hours=1)  # the least time between two reminders of one meeting
ON_TIME = timedelta(minutes=1)  # a job this late still counts as on time for MIN_GAP


@dataclass(frozen=True)
class ReminderTimes:
    """What `reminder_times` decided for one meeting at one moment."""

    send: list[tuple[timedelta, datetime]] = field(default_factory=list)  # (offset, when), earliest first
    skipped: list[timedelta] = field(default_factory=list)  # offsets that will not go out, largest first
    due: dict[timedelta, datetime] = field(default_factory=dict)  # when each offset falls due (rule 1)

    def at(self, offset: timedelta) -> datetime | None:
        """When `offset`'s reminder goes out (now, for the one caught up), None if skipped."""
        return next((at for o, at in self.send if o == offset), None)


def due_at(meeting: MeetingTimes, offset: timedelta, zone: tzinfo) -> datetime | None:
    """When `offset`'s reminder falls due (rule 1), in UTC; None when it has none."""
    if not meeting.all_day:
        due = meeting.starts_at - offset
    elif offset.days < 1:
        return None
    else:
        day = meeting.start_date - timedelta(days=offset.days)
        due = datetime.combine(day, MORNING, zone).astimezone(timezone.utc)
    return due if due < meeting.starts_at else None


def reminder_times(meeting: MeetingTimes, offsets: Iterable[timedelta], zone: tzinfo, now: datetime) -> ReminderTimes:
    """Which of `offsets` go out for `meeting`, and when, as things stand at `now`.

    `zone` is the group's (IWG_TIMEZONE), for an all-day meeting's 09:00. Nothing goes out
    for a meeting that has begun. See the module's docstring for the rules.
    """
    offsets = list(dict.fromkeys(offsets))
    due: dict[timedelta, datetime] = {}
    skipped: list[timedelta] = []
    for offset in offsets:
        when = due_at(meeting, offset, zone)
        if when is None or meeting.starts_at <= now:
            skipped.append(offset)
        else:
            due[offset] = when

    # (offset, when it goes out, when rule 3 counts it from), earliest first; ties: smallest last
    candidates: list[tuple[timedelta, datetime, datetime]] = []
    missed = [o for o, when in due.items() if when <= now]
    if missed:
        latest = max(missed, key=lambda o: (due[o], -o))
        skipped += [o for o in missed if o != latest]
        counted = due[latest] if now - due[latest] < ON_TIME else now
        candidates.append((latest, now, counted))
    ahead = sorted((o for o, when in due.items() if when > now), key=lambda o: (due[o], -o))
    candidates += [(o, due[o], due[o]) for o in ahead]

    kept: list[tuple[timedelta, datetime, datetime]] = []
    for candidate in reversed(candidates):  # the later one wins
        if kept and kept[-1][2] - candidate[2] < MIN_GAP:
            skipped.append(candidate[0])
        else:
            kept.append(candidate)
    return ReminderTimes(
        send=[(offset, at) for offset, at, _ in reversed(kept)],
        skipped=sorted(skipped, reverse=True),
        due=due,
    )


def days_ahead(meeting: MeetingTimes, now: datetime, zone: tzinfo) -> int:
    """Whole days from today to the meeting's first day, in `zone`: 1 is tomorrow."""
    return (meeting.start_date - now.astimezone(zone).date()).days
