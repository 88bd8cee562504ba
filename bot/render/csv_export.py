"""`/ta export`'s file: every request as CSV, safe to open in a spreadsheet.

It starts with a UTF-8 byte-order mark, without which Excel reads the file in the
machine's legacy code page and garbles "Côte d'Ivoire"; people are shown by name beside
their Slack ID; the notes are one cell, a line each, oldest first."""

from __future__ import annotations

import csv
import io

from bot.i18n import pgettext
from bot.parsing.places import places_label

COLUMNS = (  # the keys of a row; headers() names them for whoever reads the file
    "id",
    "country_code",
    "country",
    "need",
    "strategies",
    "kind",
    "due_date",
    "status",
    "requester",
    "requester_name",
    "requester_organisation",
    "requester_email",
    "source",
    "organisation",
    "lead",
    "lead_name",
    "created_at",
    "updated_at",
    "last_status_change",
    "notes",
)
BOM = "\ufeff"


def headers() -> list[str]:
    """The header row, in the language of the one who asked (the same order as COLUMNS)."""
    return [
        pgettext("csv column", "id"),
        pgettext("csv column", "country_code"),
        pgettext("csv column", "country"),
        pgettext("csv column", "need"),
        pgettext("csv column", "strategies"),
        pgettext("csv column", "kind"),
        pgettext("csv column", "due_date"),
        pgettext("csv column", "status"),
        pgettext("csv column", "requester"),
        pgettext("csv column", "requester_name"),
        pgettext("csv column", "requester_organisation"),
        pgettext("csv column", "requester_email"),
        pgettext("csv column", "source"),
        pgettext("csv column", "organisation"),
        pgettext("csv column", "lead"),
        pgettext("csv column", "lead_name"),
        pgettext("csv column", "created_at"),
        pgettext("csv column", "updated_at"),
        pgettext("csv column", "last_status_change"),
        pgettext("csv column", "notes"),
    ]


def requests_csv(rows: list[dict], names: dict[str, str]) -> str:
    """The CSV text: one row per request, a header first. `names`: user ID -> display name."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(headers())
    for row in rows:
        record = {
            **row,
            "id": f"TA-{row['id']}",
            "country_code": row["country"],
            "country": places_label(row["country"]),
            "requester_name": names.get(row["requester"]) or row.get("requester_name") or "",
            "lead_name": names.get(row["lead"], "") if row["lead"] else "",
            "notes": "\n".join(f"{n.at:%Y-%m-%d} {names.get(n.actor, n.actor)}: {n.text}" for n in row["notes"]),
        }
        writer.writerow([_inert(record.get(column)) for column in COLUMNS])
    return out.getvalue()


def _inert(value) -> str:
    """A spreadsheet must not run a cell as a formula (=, +, -, @ first): quote it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text
