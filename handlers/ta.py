"""`/ta`: technical-assistance requests, and the buttons and forms that go with them."""

from __future__ import annotations

import json
import re
from datetime import date

from slack_sdk import WebClient

from bot import ta_blocks
from bot.catalogue import BY_COMMAND
from bot.countries import find_country
from bot.dates import NotADate, parse_due_date
from bot.errors import UserError
from bot.exports import send_export
from bot.render import Reply, escape, field_error, section
from bot.services import Services
from bot.strategies import find_strategy, parse_tags
from bot.ta import KINDS, STATUS_USAGE, NewRequest
from bot.text import clean_text, echo, parse_ref, parse_user, require_ref, split_command
from handlers import help
from handlers.common import SlashCommand, button, send_to_dm_later, slash_command
from handlers.forms import NOT_OURS, Click, FormValues, metadata_id
from handlers.router import Router
from storage.organisations import Organisation
from storage.ta_requests import OPEN_STATUSES, STATUSES, TAFilter

NEW_USAGE = "`/ta new <country>: <what is needed> [#strategy …] [by <date>]`, e.g. " \
            "`/ta new Kenya: training for social workers #response by 30 March`"
LIST_USAGE = "`/ta list [open|mine|all|<status>] [<country>] [#strategy]`"
ASSIGN_USAGE = "`/ta assign <id> <organisation> [@lead]`, e.g. `/ta assign TA-7 WHO @Amina`"
NOTE_USAGE = "`/ta note <id> <text>`"
SHOW_USAGE = "`/ta show <id>`, e.g. `/ta show TA-7`"
NEED_LIMIT = 2000

# A "by …" at the end is a due date when it reads as one; when it does not, it is part of
# the need ("training by phone", "by marine police") unless it is shaped like a date
# ("by 31 Febtember", "by 31/02"), which gets an answer instead of a silent mistake.
_DUE = re.compile(r"^(?P<need>.*?)\s+by\s+(?P<due>[^:]{1,60})$", re.IGNORECASE | re.DOTALL)
_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*"
_DATE_SHAPED = re.compile(
    rf"^(?:\d{{1,4}}[/.-]\d{{1,2}}(?:[/.-]\d{{2,4}})?|\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH}(?:,?\s+\d{{2,4}})?"
    rf"|{_MONTH}\s+\d{{1,2}}(?:st|nd|rd|th)?(?:,?\s+\d{{2,4}})?)$", re.IGNORECASE)


def register(app: Router, services: Services) -> None:
    slash_command(app, "/ta", lambda cmd, client: ta(services, cmd, client))
    interactions(app, services)


def ta(services: Services, cmd: SlashCommand, client: WebClient) -> Reply | None:
    sub, rest = split_command(cmd.text)
    if sub == "":
        view = ta_blocks.request_form()
        services.open_modal(client, cmd.trigger_id, view, "the TA form", cmd.response_url)
        return None
    forms = {"help": lambda: help.family_help(BY_COMMAND["/ta"]), "new": lambda: new(services, cmd.user_id, rest),
             "list": lambda: list_requests(services, cmd.user_id, rest), "show": lambda: show(services, rest),
             "assign": lambda: assign(services, cmd.user_id, rest), "status": lambda: status(services, cmd.user_id, rest),
             "note": lambda: note(services, cmd.user_id, rest), "export": lambda: export(services, cmd, client)}
    if sub not in forms:
        raise UserError(f"`/ta {echo(sub)}` is not a form I know.", hint="`/ta help` lists every form with an example.")
    return forms[sub]()


# --- the forms ---------------------------------------------------------------------------


def new(services: Services, requester: str, text: str) -> Reply:
    request = services.ta.log(parse_new(services, text), requester)
    return ta_blocks.logged(request, services.ta.matching_organisations(request))


def parse_new(services: Services, text: str) -> NewRequest:
    country_text, colon, rest = text.partition(":")
    if not colon or not country_text.strip():
        raise UserError("Start with the country and a colon, then what is needed.", NEW_USAGE)
    country = find_country(country_text, usage=NEW_USAGE)
    rest, strategies = parse_tags(rest, usage=NEW_USAGE)
    rest, due = _due_date(services, rest)
    need = clean_text(rest, what="description of what is needed", limit=NEED_LIMIT, usage=NEW_USAGE)
    return NewRequest(country=country.code, need=need, strategies=[s.tag for s in strategies], due_date=due)


def _due_date(services: Services, text: str) -> tuple[str, date | None]:
    """(the need without its "by <date>", the date), or (the text as it was, None)."""
    match = _DUE.match(text.strip())
    if not match:
        return text, None
    try:
        due = parse_due_date(match.group("due"), services.settings.timezone, services.storage.clock())
    except NotADate:
        if _DATE_SHAPED.match(match.group("due").strip()):
            raise
        return text, None
    return match.group("need"), due


def list_requests(services: Services, asker: str, text: str, page: int = 0) -> Reply:
    wanted = parse_list(text, asker)
    requests, total = services.ta_requests.search(wanted, ta_blocks.PAGE_SIZE, page * ta_blocks.PAGE_SIZE)
    organisations = {o.id: o for o in services.organisations.list()}
    return ta_blocks.listing(requests, total, page, list_query(wanted), organisations)


def list_query(wanted: TAFilter) -> str:
    """The filter as `/ta list` would read it again (`all KE #laws`): what the *Next page*
    button carries, short by construction however the member typed it (a country's code,
    one status word, one tag), so the button stays within Slack's 2,000 characters."""
    if wanted.involving:
        scope = "mine"
    elif wanted.statuses is None:
        scope = "all"
    elif wanted.statuses == OPEN_STATUSES:
        scope = "open"
    else:
        scope = wanted.statuses[0]
    return " ".join(part for part in (scope, wanted.country, wanted.strategy and f"#{wanted.strategy}") if part)


def parse_list(text: str, asker: str) -> TAFilter:
    rest, strategies = parse_tags(text, usage=LIST_USAGE)
    scope, _, country_text = rest.strip().partition(" ")
    statuses, involving = OPEN_STATUSES, None
    if scope.lower() == "all":
        statuses = None
    elif scope.lower() == "mine":
        statuses, involving = None, asker
    elif scope.lower() in STATUSES:
        statuses = (scope.lower(),)
    elif scope.lower() != "open":
        country_text = rest  # no scope given: all of it names the country
    country = find_country(country_text, usage=LIST_USAGE).code if country_text.strip() else None
    if len(strategies) > 1:
        raise UserError("Give one strategy to filter by.", LIST_USAGE)
    return TAFilter(statuses=statuses, involving=involving, country=country,
                    strategy=strategies[0].tag if strategies else None)


def show(services: Services, text: str) -> Reply:
    request = services.ta.get(_request_id(text, SHOW_USAGE))
    organisations = {o.id: o for o in services.organisations.list()}
    return ta_blocks.detail(request, organisations.get(request.organisation_id),
                            services.ta_requests.history(request.id), organisations)


def assign(services: Services, actor: str, text: str) -> Reply:
    ref, _, rest = text.strip().partition(" ")
    request_id = _request_id(ref, ASSIGN_USAGE)
    services.require_coordinator(actor, "assign requests")
    words = rest.split()
    lead = parse_user(words[-1]) if words else None
    organisation = _one_organisation(services, " ".join(words[:-1] if lead else words))
    request = services.ta.assign(actor, request_id, organisation, lead)
    return Reply.of(f"{request.ref} is assigned to *{escape(organisation.label)}*"
                    + (f", lead <@{lead}>" if lead else "") + ". The requester has been told.", ":handshake:")


def status(services: Services, actor: str, text: str) -> Reply:
    parts = text.strip().split(maxsplit=2)
    if len(parts) < 2:
        raise UserError("Say which request and its new status.", STATUS_USAGE)
    request_id = _request_id(parts[0], STATUS_USAGE)
    note = clean_text(parts[2], what="note", limit=NEED_LIMIT, usage=STATUS_USAGE) if len(parts) > 2 else None
    request = services.ta.move(actor, request_id, parts[1].lower(), note)
    return Reply.of(f"{request.ref} is now *{request.status}*.", ta_blocks.STATUS_ICONS[request.status])


def note(services: Services, actor: str, text: str) -> Reply:
    ref, _, rest = text.strip().partition(" ")
    request_id = _request_id(ref, NOTE_USAGE)
    body = clean_text(rest, what="note", limit=NEED_LIMIT, usage=NOTE_USAGE)
    request = services.ta.note(actor, request_id, body)
    return Reply.of(f"Noted on {request.ref}.", ":memo:")


def export(services: Services, cmd: SlashCommand, client: WebClient) -> Reply:
    services.require_coordinator(cmd.user_id, "export the requests")
    send_to_dm_later(services, cmd.response_url, lambda: send_export(services, client, cmd.user_id), "the CSV export")
    return Reply.of("The CSV of every TA request is on its way to your direct messages.", ":outbox_tray:")


def _request_id(token: str, usage: str) -> int:
    return require_ref(token, "TA", "a request", usage)


def _one_organisation(services: Services, name: str) -> Organisation:
    if not name.strip():
        raise UserError("Name the member organisation.", ASSIGN_USAGE, "`/iwg orgs` lists them.")
    found = services.organisations.match(clean_text(name, what="organisation", limit=200))
    if not found:
        raise UserError(f"No member organisation is called “{echo(name)}”.", ASSIGN_USAGE, "`/iwg orgs` lists them.")
    if len(found) > 1:
        names = ", ".join(escape(o.short_name or o.name) for o in found[:8])
        raise UserError(f"“{echo(name)}” could be {names}: type more of the name.", ASSIGN_USAGE)
    return found[0]


# --- buttons and forms -------------------------------------------------------------------


def interactions(app: Router, services: Services) -> None:
    button(app, services, ta_blocks.ASSIGN_BUTTON, lambda click, client: assign_button(services, click, client))
    button(app, services, ta_blocks.DECLINE_BUTTON, lambda click, client: decline_button(services, click))
    button(app, services, ta_blocks.PAGE_BUTTON, lambda click, client: next_page(services, click),
           replace_original=True)
    button(app, services, ta_blocks.HISTORY_BUTTON, lambda click, client: earlier_history(services, click))

    @app.view(ta_blocks.REQUEST_FORM)
    def request_submitted(ack, body, view):
        new_request, errors = read_request_form(services, FormValues.of(view))
        if errors:
            ack(response_action="errors", errors=errors)
            return
        services.ta.log(new_request, body["user"]["id"], confirm=True)
        ack()

    @app.view(ta_blocks.ASSIGN_FORM)
    def assign_submitted(ack, body, view):
        errors = submit_assign_form(services, body["user"]["id"], view)
        if errors:
            ack(response_action="errors", errors=errors)
        else:
            ack()


def _button_request(click: Click) -> int:
    """The request a TA button is for. Assign and Decline need a coordinator whatever the
    message they sit in (an announcement, or a digest), so the value alone decides."""
    request_id = parse_ref(click.value, "TA")
    if request_id is None:
        raise UserError(NOT_OURS)
    return request_id


def assign_button(services: Services, click: Click, client: WebClient) -> None:
    services.require_coordinator(click.user_id, "assign requests")
    request = services.ta.get(_button_request(click))
    if request.status != "new":
        raise UserError(f"{request.ref} is already {request.status}; "
                        f"`/ta assign {request.ref} <organisation> [@lead]` reassigns it.")
    view = ta_blocks.assign_form(request, services.organisations.list(), services.ta.matching_organisations(request))
    services.open_modal(client, click.trigger_id, view, "the assign form", click.response_url)


def decline_button(services: Services, click: Click) -> Reply:
    request = services.ta.move(click.user_id, _button_request(click), "declined", None)
    return Reply.of(f"{request.ref} is declined; the requester has been told.", ":no_entry_sign:")


def next_page(services: Services, click: Click) -> Reply:
    try:
        wanted = json.loads(click.value)
        query, page = wanted["q"], wanted["p"]
        if not (isinstance(query, str) and isinstance(page, int) and 0 < page < 10_000):
            raise ValueError
    except (ValueError, TypeError, KeyError):
        raise UserError(NOT_OURS) from None
    return list_requests(services, click.user_id, query, page)


def earlier_history(services: Services, click: Click) -> Reply:
    try:
        wanted = json.loads(click.value)
        request_id, before = int(wanted["id"]), int(wanted["before"])
    except (ValueError, TypeError, KeyError):
        raise UserError(NOT_OURS) from None
    request = services.ta.get(request_id)
    earlier = [e for e in services.ta_requests.history(request.id) if e.id < before]
    organisations = {o.id: o for o in services.organisations.list()}
    blocks = [section(f"*{request.ref}*: earlier history")]
    blocks += ta_blocks.history_blocks(request, earlier, organisations, ta_blocks.MAX_BLOCKS - 1)
    return Reply(text=f"{request.ref}: earlier history", blocks=blocks)


def submit_assign_form(services: Services, actor: str, view: dict) -> dict[str, str]:
    """Assign as the form says; {} when done, else the errors to show by field."""
    values = FormValues.of(view)
    try:
        request_id = metadata_id(view)
        chosen = values.selected("organisation")
        organisation = services.organisations.get(int(chosen)) if chosen and chosen.isdigit() else None
        if organisation is None:
            raise UserError("Pick one of the organisations listed." if not chosen or not chosen.isdigit()
                            else "That organisation is no longer listed; pick another.")
    except UserError as refusal:
        return {"organisation": field_error(refusal.problem)}
    try:
        lead = values.user("lead")
    except UserError as refusal:
        return {"lead": field_error(refusal.problem)}
    try:
        services.ta.assign(actor, request_id, organisation, lead, only_new=True)
    except UserError as refusal:
        return {"organisation": field_error(refusal.problem)}
    return {}


def read_request_form(services: Services, values: FormValues) -> tuple[NewRequest | None, dict[str, str]]:
    """The modal's fields, each checked on its own: (the request, {}) or (None, errors by field)."""
    errors: dict[str, str] = {}

    def field(block: str, read):
        try:
            return read()
        except UserError as problem:
            errors[block] = field_error(problem.problem)
            return None

    country = field("country", lambda: find_country(values.text("country")))
    need = field("need", lambda: clean_text(values.text("need"), what="description", limit=NEED_LIMIT))
    strategies = field("strategies", lambda: [find_strategy(tag).tag for tag in values.selected_many("strategies")])
    kind = field("kind", lambda: _kind(values.selected("kind")))
    due = field("due", lambda: _form_date(services, values.date("due")))
    if errors:
        return None, errors
    return NewRequest(country=country.code, need=need, strategies=strategies, kind=kind, due_date=due), {}


def _kind(value: str | None) -> str | None:
    if value is not None and value not in KINDS:
        raise UserError("Pick one of the kinds offered.")
    return value


def _form_date(services: Services, due: date | None) -> date | None:
    if due is None:
        return None
    today = services.storage.clock().astimezone(services.settings.timezone).date()
    if due < today:
        raise UserError("That date has passed; pick today or later.")
    return due
