"""The direct messages about a TA request: to its requester, its lead, a replaced lead."""

from __future__ import annotations

from bot.i18n import N_, _
from bot.parsing.places import places_label
from bot.parsing.slack_text import escape, mention, truncate
from bot.parsing.vocabulary import status_label
from bot.render.blocks import Reply, context, section
from bot.render.ta_blocks import STATUS_ICONS, change_line, need_block, org_label, who
from storage.organisations import Organisation
from storage.ta_requests import TAEvent, TARequest

# status -> (the news, the news with its lead); any other status: _OTHER
_NEWS = {
    "assigned": (
        N_("Your request *{ref}* ({places}) has been brokered to *{organisation}*."),
        N_("Your request *{ref}* ({places}) has been brokered to *{organisation}*. Lead: {lead}."),
    ),
    "in-progress": (
        N_("Your request *{ref}* ({places}) is in progress."),
        N_("Your request *{ref}* ({places}) is in progress. Lead: {lead}."),
    ),
    "completed": (
        N_("Your request *{ref}* ({places}) is completed."),
        N_("Your request *{ref}* ({places}) is completed. Lead: {lead}."),
    ),
    "declined": (
        N_("Your request *{ref}* ({places}) was declined."),
        N_("Your request *{ref}* ({places}) was declined. Lead: {lead}."),
    ),
}
_OTHER = (
    N_("Your request *{ref}* ({places}) is {status}."),
    N_("Your request *{ref}* ({places}) is {status}. Lead: {lead}."),
)


def _full_history(request: TARequest) -> dict:
    return context(_("`/ta show {ref}` has its full history.", ref=request.ref))


def to_requester(request: TARequest, organisation: Organisation | None, reopened: str | None = None) -> Reply:
    """A change of status; `reopened` (its note, or "") when a coordinator brought it back."""
    ref, places, status = request.ref, places_label(request.country), status_label(request.status)
    if reopened is not None:
        again = _(
            "Your request *{ref}* ({places}) was reopened: it is *{status}* again.",
            ref=ref,
            places=places,
            status=status,
        )
        line = f":recycle: {again}"
        if reopened:
            line += f"\n>{escape(truncate(reopened, 2500))}"
        return Reply(
            text=_("Your request {ref} was reopened", ref=ref),
            blocks=[section(line), _full_history(request)],
            ephemeral=False,
        )
    news = _NEWS.get(request.status, _OTHER)[1 if request.lead else 0]
    lead = mention(request.lead) if request.lead else ""
    said = _(news, ref=ref, places=places, organisation=org_label(organisation), status=status, lead=lead)
    return Reply(
        text=_("Your request {ref} is {status}", ref=ref, status=status),
        blocks=[section(f"{STATUS_ICONS[request.status]} {said}"), _full_history(request)],
        ephemeral=False,
    )


def to_lead(request: TARequest, organisation: Organisation | None) -> Reply:
    lead = _(
        "You are the lead for *{ref}* ({places}), brokered to *{organisation}*.",
        ref=request.ref,
        places=places_label(request.country),
        organisation=org_label(organisation),
    )
    hint = _(
        "Move it on with `/ta status {ref} in-progress` and later `completed`; add news with `/ta note {ref} <text>`.",
        ref=request.ref,
    )
    return Reply(
        text=_("You lead {ref}", ref=request.ref),
        blocks=[section(f":handshake: {lead}"), need_block(request), context(hint)],
        ephemeral=False,
    )


def to_former_lead(request: TARequest, organisation: Organisation | None) -> Reply:
    line = _(
        "*{ref}* ({places}) has been reassigned to *{organisation}*; you no longer lead it. Thank you!",
        ref=request.ref,
        places=places_label(request.country),
        organisation=org_label(organisation),
    )
    return Reply(text=_("{ref} was reassigned", ref=request.ref), blocks=[section(line)], ephemeral=False)


def to_noted(request: TARequest, event: TAEvent, to_lead: bool) -> Reply:
    values = {
        "who": who(event.actor, request),
        "ref": request.ref,
        "places": places_label(request.country),
        "note": escape(truncate(event.text or "", 2500)),
    }
    if to_lead:
        note = _("{who} added a note to the request you lead *{ref}* ({places}):\n>{note}", **values)
    else:
        note = _("{who} added a note to your request *{ref}* ({places}):\n>{note}", **values)
    return Reply(
        text=_("A note on {ref}", ref=request.ref),
        blocks=[section(f":memo: {note}"), context(_("Answer with `/ta note {ref} <text>`.", ref=request.ref))],
        ephemeral=False,
    )


def to_edited(request: TARequest, event: TAEvent, to_lead: bool) -> Reply:
    line = f":pencil2: {change_line(event, request.ref)}"
    return Reply(
        text=_("{ref} was corrected", ref=request.ref),
        blocks=[section(line), _full_history(request)],
        ephemeral=False,
    )


# the mail a web requester did not get, by its notice's kind (storage/outbox.py)
_UNDELIVERED_MAIL = {
    "web.logged": N_("the mail with its number and the link to its status page"),
    "ta.requester": N_("the mail saying that its status changed"),
    "ta.note": N_("the mail with a public note"),
}
_SOME_MAIL = N_("a mail about it")


def mail_undelivered(request: TARequest, detail: dict) -> Reply:
    """To the coordinators: a web requester will not hear of their request by mail."""
    values = {
        "ref": request.ref,
        "places": places_label(request.country),
        "requester": who(request.requester, request),
        "mail": _(_UNDELIVERED_MAIL.get(detail.get("kind", ""), _SOME_MAIL)),
    }
    if detail.get("refused"):
        line = _(
            "I could not mail the requester of *{ref}* ({places}), {requester}: the mail server refused "
            "that address for good. They did not get {mail}; please reach them another way.",
            **values,
        )
    else:
        line = _(
            "I could not mail the requester of *{ref}* ({places}), {requester}: the mail could not be sent "
            "in hours of trying (the bot's log says why). They did not get {mail}; please reach them another way.",
            **values,
        )
    return Reply(
        text=_("Mail about {ref} not delivered", ref=request.ref),
        blocks=[section(f":warning: {line}"), _full_history(request)],
        ephemeral=False,
    )
