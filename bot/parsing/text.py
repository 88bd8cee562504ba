"""Reading what members type: Slack's escaping undone, mentions found, bad text refused."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError
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
        if token.strip():
            raise UserError(f"“{echo(token)}” is not {what} ID; they look like {prefix}-7 (or just 7).", usage)
        raise UserError(f"Say which {what.split()[-1]}, e.g. {prefix}-7.", usage)
    return ref_id


def clean_text(raw: str, *, what: str, limit: int, usage: str | None = None) -> str:
    """Plain text a member typed, ready to store: Slack's markup undone, trimmed, checked."""
    text = slack_to_plain(raw).strip()
    if not text:
        raise UserError(f"The {what} is empty.", usage)
    if any(unicodedata.category(c) == "Cc" and c not in "\n\t" for c in text):
        raise UserError(f"The {what} contains control characters; type it as plain text.", usage)
    if len(text) > limit:
        raise UserError(f"The {what} is {len(text)} characters long; the most is {limit}.", usage)
    return text


def split_command(text: str) -> tuple[str, str]:
    """`add <@U1|a>` -> ("add", "<@U1|a>"): the subcommand, lower-cased, and the rest."""
    head, _, rest = text.strip().partition(" ")
    return head.lower(), rest.strip()


def echo(raw: str, limit: int = 60) -> str:
    """Command text quoted back in a reply: as the member typed it, inert, and short."""
    return escape(truncate(unescape(raw), limit))
