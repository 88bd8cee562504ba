"""Every schema change, in order. Never edit a migration that has shipped: add one.

sqlite-utils records each applied step in `_sqlite_migrations`, so a step runs once per
database file however often the bot starts.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("iwg")


@migrations()
def m001_coordinators(db: Database) -> None:
    # source: "config" for IDs from IWG_COORDINATORS (kept in step with the setting on
    # every start), "slack" for those added with /iwg coordinators add.
    db["coordinators"].create(
        {"user_id": str, "source": str, "added_by": str, "added_at": str},
        pk="user_id",
        not_null={"source", "added_at"},
    )


# The IWG's members and secretariat, as the working group lists them; a short name in
# brackets is what people type (`/ta assign TA-7 WHO`).
MEMBER_ORGANISATIONS = (
    "World Health Organization (WHO)",
    "Institute for Security Studies (ISS)",
    "Centers for Disease Control and Prevention (CDC)",
    "Global Partnership to End Violence Against Children",
    "Care and Protection of Children Learning Network (CPC)",
    "Joining Forces Alliance",
    "United Nations Office on Drugs and Crime (UNODC)",
    "Oxford University",
    "Violence Prevention Alliance Jamaica",
    "Together for Girls",
    "Universidad de los Andes",
    "USAID",
    "Red por la Infancia",
    "University of Edinburgh",
    "World Bank",
    "Plan International",
    "World Council of Churches",
    "Sexual Violence Research Initiative (SVRI)",
    "Impact and Innovations Development Centre",
    "Alliance for Child Protection in Humanitarian Action",
    "UNICEF Innocenti",
    "World Vision International",
    "Child Protection Network Foundation",
    "PEPFAR",
)


@migrations()
def m002_organisations(db: Database) -> None:
    # strategies: space-separated INSPIRE tags the organisation offers TA on (set by
    # coordinators with /iwg orgs add); empty until then.
    db.execute(
        """CREATE TABLE organisations (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE COLLATE NOCASE,
            short_name TEXT COLLATE NOCASE,
            strategies TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    now = _now()
    for entry in MEMBER_ORGANISATIONS:
        name, _, short = entry.partition(" (")
        db.execute(
            "INSERT INTO organisations (name, short_name, created_at, updated_at) VALUES (?, ?, ?, ?)",
            [name, short.rstrip(")") or None, now, now],
        )


@migrations()
def m003_ta_requests(db: Database) -> None:
    db.execute(
        """CREATE TABLE ta_requests (
            id INTEGER PRIMARY KEY,
            country TEXT NOT NULL,
            need TEXT NOT NULL,
            strategies TEXT NOT NULL DEFAULT '',
            kind TEXT,
            due_date TEXT,
            requester TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'new'
                CHECK (status IN ('new', 'assigned', 'in-progress', 'completed', 'declined')),
            organisation_id INTEGER REFERENCES organisations(id),
            lead TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX ta_requests_status ON ta_requests (status, id)")
    db.execute("CREATE INDEX ta_requests_requester ON ta_requests (requester, id)")
    # The history: one row per event, with who and when; `status` is the status after it.
    db.execute(
        """CREATE TABLE ta_events (
            id INTEGER PRIMARY KEY,
            request_id INTEGER NOT NULL REFERENCES ta_requests(id),
            at TEXT NOT NULL,
            actor TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('created', 'assigned', 'status', 'note')),
            status TEXT,
            organisation_id INTEGER REFERENCES organisations(id),
            lead TEXT,
            text TEXT
        )"""
    )
    db.execute("CREATE INDEX ta_events_request ON ta_events (request_id, id)")


@migrations()
def m004_outbox(db: Database) -> None:
    # Notices to deliver (a DM or a channel post), written in the same transaction as the
    # change they tell of, delivered after the ack by bot.courier, retried until Slack
    # takes them. `kind` and `subject` say what to render at delivery time; `channel` and
    # `ts` keep where it landed, so a later change can update the message in place.
    db.execute(
        """CREATE TABLE outbox (
            id INTEGER PRIMARY KEY,
            kind TEXT NOT NULL,
            subject TEXT NOT NULL,
            recipient TEXT NOT NULL,
            detail TEXT NOT NULL DEFAULT '{}',
            created_at TEXT NOT NULL,
            due_at TEXT NOT NULL,
            attempts INTEGER NOT NULL DEFAULT 0,
            claimed_at TEXT,
            sent_at TEXT,
            failed_at TEXT,
            error TEXT,
            channel TEXT,
            ts TEXT
        )"""
    )
    db.execute("CREATE INDEX outbox_due ON outbox (sent_at, failed_at, due_at)")
    db.execute("CREATE INDEX outbox_subject ON outbox (subject, kind)")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="seconds")


@migrations()
def m005_meetings(db: Database) -> None:
    # A meeting is all-day (start_time NULL) or timed; `zone` is the IANA zone its date and
    # time were given in, and `starts_at` the UTC instant they make (what reminders count
    # back from). `place` NULL means virtual.
    db.execute(
        """CREATE TABLE meetings (
            id INTEGER PRIMARY KEY,
            title TEXT NOT NULL,
            start_date TEXT NOT NULL,
            start_time TEXT,
            end_date TEXT,
            zone TEXT NOT NULL,
            starts_at TEXT NOT NULL,
            place TEXT,
            status TEXT NOT NULL DEFAULT 'scheduled' CHECK (status IN ('scheduled', 'cancelled')),
            created_by TEXT,
            created_at TEXT NOT NULL,
            updated_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX meetings_start ON meetings (status, starts_at)")
    now = _now()
    schedule_2024 = [
        ("Q1 meeting", "2024-02-28", None, "UTC", None),
        (
            "Q2 meeting (in person)",
            "2024-06-26",
            "2024-06-28",
            "America/Argentina/Buenos_Aires",
            "Buenos Aires, hosted by Red por la Infancia",
        ),
        ("Q3 meeting", "2024-09-19", None, "UTC", None),
        ("Q4 meeting", "2024-12-05", None, "UTC", None),
    ]
    for title, start, end, zone, place in schedule_2024:
        starts_at = datetime.fromisoformat(start).replace(tzinfo=ZoneInfo(zone)).astimezone(timezone.utc)
        db.execute(
            "INSERT INTO meetings (title, start_date, end_date, zone, starts_at, place, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            [title, start, end, zone, starts_at.isoformat(timespec="seconds"), place, now, now],
        )


@migrations()
def m006_agenda_items(db: Database) -> None:
    db.execute(
        """CREATE TABLE agenda_items (
            id INTEGER PRIMARY KEY,
            meeting_id INTEGER NOT NULL REFERENCES meetings(id),
            text TEXT NOT NULL,
            minutes INTEGER CHECK (minutes IS NULL OR minutes BETWEEN 1 AND 600),
            proposer TEXT NOT NULL,
            created_at TEXT NOT NULL,
            removed_at TEXT,
            removed_by TEXT
        )"""
    )
    db.execute("CREATE INDEX agenda_items_meeting ON agenda_items (meeting_id, removed_at, id)")


@migrations()
def m007_reminders(db: Database) -> None:
    # One row per (meeting, offset) reminder once it is claimed: the claim is what makes a
    # reminder happen once, across restarts and processes. `outcome` is "sent" (handed to
    # the outbox) or "skipped" (it fell due while the bot was down and a later one was sent).
    db.execute(
        """CREATE TABLE reminders (
            meeting_id INTEGER NOT NULL REFERENCES meetings(id),
            offset_seconds INTEGER NOT NULL,
            claimed_at TEXT NOT NULL,
            outcome TEXT NOT NULL CHECK (outcome IN ('sent', 'skipped')),
            PRIMARY KEY (meeting_id, offset_seconds)
        )"""
    )


@migrations()
def m008_polls(db: Database) -> None:
    # options: a JSON list of the option texts, in order. `channel`/`ts` say where the poll's
    # message is once posted. A vote is one row per (poll, member, option): the primary key
    # is what keeps counts exact when many click at once.
    db.execute(
        """CREATE TABLE polls (
            id INTEGER PRIMARY KEY,
            question TEXT NOT NULL,
            options TEXT NOT NULL,
            anonymous INTEGER NOT NULL DEFAULT 0,
            multiple INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0,
            author TEXT NOT NULL,
            channel TEXT NOT NULL,
            ts TEXT,
            closes_at TEXT,
            closed_at TEXT,
            closed_by TEXT,
            created_at TEXT NOT NULL
        )"""
    )
    db.execute("CREATE INDEX polls_open ON polls (closed_at, closes_at)")
    db.execute(
        """CREATE TABLE poll_votes (
            poll_id INTEGER NOT NULL REFERENCES polls(id) ON DELETE CASCADE,
            user_id TEXT NOT NULL,
            option INTEGER NOT NULL,
            voted_at TEXT NOT NULL,
            PRIMARY KEY (poll_id, user_id, option)
        )"""
    )


@migrations()
def m009_digests(db: Database) -> None:
    # One row per week whose digest was claimed (ISO week of its scheduled time, in
    # IWG_TIMEZONE): what makes the weekly digest go out once across restarts and processes.
    db.execute("CREATE TABLE digests (week TEXT PRIMARY KEY, claimed_at TEXT NOT NULL)")
    # what the digest and the App Home look requests up by
    db.execute("CREATE INDEX ta_requests_lead ON ta_requests (lead, id)")
    db.execute("CREATE INDEX ta_requests_created ON ta_requests (created_at)")


@migrations()
def m010_ta_requests_by_country(db: Database) -> None:
    # `/ta list <country>` counted by scanning every request without it (13 ms at 100,000)
    db.execute("CREATE INDEX ta_requests_country ON ta_requests (country, id)")


@migrations()
def m011_counts_kept_by_triggers(db: Database) -> None:
    # Counts the lists show, kept by triggers so that no write path can forget them and no
    # read has to count: `/poll list` counted each open poll's voters (40 queries), `/ta list`
    # counted every open request (0.5 ms at 100,000). `versions` says when a small table
    # that the bot keeps in memory (organisations, coordinators) last changed, in any process.
    db.execute("ALTER TABLE polls ADD COLUMN voters INTEGER NOT NULL DEFAULT 0")
    db.execute(
        "UPDATE polls SET voters = (SELECT count(DISTINCT user_id) FROM poll_votes v WHERE v.poll_id = polls.id)"
    )
    db.execute(
        """CREATE TRIGGER poll_votes_first AFTER INSERT ON poll_votes
           WHEN (SELECT count(*) FROM poll_votes WHERE poll_id = NEW.poll_id AND user_id = NEW.user_id) = 1
           BEGIN UPDATE polls SET voters = voters + 1 WHERE id = NEW.poll_id; END"""
    )
    db.execute(
        """CREATE TRIGGER poll_votes_last AFTER DELETE ON poll_votes
           WHEN NOT EXISTS (SELECT 1 FROM poll_votes WHERE poll_id = OLD.poll_id AND user_id = OLD.user_id)
           BEGIN UPDATE polls SET voters = voters - 1 WHERE id = OLD.poll_id; END"""
    )

    # ta_counts: requests by status in each country, and in all countries under country '*'
    db.execute(
        "CREATE TABLE ta_counts (country TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,"
        " PRIMARY KEY (country, status)) WITHOUT ROWID"
    )
    db.execute("INSERT INTO ta_counts SELECT country, status, count(*) FROM ta_requests GROUP BY country, status")
    db.execute("INSERT INTO ta_counts SELECT '*', status, count(*) FROM ta_requests GROUP BY status")
    add = " ".join(
        f"INSERT INTO ta_counts (country, status, n) VALUES ({country}, NEW.status, 1)"
        " ON CONFLICT (country, status) DO UPDATE SET n = n + 1;"
        for country in ("NEW.country", "'*'")
    )
    remove = " ".join(
        f"UPDATE ta_counts SET n = n - 1 WHERE country = {country} AND status = OLD.status;"
        for country in ("OLD.country", "'*'")
    )
    db.execute(f"CREATE TRIGGER ta_counts_insert AFTER INSERT ON ta_requests BEGIN {add} END")
    db.execute(f"CREATE TRIGGER ta_counts_delete AFTER DELETE ON ta_requests BEGIN {remove} END")
    db.execute(f"""CREATE TRIGGER ta_counts_update AFTER UPDATE OF status, country ON ta_requests
                   WHEN OLD.status IS NOT NEW.status OR OLD.country IS NOT NEW.country
                   BEGIN {remove} {add} END""")

    db.execute("CREATE TABLE versions (name TEXT PRIMARY KEY, n INTEGER NOT NULL) WITHOUT ROWID")
    for table in ("organisations", "coordinators"):
        db.execute("INSERT INTO versions (name, n) VALUES (?, 1)", [table])
        bump = f"UPDATE versions SET n = n + 1 WHERE name = '{table}';"
        for change in ("INSERT", "UPDATE", "DELETE"):
            db.execute(f"CREATE TRIGGER {table}_version_{change.lower()} AFTER {change} ON {table} BEGIN {bump} END")
    # `/meetings <year>`
    db.execute("CREATE INDEX meetings_date ON meetings (start_date)")
    # `/agenda`'s count and minutes from the index alone
    db.execute("CREATE INDEX agenda_items_totals ON agenda_items (meeting_id, removed_at, minutes)")


@migrations()
def m012_seen_requests_and_poll_members(db: Database) -> None:
    # seen_requests: what the HTTP front door has acted on in the last minutes (a request's
    # signature, or an event's ID), so a replay within Slack's 5-minute window, or Slack's own
    # retry of an event, is answered without being acted on twice, in any process.
    db.execute("CREATE TABLE seen_requests (key TEXT PRIMARY KEY, seen_at TEXT NOT NULL) WITHOUT ROWID")
    db.execute("CREATE INDEX seen_requests_at ON seen_requests (seen_at)")
    # `/poll list` and the App Home show a member the polls of channels where they asked or voted
    db.execute("CREATE INDEX polls_author ON polls (author)")
    db.execute("CREATE INDEX poll_votes_user ON poll_votes (user_id, poll_id)")


@migrations()
def m013_outbox_lanes(db: Database) -> None:
    # Each recipient (a channel, or a member's DM) is a lane: one notice in flight per lane
    # in any process, and posts paced to Slack's one message a second per channel.
    # lease_until: a claim holds until then (epoch seconds; renewed before each Web API call
    # while the work goes on). maybe_sent: a try whose answer was lost (a timeout, a dropped
    # connection, a 5xx) may have posted the message, so the next try looks for it first.
    db.execute("ALTER TABLE outbox ADD COLUMN lease_until REAL")
    db.execute("ALTER TABLE outbox ADD COLUMN maybe_sent INTEGER NOT NULL DEFAULT 0")
    db.execute("CREATE INDEX outbox_lane ON outbox (recipient, sent_at, failed_at, lease_until)")
    # paced_until: the lane's next send waits until then (the pace, or Slack's Retry-After);
    # theoretical: when the lane would be idle again at the steady pace (epoch seconds).
    db.execute("""CREATE TABLE outbox_lanes (
                    lane TEXT PRIMARY KEY, paced_until REAL NOT NULL, theoretical REAL NOT NULL
                  ) WITHOUT ROWID""")
    # channel_problems: a channel Slack will not take posts in (the bot was removed, the
    # channel archived), told to the coordinators once a day at most.
    db.execute("""CREATE TABLE channel_problems (
                    channel TEXT NOT NULL, day TEXT NOT NULL, error TEXT NOT NULL, PRIMARY KEY (channel, day)
                  ) WITHOUT ROWID""")
