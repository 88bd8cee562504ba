"""How a poll looks: a section per option with its button, bar, count and voters."""

from __future__ import annotations

from bot import i18n
from bot.i18n import _, ngettext
from bot.parsing.slack_text import escape, truncate
from bot.render.blocks import Reply, context, date_token, name, pack_lines, section
from storage.polls import Ballot, Poll, Vote

VOTE_PREFIX = "poll_vote:"  # + option number; the buttons' action_ids
CLOSE_BUTTON = "poll_close"
BAR_WIDTH = 10
NAMES_SHOWN = 12


def bar(count: int, most: int) -> str:
    filled = round(BAR_WIDTH * count / most) if most else 0
    return "`" + "█" * filled + "░" * (BAR_WIDTH - filled) + "`"


def poll_message(poll: Poll, votes: dict[int, list[str]], names: dict[str, str]) -> Reply:
    """The poll as it stands; with `hidden`, only how many have voted until it closes."""
    voters = {user for users in votes.values() for user in users}
    show_counts = poll.closed_at is not None or not poll.hidden
    # shares of the voters: with `multiple` one voter may back several options, so the
    # shares can add up to more than 100% (2 voters, both for A: A has 100%)
    total = len(voters)
    question = escape(poll.question)
    title = _("*{question}*  _(closed)_", question=question) if poll.closed_at else f"*{question}*"
    blocks = [section(f":bar_chart: {title}")]
    for number, option in enumerate(poll.options):
        users = votes.get(number, [])
        line = f"*{escape(option)}*"
        if show_counts:
            count = i18n.number(len(users))
            if total:
                count = _("{count} ({share}%)", count=count, share=i18n.number(round(100 * len(users) / total)))
            line += f"\n{bar(len(users), total)} {count}"
            if users and not poll.anonymous:
                shown = ", ".join(name(names, u) for u in users[:NAMES_SHOWN])
                if len(users) > NAMES_SHOWN:
                    left = len(users) - NAMES_SHOWN
                    shown = ngettext("{names} and {n} more", "{names} and {n} more", left, names=shown)
                line += f"  {shown}"
        button = (
            None
            if poll.closed_at
            else {
                "type": "button",
                "action_id": f"{VOTE_PREFIX}{number}",
                "value": f"{poll.id}:{number}",
                "text": {"type": "plain_text", "text": truncate(f"{number + 1}. {option}", 75)},
            }
        )
        blocks.append(section(line, accessory=button))
    blocks.append(context(_footer(poll, len(voters), names)))
    if poll.is_open:
        blocks.append(
            {
                "type": "actions",
                "elements": [
                    {
                        "type": "button",
                        "action_id": CLOSE_BUTTON,
                        "value": str(poll.id),
                        "text": {"type": "plain_text", "text": _("Close poll")},
                        "confirm": {
                            "title": {"type": "plain_text", "text": _("Close this poll?")},
                            "text": {"type": "plain_text", "text": _("Nobody can vote after it closes.")},
                            "confirm": {"type": "plain_text", "text": _("Close")},
                            "deny": {"type": "plain_text", "text": _("Keep open")},
                        },
                    }
                ],
            }
        )
    return Reply(text=_("Poll {ref}: {question}", ref=poll.ref, question=question), blocks=blocks, ephemeral=False)


def _footer(poll: Poll, voters: int, names: dict[str, str]) -> str:
    """How it works and who asked: by display name, so a poll pings nobody."""
    kind = [_("several choices") if poll.multiple else _("one choice")]
    if poll.anonymous:
        kind.append(_("anonymous"))
    if poll.hidden and poll.is_open:
        kind.append(_("results hidden until it closes"))
    parts = [
        _("{ref} by {name}", ref=poll.ref, name=name(names, poll.author)),
        ", ".join(kind),
        ngettext("{n} voter", "{n} voters", voters),
    ]
    if poll.closed_at:
        parts.append(_("closed {when}", when=date_token(poll.closed_at, "{date_short_pretty} {time}")))
    elif poll.closes_at:
        parts.append(_closes(poll))
    else:
        parts.append(_("closes when its author or a coordinator closes it"))
    return " · ".join(parts)


def _closes(poll: Poll) -> str:
    return _("closes {when}", when=date_token(poll.closes_at, "{date_short_pretty} {time}"))


def result_message(poll: Poll, votes: dict[int, list[str]]) -> Reply:
    """Posted when it closes: the options by votes, most first."""
    ranked = sorted(range(len(poll.options)), key=lambda n: -len(votes.get(n, [])))
    most = max((len(votes.get(n, [])) for n in ranked), default=0)
    lines = [
        f"{bar(len(votes.get(n, [])), most)} {i18n.number(len(votes.get(n, [])))}  {escape(poll.options[n])}"
        for n in ranked
    ]
    question = escape(poll.question)
    head = _("*{ref} closed: {question}*", ref=poll.ref, question=question)
    text = f":checkered_flag: {head}\n" + "\n".join(lines)
    summary = _("Poll {ref} closed: {question}", ref=poll.ref, question=question)
    return Reply(text=summary, blocks=[section(text)], ephemeral=False)


def open_polls(polls: list[Poll], total: int) -> Reply:
    """The newest open polls; `total` says how many are open in all."""
    if not polls:
        return Reply.of(_("No polls are open."))

    def line(p: Poll) -> str:
        channel = f"<#{p.channel}>"
        text = ngettext(
            "• *{ref}* {question} in {channel} · {n} voter",
            "• *{ref}* {question} in {channel} · {n} voters",
            p.voters,
            ref=p.ref,
            question=escape(truncate(p.question, 150)),
            channel=channel,
        )
        return f"{text} · {_closes(p)}" if p.closes_at else text

    lines = [line(p) for p in polls]
    if total > len(polls):
        title = _(
            "*Open polls* ({total}), the newest {shown}:", total=i18n.number(total), shown=i18n.number(len(polls))
        )
    else:
        title = _("*Open polls* ({total})", total=i18n.number(total))
    blocks = [section(chunk) for chunk in pack_lines([title, *lines])]
    blocks.append(context(_("`/poll close <id>` closes one (its author, coordinators).")))
    return Reply(text=ngettext("{n} open poll", "{n} open polls", total), blocks=blocks)


def vote_answer(poll: Poll, option: int, ballot: Ballot) -> Reply | None:
    """What only the voter reads after a click that the message may not show them: a vote
    withdrawn or moved, or any vote in a poll whose counts are hidden."""
    chosen = escape(poll.options[option])
    if ballot.outcome is Vote.WITHDRAWN:
        return Reply.of(
            _(
                "You withdrew your vote for *{option}* in {ref}. Click an option to vote again.",
                option=chosen,
                ref=poll.ref,
            ),
            ":leftwards_arrow_with_hook:",
        )
    if ballot.outcome is Vote.MOVED:
        before = ", ".join(f"*{escape(poll.options[n])}*" for n in sorted(ballot.before) if n < len(poll.options))
        return Reply.of(
            _("Your vote in {ref} moved from {before} to *{option}*.", ref=poll.ref, before=before, option=chosen),
            ":ballot_box_with_ballot:",
        )
    if poll.hidden:
        return Reply.of(
            _(
                "Your vote for *{option}* in {ref} is counted; the results show when it closes. "
                "Click it again to withdraw it.",
                option=chosen,
                ref=poll.ref,
            ),
            ":ballot_box_with_ballot:",
        )
    return None
