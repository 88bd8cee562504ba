"""`/ta`: technical-assistance requests, and the buttons and forms that go with them."""

from __future__ import annotations

import json
from datetime import date

from slack_sdk import WebClient

from bot.domain.organisations import candidates
from bot.domain.ta import KINDS
from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.outbound.after_ack import File
from bot.outbound.names import display_names
from bot.parsing.catalogue import BY_COMMAND
from bot.parsing.places import read_where
from bot.parsing.slack_text import escape, mention
from bot.parsing.strategies import find_strategy
from bot.parsing.ta_command import (
    ASSIGN_USAGE,
    NEED_LIMIT,
    SHOW_USAGE,
    Edit,
    NewRequest,
    parse_new,
    read_assign,
    read_edit,
    read_note,
    read_reopen,
    read_status,
    request_id,
)
from bot.parsing.ta_list_command import parse_list
from bot.parsing.text import clean_text, echo, parse_ref, split_command
from bot.parsing.vocabulary import status_label
from bot.render import csv_export, ta_blocks, ta_forms
from bot.render.blocks import Reply, field_error, section
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, button, form, slash_command
from handlers.home import refresh_home
from handlers.interactions import NOT_OURS, Click, FormValues, metadata_id
from handlers.router import Router
from storage.organisations import Organisation
from storage.outbox import is_mail_lane


def register(app: Router, services: Services) -> None:
    slash_command(app, "/ta", lambda cmd, client: ta(services, cmd, client))
    button(app, services, ta_blocks.ASSIGN_BUTTON, lambda click, client: assign_button(services, click, client))
    button(app, services, ta_blocks.DECLINE_BUTTON, lambda click, client: decline_button(services, click))
    button(
        app, services, ta_blocks.PAGE_BUTTON, lambda click, client: next_page(services, click), replace_original=True
    )
    button(app, services, ta_blocks.HISTORY_BUTTON, lambda click, client: earlier_history(services, click))
    button(
        app,
        services,
        ta_blocks.CHANGE_PLACES_BUTTON,
        lambda click, client: change_places_button(services, click, client),
    )
    form(app, ta_forms.REQUEST_FORM, lambda user, view: submit_request_form(services, user, view))
    form(
        app,
        ta_forms.ASSIGN_FORM,
        lambda user, view: submit_assign_form(services, user, view),
        then=lambda user, client: refresh_home(services, client, user),  # its Needs you, if opened there
    )
    form(app, ta_forms.PLACES_FORM, lambda user, view: submit_places_form(services, user, view))


def ta(services: Services, cmd: SlashCommand, client: WebClient) -> Reply | None:
    sub, rest = split_command(cmd.text)
    if sub == "":
        view = ta_forms.request_form()
        services.after_ack.open_form(client, cmd.trigger_id, view, "the TA form", cmd.response_url)
        return None
    subcommands = {
        "help": lambda: help.family_help(BY_COMMAND["/ta"]),
        "new": lambda: new(services, cmd.user_id, rest),
        "list": lambda: list_requests(services, cmd.user_id, rest),
        "show": lambda: show(services, rest),
        "assign": lambda: assign(services, cmd.user_id, rest),
        "status": lambda: status(services, cmd.user_id, rest),
        "note": lambda: note(services, cmd.user_id, rest),
        "edit": lambda: edit(services, cmd.user_id, rest),
        "reopen": lambda: reopen(services, cmd.user_id, rest),
        "export": lambda: export(services, cmd, client),
    }
    if sub not in subcommands:
        raise UserError(
            _("`/ta {sub}` is not a form I know.", sub=echo(sub)),
            hint=_("`/ta help` lists every form with an example."),
        )
    return subcommands[sub]()


# --- the subcommands ---------------------------------------------------------------------


def new(services: Services, requester: str, text: str) -> Reply:
    new_request = parse_new(text, services.settings.timezone, services.storage.clock())
    request = services.ta_service.log(new_request, requester)
    matching = services.ta_service.matching_organisations(request)
    return ta_blocks.logged(request, matching, new_request.corrected, new_request.due_problem)


def list_requests(services: Services, asker: str, text: str, page: int = 0) -> Reply:
    query = parse_list(text, asker)
    wanted = services.ta_service.search(query, asker, services.storage.clock(), services.settings.timezone)
    requests, total = services.ta_requests.search(wanted, ta_blocks.PAGE_SIZE, page * ta_blocks.PAGE_SIZE)
    organisations = services.organisations.every()  # removed ones too: closed requests name them
    return ta_blocks.listing(requests, total, page, query, organisations)


def show(services: Services, text: str) -> Reply:
    request = services.ta_service.get(request_id(text, SHOW_USAGE))
    organisations = services.organisations.every()  # removed ones too: closed requests name them
    return ta_blocks.detail(
        request, organisations.get(request.organisation_id), services.ta_requests.history(request.id), organisations
    )


def assign(services: Services, actor: str, text: str) -> Reply:
    wanted, name, lead = read_assign(text)
    services.require_coordinator(actor, "assign requests")
    organisation = _one_organisation(services, name)
    request = services.ta_service.assign(actor, wanted, organisation, lead)
    values = {"ref": request.ref, "organisation": escape(organisation.label)}
    if lead:
        text = _(
            "{ref} is assigned to *{organisation}*, lead {lead}. The requester has been told.",
            lead=mention(lead),
            **values,
        )
    else:
        text = _("{ref} is assigned to *{organisation}*. The requester has been told.", **values)
    return Reply.of(text, ":handshake:")


def status(services: Services, actor: str, text: str) -> Reply:
    wanted, new_status, note = read_status(text)
    request = services.ta_service.move(actor, wanted, new_status, note)
    text = _("{ref} is now *{status}*.", ref=request.ref, status=status_label(request.status))
    return Reply.of(text, ta_blocks.STATUS_ICONS[request.status])


def note(services: Services, actor: str, text: str) -> Reply:
    wanted, body, public = read_note(text)
    request = services.ta_service.note(actor, wanted, body, public)
    if request.from_web:
        return _noted_web(request, actor, public)
    told = (request.requester != actor, request.lead not in (None, actor, request.requester))  # requester, lead
    if told == (True, True):
        text = _("Noted on {ref}. The requester and the lead have been told.", ref=request.ref)
    elif told == (True, False):
        text = _("Noted on {ref}. The requester has been told.", ref=request.ref)
    elif told == (False, True):
        text = _("Noted on {ref}. The lead has been told.", ref=request.ref)
    else:
        text = _("Noted on {ref}.", ref=request.ref)
    return Reply.of(text, ":memo:")


def _noted_web(request, actor: str, public: bool) -> Reply:
    """A note on a request from the web page: whether its requester was mailed it."""
    lead = request.lead not in (None, actor)
    if public:
        text = _("Noted on {ref}, and mailed to the requester.", ref=request.ref)
        if lead:
            text = _("Noted on {ref}, and mailed to the requester. The lead has been told.", ref=request.ref)
    elif lead:
        text = _(
            "Noted on {ref}. The lead has been told; the requester is not (`/ta note {ref} public …` mails them).",
            ref=request.ref,
        )
    else:
        text = _("Noted on {ref}. The requester is not told (`/ta note {ref} public …` mails them).", ref=request.ref)
    return Reply.of(text, ":memo:")


def edit(services: Services, actor: str, text: str) -> Reply:
    wanted, change = read_edit(text, services.settings.timezone, services.storage.clock())
    request = services.ta_service.edit(actor, wanted, change)
    if request.requester == actor:
        text = _("{ref} is corrected.", ref=request.ref)
    else:
        text = _("{ref} is corrected. The requester has been told.", ref=request.ref)
    reply = Reply.of(text, ":pencil2:")
    return Reply(text=reply.text, blocks=[*reply.blocks, section(ta_blocks.one_line(request))])


def reopen(services: Services, actor: str, text: str) -> Reply:
    wanted, why = read_reopen(text)
    request = services.ta_service.reopen(actor, wanted, why)
    values = {"ref": request.ref, "status": status_label(request.status)}
    if request.requester == actor:
        text = _("{ref} is reopened: back to *{status}*.", **values)
    else:
        text = _("{ref} is reopened: back to *{status}*. The requester has been told.", **values)
    return Reply.of(text, ":recycle:")


def export(services: Services, cmd: SlashCommand, client: WebClient) -> Reply:
    services.require_coordinator(cmd.user_id, "export the requests")
    make = lambda: export_file(services, client)  # noqa: E731
    services.after_ack.send_file(client, cmd.user_id, make, "the CSV export", cmd.response_url)
    return Reply.of(_("The CSV of every TA request is on its way to your direct messages."), ":outbox_tray:")


def export_file(services: Services, client: WebClient) -> File:
    """Every request as CSV, made after the ack (100,000 requests take about 2 s); each
    person's name is asked of Slack once (names are cached per process)."""
    rows = services.ta_requests.export_rows()
    people = {row["requester"] for row in rows} | {row["lead"] for row in rows if row["lead"]}
    people |= {note.actor for row in rows for note in row["notes"]}
    names = display_names(client, {person for person in people if not is_mail_lane(person)})
    day = services.storage.clock().astimezone(services.settings.timezone).date().isoformat()
    return File(
        filename=f"iwg-ta-requests-{day}.csv",
        title=_("IWG TA requests, {day}", day=day),
        content=csv_export.requests_csv(rows, names),
        comment=ngettext("All {n} TA request, as of today.", "All {n} TA requests, as of today.", len(rows)),
    )


def _one_organisation(services: Services, name: str) -> Organisation:
    if not name.strip():
        raise UserError(_("Name the member organisation."), ASSIGN_USAGE, _("`/iwg orgs` lists them."))
    found = candidates(services.organisations, clean_text(name, what="organisation", limit=200))
    if not found:
        problem = _("No member organisation is called “{name}”.", name=echo(name))
        raise UserError(problem, ASSIGN_USAGE, _("`/iwg orgs` lists them."))
    if len(found) > 1:
        names = ", ".join(escape(o.short_name or o.name) for o in found[:8])
        raise UserError(
            _("“{name}” could be {names}: type more of the name.", name=echo(name), names=names), ASSIGN_USAGE
        )
    return found[0]


# --- buttons and forms -------------------------------------------------------------------


def _button_request(click: Click) -> int:
    """The request a TA button is for. Assign and Decline need a coordinator whatever the
    message they sit in (an announcement, or a digest), so the value alone decides."""
    request_id = parse_ref(click.value, "TA")
    if request_id is None:
        raise UserError(_(NOT_OURS))
    return request_id


def assign_button(services: Services, click: Click, client: WebClient) -> None:
    services.require_coordinator(click.user_id, "assign requests")
    request = services.ta_service.get(_button_request(click))
    if request.status != "new":
        raise UserError(
            _(
                "{ref} is already {status}; `/ta assign {ref} <organisation> [@lead]` reassigns it.",
                ref=request.ref,
                status=status_label(request.status),
            )
        )
    view = ta_forms.assign_form(
        request, services.organisations.list(), services.ta_service.matching_organisations(request)
    )
    services.after_ack.open_form(client, click.trigger_id, view, "the assign form", click.response_url)


def decline_button(services: Services, click: Click) -> Reply:
    request = services.ta_service.move(click.user_id, _button_request(click), "declined", None)
    return Reply.of(_("{ref} is declined; the requester has been told.", ref=request.ref), ":no_entry_sign:")


def next_page(services: Services, click: Click) -> Reply:
    try:
        wanted = json.loads(click.value)
        query, page = wanted["q"], wanted["p"]
        if not (isinstance(query, str) and isinstance(page, int) and 0 < page < 10_000):
            raise ValueError
    except (ValueError, TypeError, KeyError):
        raise UserError(_(NOT_OURS)) from None
    return list_requests(services, click.user_id, query, page)


def earlier_history(services: Services, click: Click) -> Reply:
    try:
        wanted = json.loads(click.value)
        request_id, before = int(wanted["id"]), int(wanted["before"])
    except (ValueError, TypeError, KeyError):
        raise UserError(_(NOT_OURS)) from None
    request = services.ta_service.get(request_id)
    earlier = [e for e in services.ta_requests.history(request.id) if e.id < before]
    organisations = services.organisations.every()  # removed ones too: closed requests name them
    blocks = [section(_("*{ref}*: earlier history", ref=request.ref))]
    blocks += ta_blocks.history_blocks(request, earlier, organisations, ta_blocks.MAX_BLOCKS - 1)
    return Reply(text=_("{ref}: earlier history", ref=request.ref), blocks=blocks)


def change_places_button(services: Services, click: Click, client: WebClient) -> None:
    """*Change country…* under a receipt that read a typo: the places form, for those who may."""
    request = services.ta_service.get(_button_request(click))
    services.ta_service.may_edit(click.user_id, request)
    view = ta_forms.places_form(request)
    services.after_ack.open_form(client, click.trigger_id, view, "the change form", click.response_url)


def submit_places_form(services: Services, actor: str, view: dict) -> dict[str, str]:
    """Correct the places as the form says; {} when done (or nothing changed), else the error."""
    try:
        where = read_where(FormValues.of(view).text("country"), correct=False)
        request = services.ta_service.get(metadata_id(view))
        if where.codes != request.country:
            services.ta_service.edit(actor, request.id, Edit("places", where=where))
    except UserError as refusal:
        return {"country": field_error(refusal.problem)}
    return {}


def submit_assign_form(services: Services, actor: str, view: dict) -> dict[str, str]:
    """Assign as the form says; {} when done, else the errors to show by field."""
    values = FormValues.of(view)
    try:
        request_id = metadata_id(view)
        chosen = values.selected("organisation")
        organisation = services.organisations.get(int(chosen)) if chosen and chosen.isdigit() else None
        if organisation is None or organisation.removed:
            raise UserError(
                _("Pick one of the organisations listed.")
                if not chosen or not chosen.isdigit()
                else _("That organisation is no longer listed; pick another.")
            )
    except UserError as refusal:
        return {"organisation": field_error(refusal.problem)}
    try:
        lead = values.user("lead")
    except UserError as refusal:
        return {"lead": field_error(refusal.problem)}
    try:
        services.ta_service.assign(actor, request_id, organisation, lead, only_new=True)
    except UserError as refusal:
        return {"organisation": field_error(refusal.problem)}
    return {}


def submit_request_form(services: Services, requester: str, view: dict) -> dict[str, str]:
    """Log the request the form describes, telling the requester in a DM (the form closes
    without a reply); {} when done, else the errors to show by field."""
    new_request, errors = read_request_form(services, FormValues.of(view))
    if not errors:
        services.ta_service.log(new_request, requester, confirm=True)
    return errors


def read_request_form(services: Services, values: FormValues) -> tuple[NewRequest | None, dict[str, str]]:
    """The modal's fields, each checked on its own: (the request, {}) or (None, errors by field)."""
    errors: dict[str, str] = {}

    def field(block: str, read):
        try:
            return read()
        except UserError as problem:
            errors[block] = field_error(problem.problem)
            return None

    where = field("country", lambda: read_where(values.text("country"), correct=False))
    need = field("need", lambda: clean_text(values.text("need"), what="description", limit=NEED_LIMIT))
    strategies = field("strategies", lambda: [find_strategy(tag).tag for tag in values.selected_many("strategies")])
    kind = field("kind", lambda: _kind(values.selected("kind")))
    due = field("due", lambda: _form_date(services, values.date("due")))
    if errors:
        return None, errors
    return NewRequest(places=where.codes, need=need, strategies=strategies, kind=kind, due_date=due), {}


def _kind(value: str | None) -> str | None:
    if value is not None and value not in KINDS:
        raise UserError(_("Pick one of the kinds offered."))
    return value


def _form_date(services: Services, due: date | None) -> date | None:
    if due is None:
        return None
    today = services.storage.clock().astimezone(services.settings.timezone).date()
    if due < today:
        raise UserError(_("That date has passed; pick today or later."))
    return due
