"""Reading what a form (a modal) and a button send back, checked like typed text.

Slack sends a form's fields as `state.values`: {block_id: {action_id: {"type": …, "value" or
"selected_option" or …}}}. A field that is missing, of the wrong type or tampered with
becomes a UserError for that field, which the handler shows next to it; a button whose
value is not one the bot made gets an ephemeral answer. Never an exception in a handler.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any

from pydantic import BaseModel

from bot.errors import UserError
from bot.i18n import N_, _, without_marks

ACTION_ID = "value"  # every input of the bot's forms uses this action_id
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,20}")
_NUMBER = re.compile(r"[0-9]{1,6}")

# marked here, translated where they are raised: UserError(_(NOT_OURS))
OUT_OF_DATE = N_("This form is out of date; close it and open it again.")
NOT_OURS = N_("That button is not one I made, so I did nothing.")


class FormValues:
    """One form's submitted fields, read one at a time."""

    def __init__(self, values: dict):
        self.values = values if isinstance(values, dict) else {}

    @classmethod
    def of(cls, view: dict) -> "FormValues":
        """The fields of a submitted view (`view.state.values`)."""
        state = view.get("state") if isinstance(view, dict) else None
        return cls(state.get("values") if isinstance(state, dict) else {})

    def _element(self, block: str) -> dict[str, Any]:
        element = (self.values.get(block) or {}).get(ACTION_ID) if isinstance(self.values.get(block), dict) else None
        return element if isinstance(element, dict) else {}

    def text(self, block: str) -> str:
        """A text input: "" when left empty."""
        value = self._element(block).get("value")
        if value is None:
            return ""
        if not isinstance(value, str):
            raise UserError(_("That is not text; type it again."))
        return without_marks(value)  # a form filled in Arabic keeps none of the isolates shown

    def selected(self, block: str) -> str | None:
        """A single choice's value, None when nothing is chosen."""
        option = self._element(block).get("selected_option")
        if option is None:
            return None
        if not isinstance(option, dict) or not isinstance(option.get("value"), str):
            raise UserError(_("Pick one of the choices offered."))
        return option["value"]

    def selected_many(self, block: str) -> list[str]:
        options = self._element(block).get("selected_options") or []
        if not isinstance(options, list) or not all(
            isinstance(o, dict) and isinstance(o.get("value"), str) for o in options
        ):
            raise UserError(_("Pick from the choices offered."))
        return [o["value"] for o in options]

    def date(self, block: str) -> date | None:
        """A date picker's day (Slack sends YYYY-MM-DD), None when none is picked."""
        value = self._element(block).get("selected_date")
        if not value:
            return None
        try:
            if not isinstance(value, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
                raise ValueError
            return date.fromisoformat(value)
        except ValueError:
            raise UserError(_("That is not a day on the calendar; pick one with the date picker.")) from None

    def user(self, block: str) -> str | None:
        value = self._element(block).get("selected_user")
        if value is None:
            return None
        if not isinstance(value, str) or not _USER_ID.fullmatch(value):
            raise UserError(_("Pick a member from the list."))
        return value

    def whole_number(self, block: str) -> int | None:
        """A number input without decimals, None when left empty."""
        value = self._element(block).get("value")
        if value in (None, ""):
            return None
        if not isinstance(value, str) or not _NUMBER.fullmatch(value.strip()):
            raise UserError(_("Type a whole number."))
        return int(value)


def metadata_id(view: dict) -> int:
    """The ID the bot put in a form's private_metadata when it opened it."""
    metadata = view.get("private_metadata")
    if not isinstance(metadata, str) or not _NUMBER.fullmatch(metadata):
        raise UserError(_(OUT_OF_DATE))
    return int(metadata)


class Click(BaseModel):
    """A button click: who, which button, its value, and the message it sits in."""

    user_id: str
    action_id: str
    value: str = ""
    channel_id: str | None = None
    message_ts: str | None = None
    trigger_id: str = ""
    response_url: str = ""  # to answer the one who clicked (a click in a message has one)

    @classmethod
    def of(cls, body: dict, action: dict) -> "Click":
        container = body.get("container") if isinstance(body.get("container"), dict) else {}
        value = action.get("value")
        return cls(
            user_id=body["user"]["id"],
            action_id=str(action.get("action_id", "")),
            value=value if isinstance(value, str) else "",
            channel_id=_text(container.get("channel_id")),
            message_ts=_text(container.get("message_ts")),
            trigger_id=_text(body.get("trigger_id")) or "",
            response_url=_text(body.get("response_url")) or "",
        )


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None
