"""Block Kit building blocks, escaping and date tokens: everything a handler needs to reply.

Blocks are plain dicts, as Slack's docs show them; the tests check each payload with
slack_sdk's models, so a mistake here fails a test instead of a member's command.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

SECTION_LIMIT = 3000  # characters of mrkdwn in one section
HEADER_LIMIT = 150
MAX_BLOCKS = 50


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


def name(names: dict[str, str], user_id: str) -> str:
    """A member by display name (from bot.names), for what a channel reads: nobody pinged."""
    return escape(names.get(user_id, "a member"))


def date_token(moment: datetime, style: str = "{date_long_pretty} {time}") -> str:
    """A Slack date token: each member reads the time in their own zone; the fallback is UTC."""
    epoch = int(moment.timestamp())
    fallback = moment.strftime("%a %d %b %Y %H:%M UTC") if "{time}" in style else moment.strftime("%a %d %b %Y")
    return f"<!date^{epoch}^{style}|{fallback}>"


# --- blocks -----------------------------------------------------------------------------


def header(text: str) -> dict:
    return {"type": "header", "text": {"type": "plain_text", "text": truncate(text, HEADER_LIMIT), "emoji": True}}


def mrkdwn(text: str) -> dict:
    """A mrkdwn text object, verbatim: Slack links only the markup the bot wrote (`<@U…>`,
    `<#C…>`, `<url|label>`), never a bare name, URL or `@here` in what a member typed."""
    return {"type": "mrkdwn", "text": truncate(text, SECTION_LIMIT), "verbatim": True}


def section(text: str, accessory: dict | None = None) -> dict:
    block = {"type": "section", "text": mrkdwn(text)}
    if accessory:
        block["accessory"] = accessory
    return block


def context(text: str) -> dict:
    return {"type": "context", "elements": [mrkdwn(text)]}


def divider() -> dict:
    return {"type": "divider"}


@dataclass
class Reply:
    """What a command answers: the blocks, a plain-text fallback, and who sees it."""

    text: str
    blocks: list[dict] = field(default_factory=list)
    ephemeral: bool = True

    @classmethod
    def of(cls, text: str, icon: str = "", ephemeral: bool = True) -> "Reply":
        """A one-section reply whose fallback text is the section's text."""
        return cls(text=text, blocks=[section(f"{icon} {text}" if icon else text)], ephemeral=ephemeral)

    def as_ack(self) -> dict:
        """Keyword arguments for Bolt's `ack()` / `respond()`."""
        return {
            "text": truncate(self.text, SECTION_LIMIT),
            "blocks": self.blocks[:MAX_BLOCKS],
            "response_type": "ephemeral" if self.ephemeral else "in_channel",
        }


SORRY = "Something went wrong on my side and that did not complete."
TRY_AGAIN = "Please try again in a moment; if it keeps happening, tell a coordinator."


def sorry_reply() -> Reply:
    """What a member reads when the bot itself failed (the details go to the log)."""
    return error_reply(SORRY, hint=TRY_AGAIN)


def field_error(problem: str) -> str:
    """A UserError's text as a modal field shows it: plain text (no mrkdwn), 150 characters."""
    return truncate(unescape(problem).replace("*", "").replace("`", ""), 150)


def pack_lines(lines: list[str], limit: int = SECTION_LIMIT - 100) -> list[str]:
    """Whole lines into sections of at most `limit` characters (never cut inside a line)."""
    sections: list[str] = []
    for line in lines:
        line = truncate(line, limit)
        if sections and len(sections[-1]) + 1 + len(line) <= limit:
            sections[-1] += "\n" + line
        else:
            sections.append(line)
    return sections


def error_reply(problem: str, usage: str | None = None, hint: str | None = None) -> Reply:
    """An ephemeral answer to bad input: what was wrong, and the right form."""
    blocks = [section(f":warning: {problem}")]
    if usage:
        blocks.append(section(f"*Usage:* {usage}"))
    if hint:
        blocks.append(context(hint))
    return Reply(text=problem, blocks=blocks)


# --- Block Kit to text, for the console --------------------------------------------------

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def mrkdwn_to_text(text: str) -> str:
    """What a member would read: tokens resolved to their fallbacks, entities undone."""
    text = _DATE.sub(r"\1", text)
    text = _USER.sub(r"@\1", text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(r"@\1", text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return unescape(text)


def _element_text(element: dict) -> str:
    text = element.get("text")
    if isinstance(text, dict):
        text = text.get("text", "")
    if element.get("type") == "button":
        return f"[{text}]"
    if element.get("type") == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if text is None and "placeholder" in element:
        return f"[{element['placeholder'].get('text', '')} ▾]"
    return str(text or "")


def blocks_to_text(blocks: list[dict]) -> str:
    """Render Block Kit as readable plain text, one block after another."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title.upper(), "=" * min(len(title), 60)]
        elif kind == "section":
            if "text" in block:
                lines.append(mrkdwn_to_text(block["text"]["text"]))
            for item in block.get("fields", []):
                lines.append("  " + mrkdwn_to_text(item["text"]).replace("\n", ": ", 1).replace("\n", " "))
            if "accessory" in block:
                lines.append("    " + _element_text(block["accessory"]))
        elif kind == "context":
            lines.append("  " + "  ".join(mrkdwn_to_text(_element_text(e)) for e in block["elements"]))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            lines.append("  " + " ".join(_element_text(e) for e in block["elements"]))
        elif kind == "input":
            optional = " (optional)" if block.get("optional") else ""
            lines.append(f"  {block['label']['text']}{optional}: [{block['element']['type'].replace('_', ' ')}]")
        elif kind == "rich_text":
            lines.append("(rich text)")
    return "\n".join(lines)
