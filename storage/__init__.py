"""SQLite storage: the database file (db), the schema's migrations, and one repository per
aggregate (ta_requests, meetings, agenda, polls, coordinators, organisations, reminders,
digests, the outbox, seen requests). Repositories take and return pydantic models and plain
values, never Slack payloads. Imports nothing of the app."""

from storage.coordinators import Coordinator, CoordinatorRepository, Removal
from storage.db import Storage, to_iso, utc_now

__all__ = ["Coordinator", "CoordinatorRepository", "Removal", "Storage", "to_iso", "utc_now"]
