"""The weekly digest's message: the top items and a count of the rest, so it stays within
Block Kit's limits however much data there is. The App Home (bot/render/home_blocks.py)
shows some of the same lines."""

from __future__ import annotations

from bot.domain.digest import Digest, StuckRequest
from bot.domain.ta import QUIET_AFTER, UNASSIGNED_AFTER
from bot.i18n import _, ngettext, number
from bot.parsing.slack_text import escape, mention, truncate
from bot.parsing.vocabulary import status_label
from bot.render import meeting_blocks, ta_blocks
from bot.render.blocks import Reply, context, date_token, divider, header, section
from storage.polls import Poll
from storage.ta_requests import OVERDUE, UNASSIGNED, TARequest


def stuck_rule() -> str:
    """What makes a request stuck, as the digest says it."""
    return _(
        "unassigned for more than {unassigned}, past their due date, or quiet for {quiet}",
        unassigned=ngettext("{n} day", "{n} days", UNASSIGNED_AFTER.days),
        quiet=ngettext("{n} day", "{n} days", QUIET_AFTER.days),
    )


def more(shown: int, total: int, where: str) -> list[dict]:
    left = total - shown
    return (
        [context(ngettext("…and {n} more: {where}", "…and {n} more: {where}", left, where=where))] if left > 0 else []
    )


def request_lines(requests: list[TARequest]) -> list[dict]:
    return [section(ta_blocks.one_line(r)) for r in requests]


def assign_button(request: TARequest) -> dict:
    """The announcement's *Assign…* (its handler opens the assign form), for a digest or the App Home."""
    return {
        "type": "button",
        "action_id": ta_blocks.ASSIGN_BUTTON,
        "value": request.ref,
        "text": {"type": "plain_text", "text": _("Assign…")},
    }


def why_stuck(stuck: StuckRequest) -> str:
    """Why it is stuck and who holds it: `quiet since 8 Feb · WHO, lead @Amina`."""
    if stuck.why == UNASSIGNED:
        icon, why = ":hourglass:", ngettext("unassigned for {n} day", "unassigned for {n} days", stuck.days)
    elif stuck.why == OVERDUE:  # the line before shows the date
        icon, why = ":warning:", ngettext("{n} day past its due date", "{n} days past its due date", stuck.days)
    else:
        icon, why = ":zzz:", _("quiet since {day}", day=date_token(stuck.since, "{date_short_pretty}"))
    why = f"{icon} {why}"
    request = stuck.request
    if stuck.organisation or request.lead:
        organisation = ta_blocks.org_label(stuck.organisation)
        if request.lead:
            holder = _("{organisation}, lead {lead}", organisation=organisation, lead=mention(request.lead))
        else:
            holder = _("{organisation}, no lead named", organisation=organisation)
        why += f" · {holder}"
    return why


def stuck_block(stuck: StuckRequest, hint: bool = False) -> dict:
    """One stuck request: its line, why, and *Assign…* while it is new (else, with `hint`,
    the command that shows it)."""
    text = f"{ta_blocks.one_line(stuck.request)}\n{why_stuck(stuck)}"
    if stuck.request.status == "new":
        return section(text, accessory=assign_button(stuck.request))
    return section(text + (f" · `/ta show {stuck.request.ref}`" if hint else ""))


def status_counts(counts: dict[str, int]) -> str:
    return " · ".join(f"{ta_blocks.STATUS_ICONS[s]} {status_label(s)}: *{number(n)}*" for s, n in counts.items())


def poll_line(poll: Poll) -> str:
    question, channel = escape(truncate(poll.question, 120)), f"<#{poll.channel}>"
    if poll.closes_at:
        return ngettext(
            "• *{ref}* {question} in {channel}: {n} voted, closes {day}",
            "• *{ref}* {question} in {channel}: {n} voted, closes {day}",
            poll.voters,
            ref=poll.ref,
            question=question,
            channel=channel,
            day=date_token(poll.closes_at, "{date_short_pretty}"),
        )
    return ngettext(
        "• *{ref}* {question} in {channel}: {n} voted",
        "• *{ref}* {question} in {channel}: {n} voted",
        poll.voters,
        ref=poll.ref,
        question=question,
        channel=channel,
    )


def digest_message(d: Digest) -> Reply:
    since = date_token(d.since, "{date_long_pretty}")
    blocks = [
        header(_("IWG weekly digest")),
        context(_("Since {day}. `/iwg digest` sends it again now.", day=since)),
    ]
    new = _("*TA requests new this week: {count}*", count=number(d.new_total))
    blocks.append(section(new if d.new else "\n".join([new, _("None.")])))
    blocks += request_lines(d.new) + more(len(d.new), d.new_total, "`/ta list all`")
    open_by_status = _("*Open by status*")
    completed = _("Completed this week: *{count}*", count=number(d.completed))
    blocks.append(section(f"{open_by_status}\n{status_counts(d.open_by_status)}\n{completed}"))
    stuck_head = _("*Stuck: {count}* ({rule}), oldest first", count=number(d.stuck_total), rule=stuck_rule())
    blocks.append(section(stuck_head if d.stuck else "\n".join([stuck_head, _("None. :tada:")])))
    blocks += [stuck_block(stuck) for stuck in d.stuck]
    blocks += more(len(d.stuck), d.stuck_total, "`/ta list stuck`")
    blocks.append(divider())
    lines = [
        ngettext(
            "• {meeting}: {n} agenda item, {minutes}",
            "• {meeting}: {n} agenda items, {minutes}",
            items,
            meeting=meeting_blocks.meeting_line(m),
            minutes=meeting_blocks.minutes_text(minutes),
        )
        for m, items, minutes in d.meetings
    ]
    blocks.append(section("\n".join([_("*Meetings in the next 30 days*"), *(lines or [_("None scheduled.")])])))
    polls = [poll_line(p) for p in d.polls]
    shown = number(d.polls_total) if d.polls_total <= len(d.polls) else f"{number(len(d.polls))}+"
    blocks.append(section("\n".join([_("*Open polls: {count}*", count=shown), *(polls or [_("None.")])])))
    text = ngettext(
        "IWG weekly digest: {n} new TA request, {stuck} stuck",
        "IWG weekly digest: {n} new TA requests, {stuck} stuck",
        d.new_total,
        stuck=number(d.stuck_total),
    )
    return Reply(text=text, blocks=blocks, ephemeral=False)
