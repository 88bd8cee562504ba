"""The App Home's view, and the agenda form its button opens."""

from __future__ import annotations

from bot.domain.digest import Digest, StuckRequest
from bot.domain.ta import QUIET_AFTER, UNASSIGNED_AFTER
from bot.i18n import _, ngettext
from bot.parsing.slack_text import escape, truncate
from bot.render import meeting_blocks
from bot.render.blocks import context, divider, header, section
from bot.render.digest_blocks import more, poll_line, request_lines, status_counts, stuck_block
from storage.agenda import AgendaItem
from storage.meetings import Meeting
from storage.polls import Poll
from storage.ta_requests import OVERDUE, QUIET, UNASSIGNED, TARequest

HOME_NEW_REQUEST = "home_new_request"
HOME_PROPOSE = "home_propose_item"
AGENDA_FORM = "agenda_form"
NEEDS_YOU_TOP = 5  # stuck requests of each kind listed: "Needs you" takes at most 23 blocks
_KINDS = (UNASSIGNED, OVERDUE, QUIET)  # in the order a coordinator acts: broker, chase what is late, then what is quiet


def _heading(why: str, total: int) -> str:
    """A kind of stuck request's heading: why, and how many."""
    if why == UNASSIGNED:
        return ngettext(
            "*Unassigned for more than {n} day: {total}*, oldest first",
            "*Unassigned for more than {n} days: {total}*, oldest first",
            UNASSIGNED_AFTER.days,
            total=total,
        )
    if why == OVERDUE:
        return _("*Past their due date: {total}*, oldest first", total=total)
    return ngettext(
        "*Quiet for {n} day: {total}*, oldest first",
        "*Quiet for {n} days: {total}*, oldest first",
        QUIET_AFTER.days,
        total=total,
    )


def _more_stuck(why: str, left: int) -> str:
    """The line under a kind's list, when more are stuck than are shown."""
    if why == UNASSIGNED:
        return ngettext(
            "…and {n} more unassigned: `/ta list stuck`", "…and {n} more unassigned: `/ta list stuck`", left
        )
    if why == OVERDUE:
        return ngettext(
            "…and {n} more past their due date: `/ta list stuck`",
            "…and {n} more past their due date: `/ta list stuck`",
            left,
        )
    return ngettext("…and {n} more quiet: `/ta list stuck`", "…and {n} more quiet: `/ta list stuck`", left)


def needs_you(stuck: dict[str, tuple[list[StuckRequest], int]]) -> list[dict]:
    """A coordinator's first section: the stuck requests by why, each kind capped."""
    anything = any(total for _shown, total in stuck.values())
    blocks = [section(_("*Needs you*") if anything else _("*Needs you*\nNothing is stuck. :tada:"))]
    for why in _KINDS:
        requests, total = stuck.get(why, ([], 0))
        if total:
            shown = requests[:NEEDS_YOU_TOP]
            blocks.append(section(_heading(why, total)))
            blocks += [stuck_block(request, hint=True) for request in shown]
            if total > len(shown):
                blocks.append(context(_more_stuck(why, total - len(shown))))
    return blocks + [divider()]


def home_view(
    requests: list[TARequest],
    request_total: int,
    meeting: Meeting | None,
    items: list[AgendaItem],
    item_count: int,
    polls: list[Poll],
    digest: Digest | None,
    stuck: dict[str, tuple[list[StuckRequest], int]] | None = None,
) -> dict:
    """The App Home of one member: their requests, the next meeting, open polls; and for
    coordinators, first what needs them (`stuck`, by why) and last the digest's counts.
    At most 45 blocks: Slack takes 100 in a Home view, the tests' stand-in 50."""
    blocks = [header(_("IWG Bot"))]
    if stuck is not None:
        blocks += needs_you(stuck)
    blocks += [
        section(
            _("*Your TA requests* (asked or led)") if requests else _("*Your TA requests* (asked or led)\nNone yet."),
            accessory={
                "type": "button",
                "action_id": HOME_NEW_REQUEST,
                "style": "primary",
                "text": {"type": "plain_text", "text": _("New TA request")},
            },
        ),
    ]
    blocks += request_lines(requests[:10]) + more(min(len(requests), 10), request_total, "`/ta list mine`")
    blocks.append(divider())
    if meeting:
        lines = meeting_blocks.agenda_lines(items[:10])
        agenda = "\n".join(lines) if lines else _("No agenda items yet.")
        blocks.append(
            section(
                _(
                    "*Next meeting: {ref} {title}*\n{when} · {where}",
                    ref=meeting.ref,
                    title=escape(meeting.title),
                    when=meeting_blocks.when(meeting),
                    where=meeting_blocks.where(meeting),
                ),
                accessory={
                    "type": "button",
                    "action_id": HOME_PROPOSE,
                    "text": {"type": "plain_text", "text": _("Propose an item")},
                },
            )
        )
        blocks.append(section(truncate(agenda, 2900)))
        blocks += more(min(len(items), 10), item_count, "`/agenda`")
    else:
        blocks.append(section(_("*Next meeting*\nNone scheduled.")))
    blocks.append(divider())
    if polls:
        blocks.append(section(_("*Open polls*\n{polls}", polls="\n".join(poll_line(p) for p in polls[:10]))))
    else:
        blocks.append(section(_("*Open polls*\nNone.")))
    if digest:
        blocks += [
            divider(),
            section(
                _(
                    "*For coordinators*\nNew this week: *{new}* · stuck: *{stuck}* · "
                    "completed this week: *{completed}*\n{counts}",
                    new=digest.new_total,
                    stuck=digest.stuck_total,
                    completed=digest.completed,
                    counts=status_counts(digest.open_by_status),
                )
            ),
            context(_("`/iwg digest` sends you the whole digest now.")),
        ]
    return {"type": "home", "blocks": blocks}


def agenda_form(meeting: Meeting) -> dict:
    return {
        "type": "modal",
        "callback_id": AGENDA_FORM,
        "private_metadata": str(meeting.id),
        "title": {"type": "plain_text", "text": _("Propose an item")},
        "submit": {"type": "plain_text", "text": _("Propose")},
        "close": {"type": "plain_text", "text": _("Cancel")},
        "blocks": [
            section(
                _(
                    "For *{ref} {title}*, {when}",
                    ref=meeting.ref,
                    title=escape(meeting.title),
                    when=meeting_blocks.when(meeting),
                )
            ),
            {
                "type": "input",
                "block_id": "item",
                "label": {"type": "plain_text", "text": _("Item")},
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 300},
            },
            {
                "type": "input",
                "block_id": "minutes",
                "optional": True,
                "label": {"type": "plain_text", "text": _("Minutes it needs")},
                "element": {
                    "type": "number_input",
                    "action_id": "value",
                    "is_decimal_allowed": False,
                    "min_value": "1",
                    "max_value": "600",
                },
            },
        ],
    }
