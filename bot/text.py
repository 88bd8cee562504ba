"""Reading what members type: Slack's escaping undone, mentions found, bad text refused."""

from __future__ import annotations

import re
import unicodedata

from bot.errors import UserError
from bot.render import escape, truncate, unescape

# A mention as Slack sends it with "escape users" on (<@U123|amina>), or as typed in the
# console (@U123), or a bare member ID.
_USER_MENTION = re.compile(r"^(?:<@([UW][A-Z0-9]{2,})(?:\|[^>]*)?>|@?([UW][A-Z0-9]{2,}))$")


def parse_user(token: str) -> str | None:
    """The user ID in one word of command text, or None."""
    match = _USER_MENTION.match(token.strip())
    return match and (match.group(1) or match.group(2))


def clean_text(raw: str, *, what: str, limit: int, usage: str | None = None) -> str:
    """Plain text a member typed, ready to store: unescaped, trimmed, checked."""
    text = unescape(raw).strip()
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
