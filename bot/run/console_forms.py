"""Filling in a modal in the console, one field at a time.

When the bot opens a modal (`views.open`), the console has no form to show: it asks for each
input block in turn, by its label, and takes the typed line as that field's answer. What it
produces is the `view.state.values` Slack would send with the `view_submission`, in Slack's
shapes, so the app's real form handler judges it, errors and all. Refused here is only what
Slack's own widgets would not let through (a required field left empty, a text over its
`max_length`, a choice not offered, a day not on the calendar). No I/O: the console prints the
questions and reads the lines.

How a line is read (the console's help quotes this):
- Enter on a blank line keeps the value the field has now (its initial value, or your earlier
  answer when the form is asked again); with none, an optional field is left empty and a
  required one is refused.
- `-` leaves an optional field empty, even one that had a value.
- Text: as typed. In a multi-line field, type `\\n` for a line break.
- A choice: its number, its name (any case, accents optional), the start of its name, or its value.
- Several choices: numbers or names separated by commas, e.g. `1, 3` or `Parent, Income`.
- A date: 2027-03-30, 30 March 2027, March 30 2027 (or Mar), today or tomorrow.
- A member: their name, or @ and their member ID (@U0123ABCD, <@U0123ABCD>).
- A number: digits (a decimal point only where the field allows one), within its limits.
"""

from __future__ import annotations

import dataclasses
import re
import unicodedata
from collections.abc import Callable
from datetime import date, datetime, timedelta
from decimal import Decimal

from bot.parsing.slack_text import truncate
from bot.parsing.text import parse_user

TEXT = {"plain_text_input", "email_text_input", "url_text_input"}
ONE = {"static_select", "radio_buttons"}
MANY = {"multi_static_select", "checkboxes"}
# each kind's answer in `state.values`, and where its element keeps an initial value
_KEYS = {
    **dict.fromkeys(TEXT | {"number_input"}, ("value", "initial_value")),
    **dict.fromkeys(ONE, ("selected_option", "initial_option")),
    **dict.fromkeys(MANY, ("selected_options", "initial_options")),
    "datepicker": ("selected_date", "initial_date"),
    "users_select": ("selected_user", "initial_user"),
}
KNOWN = set(_KEYS)
_DATE_FORMATS = ("%Y-%m-%d", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")
_ONE_LINE = 100  # options that fit on one line this long are listed on one line


class _Problem(ValueError):
    """A line that cannot be the field's answer; its message is shown and the field asked again."""


@dataclasses.dataclass
class Field:
    """One input block of the modal, as the console asks for it."""

    block_id: str
    action_id: str
    label: str
    kind: str  # the element's type
    optional: bool = False
    hint: str = ""
    options: list[tuple[str, str]] = dataclasses.field(default_factory=list)  # (value, label)
    element: dict = dataclasses.field(default_factory=dict)  # the raw element


def text_of(obj: object) -> str:
    """The text of a Block Kit text object ("" if there is none)."""
    return str(obj.get("text") or "") if isinstance(obj, dict) else ""


def _choices(element: dict) -> list[dict]:
    """A select's options, those in `option_groups` too, in the order a person sees them."""
    groups = element.get("option_groups") or []
    return list(element.get("options") or []) + [o for g in groups for o in g.get("options") or []]


def _field(block: dict) -> Field:
    element = block.get("element") or {}
    return Field(
        block_id=block.get("block_id", ""),
        action_id=element.get("action_id", ""),
        label=text_of(block.get("label")),
        kind=element.get("type", ""),
        optional=bool(block.get("optional")),
        hint=text_of(block.get("hint")) or text_of(element.get("placeholder")),
        options=[(o.get("value", ""), text_of(o.get("text"))) for o in _choices(element)],
        element=element,
    )


def _intro(block: dict) -> str:
    """What a section, header or context block says, mrkdwn as is."""
    if block.get("type") == "context":
        return " ".join(text_of(e) for e in block.get("elements") or [] if text_of(e))
    return "\n".join(t for t in [text_of(block.get("text")), *map(text_of, block.get("fields") or [])] if t)


def fold(text: str) -> str:
    """For comparing names: case, accents and runs of spaces do not matter."""
    decomposed = unicodedata.normalize("NFKD", text)
    return " ".join("".join(c for c in decomposed if not unicodedata.combining(c)).casefold().split())


class FormFilling:
    """One modal being filled in: the field asked now, the answers so far, and the state they make."""

    def __init__(
        self, view: dict, names: Callable[[str], str | None] = lambda text: None, *, today: date | None = None
    ):
        blocks = view.get("blocks") or []
        self.title = text_of(view.get("title"))
        self.submit_label = text_of(view.get("submit")) or "Submit"
        self.fields = [_field(b) for b in blocks if b.get("type") == "input"]
        self.intro = [t for b in blocks if b.get("type") in ("section", "header", "context") if (t := _intro(b))]
        self._names = names
        self._today = today or date.today()
        self._answers: dict[str, object] = {}  # block_id -> its answer, in its state shape
        self._problems: dict[str, str] = {}  # block_id -> what to show above its question
        self._queue = list(range(len(self.fields)))  # the fields still to ask, by position

    @property
    def done(self) -> bool:
        return not self._queue

    @property
    def current(self) -> Field | None:
        """The field being asked now."""
        return self.fields[self._queue[0]] if self._queue else None

    def question(self) -> str | None:
        """The prompt for the field asked now: its problem, label and hint, choices, and how to answer."""
        field = self.current
        if field is None:
            return None
        lines = [f"⚠ {self._problems[field.block_id]}"] if field.block_id in self._problems else []
        lines.append(field.label + (f" — {field.hint}" if field.hint else ""))
        lines += self._listed(field)
        notes = [self._how(field)]
        if field.optional:
            notes.append("(optional: - leaves it empty)")
        if shown := self._shown(field, self._now(field)):
            notes.append(f"(now: {shown}; Enter keeps it)")
        lines += [" ".join(n for n in notes if n)] if any(notes) else []
        return "\n".join(lines)

    def answer(self, line: str) -> str | None:
        """Take `line` for the field asked now: None when taken, else the problem (it is asked again)."""
        field = self.current
        if field is None:
            return "Every field has its answer."
        try:
            self._answers[field.block_id] = self._read(field, line.strip())
        except _Problem as problem:
            self._problems[field.block_id] = str(problem)
            return str(problem)
        self._problems.pop(field.block_id, None)
        self._queue.pop(0)
        return None

    def state(self) -> dict:
        """`view.state.values` as Slack sends it: every input block, None or [] for an empty one."""
        values = {}
        for field in self.fields:
            key = _KEYS.get(field.kind, ("value",))[0]
            value = self._now(field) if field.kind in KNOWN else None
            values[field.block_id] = {field.action_id: {"type": field.kind, key: value}}
        return values

    def ask_again(self, errors: dict[str, str]) -> None:
        """After the app's `response_action: errors`: ask the fields it named again, in form order,
        each with its message, keeping every other answer. If it named none of them, ask them all,
        its messages shown on the first."""
        named = [i for i, f in enumerate(self.fields) if f.block_id in errors]
        self._problems = {self.fields[i].block_id: str(errors[self.fields[i].block_id]) for i in named}
        if not named and self.fields:
            named = list(range(len(self.fields)))
            if errors:
                self._problems = {self.fields[0].block_id: " ".join(str(m) for m in errors.values())}
        self._queue = named

    # what a field holds now, and how it reads

    def _now(self, field: Field) -> object:
        """The field's answer, or its initial value while it has none (what Slack would send)."""
        if field.block_id in self._answers:
            return self._answers[field.block_id]
        initial = field.element.get(_KEYS[field.kind][1]) if field.kind in KNOWN else None
        return [] if field.kind in MANY and not initial else initial

    def _shown(self, field: Field, value: object) -> str:
        """A value as the person reads it ("" for an empty one)."""
        if field.kind in ONE and isinstance(value, dict):
            return text_of(value.get("text"))
        if field.kind in MANY and isinstance(value, list):
            return ", ".join(text_of(o.get("text")) for o in value if isinstance(o, dict))
        if field.kind == "users_select" and value:
            return f"@{value}"
        return truncate(str(value).replace("\n", "\\n"), 80) if value and field.kind in KNOWN else ""

    def _listed(self, field: Field) -> list[str]:
        """The numbered choices of a select: on one line if they fit, else one a line."""
        items = [f"{n}. {label}" for n, (_, label) in enumerate(field.options, 1)]
        if not items or field.kind not in ONE | MANY:
            return []
        return ["  " + "  ".join(items)] if len("  ".join(items)) <= _ONE_LINE else [f"  {i}" for i in items]

    def _how(self, field: Field) -> str:
        element, kind = field.element, field.kind
        if kind in TEXT:
            return "(type \\n for a line break)" if element.get("multiline") else ""
        if kind in MANY:
            most = element.get("max_selected_items")
            return "(numbers or names, separated by commas" + (f"; at most {most})" if most else ")")
        if kind == "datepicker":
            return f"(a date: {self._today.isoformat()}, {self._today.day} {self._today:%B %Y}, today or tomorrow)"
        if kind == "users_select":
            return "(a member: their name, or @ and their member ID)"
        if kind == "number_input":
            low, high = element.get("min_value"), element.get("max_value")
            limits = (f" from {low}" if low else "") + (f" to {high}" if high else "")
            return f"({'a number' if element.get('is_decimal_allowed') else 'a whole number'}{limits})"
        if kind not in KNOWN:
            return f"(the console cannot fill a {kind or 'field of this kind'}; Enter leaves it empty)"
        return ""

    # reading one line

    def _read(self, field: Field, text: str) -> object:
        """The answer `text` makes for `field`, in its state shape."""
        empty: object = [] if field.kind in MANY else None
        if text == "-":
            if field.optional:
                return empty
            raise _Problem(f"{field.label} is required; only an optional field can be left empty.")
        if not text:
            now = self._now(field)
            if now or field.optional or field.kind not in KNOWN:
                return now if field.kind in KNOWN else None
            raise _Problem(f"{field.label} is required.")
        read = {
            **dict.fromkeys(TEXT, self._typed),
            **dict.fromkeys(ONE, self._one),
            **dict.fromkeys(MANY, self._many),
            "datepicker": self._date,
            "users_select": self._user,
            "number_input": self._number,
        }.get(field.kind)
        if read is None:
            raise _Problem(f"The console cannot fill a {field.kind or 'field of this kind'}; Enter leaves it empty.")
        return read(field, text)

    def _typed(self, field: Field, text: str) -> str:
        """Text, checked against the field's length limits as Slack checks them."""
        if field.element.get("multiline"):
            text = text.replace("\\n", "\n")
        most, least = field.element.get("max_length"), field.element.get("min_length")
        if most is not None and len(text) > int(most):
            raise _Problem(f"At most {most} characters (this is {len(text)}).")
        if least is not None and len(text) < int(least):
            raise _Problem(f"At least {least} characters (this is {len(text)}).")
        return text

    def _choose(self, field: Field, text: str) -> int | None:
        """The position of the option `text` names: by number, name, start of a name, or value;
        None if it names none (a problem if it could be several)."""
        count = len(field.options)
        if text.isdigit() and 1 <= int(text) <= count:
            return int(text) - 1
        folded = fold(text)
        labels = [fold(label) for _, label in field.options]
        for found in (
            [i for i, label in enumerate(labels) if label == folded],
            [i for i, (value, _) in enumerate(field.options) if value == text or fold(value) == folded],
            [i for i, label in enumerate(labels) if label.startswith(folded)],
        ):
            if len(found) == 1:
                return found[0]
            if found:
                could = ", ".join(f"{i + 1}. {field.options[i][1]}" for i in found)
                raise _Problem(f"“{text}” could be {could}; type more of it, or its number.")
        return None

    def _one(self, field: Field, text: str) -> dict:
        if (index := self._choose(field, text)) is None:
            raise _Problem(f"“{text}” is not one of the choices; answer with its number (1 to {len(field.options)}).")
        return _choices(field.element)[index]

    def _many(self, field: Field, text: str) -> list[dict]:
        """Several options, named by commas (or spaces between numbers); each unknown part named."""
        if any(fold(label) == fold(text) for _, label in field.options):
            parts = [text]  # one name that has a comma in it
        else:
            parts = [p.strip() for p in re.split(r"[\s,]+" if re.fullmatch(r"[\d\s,]+", text) else ",", text)]
        chosen, unknown, unclear = [], [], []
        for part in filter(None, parts):
            try:
                if (index := self._choose(field, part)) is None:
                    unknown.append(f"“{part}”")
                elif index not in chosen:
                    chosen.append(index)
            except _Problem as problem:
                unclear.append(str(problem))
        if unknown:
            count = len(field.options)
            unclear.insert(0, f"Not among the choices: {', '.join(unknown)}; answer with numbers from 1 to {count}.")
        if unclear:
            raise _Problem(" ".join(unclear))
        most = field.element.get("max_selected_items")
        if most is not None and len(chosen) > int(most):
            raise _Problem(f"At most {most} choices (this is {len(chosen)}).")
        options = _choices(field.element)
        return [options[i] for i in chosen]

    def _date(self, field: Field, text: str) -> str:
        """A day as YYYY-MM-DD, read from the few unambiguous ways of writing one."""
        words = " ".join(text.replace(",", " ").split())
        relative = {"today": 0, "tomorrow": 1}
        if words.casefold() in relative:
            return (self._today + timedelta(days=relative[words.casefold()])).isoformat()
        for pattern in _DATE_FORMATS:
            try:
                return datetime.strptime(words, pattern).date().isoformat()
            except ValueError:
                continue
        example = f"{self._today.isoformat()} or {self._today.day} {self._today:%B %Y}"
        raise _Problem(f"“{text}” is not a day I can read; type it like {example}, or today.")

    def _user(self, field: Field, text: str) -> str:
        """A member's ID: from their name if `names` knows it, else as typed (@U0123ABCD)."""
        found = self._names(text)
        if not found and text.startswith("@"):
            found = self._names(text[1:])
        if found:
            return found
        if member := parse_user(text) or parse_user("@" + text):  # <@U…|x>, @U…, or the bare ID
            return member
        raise _Problem(f"I do not know “{text}”; type @ and their member ID, like @U0123ABCD.")

    def _number(self, field: Field, text: str) -> str:
        """A number as Slack's number input sends it (text), within the field's limits."""
        decimal = bool(field.element.get("is_decimal_allowed"))
        if not re.fullmatch(r"-?\d+(\.\d+)?" if decimal else r"-?\d+", text):
            raise _Problem("A number, please, like 2.5." if decimal else "A whole number, please, like 30.")
        low, high = field.element.get("min_value"), field.element.get("max_value")
        if low is not None and Decimal(text) < Decimal(str(low)):
            raise _Problem(f"At least {low}.")
        if high is not None and Decimal(text) > Decimal(str(high)):
            raise _Problem(f"At most {high}.")
        return text
