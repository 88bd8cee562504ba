"""The TA forms (modals): a new request, and assigning one to a member organisation."""

from __future__ import annotations

from bot.domain.ta import KINDS
from bot.i18n import N_, _
from bot.parsing.places import places_label
from bot.parsing.slack_text import truncate
from bot.parsing.strategies import STRATEGIES
from bot.render.blocks import section
from bot.render.ta_blocks import one_line
from storage.organisations import Organisation
from storage.ta_requests import TARequest

REQUEST_FORM = "ta_request_form"
ASSIGN_FORM = "ta_assign_form"
PLACES_FORM = "ta_places_form"


PLACES_HINT = N_("English names or ISO codes: Kenya, or Kenya, Uganda and Tanzania, or Eastern Africa, or Global")
TITLE_LIMIT = 24  # characters of a modal's title, submit and close labels (Slack refuses more)


def request_form() -> dict:
    """The modal a bare `/ta` opens."""

    def option(value: str, label: str) -> dict:
        return {"text": {"type": "plain_text", "text": truncate(label, 75)}, "value": value}

    return {
        "type": "modal",
        "callback_id": REQUEST_FORM,
        "title": _plain(_("New TA request")),
        "submit": _plain(_("Log request")),
        "close": _plain(_("Cancel")),
        "blocks": [
            {
                "type": "input",
                "block_id": "country",
                "label": {"type": "plain_text", "text": _("Country or region")},
                "hint": {"type": "plain_text", "text": _(PLACES_HINT)},
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 300},
            },
            {
                "type": "input",
                "block_id": "need",
                "label": {"type": "plain_text", "text": _("What is needed")},
                "element": {"type": "plain_text_input", "action_id": "value", "multiline": True, "max_length": 2000},
            },
            {
                "type": "input",
                "block_id": "strategies",
                "optional": True,
                "label": {"type": "plain_text", "text": _("INSPIRE strategies")},
                "element": {
                    "type": "multi_static_select",
                    "action_id": "value",
                    "placeholder": {"type": "plain_text", "text": _("Choose any that apply")},
                    "options": [option(s.tag, s.name) for s in STRATEGIES],
                },
            },
            {
                "type": "input",
                "block_id": "kind",
                "optional": True,
                "label": {"type": "plain_text", "text": _("Kind of support")},
                "element": {
                    "type": "static_select",
                    "action_id": "value",
                    "options": [option(k, _(label)) for k, label in KINDS.items()],
                },
            },
            {
                "type": "input",
                "block_id": "due",
                "optional": True,
                "label": {"type": "plain_text", "text": _("Needed by")},
                "element": {"type": "datepicker", "action_id": "value"},
            },
        ],
    }


def assign_form(request: TARequest, organisations: list[Organisation], matching: list[Organisation]) -> dict:
    """The modal the Assign button opens: organisation (best matches first) and lead."""
    first = list(matching) + [o for o in organisations if o not in matching]
    # Slack's menus take 100 options: the best matches come first (the group has ~25)
    options = [{"text": {"type": "plain_text", "text": truncate(o.label, 75)}, "value": str(o.id)} for o in first[:100]]
    return _about(
        request,
        ASSIGN_FORM,
        _("Assign {ref}", ref=request.ref),
        _("Assign"),
        [
            {
                "type": "input",
                "block_id": "organisation",
                "label": {"type": "plain_text", "text": _("Member organisation")},
                "element": {"type": "static_select", "action_id": "value", "options": options},
            },
            {
                "type": "input",
                "block_id": "lead",
                "optional": True,
                "label": {"type": "plain_text", "text": _("Lead person")},
                "element": {"type": "users_select", "action_id": "value"},
            },
        ],
    )


def _about(request: TARequest, callback_id: str, title: str, submit: str, fields: list[dict]) -> dict:
    """A modal about one request: its line on top, then `fields`; the request's ID rides along."""
    return {
        "type": "modal",
        "callback_id": callback_id,
        "private_metadata": str(request.id),
        "title": _plain(title),
        "submit": _plain(submit),
        "close": _plain(_("Cancel")),
        "blocks": [section(one_line(request)), *fields],
    }


def places_form(request: TARequest) -> dict:
    """The modal *Change country…* opens: the places, as they read now, to correct."""
    return _about(
        request,
        PLACES_FORM,
        _("Change {ref}", ref=request.ref),
        _("Save"),
        [
            {
                "type": "input",
                "block_id": "country",
                "label": {"type": "plain_text", "text": _("Country or region")},
                "hint": {"type": "plain_text", "text": _(PLACES_HINT)},
                "element": {
                    "type": "plain_text_input",
                    "action_id": "value",
                    "max_length": 300,
                    "initial_value": truncate(places_label(request.country), 300),
                },
            },
        ],
    )


def _plain(text: str) -> dict:
    """A modal's title or button label, cut to what Slack takes (a translation may be longer)."""
    return {"type": "plain_text", "text": truncate(text, TITLE_LIMIT)}
