"""The small grammars of changing meetings and agendas: `/meetings plan <year>`, `/meetings
edit <id> title|place|time <value>`, `/agenda add [<meeting id>] <item>` and `/agenda move
<item id> to <meeting id>`. Dates and times are read in meeting_when.py."""

from __future__ import annotations

import re

from bot.errors import UserError
from bot.i18n import N_, _
from bot.parsing.catalogue import usage
from bot.parsing.text import echo, require_ref

PLAN_USAGE = usage("/meetings plan")
EDIT_USAGE = usage("/meetings edit")
MOVE_ITEM_USAGE = usage("/agenda move")
_CONFIRM = {"confirm", "yes", "schedule"}
# what a member may call each field; "date" is a move, said so
FIELDS = {
    "title": "title", "name": "title",
    "place": "place", "venue": "place", "location": "place", "where": "place",
    "time": "time", "times": "time", "hours": "time",
}  # fmt: skip
_SAY_NEW = {"title": N_("Say the new title."), "place": N_("Say the new place."), "time": N_("Say the new time.")}
_MEETING_ID = re.compile(r"^m-?\d{1,9}$", re.IGNORECASE)  # an agenda item may begin with a number


def read_plan(text: str) -> tuple[int, bool]:
    """`2027` -> (2027, False); `2027 confirm` -> (2027, True): the typed *Schedule these*."""
    words = text.split()
    if not words or not (words[0].isascii() and words[0].isdigit() and len(words[0]) == 4):
        shown = _("“{typed}” is not a year.", typed=echo(words[0])) if words else _("Say which year.")
        raise UserError(shown, PLAN_USAGE)
    if len(words) > 2 or (len(words) == 2 and words[1].lower() not in _CONFIRM):
        shown = _("After the year I understand only `confirm`, not “{typed}”.", typed=echo(" ".join(words[1:])))
        raise UserError(shown, PLAN_USAGE)
    return int(words[0]), len(words) == 2


def read_meeting_edit(text: str) -> tuple[int, str, str]:
    """`M-3 title Q1 meeting (hybrid)` -> (3, "title", "Q1 meeting (hybrid)")."""
    parts = text.split(None, 2)
    meeting_id = require_ref(parts[0] if parts else "", "M", "a meeting", EDIT_USAGE)
    if len(parts) < 2:
        raise UserError(_("Say what to change: title, place or time."), EDIT_USAGE)
    word = parts[1].lower().rstrip(":")
    if word in ("date", "day", "when"):
        raise UserError(_("A new day is a move."), usage("/meetings move"))
    if word not in FIELDS:
        shown = _("I can change a meeting's title, place or time, not “{typed}”.", typed=echo(parts[1]))
        raise UserError(shown, EDIT_USAGE)
    if len(parts) < 3 or not parts[2].strip():
        say_new = _SAY_NEW[FIELDS[word]]
        raise UserError(_(say_new), EDIT_USAGE)
    return meeting_id, FIELDS[word], parts[2].strip()


def read_agenda_target(text: str) -> tuple[int | None, str]:
    """`M-9 Budget review (10 min)` -> (9, "Budget review (10 min)"); without an `M-` ID first
    (a bare number may begin an item: "3 priorities for 2027"), (None, text)."""
    parts = text.strip().split(None, 1)
    if len(parts) == 2 and _MEETING_ID.match(parts[0]):
        return int(parts[0].lstrip("mM-")), parts[1]
    return None, text


def read_agenda_move(text: str) -> tuple[int, int]:
    """`A-12 to M-9` (or `A-12 M-9`) -> (12, 9)."""
    words = text.split()
    if len(words) == 3 and words[1].lower() == "to":
        words = [words[0], words[2]]
    if len(words) != 2:
        raise UserError(_("Say which item and which meeting."), MOVE_ITEM_USAGE)
    return (
        require_ref(words[0], "A", "an agenda item", MOVE_ITEM_USAGE),
        require_ref(words[1], "M", "a meeting", MOVE_ITEM_USAGE),
    )
