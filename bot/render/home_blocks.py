"""The App Home's view, and the agenda form its button opens."""

from __future__ import annotations

from bot.domain.digest import Digest, StuckRequest
from bot.domain.ta import QUIET_AFTER, UNASSIGNED_AFTER
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
_KINDS = {  # in the order a coordinator acts: broker, then chase what is late, then what is quiet
    UNASSIGNED: (f"Unassigned for more than {UNASSIGNED_AFTER.days} days", "unassigned"),
    OVERDUE: ("Past their due date", "past their due date"),
    QUIET: (f"Quiet for {QUIET_AFTER.days} days", "quiet"),
}


def needs_you(stuck: dict[str, tuple[list[StuckRequest], int]]) -> list[dict]:
    """A coordinator's first section: the stuck requests by why, each kind capped."""
    blocks = [
        section("*Needs you*" + ("" if any(total for _, total in stuck.values()) else "\nNothing is stuck. :tada:"))
    ]
    for why, (title, what) in _KINDS.items():
        requests, total = stuck.get(why, ([], 0))
        if total:
            shown = requests[:NEEDS_YOU_TOP]
            blocks.append(section(f"*{title}: {total}*, oldest first"))
            blocks += [stuck_block(request, hint=True) for request in shown]
            if total > len(shown):
                blocks.append(context(f"…and {total - len(shown)} more {what}: `/ta list stuck`"))
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
    blocks = [header("IWG Bot")]
    if stuck is not None:
        blocks += needs_you(stuck)
    blocks += [
        section(
            "*Your TA requests* (asked or led)" + ("" if requests else "\nNone yet."),
            accessory={
                "type": "button",
                "action_id": HOME_NEW_REQUEST,
                "style": "primary",
                "text": {"type": "plain_text", "text": "New TA request"},
            },
        ),
    ]
    blocks += request_lines(requests[:10]) + more(min(len(requests), 10), request_total, "`/ta list mine`")
    blocks.append(divider())
    if meeting:
        lines = meeting_blocks.agenda_lines(items[:10])
        agenda = "\n".join(lines) if lines else "No agenda items yet."
        blocks.append(
            section(
                f"*Next meeting: {meeting.ref} {escape(meeting.title)}*\n{meeting_blocks.when(meeting)} · "
                f"{meeting_blocks.where(meeting)}",
                accessory={
                    "type": "button",
                    "action_id": HOME_PROPOSE,
                    "text": {"type": "plain_text", "text": "Propose an item"},
                },
            )
        )
        blocks.append(section(truncate(agenda, 2900)))
        blocks += more(min(len(items), 10), item_count, "`/agenda`")
    else:
        blocks.append(section("*Next meeting*\nNone scheduled."))
    blocks.append(divider())
    blocks.append(section("*Open polls*\n" + ("\n".join(poll_line(p) for p in polls[:10]) if polls else "None.")))
    if digest:
        blocks += [
            divider(),
            section(
                "*For coordinators*\n"
                f"New this week: *{digest.new_total}* · stuck: *{digest.stuck_total}* · "
                f"completed this week: *{digest.completed}*\n{status_counts(digest.open_by_status)}"
            ),
            context("`/iwg digest` sends you the whole digest now."),
        ]
    return {"type": "home", "blocks": blocks}


def agenda_form(meeting: Meeting) -> dict:
    return {
        "type": "modal",
        "callback_id": AGENDA_FORM,
        "private_metadata": str(meeting.id),
        "title": {"type": "plain_text", "text": "Propose an item"},
        "submit": {"type": "plain_text", "text": "Propose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"For *{meeting.ref} {escape(meeting.title)}*, {meeting_blocks.when(meeting)}"),
            {
                "type": "input",
                "block_id": "item",
                "label": {"type": "plain_text", "text": "Item"},
                "element": {"type": "plain_text_input", "action_id": "value", "max_length": 300},
            },
            {
                "type": "input",
                "block_id": "minutes",
                "optional": True,
                "label": {"type": "plain_text", "text": "Minutes it needs"},
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
