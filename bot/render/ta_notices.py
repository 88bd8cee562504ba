"""The direct messages about a TA request: to its requester, its lead, a replaced lead."""

from __future__ import annotations

from bot.parsing.places import places_label
from bot.parsing.slack_text import escape, mention, truncate
from bot.render.blocks import Reply, context, section
from bot.render.ta_blocks import STATUS_ICONS, change_line, need_block, org_label
from storage.organisations import Organisation
from storage.ta_requests import TAEvent, TARequest


def to_requester(request: TARequest, organisation: Organisation | None, reopened: str | None = None) -> Reply:
    """A change of status; `reopened` (its note, or "") when a coordinator brought it back."""
    if reopened is not None:
        line = (
            f":recycle: Your request *{request.ref}* ({places_label(request.country)}) was reopened: "
            f"it is *{request.status}* again."
        )
        if reopened:
            line += f"\n>{escape(truncate(reopened, 2500))}"
        return Reply(
            text=f"Your request {request.ref} was reopened",
            blocks=[section(line), context(f"`/ta show {request.ref}` has its full history.")],
            ephemeral=False,
        )
    news = {
        "assigned": f"has been brokered to *{org_label(organisation)}*",
        "in-progress": "is in progress",
        "completed": "is completed",
        "declined": "was declined",
    }
    line = (
        f"{STATUS_ICONS[request.status]} Your request *{request.ref}* ({places_label(request.country)}) "
        f"{news.get(request.status, 'is ' + request.status)}."
    )
    if request.lead:
        line += f" Lead: {mention(request.lead)}."
    return Reply(
        text=f"Your request {request.ref} is {request.status}",
        blocks=[section(line), context(f"`/ta show {request.ref}` has its full history.")],
        ephemeral=False,
    )


def to_lead(request: TARequest, organisation: Organisation | None) -> Reply:
    line = (
        f":handshake: You are the lead for *{request.ref}* ({places_label(request.country)}), "
        f"brokered to *{org_label(organisation)}*."
    )
    hint = (
        f"Move it on with `/ta status {request.ref} in-progress` and later `completed`; "
        f"add news with `/ta note {request.ref} <text>`."
    )
    return Reply(
        text=f"You lead {request.ref}", blocks=[section(line), need_block(request), context(hint)], ephemeral=False
    )


def to_former_lead(request: TARequest, organisation: Organisation | None) -> Reply:
    line = (
        f"*{request.ref}* ({places_label(request.country)}) has been reassigned to "
        f"*{org_label(organisation)}*; you no longer lead it. Thank you!"
    )
    return Reply(text=f"{request.ref} was reassigned", blocks=[section(line)], ephemeral=False)


def to_noted(request: TARequest, event: TAEvent, to_lead: bool) -> Reply:
    whose = "the request you lead" if to_lead else "your request"
    line = (
        f":memo: {mention(event.actor)} added a note to {whose} *{request.ref}* "
        f"({places_label(request.country)}):\n>{escape(truncate(event.text or '', 2500))}"
    )
    return Reply(
        text=f"A note on {request.ref}",
        blocks=[section(line), context(f"Answer with `/ta note {request.ref} <text>`.")],
        ephemeral=False,
    )


def to_edited(request: TARequest, event: TAEvent, to_lead: bool) -> Reply:
    line = f":pencil2: {mention(event.actor)} {change_line(event)} of your request *{request.ref}*."
    return Reply(
        text=f"{request.ref} was corrected",
        blocks=[section(line), context(f"`/ta show {request.ref}` has its full history.")],
        ephemeral=False,
    )
