"""Fill a bot database with a few years' worth of realistic data, fast, before the bot starts.

    python bench/fill.py /tmp/iwg.sqlite3                  # the default sizes below
    python bench/fill.py /tmp/iwg.sqlite3 --ta 1000 --votes 5000

The schema comes from the bot's own migrations (`storage.Storage(path).migrate()`, run once);
the rows then go in through sqlite3 directly, `executemany` in one transaction, so 100,000
requests with their history take seconds, not the minutes the repositories would. Values are
shaped like the group's: ISO 3166 alpha-2 countries (the places the members work in),
statuses that follow the request's age (old ones mostly completed or declined), requesters
and leads U0001..U0500, organisations from the seeded members, a history consistent with the
status (created, assigned, in-progress, completed/declined, a few notes), created_at over the
last three years; meetings over 2024-2027 with their agenda items; polls of 2 to 10 options
with votes unique per (poll, user, option).

Random but reproducible (`--seed`). `now` is the wall clock at fill time, so "upcoming" and
"open" mean the same to the bot started right after.
"""

from __future__ import annotations

import argparse
import json
import random
import sqlite3
import sys
import time
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bot.parsing.places import keys_version, search_keys  # noqa: E402
from storage import Storage  # noqa: E402

USERS = [f"U{n:04d}" for n in range(1, 501)]
COORDINATOR = "U0COORD"
# Where the group's members give technical assistance: low- and middle-income countries
# first (weighted by how often they come up), a few high-income ones.
COUNTRIES = (
    ["KE"] * 4
    + ["UG", "TZ", "NG", "ZA", "ET", "GH", "MW", "ZM", "ZW", "RW"] * 3
    + [
        "CO",
        "BR",
        "MX",
        "PE",
        "GT",
        "SV",
        "HN",
        "JM",
        "AR",
        "PH",
        "ID",
        "KH",
        "VN",
        "NP",
        "BD",
        "PK",
        "IN",
        "LK",
        "MN",
        "KG",
        "TJ",
        "UA",
        "MD",
        "GE",
        "AM",
        "JO",
        "LB",
        "EG",
        "MA",
        "TN",
        "SN",
        "CI",
        "CM",
        "CD",
        "MZ",
        "NA",
        "BW",
        "LS",
        "SZ",
        "SL",
        "LR",
        "PG",
        "FJ",
        "XK",
        "GB",
        "SE",
    ]
)
STRATEGY_TAGS = ["laws", "norms", "safe", "parenting", "income", "response", "education", "multisectoral", "monitoring"]
KINDS = ["training", "advice", "evidence", "action-plan", "other"]
NEEDS = [
    "Training for social workers on case management",
    "Costing the national action plan",
    "Adapting a parenting programme for caregivers of adolescents",
    "Reviewing the child protection law",
    "Baseline survey on violence against children",
    "Safe schools policy and teacher training",
    "Setting up a helpline referral pathway",
    "Cash plus care pilot design",
    "Monitoring framework for the INSPIRE indicators",
    "Community mobilisation on harmful norms",
    "Training police on child-friendly procedures",
    "Life skills curriculum for secondary schools",
    "Coordination mechanism across ministries",
    "Evidence review for the violence prevention strategy",
    "Support to the Violence Against Children Survey follow-up",
    "Online safety guidance for parents",
]
PLACES = ["Nairobi", "Geneva", "Bogotá", "Kampala", "Cape Town", "Manila", None, None, None]
QUESTIONS = [
    "Where should we hold the next in-person meeting?",
    "Which date works for the Q{q} call?",
    "Should the digest go out on Mondays?",
    "Which strategy should the next webinar cover?",
    "Adopt the revised terms of reference?",
    "Which working language for the handbook?",
]


@dataclass
class Filled:
    """What the bench needs to know about the data it made."""

    ta_requests: int = 0
    ta_events: int = 0
    meetings: int = 0
    agenda_items: int = 0
    polls: int = 0
    votes: int = 0
    open_poll: int | None = None  # the newest open, posted poll (what the vote clicks hit)
    open_poll_options: int = 0
    open_poll_ts: str | None = None  # where its message is: a vote counts only from its own message
    reminder_meetings: dict[int, float] = field(default_factory=dict)  # meeting id -> due (epoch seconds)
    seconds: float = 0.0


def iso(moment: datetime) -> str:
    return moment.astimezone(timezone.utc).isoformat(timespec="seconds")


def fill(
    path: str | Path,
    *,
    ta: int = 100_000,
    agenda: int = 10_000,
    meetings: int = 40,
    polls: int = 1_000,
    votes: int = 100_000,
    seed: int = 7,
    now: datetime | None = None,
) -> Filled:
    """Migrate `path` (a new or existing file) and add the data; returns what was made."""
    started = time.perf_counter()
    storage = Storage(path)
    storage.migrate()
    storage.close()
    rng = random.Random(seed)
    now = (now or datetime.now(timezone.utc)).replace(microsecond=0)
    out = Filled()
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("PRAGMA foreign_keys = ON")
        conn.execute("BEGIN IMMEDIATE")
        org_ids = [row[0] for row in conn.execute("SELECT id FROM organisations ORDER BY id")]
        # coordinators set each organisation's strategies with /iwg orgs add
        conn.executemany(
            "UPDATE organisations SET strategies = ? WHERE id = ?",
            [(" ".join(rng.sample(STRATEGY_TAGS, rng.randint(1, 4))), i) for i in org_ids],
        )
        out.ta_requests, out.ta_events = _ta(conn, rng, ta, org_ids, now)
        out.meetings, out.agenda_items = _meetings(conn, rng, meetings, agenda, now)
        out.polls, out.votes, out.open_poll, out.open_poll_options, out.open_poll_ts = _polls(
            conn, rng, polls, votes, now
        )
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")  # as a long-running database would be
    finally:
        conn.close()
    out.seconds = time.perf_counter() - started
    return out


def add_reminder_meetings(
    path: str | Path, count: int, first_due: float, window: float, offset: timedelta = timedelta(minutes=1)
) -> dict[int, float]:
    """`count` timed meetings whose `offset` reminders fall due evenly over `window` seconds
    from `first_due` (epoch seconds); meeting id -> due. Instants are whole seconds, as stored."""
    rows, dues = [], []
    base = int(first_due)
    now = iso(datetime.now(timezone.utc))
    for n in range(count):
        due = base + int(n * window / count)
        starts = datetime.fromtimestamp(due, timezone.utc) + offset
        rows.append(
            (
                f"Bench reminder {n:05d}",
                starts.date().isoformat(),
                starts.strftime("%H:%M"),
                "UTC",
                iso(starts),
                COORDINATOR,
                now,
                now,
            )
        )
        dues.append(due)
    conn = sqlite3.connect(str(path), isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        first = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM meetings").fetchone()[0]
        conn.executemany(
            "INSERT INTO meetings (title, start_date, start_time, zone, starts_at, created_by,"
            " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        ids = [row[0] for row in conn.execute("SELECT id FROM meetings WHERE id >= ? ORDER BY id", [first])]
        conn.execute("COMMIT")
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    finally:
        conn.close()
    return dict(zip(ids, map(float, dues)))


def remove_reminder_meetings(path: str | Path) -> int:
    """Take the reminder meetings out again (with their claims), so the load after sees only the
    group's own schedule. Safe while the bot runs: one short write transaction."""
    conn = sqlite3.connect(str(path), timeout=10, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        where = "SELECT id FROM meetings WHERE title LIKE 'Bench reminder %'"
        conn.execute(f"DELETE FROM reminders WHERE meeting_id IN ({where})")
        conn.execute(f"DELETE FROM agenda_items WHERE meeting_id IN ({where})")
        removed = conn.execute(f"DELETE FROM meetings WHERE id IN ({where})").rowcount
        # notices still undelivered would fail forever on a missing meeting
        conn.execute(
            "UPDATE outbox SET failed_at = ?, error = 'bench: meeting removed'"
            " WHERE kind = 'meeting.reminder' AND sent_at IS NULL AND failed_at IS NULL",
            [iso(datetime.now(timezone.utc))],
        )
        conn.execute("COMMIT")
    finally:
        conn.close()
    return removed


# --- TA requests ------------------------------------------------------------------------------


def _status_for(rng: random.Random, age: timedelta) -> str:
    if age < timedelta(days=30):
        weights = (40, 30, 25, 4, 1)
    elif age < timedelta(days=180):
        weights = (5, 10, 25, 45, 15)
    else:
        weights = (2, 3, 6, 72, 17)
    return rng.choices(("new", "assigned", "in-progress", "completed", "declined"), weights)[0]


def _ta(conn: sqlite3.Connection, rng: random.Random, count: int, org_ids: list[int], now: datetime) -> tuple[int, int]:
    span = timedelta(days=3 * 365).total_seconds()
    # ids are given in creation order: the oldest first, as the bot would have made them
    created = sorted(now - timedelta(seconds=rng.uniform(0, span)) for _ in range(count))
    requests, events = [], []
    first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM ta_requests").fetchone()[0]
    for n, at in enumerate(created):
        request_id = first_id + n
        status = _status_for(rng, now - at)
        requester = rng.choice(USERS)
        strategies = " ".join(rng.sample(STRATEGY_TAGS, rng.choice((0, 1, 1, 2, 2, 3))))
        kind = rng.choice(KINDS + [None, None])
        due = (at + timedelta(days=rng.randint(30, 180))).date().isoformat() if rng.random() < 0.5 else None
        need = rng.choice(NEEDS) + rng.choice(
            ("", "", " in three districts", " for the ministry", f", phase {rng.randint(2, 4)}")
        )
        organisation, lead = None, None
        history = [(request_id, iso(at), requester, "created", "new", None, None, None)]
        moment = at

        def later(max_days: int) -> datetime:
            nonlocal moment
            moment = min(now, moment + timedelta(seconds=rng.uniform(3600, max_days * 86400)))
            return moment

        if status != "new" and not (status == "declined" and rng.random() < 0.5):
            organisation, lead = rng.choice(org_ids), rng.choice(USERS)
            history.append((request_id, iso(later(14)), COORDINATOR, "assigned", "assigned", organisation, lead, None))
        if status in ("in-progress", "completed"):
            history.append((request_id, iso(later(30)), lead, "status", "in-progress", None, None, None))
        if status in ("completed", "declined"):
            history.append(
                (
                    request_id,
                    iso(later(120)),
                    lead or COORDINATOR,
                    "status",
                    status,
                    None,
                    None,
                    "Done; report shared with the ministry." if status == "completed" else None,
                )
            )
        for _ in range(rng.choice((0, 0, 0, 1, 1, 2))):
            history.append(
                (
                    request_id,
                    iso(later(20)),
                    rng.choice(USERS),
                    "note",
                    None,
                    None,
                    None,
                    "Spoke to the focal point; waiting for the concept note.",
                )
            )
        history.sort(key=lambda e: e[1])
        requests.append(
            (
                request_id,
                _places(rng),
                need,
                strategies,
                kind,
                due,
                requester,
                status,
                organisation,
                lead,
                iso(at),
                history[-1][1],
            )
        )
        events += history
    conn.executemany(
        "INSERT INTO ta_requests (id, country, need, strategies, kind, due_date, requester, status,"
        " organisation_id, lead, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        requests,
    )
    conn.executemany(
        "INSERT INTO ta_places (place, request_id) VALUES (?, ?)",
        [(key, r[0]) for r in requests for key in search_keys(r[1])],
    )
    if first_id == 1:  # only these requests: their keys are the current ones (else the bot indexes on start)
        conn.execute("UPDATE versions SET n = ? WHERE name = 'ta_places'", [keys_version()])
    conn.executemany(
        "INSERT INTO ta_events (request_id, at, actor, kind, status, organisation_id, lead, text)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
        events,
    )
    return len(requests), len(events)


def _places(rng: random.Random) -> str:
    """Mostly one country; one request in ten for several, or for a region (Eastern Africa)."""
    roll = rng.random()
    if roll < 0.05:
        return " ".join(dict.fromkeys(rng.sample(COUNTRIES, 3)))
    return "014" if roll < 0.1 else rng.choice(COUNTRIES)


# --- meetings and agenda ------------------------------------------------------------------------


def _meetings(conn: sqlite3.Connection, rng: random.Random, total: int, items: int, now: datetime) -> tuple[int, int]:
    """Meetings over 2024-2027 (the 2024 schedule is the migration's) up to `total`; items spread
    over all of them."""
    existing = conn.execute("SELECT count(*) FROM meetings").fetchone()[0]
    to_add = max(0, total - existing)
    rows = []
    for n in range(to_add):
        year = 2024 + (n * 4) // max(1, to_add)  # evenly over 2024..2027
        day = date(year, 1, 15) + timedelta(days=rng.randint(0, 330))
        timed = rng.random() < 0.6
        hour = rng.choice((9, 12, 13, 14, 15))
        starts = datetime(day.year, day.month, day.day, hour if timed else 0, 0, tzinfo=timezone.utc)
        title = rng.choice(("Quarterly meeting", "Webinar", "Working session", "Steering call", "Workshop"))
        rows.append(
            (
                f"{title} {day:%b %Y}",
                day.isoformat(),
                f"{hour:02d}:00" if timed else None,
                "UTC",
                iso(starts),
                rng.choice(PLACES),
                COORDINATOR,
                iso(now),
                iso(now),
            )
        )
    conn.executemany(
        "INSERT INTO meetings (title, start_date, start_time, zone, starts_at, place, created_by,"
        " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    ids = [row[0] for row in conn.execute("SELECT id FROM meetings ORDER BY id")]
    agenda = []
    for n in range(items):
        meeting = ids[n % len(ids)]
        removed = rng.random() < 0.05
        text = rng.choice(("Update on ", "Discussion: ", "Proposal for ", "Report from ")) + rng.choice(NEEDS).lower()
        agenda.append(
            (
                meeting,
                text,
                rng.choice((None, 5, 10, 10, 15, 20, 30, 45, 60)),
                rng.choice(USERS),
                iso(now - timedelta(seconds=rng.uniform(0, 3 * 365 * 86400))),
                iso(now) if removed else None,
                COORDINATOR if removed else None,
            )
        )
    conn.executemany(
        "INSERT INTO agenda_items (meeting_id, text, minutes, proposer, created_at, removed_at,"
        " removed_by) VALUES (?, ?, ?, ?, ?, ?, ?)",
        agenda,
    )
    return len(ids), len(agenda)


# --- polls and votes ------------------------------------------------------------------------------


def _polls(
    conn: sqlite3.Connection, rng: random.Random, count: int, votes: int, now: datetime
) -> tuple[int, int, int | None, int, str | None]:
    span = 3 * 365 * 86400
    created = sorted(now - timedelta(seconds=rng.uniform(3600, span)) for _ in range(count))
    first_id = conn.execute("SELECT coalesce(max(id), 0) + 1 FROM polls").fetchone()[0]
    open_from = count - max(1, count // 20)  # the newest 5% are still open
    polls, shapes = [], []
    for n, at in enumerate(created):
        poll_id = first_id + n
        options = [f"Option {chr(65 + i)}" for i in range(rng.randint(2, 10))]
        multiple, anonymous, hidden = rng.random() < 0.2, rng.random() < 0.2, rng.random() < 0.1
        author = rng.choice(USERS + [COORDINATOR] * 50)
        is_open = n >= open_from
        closes_at = iso(now + timedelta(days=rng.randint(2, 20))) if is_open and rng.random() < 0.3 else None
        closed_at = None if is_open else iso(min(now, at + timedelta(days=rng.randint(1, 14))))
        ts = f"{int(at.timestamp())}.{n:06d}"
        polls.append(
            (
                poll_id,
                rng.choice(QUESTIONS).format(q=rng.randint(1, 4)),
                json.dumps(options),
                anonymous,
                multiple,
                hidden,
                author,
                "C0IWG",
                ts,
                closes_at,
                closed_at,
                None if is_open else rng.choice((author, "scheduler")),
                iso(at),
            )
        )
        shapes.append((poll_id, len(options), multiple, at, ts))
    conn.executemany(
        "INSERT INTO polls (id, question, options, anonymous, multiple, hidden, author, channel, ts, closes_at,"
        " closed_at, closed_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        polls,
    )
    if not shapes:
        return 0, 0, None, 0, None
    # votes per poll: random shares of the total, at most one per member per option
    weights = [rng.uniform(0.3, 1.7) for _ in shapes]
    scale = votes / sum(weights)
    wanted = [int(w * scale) for w in weights]
    for i in range(votes - sum(wanted)):
        wanted[i % len(wanted)] += 1
    rows = []
    for (poll_id, options, multiple, at, _), n in zip(shapes, wanted):
        cells = [(u, o) for u in USERS for o in range(options)] if multiple else None
        if multiple:
            chosen = rng.sample(cells, min(n, len(cells)))
        else:
            chosen = [(u, rng.randrange(options)) for u in rng.sample(USERS, min(n, len(USERS)))]
        for user, option in chosen:
            rows.append((poll_id, user, option, iso(at + timedelta(seconds=rng.uniform(60, 86400)))))
    conn.executemany("INSERT INTO poll_votes (poll_id, user_id, option, voted_at) VALUES (?, ?, ?, ?)", rows)
    newest_open = max(shapes[open_from:], key=lambda s: s[0]) if count else None
    if newest_open is None:
        return len(polls), len(rows), None, 0, None
    return len(polls), len(rows), newest_open[0], newest_open[1], newest_open[4]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("database")
    parser.add_argument("--ta", type=int, default=100_000)
    parser.add_argument("--agenda", type=int, default=10_000)
    parser.add_argument("--meetings", type=int, default=40)
    parser.add_argument("--polls", type=int, default=1_000)
    parser.add_argument("--votes", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    made = fill(
        args.database,
        ta=args.ta,
        agenda=args.agenda,
        meetings=args.meetings,
        polls=args.polls,
        votes=args.votes,
        seed=args.seed,
    )
    print(
        f"{made.ta_requests} TA requests ({made.ta_events} events), {made.meetings} meetings "
        f"({made.agenda_items} agenda items), {made.polls} polls ({made.votes} votes) in {made.seconds:.1f}s"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
