"""Who may do what: the two checks every guarded action goes through.

Coordinators may do everything; some actions are also open to the member they concern
(the author of a poll, the proposer of an agenda item, the lead of a request). Both checks
refuse with NotPermitted, saying why, before anything is changed.
"""

from __future__ import annotations

from bot.errors import NotPermitted
from bot.i18n import N_, _
from bot.parsing.slack_text import mention
from storage.coordinators import CoordinatorRepository

# The coordinator-only actions callers name (`require_coordinator(…, "assign requests")`),
# each refused in a whole sentence a translator can word as the language needs; an action
# not listed here is refused in the one sentence below, the action as it was passed.
REFUSALS = {
    "assign requests": N_("Only coordinators can assign requests."),
    "reopen requests": N_("Only coordinators can reopen requests."),
    "make notes public": N_("Only coordinators can make a note public (mail it to the requester)."),
    "export the requests": N_("Only coordinators can export the requests."),
    "schedule meetings": N_("Only coordinators can schedule meetings."),
    "plan the year's meetings": N_("Only coordinators can plan the year's meetings."),
    "move meetings": N_("Only coordinators can move meetings."),
    "edit meetings": N_("Only coordinators can edit meetings."),
    "cancel meetings": N_("Only coordinators can cancel meetings."),
    "post the schedule": N_("Only coordinators can post the schedule."),
    "post the agenda": N_("Only coordinators can post the agenda."),
    "add or change member organisations": N_("Only coordinators can add or change member organisations."),
    "set what member organisations offer": N_("Only coordinators can set what member organisations offer."),
    "rename member organisations": N_("Only coordinators can rename member organisations."),
    "remove member organisations": N_("Only coordinators can remove member organisations."),
    "ask for the digest": N_("Only coordinators can ask for the digest."),
    "add coordinators": N_("Only coordinators can add coordinators."),
    "remove coordinators": N_("Only coordinators can remove coordinators."),
}


def require_coordinator(coordinators: CoordinatorRepository, user_id: str, action: str) -> None:
    """Refuse a coordinator-only action, saying why and whom to ask; changes nothing."""
    if coordinators.is_coordinator(user_id):
        return
    names = ", ".join(mention(c.user_id) for c in coordinators.list()[:10])
    known = REFUSALS.get(action)
    # Translators: {what} is an action in English, e.g. "assign requests" (a rare fallback)
    refusal = _(known) if known else _("Only coordinators can {what}.", what=action)
    ask = (
        _("Ask a coordinator ({names}).", names=names)
        if names
        else _("No coordinators are set yet: the bot's admin sets IWG_COORDINATORS.")
    )
    raise NotPermitted(f"{refusal} {ask}")


def require_own_or_coordinator(
    coordinators: CoordinatorRepository, actor: str, owner: str | None, refusal: str
) -> None:
    """Refuse, with `refusal` (`Only the one who asked P-5 and coordinators can close it.`,
    already in the member's language), unless `actor` is `owner` (its author, proposer or
    lead) or a coordinator."""
    if actor != owner and not coordinators.is_coordinator(actor):
        raise NotPermitted(refusal)
