"""Block Kit building blocks, replies and date tokens: what every renderer builds with.

Blocks are plain dicts, as Slack's docs show them; the tests check each payload with
slack_sdk's models, so a mistake here fails a test instead of a member's command.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from bot import i18n
from bot.errors import UserError
from bot.i18n import N_, _
from bot.parsing.slack_text import escape, truncate, unescape

SECTION_LIMIT = 3000  # characters of mrkdwn in one section
HEADER_LIMIT = 150
MAX_BLOCKS = 50


def name(names: dict[str, str], user_id: str) -> str:
    """A member by display name (from bot.names), for what a channel reads: nobody pinged."""
    return escape(names.get(user_id) or _("a member"))


def date_token(moment: datetime, style: str = "{date_long_pretty} {time}") -> str:
    """A Slack date token: each member reads the time in their own zone (Slack writes it in
    the member's language); the fallback, for clients that cannot, is UTC in the language
    of the message (Babel's CLDR formats: `mar. 30 mars 2027 14:00 UTC`)."""
    epoch = int(moment.timestamp())
    if style == "{time}":  # the end of a range whose day was just said
        fallback = i18n.time_utc(moment)
    else:
        fallback = i18n.moment_utc(moment, with_time="{time}" in style)
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


SORRY = N_("Something went wrong on my side and that did not complete.")
TRY_AGAIN = N_("Please try again in a moment; if it keeps happening, tell a coordinator.")


def sorry_reply() -> Reply:
    """What a member reads when the bot itself failed (the details go to the log)."""
    return error_reply(_(SORRY), hint=_(TRY_AGAIN))


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
        blocks.append(section(_("*Usage:* {usage}", usage=usage)))
    if hint:
        blocks.append(context(hint))
    return Reply(text=problem, blocks=blocks)


def refusal_reply(refusal: UserError) -> Reply:
    """What a member reads when the rules said no: the problem, the right form, a hint."""
    return error_reply(refusal.problem, refusal.usage, refusal.hint)
