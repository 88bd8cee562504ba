"""Slack's text rules, both ways: what Slack escapes in what members type, and what the bot
must escape in what it sends. Reading and rendering both need them, so they sit at the
bottom, importing nothing of the app."""

from __future__ import annotations

import re

# `@channel` typed as plain text: Slack may still read it as a broadcast where it parses
# text, so a word joiner (invisible) goes between the @ and the word.
_BROADCAST = re.compile(r"@(?=(?:channel|here|everyone)\b)", re.IGNORECASE)


def escape(text: str) -> str:
    """Make user text inert: no `<!channel>`, no `<@U…>`, no disguised `<url|label>`, and no
    plain `@channel` or `@here` either."""
    return _BROADCAST.sub("@\u2060", text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def unescape(text: str) -> str:
    """Undo Slack's escaping of typed `&`, `<`, `>` in command text (we store plain text)."""
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def truncate(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def mention(user_id: str) -> str:
    return f"<@{user_id}>"
