"""The scheduler: one APScheduler 3 background scheduler per bot process, in UTC.

Jobs are rebuilt from the database on every start (the database is the source of truth);
the job defaults are set deliberately: APScheduler's default misfire_grace_time of 1 s
would silently drop a job that runs late because the process was busy or asleep.
"""

from __future__ import annotations

from datetime import timezone

from apscheduler.schedulers.background import BackgroundScheduler

MISFIRE_GRACE_SECONDS = 3600


def build_scheduler() -> BackgroundScheduler:
    return BackgroundScheduler(
        timezone=timezone.utc,
        job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": MISFIRE_GRACE_SECONDS},
    )
