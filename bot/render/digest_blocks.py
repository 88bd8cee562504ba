"""The weekly digest's message: the top items and a count of the rest, so it stays within
Block Kit's limits however much data there is. The App Home (bot/render/home_blocks.py)
shows some of the same lines."""

from __future__ import annotations

from bot.domain.digest import Digest, StuckRequest
from bot.domain.ta import QUIET_AFTER, UNASSIGNED_AFTER
from bot.parsing.slack_text import escape, mention, truncate
from bot.render import meeting_blocks, ta_blocks
from bot.render.blocks import Reply, context, date_token, divider, header, section
from storage.polls import Poll
from storage.ta_requests import OVERDUE, UNASSIGNED, TARequest

STUCK_RULE = (
    f"unassigned for more than {UNASSIGNED_AFTER.days} days, past their due date, or quiet for {QUIET_AFTER.days} days"
)


def more(shown: int, total: int, where: str) -> list[dict]:
    return [context(f"…and {total - shown} more: {where}")] if total > shown else []


def request_lines(requests: list[TARequest]) -> list[dict]:
    return [section(ta_blocks.one_line(r)) for r in requests]


def assign_button(request: TARequest) -> dict:
    """The announcement's *Assign…* (its handler opens the assign form), for a digest or the App Home."""
    return {
        "type": "button",
        "action_id": ta_blocks.ASSIGN_BUTTON,
        "value": request.ref,
        "text": {"type": "plain_text", "text": "Assign…"},
    }


def why_stuck(stuck: StuckRequest) -> str:
    """Why it is stuck and who holds it: `quiet since 8 Feb · WHO, lead @Amina`."""
    if stuck.why == UNASSIGNED:
        why = f":hourglass: unassigned for {_days(stuck.days)}"
    elif stuck.why == OVERDUE:
        why = f":warning: {_days(stuck.days)} past its due date"  # the line before shows the date
    else:
        why = f":zzz: quiet since {date_token(stuck.since, '{date_short_pretty}')}"
    request = stuck.request
    if stuck.organisation or request.lead:
        lead = f"lead {mention(request.lead)}" if request.lead else "no lead named"
        why += f" · {ta_blocks.org_label(stuck.organisation)}, {lead}"
    return why


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def stuck_block(stuck: StuckRequest, hint: bool = False) -> dict:
    """One stuck request: its line, why, and *Assign…* while it is new (else, with `hint`,
    the command that shows it)."""
    text = f"{ta_blocks.one_line(stuck.request)}\n{why_stuck(stuck)}"
    if stuck.request.status == "new":
        return section(text, accessory=assign_button(stuck.request))
    return section(text + (f" · `/ta show {stuck.request.ref}`" if hint else ""))


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
        section(f"*Stuck: {d.stuck_total}* ({STUCK_RULE}), oldest first" + ("" if d.stuck else "\nNone. :tada:"))
    )
    blocks += [stuck_block(stuck) for stuck in d.stuck]
    blocks += more(len(d.stuck), d.stuck_total, "`/ta list stuck`")
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
