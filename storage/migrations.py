"""Every schema change, in order. Never edit a migration that has shipped: add one.

sqlite-utils records each applied step in `_sqlite_migrations`, so a step runs once per
database file however often the bot starts.
"""

from datetime import datetime, timezone
from zoneinfo import ZoneInfo

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

from storage.seed import MEMBER_ORGANISATIONS, SCHEDULE_2024

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
    for title, start, end, zone, place in SCHEDULE_2024:
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


@migrations()
def m014_places_and_removed_organisations(db: Database) -> None:
    # A request's places: ta_requests.country holds them, space-separated (alpha-2 codes, M49
    # codes for regions: "014" Eastern Africa, "001" Global). ta_places has a row for every
    # place `/ta list <place>` finds it under (bot/parsing/places.search_keys), so a list is
    # one indexed read; ta_place_counts counts them by status (triggers). Here each request
    # gets its country; the app adds its regions on the next start (versions: ta_places).
    db.execute(
        "CREATE TABLE ta_places (place TEXT NOT NULL, request_id INTEGER NOT NULL REFERENCES ta_requests(id),"
        " PRIMARY KEY (place, request_id)) WITHOUT ROWID"
    )
    db.execute("CREATE INDEX ta_places_request ON ta_places (request_id)")
    db.execute(
        "CREATE TABLE ta_place_counts (place TEXT NOT NULL, status TEXT NOT NULL, n INTEGER NOT NULL,"
        " PRIMARY KEY (place, status)) WITHOUT ROWID"
    )
    count_in = (
        "INSERT INTO ta_place_counts (place, status, n) SELECT {place}, {status}, 1 FROM {source}"
        " ON CONFLICT (place, status) DO UPDATE SET n = n + 1;"
    )
    counted = count_in.format(place="NEW.place", status="status", source="ta_requests WHERE id = NEW.request_id")
    db.execute(f"CREATE TRIGGER ta_places_insert AFTER INSERT ON ta_places BEGIN {counted} END")
    db.execute(
        """CREATE TRIGGER ta_places_delete AFTER DELETE ON ta_places BEGIN
             UPDATE ta_place_counts SET n = n - 1
             WHERE place = OLD.place AND status = (SELECT status FROM ta_requests WHERE id = OLD.request_id);
           END"""
    )
    db.execute(
        """CREATE TRIGGER ta_places_status AFTER UPDATE OF status ON ta_requests
           WHEN OLD.status IS NOT NEW.status BEGIN
             UPDATE ta_place_counts SET n = n - 1
             WHERE status = OLD.status AND place IN (SELECT place FROM ta_places WHERE request_id = NEW.id);
           """
        + count_in.format(place="place", status="NEW.status", source="ta_places WHERE request_id = NEW.id")
        + " END"
    )
    db.execute("INSERT INTO ta_places (place, request_id) SELECT country, id FROM ta_requests")
    db.execute("INSERT INTO versions (name, n) VALUES ('ta_places', 0)")
    # ta_counts keeps only the totals over all places ('*') now: counts by place are above
    for trigger in ("insert", "delete", "update"):
        db.execute(f"DROP TRIGGER ta_counts_{trigger}")
    db.execute("DELETE FROM ta_counts WHERE country != '*'")
    add = "INSERT INTO ta_counts (country, status, n) VALUES ('*', NEW.status, 1) ON CONFLICT DO UPDATE SET n = n + 1;"
    remove = "UPDATE ta_counts SET n = n - 1 WHERE country = '*' AND status = OLD.status;"
    db.execute(f"CREATE TRIGGER ta_counts_insert AFTER INSERT ON ta_requests BEGIN {add} END")
    db.execute(f"CREATE TRIGGER ta_counts_delete AFTER DELETE ON ta_requests BEGIN {remove} END")
    db.execute(f"""CREATE TRIGGER ta_counts_update AFTER UPDATE OF status ON ta_requests
                   WHEN OLD.status IS NOT NEW.status BEGIN {remove} {add} END""")
    # the stuck rule's three parts (`/ta list stuck`, the digest, "Needs you"), each read from
    # one index alone: unassigned since, past the due date, no activity since
    db.execute("CREATE INDEX ta_requests_activity ON ta_requests (status, updated_at, due_date)")
    db.execute("CREATE INDEX ta_requests_age ON ta_requests (status, created_at)")
    db.execute("CREATE INDEX ta_requests_due ON ta_requests (status, due_date, created_at)")
    # A removed organisation keeps its row (removed_at set), so the closed requests it held
    # still name it; lists, matching and `/ta assign` leave it out.
    db.execute("ALTER TABLE organisations ADD COLUMN removed_at TEXT")
    # The history gains `/ta edit` (what it changed: the field, its value before, the new one
    # in text) and `/ta reopen`. SQLite cannot change a CHECK constraint in place, so the
    # table is made again with the same IDs (nothing refers to them).
    db.execute(
        """CREATE TABLE ta_events_new (
            id INTEGER PRIMARY KEY, request_id INTEGER NOT NULL REFERENCES ta_requests(id),
            at TEXT NOT NULL, actor TEXT NOT NULL,
            kind TEXT NOT NULL CHECK (kind IN ('created', 'assigned', 'status', 'note', 'edited', 'reopened')),
            status TEXT, organisation_id INTEGER REFERENCES organisations(id), lead TEXT, text TEXT,
            field TEXT, old_value TEXT)"""
    )
    db.execute(
        "INSERT INTO ta_events_new (id, request_id, at, actor, kind, status, organisation_id, lead, text)"
        " SELECT id, request_id, at, actor, kind, status, organisation_id, lead, text FROM ta_events"
    )
    db.execute("DROP TABLE ta_events")
    db.execute("ALTER TABLE ta_events_new RENAME TO ta_events")
    db.execute("CREATE INDEX ta_events_request ON ta_events (request_id, id)")
