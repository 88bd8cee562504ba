"""How TA requests look in Slack: replies, notices and the list (the forms: ta_forms.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

from bot.domain.ta import KINDS
from bot.parsing.catalogue import usage
from bot.parsing.places import place_name, places_label
from bot.parsing.slack_text import escape, mention, truncate
from bot.parsing.ta_list_command import ListQuery, list_query
from bot.parsing.text import echo
from bot.render.blocks import (
    MAX_BLOCKS,
    SECTION_LIMIT,
    Reply,
    context,
    date_token,
    divider,
    header,
    mrkdwn,
    section,
)
from storage.organisations import Organisation
from storage.ta_requests import TAEvent, TARequest

PAGE_SIZE = 15
STATUS_ICONS = {
    "new": ":new:",
    "assigned": ":handshake:",
    "in-progress": ":hourglass_flowing_sand:",
    "completed": ":white_check_mark:",
    "declined": ":no_entry_sign:",
}

# Form and button identifiers (the handlers listen for these)
ASSIGN_BUTTON = "ta_assign"
DECLINE_BUTTON = "ta_decline"
PAGE_BUTTON = "ta_list_page"
HISTORY_BUTTON = "ta_history_page"
CHANGE_PLACES_BUTTON = "ta_change_places"


def due_token(due: date) -> str:
    """A date token at noon UTC, so the day reads the same from Honolulu to Auckland."""
    noon = datetime.combine(due, time(12), tzinfo=timezone.utc)
    return date_token(noon, "{date_short_pretty}")


def when(moment: datetime) -> str:
    return date_token(moment, "{date_short_pretty} {time}")


def strategy_tags(tags: list[str]) -> str:
    return " ".join(f"`#{t}`" for t in tags) or "none given"


def org_label(organisation: Organisation | None) -> str:
    return escape(organisation.label) if organisation else "not yet"


def one_line(request: TARequest, organisation: Organisation | None = None) -> str:
    parts = [
        f"*{request.ref}*",
        places_label(request.country),
        f"{STATUS_ICONS[request.status]} {request.status}",
        escape(truncate(request.need, 120)),
    ]
    if organisation:
        parts.append(f"→ {escape(organisation.short_name or organisation.name)}")
    if request.due_date:
        parts.append(f"due {due_token(request.due_date)}")
    return " · ".join(parts)


def fields_block(request: TARequest, organisation: Organisation | None) -> dict:
    fields = [
        ("Where", places_label(request.country)),
        ("Status", f"{STATUS_ICONS[request.status]} {request.status}"),
        ("Requested by", f"{mention(request.requester)} on {when(request.created_at)}"),
        ("Strategies", strategy_tags(request.strategies)),
        ("Kind of support", KINDS.get(request.kind or "", "not given")),
        ("Due", due_token(request.due_date) if request.due_date else "no date given"),
        ("Organisation", org_label(organisation)),
        ("Lead", mention(request.lead) if request.lead else "not yet"),
    ]
    return {"type": "section", "fields": [mrkdwn(f"*{name}*\n{value}") for name, value in fields]}


def need_block(request: TARequest) -> dict:
    return section("*What is needed*\n" + escape(truncate(request.need, SECTION_LIMIT - 100)))


def logged(
    request: TARequest, matching: list[Organisation], corrected: tuple = (), due_problem: str | None = None
) -> Reply:
    """The requester's receipt; a place read from a typo (`corrected`: (typed, Place) pairs)
    is said, with a button to change it, and a due date that could not be read too."""
    text = f"Logged {request.ref}: {places_label(request.country)}, {truncate(request.need, 80)}"
    blocks = [
        section(
            f":inbox_tray: Logged *{request.ref}*. The coordinators have been told; "
            f"you will hear of every change by direct message."
        ),
        fields_block(request, None),
        need_block(request),
    ]
    if corrected:
        read = "; ".join(f"“{echo(typed, 40)}” as *{escape(place.name)}*" for typed, place in corrected)
        blocks.append(section(f":mag: I read {read}. Not right?"))
        blocks.append(_change_places_button(request))
    if due_problem:
        blocks.append(
            section(
                f":calendar: {due_problem} So {request.ref} has no due date yet: "
                f"`/ta edit {request.ref} due <date>` sets one."
            )
        )
    if matching:
        blocks.append(context("Member organisations offering these strategies: " + _names(matching)))
    blocks.append(context(f"Add to it with `/ta note {request.ref} <text>`; see it with `/ta show {request.ref}`."))
    return Reply(text=escape(text), blocks=blocks)


def _change_places_button(request: TARequest) -> dict:
    return {
        "type": "actions",
        "elements": [
            {
                "type": "button",
                "action_id": CHANGE_PLACES_BUTTON,
                "value": request.ref,
                "text": {"type": "plain_text", "text": "Change country…"},
            }
        ],
    }


def announcement(request: TARequest, organisation: Organisation | None, matching: list[Organisation]) -> Reply:
    """The coordinators' copy: buttons while it is new, then what became of it."""
    blocks = [
        header(f"TA request {request.ref}: {places_label(request.country)}"),
        fields_block(request, organisation),
        need_block(request),
    ]
    if request.status == "new":
        if request.strategies:
            blocks.append(
                context(
                    "Offering these strategies: "
                    + (_names(matching) if matching else "no member organisation lists them yet")
                )
            )
        blocks.append(
            {
                "type": "actions",
                "block_id": f"ta_actions_{request.id}",
                "elements": [
                    {
                        "type": "button",
                        "action_id": ASSIGN_BUTTON,
                        "style": "primary",
                        "value": str(request.id),
                        "text": {"type": "plain_text", "text": "Assign…"},
                    },
                    {
                        "type": "button",
                        "action_id": DECLINE_BUTTON,
                        "style": "danger",
                        "value": str(request.id),
                        "text": {"type": "plain_text", "text": "Decline"},
                        "confirm": {
                            "title": {"type": "plain_text", "text": f"Decline {request.ref}?"},
                            "text": {"type": "mrkdwn", "text": "The requester will be told it was declined."},
                            "confirm": {"type": "plain_text", "text": "Decline"},
                            "deny": {"type": "plain_text", "text": "Keep it"},
                            "style": "danger",
                        },
                    },
                ],
            }
        )
    else:
        blocks.append(context(f"Now {request.status}. `/ta show {request.ref}` has its history."))
    return Reply(
        text=f"TA request {request.ref} ({request.status}): {escape(truncate(request.need, 100))}",
        blocks=blocks,
        ephemeral=False,
    )


def detail(
    request: TARequest,
    organisation: Organisation | None,
    history: list[TAEvent],
    organisations: dict[int, Organisation],
) -> Reply:
    """The request and its whole history; what does not fit one message (50 blocks) is a
    button away, newest events first in view."""
    blocks = [
        header(f"{request.ref}: {places_label(request.country)}"),
        fields_block(request, organisation),
        need_block(request),
        divider(),
    ]
    return Reply(
        text=f"{request.ref}: {escape(truncate(request.need, 100))}",
        blocks=blocks + history_blocks(request, history, organisations, MAX_BLOCKS - len(blocks)),
    )


def history_blocks(
    request: TARequest, history: list[TAEvent], organisations: dict[int, Organisation], room: int
) -> list[dict]:
    """The latest events that fit in `room` blocks, with a button for the ones before."""
    lines = [_event_line(event, organisations) for event in history]
    sections, first = _pack_latest(lines, room - 1)
    blocks = [section(f"*History* ({len(history)} events)")] if first == 0 else []
    blocks += [section(text) for text in sections]
    if first > 0:
        blocks.insert(
            0,
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": HISTORY_BUTTON,
                        "text": {"type": "plain_text", "text": f"{first} earlier events"},
                        "value": json.dumps({"id": request.id, "before": history[first].id}),
                    }
                ],
            },
        )
    return blocks


def _event_line(event: TAEvent, organisations: dict[int, Organisation]) -> str:
    who = mention(event.actor)
    if event.kind == "created":
        what = "logged the request"
    elif event.kind == "assigned":
        what = f"brokered it to *{org_label(organisations.get(event.organisation_id))}*"
        what += f", lead {mention(event.lead)}" if event.lead else ""
    elif event.kind == "status":
        what = f"moved it to *{event.status}*"
    elif event.kind == "reopened":
        what = f"reopened it (back to *{event.status}*)"
    elif event.kind == "edited":
        return f"• {when(event.at)} {who} {change_line(event)}"
    else:
        what = "noted"
    if event.text:
        what += f": {escape(event.text)}"
    return f"• {when(event.at)} {who} {what}"


_FIELD_NAMES = {"need": "need", "places": "country", "strategies": "strategies", "due": "due date"}


def change_line(event: TAEvent) -> str:
    """An edit as a sentence without its subject: `changed the country from Kenya to Uganda`."""
    before, after = (_shown_value(event.field, value) for value in (event.old_value, event.text))
    if event.field == "need":
        return f"changed the need to: {after} (it was: {before})"
    return f"changed the {_FIELD_NAMES[event.field]} from {before} to {after}"


def _shown_value(field: str, value: str | None) -> str:
    if field == "need":
        return escape(truncate(value or "", 300))
    if not value:
        return "none"
    if field == "places":
        return (
            " and ".join(escape(place_name(code)) for code in value.split())
            if " " not in value
            else escape(places_label(value))
        )
    if field == "strategies":
        return strategy_tags(value.split())
    return due_token(date.fromisoformat(value))


def query_title(query: ListQuery) -> str:
    """What a list shows, in words: `closed · Kenya and Uganda · #laws · org WHO`."""
    parts = [escape(query.scope) if query.scope else "" if query.flags else "open", *sorted(query.flags)]
    if query.where:
        parts.append(escape(places_label([p.code for p in query.where.places])))
    if query.strategy:
        parts.append(f"#{query.strategy}")
    if query.organisation:
        parts.append(f"org {echo(query.organisation)}")
    if query.lead:
        parts.append(f"lead {mention(query.lead)}")
    return " · ".join(part for part in parts if part)


def listing(
    requests: list[TARequest], total: int, page: int, query: ListQuery, organisations: dict[int, Organisation]
) -> Reply:
    """One page of a `/ta list`; its *Next page* button carries the query in short (list_query)."""
    title = f"*TA requests* ({query_title(query)}): {total}"
    if not requests:
        return Reply.of(f"{title}. None match." + ("" if page == 0 else " That was the last page."))
    first = page * PAGE_SIZE + 1
    blocks = [section(f"{title}, newest first; {first}–{first + len(requests) - 1} shown.")]
    blocks += [section(one_line(r, organisations.get(r.organisation_id))) for r in requests]
    if first - 1 + len(requests) < total:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": PAGE_BUTTON,
                        "text": {"type": "plain_text", "text": "Next page"},
                        "value": json.dumps({"q": list_query(query), "p": page + 1}),
                    }
                ],
            }
        )
    blocks.append(context("`/ta show <id>` for one request and its history; " + usage("/ta list") + "."))
    return Reply(text=f"{total} TA requests", blocks=blocks)


def _names(organisations: list[Organisation]) -> str:
    return ", ".join(escape(o.short_name or o.name) for o in organisations[:10]) + (
        f" and {len(organisations) - 10} more" if len(organisations) > 10 else ""
    )


def _pack_latest(lines: list[str], most: int, limit: int = SECTION_LIMIT - 100) -> tuple[list[str], int]:
    """The last lines packed into at most `most` sections, and the index of the first one in."""
    sections: list[str] = []
    first = len(lines)
    for index in range(len(lines) - 1, -1, -1):
        line = truncate(lines[index], limit)
        if sections and len(sections[0]) + 1 + len(line) <= limit:
            sections[0] = f"{line}\n{sections[0]}"
        elif len(sections) < most:
            sections.insert(0, line)
        else:
            break
        first = index
    return sections, first
