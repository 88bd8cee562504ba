"""`/ta export`: every request as a CSV file, sent to the asker's direct messages."""

from __future__ import annotations

import csv
import io
from typing import TYPE_CHECKING

from slack_sdk import WebClient

from bot.countries import country_name

if TYPE_CHECKING:
    from bot.services import Services

COLUMNS = ("id", "country_code", "country", "need", "strategies", "kind", "due_date", "status", "requester",
           "organisation", "lead", "created_at", "updated_at", "last_status_change")


def requests_csv(rows: list[dict]) -> str:
    """The CSV text: one row per request, a header first."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(COLUMNS)
    for row in rows:
        record = {**row, "id": f"TA-{row['id']}", "country_code": row["country"],
                  "country": country_name(row["country"])}
        writer.writerow([_inert(record.get(column)) for column in COLUMNS])
    return out.getvalue()


def _inert(value) -> str:
    """A spreadsheet must not run a cell as a formula (=, +, -, @ first): quote it."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def send_export(services: "Services", client: WebClient, user_id: str) -> None:
    rows = services.ta_requests.export_rows()
    day = services.storage.clock().astimezone(services.settings.timezone).date().isoformat()
    dm = client.conversations_open(users=user_id)["channel"]["id"]
    client.files_upload_v2(
        channel=dm, filename=f"iwg-ta-requests-{day}.csv", title=f"IWG TA requests, {day}",
        content=requests_csv(rows), initial_comment=f"All {len(rows)} TA request{'' if len(rows) == 1 else 's'}, as of today.",
    )
