"""The digest's message and the App Home's view: the top items and a count of the rest, so
both stay within Block Kit's limits however much data there is."""

from __future__ import annotations

from bot import meeting_blocks, ta_blocks
from bot.digest import Digest
from bot.render import Reply, context, date_token, divider, escape, header, section, truncate
from storage.agenda import AgendaItem
from storage.meetings import Meeting
from storage.polls import Poll
from storage.ta_requests import TARequest

HOME_NEW_REQUEST = "home_new_request"
HOME_PROPOSE = "home_propose_item"
AGENDA_FORM = "agenda_form"


def _more(shown: int, total: int, where: str) -> list[dict]:
    return [context(f"…and {total - shown} more: {where}")] if total > shown else []


def _request_lines(requests: list[TARequest]) -> list[dict]:
    return [section(ta_blocks.one_line(r)) for r in requests]


def _status_counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{ta_blocks.STATUS_ICONS[s]} {s}: *{n}*" for s, n in counts.items())


def _poll_line(poll: Poll) -> str:
    closes = f", closes {date_token(poll.closes_at, '{date_short_pretty}')}" if poll.closes_at else ""
    return f"• *{poll.ref}* {escape(truncate(poll.question, 120))} in <#{poll.channel}>: {poll.voters} voted{closes}"


def digest_message(d: Digest) -> Reply:
    blocks = [header("IWG weekly digest"),
              context(f"Since {date_token(d.since, '{date_long_pretty}')}. `/iwg digest` sends it again now.")]
    blocks.append(section(f"*TA requests new this week: {d.new_total}*" + ("" if d.new else "\nNone.")))
    blocks += _request_lines(d.new) + _more(len(d.new), d.new_total, "`/ta list all`")
    blocks.append(section(f"*Open by status*\n{_status_counts(d.open_by_status)}\n"
                          f"Completed this week: *{d.completed}*"))
    blocks.append(section(f"*Stuck: {d.stuck_total}* (unassigned for more than 14 days, or past their due date), "
                          "oldest first" + ("" if d.stuck else "\nNone. :tada:")))
    for request in d.stuck:
        blocks.append(section(ta_blocks.one_line(request), accessory={
            "type": "button", "action_id": ta_blocks.ASSIGN_BUTTON, "value": str(request.id),
            "text": {"type": "plain_text", "text": "Assign…"}}) if request.status == "new"
            else section(ta_blocks.one_line(request)))
    blocks += _more(len(d.stuck), d.stuck_total, "`/ta list`")
    blocks.append(divider())
    lines = [f"• {meeting_blocks.meeting_line(m)}: {items} agenda item{'s' if items != 1 else ''}, {minutes} min"
             for m, items, minutes in d.meetings]
    blocks.append(section("*Meetings in the next 30 days*\n" + ("\n".join(lines) if lines else "None scheduled.")))
    polls = [_poll_line(p) for p in d.polls]
    blocks.append(section(f"*Open polls: {d.polls_total if d.polls_total <= len(d.polls) else f'{len(d.polls)}+'}*\n"
                          + ("\n".join(polls) if polls else "None.")))
    return Reply(text=f"IWG weekly digest: {d.new_total} new TA requests, {d.stuck_total} stuck", blocks=blocks,
                 ephemeral=False)


def home_view(requests: list[TARequest], request_total: int, meeting: Meeting | None, items: list[AgendaItem],
              item_count: int, polls: list[Poll], digest: Digest | None) -> dict:
    """The App Home of one member: their requests, the next meeting, open polls; and for
    coordinators, the digest's counts. At most about 60 blocks (a Home view takes 100)."""
    blocks = [header("IWG Bot"),
              section("*Your TA requests* (asked or led)" + ("" if requests else "\nNone yet."),
                      accessory={"type": "button", "action_id": HOME_NEW_REQUEST, "style": "primary",
                                 "text": {"type": "plain_text", "text": "New TA request"}})]
    blocks += _request_lines(requests[:10]) + _more(min(len(requests), 10), request_total, "`/ta list mine`")
    blocks.append(divider())
    if meeting:
        lines = meeting_blocks.agenda_lines(items[:10])
        agenda = "\n".join(lines) if lines else "No agenda items yet."
        blocks.append(section(f"*Next meeting: {meeting.ref} {escape(meeting.title)}*\n{meeting_blocks.when(meeting)} · "
                              f"{meeting_blocks.where(meeting)}", accessory={
                                  "type": "button", "action_id": HOME_PROPOSE,
                                  "text": {"type": "plain_text", "text": "Propose an item"}}))
        blocks.append(section(truncate(agenda, 2900)))
        blocks += _more(min(len(items), 10), item_count, "`/agenda`")
    else:
        blocks.append(section("*Next meeting*\nNone scheduled."))
    blocks.append(divider())
    blocks.append(section("*Open polls*\n" + ("\n".join(_poll_line(p) for p in polls[:10]) if polls else "None.")))
    if digest:
        blocks += [divider(), section("*For coordinators*\n"
                                      f"New this week: *{digest.new_total}* · stuck: *{digest.stuck_total}* · "
                                      f"completed this week: *{digest.completed}*\n{_status_counts(digest.open_by_status)}"),
                   context("`/iwg digest` sends you the whole digest now.")]
    return {"type": "home", "blocks": blocks}


def agenda_form(meeting: Meeting) -> dict:
    return {
        "type": "modal", "callback_id": AGENDA_FORM, "private_metadata": str(meeting.id),
        "title": {"type": "plain_text", "text": "Propose an item"},
        "submit": {"type": "plain_text", "text": "Propose"},
        "close": {"type": "plain_text", "text": "Cancel"},
        "blocks": [
            section(f"For *{meeting.ref} {escape(meeting.title)}*, {meeting_blocks.when(meeting)}"),
            {"type": "input", "block_id": "item", "label": {"type": "plain_text", "text": "Item"},
             "element": {"type": "plain_text_input", "action_id": "value", "max_length": 300}},
            {"type": "input", "block_id": "minutes", "optional": True,
             "label": {"type": "plain_text", "text": "Minutes it needs"},
             "element": {"type": "number_input", "action_id": "value", "is_decimal_allowed": False,
                         "min_value": "1", "max_value": "600"}},
        ],
    }
