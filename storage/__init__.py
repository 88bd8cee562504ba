"""SQLite storage: the schema's migrations and one repository per aggregate."""

from storage.coordinators import Coordinator, CoordinatorRepository, Removal
from storage.db import Storage, to_iso, utc_now

__all__ = ["Coordinator", "CoordinatorRepository", "Removal", "Storage", "to_iso", "utc_now"]
