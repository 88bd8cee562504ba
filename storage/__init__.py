"""SQLite storage: the database file (db), the schema's migrations, and one repository per
aggregate (ta_requests, meetings, agenda, polls, coordinators, organisations, reminders,
digests, the outbox, seen requests). Repositories take and return pydantic models and plain
values, never Slack payloads. Imports nothing of the app."""

import sys

# sqlite-utils imports pandas and numpy whenever they are installed, only to know their
# value types, which we never store. They are installed (country_converter needs them;
# bot/parsing/places.py reads its table as a plain file), and loading them costs every
# start about 450 ms. So sqlite-utils is first imported with them out of its sight; an
# import of either elsewhere afterwards works as usual.
_HIDDEN = [name for name in ("pandas", "numpy") if name not in sys.modules]
sys.modules.update(dict.fromkeys(_HIDDEN))  # None: `import pandas` raises ImportError
try:
    import sqlite_utils  # noqa: F401
finally:
    for name in _HIDDEN:
        if sys.modules.get(name, "") is None:
            del sys.modules[name]

from storage.coordinators import Coordinator, CoordinatorRepository, Removal  # noqa: E402
from storage.db import Storage, to_iso, utc_now  # noqa: E402

__all__ = ["Coordinator", "CoordinatorRepository", "Removal", "Storage", "to_iso", "utc_now"]
