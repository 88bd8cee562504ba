"""Schema changes from m015 on, registered on the same `migrations` as storage/migrations.py
after its steps (storage/db.py imports `migrations` from here, so every step is there). That file reached the
400 lines a module may have here; the rule for both is the same: never edit a step that
has shipped, add one.
"""

from sqlite_utils import Database

from storage.migrations import migrations


@migrations()
def m015_meetings_that_move(db: Database) -> None:
    # A meeting's end: `end_time` (HH:MM in its zone) on its last day, or on every day when
    # `each_day` is 1 ("12-14 October 14:00-16:00" is three sessions of two hours);
    # `ends_at` the UTC instant it is over, when an end time was given. `series` is
    # 'quarterly' for the group's recurring schedule (the seeded 2024 meetings and what
    # `/meetings plan` schedules): where `/agenda add` goes by default and where a
    # cancelled meeting's items move. `sequence` counts changes, for calendars (SEQUENCE).
    db.execute("ALTER TABLE meetings ADD COLUMN end_time TEXT")
    db.execute("ALTER TABLE meetings ADD COLUMN each_day INTEGER NOT NULL DEFAULT 0")
    db.execute("ALTER TABLE meetings ADD COLUMN ends_at TEXT")
    db.execute("ALTER TABLE meetings ADD COLUMN series TEXT")
    db.execute("ALTER TABLE meetings ADD COLUMN sequence INTEGER NOT NULL DEFAULT 0")
    db.execute("UPDATE meetings SET series = 'quarterly' WHERE created_by IS NULL")  # the seeded 2024 schedule
    db.execute("CREATE INDEX meetings_series ON meetings (series, status, starts_at)")


@migrations()
def m016_member_languages(db: Database) -> None:
    # The language each member is answered in (bot/i18n.py): `chosen` with `/iwg language`
    # (NULL: Slack's), `slack_locale` as users.info said it ('' when Slack gave none) and
    # `looked_up_at` when it said so, to look again after a while. Kept in memory like the
    # coordinators (versions), since it is read on every request.
    db.execute(
        "CREATE TABLE member_languages (user_id TEXT PRIMARY KEY, chosen TEXT, slack_locale TEXT,"
        " looked_up_at TEXT) WITHOUT ROWID"
    )
    db.execute("INSERT INTO versions (name, n) VALUES ('member_languages', 1)")
    bump = "UPDATE versions SET n = n + 1 WHERE name = 'member_languages';"
    for change in ("INSERT", "UPDATE", "DELETE"):
        db.execute(
            f"CREATE TRIGGER member_languages_version_{change.lower()} AFTER {change} ON member_languages"
            f" BEGIN {bump} END"
        )


@migrations()
def m017_requests_from_the_web(db: Database) -> None:
    # Requests from the public page (issue 18). `web_submissions` holds what a visitor sent
    # until they confirm it from their email (then `request_id` names the request it became)
    # or it expires unconfirmed after 48 hours and is deleted. `form_token` is the nonce of
    # the form it was sent from: unique, so one form makes at most one submission.
    db.execute(
        """CREATE TABLE web_submissions (
            id INTEGER PRIMARY KEY,
            form_token TEXT NOT NULL UNIQUE,
            name TEXT NOT NULL, organisation TEXT NOT NULL, email TEXT NOT NULL,
            places TEXT NOT NULL, need TEXT NOT NULL, strategies TEXT NOT NULL DEFAULT '',
            kind TEXT, due_date TEXT, language TEXT NOT NULL DEFAULT 'en', address TEXT NOT NULL DEFAULT '',
            created_at TEXT NOT NULL, confirmed_at TEXT,
            request_id INTEGER REFERENCES ta_requests(id))"""
    )
    db.execute("CREATE INDEX web_submissions_unconfirmed ON web_submissions (created_at) WHERE confirmed_at IS NULL")
    # A request logged from the web: `source` 'web', the requester's own words for who they
    # are, and the language they wrote in (their mails are in it). Its `requester` is the
    # mail lane 'mail:<email>', where the notices to a requester go.
    for column in ("requester_name", "requester_organisation", "requester_email", "requester_language"):
        db.execute(f"ALTER TABLE ta_requests ADD COLUMN {column} TEXT")
    db.execute("ALTER TABLE ta_requests ADD COLUMN source TEXT NOT NULL DEFAULT 'slack'")
    # A note a coordinator marked public (`/ta note <id> public <text>`): the web requester
    # is mailed it and its status page shows it.
    db.execute("ALTER TABLE ta_events ADD COLUMN public INTEGER NOT NULL DEFAULT 0")
