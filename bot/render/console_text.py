"""Block Kit as plain text, for the console mode only: what Slack would show, read aloud.

Kept apart from what Slack sees (bot/render/blocks.py), so nothing sent to Slack depends on it."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from bot.parsing.slack_text import unescape

Handle = Callable[[dict, dict], str | None]  # (button, its block) -> the handle to type, e.g. "b3"

_DATE = re.compile(r"<!date\^\d+\^[^|>]*\|([^>]*)>")
_USER = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_CHANNEL = re.compile(r"<#([CGD][A-Z0-9]+)(?:\|([^>]*))?>")
_SPECIAL = re.compile(r"<!(here|channel|everyone)(?:\|[^>]*)?>")
_LINK = re.compile(r"<((?:https?|mailto):[^|>]+)(?:\|([^>]*))?>")


def mrkdwn_to_text(text: str, names: Mapping[str, str] | None = None) -> str:
    """What a member would read: tokens resolved to their fallbacks, entities undone, and
    a mention shown by the member's name where the console knows it, as Slack shows it."""
    text = _DATE.sub(r"\1", text)
    text = _USER.sub(lambda m: "@" + (names or {}).get(m.group(1), m.group(1)), text)
    text = _CHANNEL.sub(lambda m: "#" + (m.group(2) or m.group(1)), text)
    text = _SPECIAL.sub(r"@\1", text)
    text = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})" if m.group(2) else m.group(1), text)
    return unescape(text)


def _element_text(element: dict, block: dict | None = None, handle: Handle | None = None) -> str:
    text = element.get("text")
    if isinstance(text, dict):
        text = text.get("text", "")
    if element.get("type") == "button":
        tag = handle(element, block or {}) if handle else None
        return f"[{tag} {text}]" if tag else f"[{text}]"
    if element.get("type") == "image":
        return f"[image: {element.get('alt_text', '')}]"
    if text is None and "placeholder" in element:
        return f"[{element['placeholder'].get('text', '')} ▾]"
    return str(text or "")


def blocks_to_text(blocks: list[dict], names: Mapping[str, str] | None = None, handle: Handle | None = None) -> str:
    """Render Block Kit as readable plain text, one block after another; each button
    shows the handle `handle` gives it, so it can be clicked by typing that."""
    lines: list[str] = []
    for block in blocks:
        kind = block.get("type")
        if kind == "header":
            title = block["text"]["text"]
            lines += [title.upper(), "=" * min(len(title), 60)]
        elif kind == "section":
            if "text" in block:
                lines.append(mrkdwn_to_text(block["text"]["text"], names))
            for item in block.get("fields", []):
                lines.append("  " + mrkdwn_to_text(item["text"], names).replace("\n", ": ", 1).replace("\n", " "))
            if "accessory" in block:
                lines.append("    " + _element_text(block["accessory"], block, handle))
        elif kind == "context":
            lines.append("  " + "  ".join(mrkdwn_to_text(_element_text(e), names) for e in block["elements"]))
        elif kind == "divider":
            lines.append("-" * 40)
        elif kind == "actions":
            lines.append("  " + " ".join(_element_text(e, block, handle) for e in block["elements"]))
        elif kind == "input":
            optional = " (optional)" if block.get("optional") else ""
            lines.append(f"  {block['label']['text']}{optional}: [{block['element']['type'].replace('_', ' ')}]")
        elif kind == "rich_text":
            lines.append("(rich text)")
    return "\n".join(lines)
