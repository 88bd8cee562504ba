"""`/ta export`'s file: every request as CSV, safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

from bot.parsing.countries import country_name

COLUMNS = (
    "id",
    "country_code",
    "country",
    "need",
    "strategies",
    "kind",
    "due_date",
    "status",
    "requester",
    "organisation",
    "lead",
    "created_at",
    "updated_at",
    "last_status_change",
)


def requests_csv(rows: list[dict]) -> str:
    """The CSV text: one row per request, a header first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        record = {
            **row,
            "id": f"TA-{row['id']}",
            "country_code": row["country"],
            "country": country_name(row["country"]),
        }
        writer.writerow([_inert(record.get(column)) for column in COLUMNS])
    return out.getvalue()


def _inert(value) -> str:
    """A spreadsheet must not run a cell as a formula (=, +, -, @ first): quote it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
