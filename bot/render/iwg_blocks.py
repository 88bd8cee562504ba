"""How `/iwg` answers look: the member organisations, what changed in them, and the coordinators."""

from __future__ import annotations

from bot.domain.organisations import Change, Changed
from bot.parsing.catalogue import usage
from bot.parsing.slack_text import escape, mention
from bot.parsing.strategies import STRATEGIES
from bot.render.blocks import MAX_BLOCKS, Reply, context, pack_lines, section
from bot.render.ta_blocks import strategy_tags
from storage.coordinators import CONFIG, CONSOLE, Coordinator
from storage.organisations import Organisation

COORDINATORS_USAGE = usage("/iwg coordinators", "/iwg coordinators add", "/iwg coordinators remove")
CHANGES_USAGE = usage("/iwg orgs add", "/iwg orgs set", "/iwg orgs rename", "/iwg orgs remove")


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
    blocks.append(context("Coordinators add, correct and remove them: " + CHANGES_USAGE))
    return Reply(text=f"{len(organisations)} member organisations", blocks=blocks)


def _offers(organisation: Organisation) -> str:
    return strategy_tags(organisation.strategies) if organisation.strategies else "no strategies yet"


def organisation_changed(changed: Changed) -> Reply:
    """The answer to `/iwg orgs add|set|rename|remove`."""
    now, before = changed.organisation, changed.before
    label = f"*{escape(now.label)}*"
    if changed.change is Change.UNCHANGED:
        return Reply.of(f"Already listed: {label}, offering {_offers(now)}; nothing changed.")
    if changed.change is Change.REMOVED:
        return Reply.of(
            f"Removed {label} from the member organisations. Requests it held still name it; "
            f"`/iwg orgs add {escape(now.name)}` brings it back.",
            ":white_check_mark:",
        )
    if changed.change is Change.RENAMED:
        return Reply.of(f"Renamed *{escape(before.label)}* to {label}.", ":white_check_mark:")
    if changed.change is Change.STRATEGIES_SET:
        offers = f"offers {strategy_tags(now.strategies)}" if now.strategies else "offers no strategies now"
        was = strategy_tags(before.strategies) if before.strategies else "none"
        return Reply.of(f"{label} {offers} (before: {was}).", ":white_check_mark:")
    news = []
    if before is not None:
        added = [t for t in now.strategies if t not in before.strategies]
        news += [f"added {strategy_tags(added)}"] if added else []
        if now.short_name and now.short_name != before.short_name:
            news.append(f"short name “{escape(now.short_name)}”")
    detail = f" ({', '.join(news)})" if news and changed.change is Change.UPDATED else ""
    return Reply.of(f"{changed.change.value} {label}, offering {_offers(now)}{detail}.", ":white_check_mark:")


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
    if coordinator.source == CONSOLE:
        return "_(the console's own user)_"
    return f"_(added by {mention(coordinator.added_by)})_" if coordinator.added_by else ""
