"""Every schema change, in order. Never edit a migration that has shipped: add one.

sqlite-utils records each applied step in `_sqlite_migrations`, so a step runs once per
database file however often the bot starts.
"""

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
