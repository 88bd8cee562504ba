"""The weekly digest's message: the top items and a count of the rest, so it stays within
Block Kit's limits however much data there is. The App Home (bot/render/home_blocks.py)
shows some of the same lines."""

from __future__ import annotations

from bot.domain.digest import Digest
from bot.parsing.slack_text import escape, truncate
from bot.render import meeting_blocks, ta_blocks
from bot.render.blocks import Reply, context, date_token, divider, header, section
from storage.polls import Poll
from storage.ta_requests import TARequest


def more(shown: int, total: int, where: str) -> list[dict]:
    return [context(f"…and {total - shown} more: {where}")] if total > shown else []


def request_lines(requests: list[TARequest]) -> list[dict]:
    return [section(ta_blocks.one_line(r)) for r in requests]


def status_counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{ta_blocks.STATUS_ICONS[s]} {s}: *{n}*" for s, n in counts.items())


def poll_line(poll: Poll) -> str:
    closes = f", closes {date_token(poll.closes_at, '{date_short_pretty}')}" if poll.closes_at else ""
    return f"• *{poll.ref}* {escape(truncate(poll.question, 120))} in <#{poll.channel}>: {poll.voters} voted{closes}"


def digest_message(d: Digest) -> Reply:
    blocks = [
        header("IWG weekly digest"),
        context(f"Since {date_token(d.since, '{date_long_pretty}')}. `/iwg digest` sends it again now."),
    ]
    blocks.append(section(f"*TA requests new this week: {d.new_total}*" + ("" if d.new else "\nNone.")))
    blocks += request_lines(d.new) + more(len(d.new), d.new_total, "`/ta list all`")
    blocks.append(section(f"*Open by status*\n{status_counts(d.open_by_status)}\nCompleted this week: *{d.completed}*"))
    blocks.append(
        section(
            f"*Stuck: {d.stuck_total}* (unassigned for more than 14 days, or past their due date), "
            "oldest first" + ("" if d.stuck else "\nNone. :tada:")
        )
    )
    for request in d.stuck:
        blocks.append(
            section(
                ta_blocks.one_line(request),
                accessory={
                    "type": "button",
                    "action_id": ta_blocks.ASSIGN_BUTTON,
                    "value": str(request.id),
                    "text": {"type": "plain_text", "text": "Assign…"},
                },
            )
            if request.status == "new"
            else section(ta_blocks.one_line(request))
        )
    blocks += more(len(d.stuck), d.stuck_total, "`/ta list`")
    blocks.append(divider())
    lines = [
        f"• {meeting_blocks.meeting_line(m)}: {items} agenda item{'s' if items != 1 else ''}, {minutes} min"
        for m, items, minutes in d.meetings
    ]
    blocks.append(section("*Meetings in the next 30 days*\n" + ("\n".join(lines) if lines else "None scheduled.")))
    polls = [poll_line(p) for p in d.polls]
    blocks.append(
        section(
            f"*Open polls: {d.polls_total if d.polls_total <= len(d.polls) else f'{len(d.polls)}+'}*\n"
            + ("\n".join(polls) if polls else "None.")
        )
    )
    return Reply(
        text=f"IWG weekly digest: {d.new_total} new TA requests, {d.stuck_total} stuck", blocks=blocks, ephemeral=False
    )
