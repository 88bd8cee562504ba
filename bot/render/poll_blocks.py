"""How a poll looks: a section per option with its button, bar, count and voters."""

from __future__ import annotations

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
    title = f":bar_chart: *{escape(poll.question)}*" + ("  _(closed)_" if poll.closed_at else "")
    blocks = [section(title)]
    for number, option in enumerate(poll.options):
        users = votes.get(number, [])
        line = f"*{escape(option)}*"
        if show_counts:
            share = f" ({round(100 * len(users) / total)}%)" if total else ""
            line += f"\n{bar(len(users), total)} {len(users)}{share}"
            if users and not poll.anonymous:
                shown = ", ".join(name(names, u) for u in users[:NAMES_SHOWN])
                line += f"  {shown}" + (f" and {len(users) - NAMES_SHOWN} more" if len(users) > NAMES_SHOWN else "")
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
                        "text": {"type": "plain_text", "text": "Close poll"},
                        "confirm": {
                            "title": {"type": "plain_text", "text": "Close this poll?"},
                            "text": {"type": "plain_text", "text": "Nobody can vote after it closes."},
                            "confirm": {"type": "plain_text", "text": "Close"},
                            "deny": {"type": "plain_text", "text": "Keep open"},
                        },
                    }
                ],
            }
        )
    return Reply(text=f"Poll {poll.ref}: {escape(poll.question)}", blocks=blocks, ephemeral=False)


def _footer(poll: Poll, voters: int, names: dict[str, str]) -> str:
    """How it works and who asked: by display name, so a poll pings nobody."""
    kind = ["several choices" if poll.multiple else "one choice"]
    if poll.anonymous:
        kind.append("anonymous")
    if poll.hidden and poll.is_open:
        kind.append("results hidden until it closes")
    parts = [
        f"{poll.ref} by {name(names, poll.author)}",
        ", ".join(kind),
        f"{voters} voter{'s' if voters != 1 else ''}",
    ]
    if poll.closed_at:
        parts.append(f"closed {date_token(poll.closed_at, '{date_short_pretty} {time}')}")
    elif poll.closes_at:
        parts.append(f"closes {date_token(poll.closes_at, '{date_short_pretty} {time}')}")
    else:
        parts.append("closes when its author or a coordinator closes it")
    return " · ".join(parts)


def result_message(poll: Poll, votes: dict[int, list[str]]) -> Reply:
    """Posted when it closes: the options by votes, most first."""
    ranked = sorted(range(len(poll.options)), key=lambda n: -len(votes.get(n, [])))
    most = max((len(votes.get(n, [])) for n in ranked), default=0)
    lines = [f"{bar(len(votes.get(n, [])), most)} {len(votes.get(n, []))}  {escape(poll.options[n])}" for n in ranked]
    text = f":checkered_flag: *{poll.ref} closed: {escape(poll.question)}*\n" + "\n".join(lines)
    return Reply(text=f"Poll {poll.ref} closed: {escape(poll.question)}", blocks=[section(text)], ephemeral=False)


def open_polls(polls: list[Poll], total: int) -> Reply:
    """The newest open polls; `total` says how many are open in all."""
    if not polls:
        return Reply.of("No polls are open.")
    lines = [
        f"• *{p.ref}* {escape(truncate(p.question, 150))} in <#{p.channel}> · {p.voters} voters"
        + (f" · closes {date_token(p.closes_at, '{date_short_pretty} {time}')}" if p.closes_at else "")
        for p in polls
    ]
    title = f"*Open polls* ({total})" + (f", the newest {len(polls)}:" if total > len(polls) else "")
    blocks = [section(chunk) for chunk in pack_lines([title, *lines])]
    blocks.append(context("`/poll close <id>` closes one (its author, coordinators)."))
    return Reply(text=f"{total} open polls", blocks=blocks)


def vote_answer(poll: Poll, option: int, ballot: Ballot) -> Reply | None:
    """What only the voter reads after a click that the message may not show them: a vote
    withdrawn or moved, or any vote in a poll whose counts are hidden."""
    chosen = f"*{escape(poll.options[option])}*"
    if ballot.outcome is Vote.WITHDRAWN:
        return Reply.of(
            f"You withdrew your vote for {chosen} in {poll.ref}. Click an option to vote again.",
            ":leftwards_arrow_with_hook:",
        )
    if ballot.outcome is Vote.MOVED:
        before = ", ".join(f"*{escape(poll.options[n])}*" for n in sorted(ballot.before) if n < len(poll.options))
        return Reply.of(f"Your vote in {poll.ref} moved from {before} to {chosen}.", ":ballot_box_with_ballot:")
    if poll.hidden:
        return Reply.of(
            f"Your vote for {chosen} in {poll.ref} is counted; the results show when it closes. "
            "Click it again to withdraw it.",
            ":ballot_box_with_ballot:",
        )
    return None
