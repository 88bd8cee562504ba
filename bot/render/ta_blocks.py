"""How TA requests look in Slack: replies, notices and the list (the forms: ta_forms.py)."""

from __future__ import annotations

import json
from datetime import date, datetime, time, timezone

from bot.domain.ta import KINDS
from bot.i18n import N_, _, ngettext, number
from bot.parsing.catalogue import usage
from bot.parsing.places import place_name, places_label
from bot.parsing.slack_text import escape, mention, truncate
from bot.parsing.ta_list_command import ListQuery, list_query
from bot.parsing.text import echo
from bot.parsing.vocabulary import status_label
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
from storage.outbox import MAIL_LANE, is_mail_lane
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
    return " ".join(f"`#{t}`" for t in tags) or _("none given")


def who(user: str, request: TARequest | None = None) -> str:
    """A person in a request's story: a member as a mention, a web requester (their mail
    lane, "mail:<email>") by the name and organisation they gave, and their address."""
    if not is_mail_lane(user):
        return mention(user)
    if request is None or not request.from_web:
        return escape(user.removeprefix(MAIL_LANE))
    return _(
        "{name}, {organisation} (web form, {email})",
        name=escape(truncate(request.requester_name or "", 100)),
        organisation=escape(truncate(request.requester_organisation or "", 100)),
        email=escape(request.requester_email or ""),
    )


def org_label(organisation: Organisation | None) -> str:
    return escape(organisation.label) if organisation else _("not yet")


def one_line(request: TARequest, organisation: Organisation | None = None) -> str:
    parts = [
        f"*{request.ref}*",
        places_label(request.country),
        f"{STATUS_ICONS[request.status]} {status_label(request.status)}",
        escape(truncate(request.need, 120)),
    ]
    if organisation:
        parts.append(f"→ {escape(organisation.short_name or organisation.name)}")
    if request.due_date:
        parts.append(_("due {due}", due=due_token(request.due_date)))
    return " · ".join(parts)


def fields_block(request: TARequest, organisation: Organisation | None) -> dict:
    kind = KINDS.get(request.kind or "")  # marked in bot/domain/ta.py
    kind = _(kind) if kind else _("not given")
    fields = [
        _("*Where*\n{places}", places=places_label(request.country)),
        _("*Status*\n{status}", status=" ".join((STATUS_ICONS[request.status], status_label(request.status)))),
        _("*Requested by*\n{who} on {when}", who=who(request.requester, request), when=when(request.created_at)),
        _("*Strategies*\n{strategies}", strategies=strategy_tags(request.strategies)),
        _("*Kind of support*\n{kind}", kind=kind),
        _("*Due*\n{due}", due=due_token(request.due_date)) if request.due_date else _("*Due*\nno date given"),
        _("*Organisation*\n{organisation}", organisation=org_label(organisation)),
        _("*Lead*\n{lead}", lead=mention(request.lead)) if request.lead else _("*Lead*\nnot yet"),
    ]
    return {"type": "section", "fields": [mrkdwn(field) for field in fields]}


def need_block(request: TARequest) -> dict:
    return section(_("*What is needed*\n{need}", need=escape(truncate(request.need, SECTION_LIMIT - 100))))


def logged(
    request: TARequest, matching: list[Organisation], corrected: tuple = (), due_problem: str | None = None
) -> Reply:
    """The requester's receipt; a place read from a typo (`corrected`: (typed, Place) pairs)
    is said, with a button to change it, and a due date that could not be read too."""
    ref, places = request.ref, places_label(request.country)
    text = _("Logged {ref}: {places}, {need}", ref=ref, places=places, need=truncate(request.need, 80))
    receipt = _(
        "Logged *{ref}*. The coordinators have been told; you will hear of every change by direct message.", ref=ref
    )
    blocks = [section(f":inbox_tray: {receipt}"), fields_block(request, None), need_block(request)]
    if corrected:
        read = "; ".join(
            _("“{typed}” as *{place}*", typed=echo(typed, 40), place=escape(place.name)) for typed, place in corrected
        )
        not_right = _("I read {corrections}. Not right?", corrections=read)
        blocks.append(section(f":mag: {not_right}"))
        blocks.append(_change_places_button(request))
    if due_problem:
        sets = _(
            "{problem} So {ref} has no due date yet: `/ta edit {ref} due <date>` sets one.",
            problem=due_problem,
            ref=ref,
        )
        blocks.append(section(f":calendar: {sets}"))
    if matching:
        blocks.append(context(_("Member organisations offering these strategies: {names}", names=_names(matching))))
    blocks.append(context(_("Add to it with `/ta note {ref} <text>`; see it with `/ta show {ref}`.", ref=ref)))
    return Reply(text=escape(text), blocks=blocks)


def _change_places_button(request: TARequest) -> dict:
    return _actions(_button(CHANGE_PLACES_BUTTON, _("Change country…"), request.ref))


def _button(action_id: str, label: str, value: str, **more) -> dict:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label},
        "value": value,
        **more,
    }


def _actions(*buttons: dict, **more) -> dict:
    return {"type": "actions", **more, "elements": list(buttons)}


def announcement(request: TARequest, organisation: Organisation | None, matching: list[Organisation]) -> Reply:
    """The coordinators' copy: buttons while it is new, then what became of it."""
    ref, status = request.ref, status_label(request.status)
    blocks = [
        header(_("TA request {ref}: {places}", ref=ref, places=places_label(request.country))),
        fields_block(request, organisation),
        need_block(request),
    ]
    if request.status == "new":
        if request.strategies:
            blocks.append(
                context(
                    _("Offering these strategies: {names}", names=_names(matching))
                    if matching
                    else _("Offering these strategies: no member organisation lists them yet")
                )
            )
        confirm = {
            "title": {"type": "plain_text", "text": truncate(_("Decline {ref}?", ref=ref), 100)},
            "text": {"type": "mrkdwn", "text": _("The requester will be told it was declined.")},
            "confirm": {"type": "plain_text", "text": _("Decline")},
            "deny": {"type": "plain_text", "text": _("Keep it")},
            "style": "danger",
        }
        assign = _button(ASSIGN_BUTTON, _("Assign…"), str(request.id), style="primary")
        decline = _button(DECLINE_BUTTON, _("Decline"), str(request.id), style="danger", confirm=confirm)
        blocks.append(_actions(assign, decline, block_id=f"ta_actions_{request.id}"))
    else:
        blocks.append(context(_("Now {status}. `/ta show {ref}` has its history.", status=status, ref=ref)))
    need = escape(truncate(request.need, 100))
    text = _("TA request {ref} ({status}): {need}", ref=ref, status=status, need=need)
    return Reply(text=text, blocks=blocks, ephemeral=False)


def detail(
    request: TARequest,
    organisation: Organisation | None,
    history: list[TAEvent],
    organisations: dict[int, Organisation],
) -> Reply:
    """The request and its whole history; what does not fit one message (50 blocks) is a
    button away, newest events first in view."""
    blocks = [
        header(_("{ref}: {places}", ref=request.ref, places=places_label(request.country))),
        fields_block(request, organisation),
        need_block(request),
        divider(),
    ]
    return Reply(
        text=_("{ref}: {need}", ref=request.ref, need=escape(truncate(request.need, 100))),
        blocks=blocks + history_blocks(request, history, organisations, MAX_BLOCKS - len(blocks)),
    )


def history_blocks(
    request: TARequest, history: list[TAEvent], organisations: dict[int, Organisation], room: int
) -> list[dict]:
    """The latest events that fit in `room` blocks, with a button for the ones before."""
    lines = [_event_line(event, organisations, request) for event in history]
    sections, first = _pack_latest(lines, room - 1)
    blocks = [section(ngettext("*History* ({n} event)", "*History* ({n} events)", len(history)))] if first == 0 else []
    blocks += [section(text) for text in sections]
    if first > 0:
        label = ngettext("{n} earlier event", "{n} earlier events", first)
        value = json.dumps({"id": request.id, "before": history[first].id})
        blocks.insert(0, _actions(_button(HISTORY_BUTTON, label, value)))
    return blocks


# (kind, with the event's note?) -> the line; "assigned-lead": assigned, with a lead
_EVENTS = {
    ("created", False): N_("{when} {who} logged the request"),
    ("created", True): N_("{when} {who} logged the request: {note}"),
    ("assigned", False): N_("{when} {who} brokered it to *{organisation}*"),
    ("assigned", True): N_("{when} {who} brokered it to *{organisation}*: {note}"),
    ("assigned-lead", False): N_("{when} {who} brokered it to *{organisation}*, lead {lead}"),
    ("assigned-lead", True): N_("{when} {who} brokered it to *{organisation}*, lead {lead}: {note}"),
    ("status", False): N_("{when} {who} moved it to *{status}*"),
    ("status", True): N_("{when} {who} moved it to *{status}*: {note}"),
    ("reopened", False): N_("{when} {who} reopened it (back to *{status}*)"),
    ("reopened", True): N_("{when} {who} reopened it (back to *{status}*): {note}"),
    ("noted", False): N_("{when} {who} noted"),
    ("noted", True): N_("{when} {who} noted: {note}"),
    ("noted-public", True): N_("{when} {who} noted, and mailed the requester: {note}"),
}


def _event_line(event: TAEvent, organisations: dict[int, Organisation], request: TARequest) -> str:
    if event.kind == "edited":
        return f"• {change_line(event)}"
    kind = event.kind if event.kind in ("created", "assigned", "status", "reopened") else "noted"
    kind = "assigned-lead" if kind == "assigned" and event.lead else kind
    kind = "noted-public" if kind == "noted" and event.public and event.text else kind
    template = _EVENTS[kind, bool(event.text)]
    line = _(
        template,
        when=when(event.at),
        who=who(event.actor, request),
        organisation=org_label(organisations.get(event.organisation_id)),
        lead=mention(event.lead) if event.lead else "",
        status=status_label(event.status or ""),
        note=escape(event.text or ""),
    )
    return f"• {line}"


# (field, told to the requester?) -> the sentence
_EDITS = {
    ("need", False): N_("{when} {who} changed the need to: {after} (it was: {before})"),
    ("need", True): N_("{who} changed the need to: {after} (it was: {before}) of your request *{ref}*."),
    ("places", False): N_("{when} {who} changed the country from {before} to {after}"),
    ("places", True): N_("{who} changed the country from {before} to {after} of your request *{ref}*."),
    ("strategies", False): N_("{when} {who} changed the strategies from {before} to {after}"),
    ("strategies", True): N_("{who} changed the strategies from {before} to {after} of your request *{ref}*."),
    ("due", False): N_("{when} {who} changed the due date from {before} to {after}"),
    ("due", True): N_("{who} changed the due date from {before} to {after} of your request *{ref}*."),
}


def change_line(event: TAEvent, ref: str | None = None) -> str:
    """An edit as a sentence: in the history (`ref` None: `<when> <who> changed the country
    from Kenya to Uganda`), or told to the requester of `ref`."""
    before, after = (_shown_value(event.field, value) for value in (event.old_value, event.text))
    values = {"who": who(event.actor), "before": before, "after": after, "ref": ref}
    template = _EDITS[event.field, ref is not None]
    return _(template, when=when(event.at), **values)


def _shown_value(field: str, value: str | None) -> str:
    if field == "need":
        return escape(truncate(value or "", 300))
    if not value:
        return _("none")
    if field == "places":
        return escape(place_name(value)) if " " not in value else escape(places_label(value))
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
    title = {"query": query_title(query), "total": number(total)}
    if not requests:
        if page == 0:
            return Reply.of(_("*TA requests* ({query}): {total}. None match.", **title))
        return Reply.of(_("*TA requests* ({query}): {total}. None match. That was the last page.", **title))
    first = page * PAGE_SIZE + 1
    shown = {"first": number(first), "last": number(first + len(requests) - 1)}
    blocks = [section(_("*TA requests* ({query}): {total}, newest first; {first}–{last} shown.", **title, **shown))]
    blocks += [section(one_line(r, organisations.get(r.organisation_id))) for r in requests]
    if first - 1 + len(requests) < total:
        blocks.append(
            _actions(_button(PAGE_BUTTON, _("Next page"), json.dumps({"q": list_query(query), "p": page + 1})))
        )
    blocks.append(context(_("`/ta show <id>` for one request and its history; {usage}.", usage=usage("/ta list"))))
    return Reply(text=ngettext("{n} TA request", "{n} TA requests", total), blocks=blocks)


def _names(organisations: list[Organisation]) -> str:
    names = ", ".join(escape(o.short_name or o.name) for o in organisations[:10])
    if len(organisations) <= 10:
        return names
    return ngettext("{names} and {n} more", "{names} and {n} more", len(organisations) - 10, names=names)


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
