"""How `/iwg` answers look: the member organisations and the coordinators."""

from __future__ import annotations

from bot.parsing.catalogue import usage
from bot.parsing.slack_text import escape, mention
from bot.parsing.strategies import STRATEGIES
from bot.render.blocks import MAX_BLOCKS, Reply, context, pack_lines, section
from bot.render.ta_blocks import strategy_tags
from storage.coordinators import CONFIG, Coordinator
from storage.organisations import Organisation

COORDINATORS_USAGE = usage("/iwg coordinators", "/iwg coordinators add", "/iwg coordinators remove")


def organisations_reply(organisations: list[Organisation]) -> Reply:
    lines = [
        f"• *{escape(o.label)}*: {strategy_tags(o.strategies) if o.strategies else '_no strategies listed yet_'}"
        for o in organisations
    ]
    blocks = [section(f"*Member organisations* ({len(organisations)})")]
    chunks = pack_lines(lines)
    room = MAX_BLOCKS - 4
    blocks += [section(chunk) for chunk in chunks[:room]]
    if len(chunks) > room:
        shown = sum(chunk.count("\n") + 1 for chunk in chunks[:room])
        blocks.append(context(f"…and {len(organisations) - shown} more not shown."))
    blocks.append(context("Tags: " + " ".join(f"`#{s.tag}` {s.name}" for s in STRATEGIES)))
    blocks.append(context("Coordinators set what each offers with " + usage("/iwg orgs add") + "."))
    return Reply(text=f"{len(organisations)} member organisations", blocks=blocks)


def coordinators_reply(people: list[Coordinator]) -> Reply:
    if not people:
        return Reply.of("No coordinators yet: the bot's admin sets `IWG_COORDINATORS` to their Slack member IDs.")
    lines = [f"• {mention(c.user_id)} {_origin(c)}" for c in people]
    blocks = [section(f"*Coordinators* ({len(people)})\n" + "\n".join(lines))]
    blocks.append(
        context("Coordinators broker TA requests, schedule meetings and post to the channel. " + COORDINATORS_USAGE)
    )
    return Reply(text=f"{len(people)} coordinators", blocks=blocks)


def _origin(coordinator: Coordinator) -> str:
    if coordinator.source == CONFIG:
        return "_(set in IWG_COORDINATORS)_"
    return f"_(added by {mention(coordinator.added_by)})_" if coordinator.added_by else ""
