"""Reading what members type: Slack's escaping undone, mentions found, bad text refused."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError
from bot.i18n import _, ngettext
from bot.parsing.slack_text import escape, truncate, unescape

# A mention as Slack sends it with "escape users" on (<@U123|amina>), or @U123 as typed in
# the console. Never a bare word: "WHO" or "USAID" must not be read as a member.
_USER_MENTION = re.compile(r"^(?:<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>|@([UW][A-Z0-9]{2,}))$")


def parse_user(token: str) -> str | None:
    """The user ID in one word of command text, or None."""
    match = _USER_MENTION.match(token.strip())
    return match and (match.group(1) or match.group(2))


_MARKUP = re.compile(r"<([@#!])?([^<>|]*)(?:\|([^<>]*))?>")
_REF = re.compile(r"^#?(?:([A-Za-z]+)-?)?(\d{1,9})$")


def slack_to_plain(raw: str) -> str:
    """Slack's markup in typed text as a person reads it: `<@U1|amina>` -> @amina,
    `<https://x.org|bank>` -> bank (https://x.org), `&lt;` -> <. Stored this way, user text can
    be escaped whole on the way out and never turns into a ping or a disguised link."""

    def readable(match: re.Match) -> str:
        sigil, target, label = match.groups()
        if sigil == "!":
            return "@" + (label or target.split("^")[0])
        if sigil in ("@", "#"):
            return sigil + (label or target)
        return f"{label} ({target})" if label and label != target else target

    return unescape(_MARKUP.sub(readable, raw))


def parse_ref(token: str, prefix: str) -> int | None:
    """`TA-7`, `ta7`, `#7` or `7` -> 7 for prefix "TA"; None if it is not such an ID."""
    match = _REF.match(token.strip())
    if not match or (match.group(1) and match.group(1).upper() != prefix):
        return None
    return int(match.group(2))


def require_ref(token: str, prefix: str, what: str, usage: str) -> int:
    """The ID in `token`, or a UserError saying what an ID of this kind looks like."""
    ref_id = parse_ref(token, prefix) if token.strip() else None
    if ref_id is None:
        raise UserError(_not_an_id(what, prefix, echo(token)) if token.strip() else _say_which(what, prefix), usage)
    return ref_id


# Each refusal is a whole sentence per kind of thing (a request, a note…), so a translator
# can make the words agree with it; an unknown kind gets the general sentence.


def _not_an_id(what: str, prefix: str, typed: str) -> str:
    match what:
        case "a request":
            return _("“{typed}” is not a request ID; they look like TA-7 (or just 7).", typed=typed)
        case "a meeting":
            return _("“{typed}” is not a meeting ID; they look like M-7 (or just 7).", typed=typed)
        case "an agenda item":
            return _("“{typed}” is not an agenda item ID; they look like A-7 (or just 7).", typed=typed)
        case "a poll":
            return _("“{typed}” is not a poll ID; they look like P-7 (or just 7).", typed=typed)
    return _(
        "“{typed}” is not {what} ID; they look like {prefix}-7 (or just 7).", typed=typed, what=what, prefix=prefix
    )


def _say_which(what: str, prefix: str) -> str:
    match what:
        case "a request":
            return _("Say which request, e.g. TA-7.")
        case "a meeting":
            return _("Say which meeting, e.g. M-7.")
        case "an agenda item":
            return _("Say which item, e.g. A-7.")
        case "a poll":
            return _("Say which poll, e.g. P-7.")
    return _("Say which {what}, e.g. {prefix}-7.", what=what.split()[-1], prefix=prefix)


def has_control(text: str) -> bool:
    """A control character other than a line end or a tab: never part of plain text."""
    return any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text)


def clean_text(raw: str, *, what: str, limit: int, usage: str | None = None) -> str:
    """Plain text a member typed, ready to store: Slack's markup undone, trimmed, checked."""
    text = slack_to_plain(raw).strip()
    if not text:
        raise UserError(_empty(what), usage)
    if has_control(text):
        raise UserError(_control(what), usage)
    if len(text) > limit:
        raise UserError(_too_long(what, len(text), limit), usage)
    return text


_OPTION = re.compile(r"option (\d+)")  # a poll's options: `option 2`


def _empty(what: str) -> str:
    if option := _OPTION.fullmatch(what):
        return _("The option {number} is empty.", number=option[1])
    match what:
        case "title":
            return _("The title is empty.")
        case "place":
            return _("The place is empty.")
        case "item":
            return _("The item is empty.")
        case "description of what is needed":
            return _("The description of what is needed is empty.")
        case "description":
            return _("The description is empty.")
        case "need":
            return _("The need is empty.")
        case "note":
            return _("The note is empty.")
        case "organisation":
            return _("The organisation is empty.")
        case "organisation's name":
            return _("The organisation's name is empty.")
        case "short name":
            return _("The short name is empty.")
        case "question":
            return _("The question is empty.")
    return _("The {what} is empty.", what=what)


def _control(what: str) -> str:
    if option := _OPTION.fullmatch(what):
        return _("The option {number} contains control characters; type it as plain text.", number=option[1])
    match what:
        case "title":
            return _("The title contains control characters; type it as plain text.")
        case "place":
            return _("The place contains control characters; type it as plain text.")
        case "item":
            return _("The item contains control characters; type it as plain text.")
        case "description of what is needed":
            return _("The description of what is needed contains control characters; type it as plain text.")
        case "description":
            return _("The description contains control characters; type it as plain text.")
        case "need":
            return _("The need contains control characters; type it as plain text.")
        case "note":
            return _("The note contains control characters; type it as plain text.")
        case "organisation":
            return _("The organisation contains control characters; type it as plain text.")
        case "organisation's name":
            return _("The organisation's name contains control characters; type it as plain text.")
        case "short name":
            return _("The short name contains control characters; type it as plain text.")
        case "question":
            return _("The question contains control characters; type it as plain text.")
    return _("The {what} contains control characters; type it as plain text.", what=what)


def _too_long(what: str, length: int, limit: int) -> str:
    # the numbers as before (no grouping: "the most is 2000"); {length} picks the plural form
    v = {"length": length, "limit": limit}
    if option := _OPTION.fullmatch(what):
        return ngettext(
            "The option {number} is {length} character long; the most is {limit}.",
            "The option {number} is {length} characters long; the most is {limit}.",
            length,
            number=option[1],
            **v,
        )
    match what:
        case "title":
            return ngettext(
                "The title is {length} character long; the most is {limit}.",
                "The title is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "place":
            return ngettext(
                "The place is {length} character long; the most is {limit}.",
                "The place is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "item":
            return ngettext(
                "The item is {length} character long; the most is {limit}.",
                "The item is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "description of what is needed":
            return ngettext(
                "The description of what is needed is {length} character long; the most is {limit}.",
                "The description of what is needed is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "description":
            return ngettext(
                "The description is {length} character long; the most is {limit}.",
                "The description is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "need":
            return ngettext(
                "The need is {length} character long; the most is {limit}.",
                "The need is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "note":
            return ngettext(
                "The note is {length} character long; the most is {limit}.",
                "The note is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "organisation":
            return ngettext(
                "The organisation is {length} character long; the most is {limit}.",
                "The organisation is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "organisation's name":
            return ngettext(
                "The organisation's name is {length} character long; the most is {limit}.",
                "The organisation's name is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "short name":
            return ngettext(
                "The short name is {length} character long; the most is {limit}.",
                "The short name is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
        case "question":
            return ngettext(
                "The question is {length} character long; the most is {limit}.",
                "The question is {length} characters long; the most is {limit}.",
                length,
                **v,
            )
    return ngettext(
        "The {what} is {length} character long; the most is {limit}.",
        "The {what} is {length} characters long; the most is {limit}.",
        length,
        what=what,
        **v,
    )


def split_command(text: str) -> tuple[str, str]:
    """`add <@U1|a>` -> ("add", "<@U1|a>"): the subcommand, lower-cased, and the rest."""
    head, _space, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def echo(raw: str, limit: int = 60) -> str:
    """Command text quoted back in a reply: as the member typed it, inert, and short."""
    return escape(truncate(unescape(raw), limit))
