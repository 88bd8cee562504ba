"""How `/iwg` answers look: the member organisations, what changed in them, and the coordinators."""

from __future__ import annotations

from bot.domain.organisations import Change, Changed
from bot.i18n import N_, _, ngettext
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
    none_yet = _("_no strategies listed yet_")
    lines = [
        f"• *{escape(o.label)}*: {strategy_tags(o.strategies) if o.strategies else none_yet}" for o in organisations
    ]
    count = len(organisations)
    blocks = [section(_("*Member organisations* ({count})", count=count))]
    chunks = pack_lines(lines)
    room = MAX_BLOCKS - 4
    blocks += [section(chunk) for chunk in chunks[:room]]
    if len(chunks) > room:
        shown = sum(chunk.count("\n") + 1 for chunk in chunks[:room])
        blocks.append(context(ngettext("…and {n} more not shown.", "…and {n} more not shown.", count - shown)))
    tags = " ".join(f"`#{s.tag}` {_(s.name)}" for s in STRATEGIES)
    blocks.append(context(_("Tags: {tags}", tags=tags)))
    blocks.append(context(_("Coordinators add, correct and remove them: {usage}", usage=CHANGES_USAGE)))
    return Reply(text=ngettext("{n} member organisation", "{n} member organisations", count), blocks=blocks)


# What `/iwg orgs add|set` answers, by (change, offers strategies, a detail of what changed)
_LISTED = {
    (Change.UNCHANGED, True, False): N_("Already listed: {name}, offering {tags}; nothing changed."),
    (Change.UNCHANGED, False, False): N_("Already listed: {name}, offering no strategies yet; nothing changed."),
    (Change.ADDED, True, False): N_("Added {name}, offering {tags}."),
    (Change.ADDED, False, False): N_("Added {name}, offering no strategies yet."),
    (Change.RESTORED, True, False): N_("Brought back {name}, offering {tags}."),
    (Change.RESTORED, False, False): N_("Brought back {name}, offering no strategies yet."),
    (Change.UPDATED, True, False): N_("Updated {name}, offering {tags}."),
    (Change.UPDATED, False, False): N_("Updated {name}, offering no strategies yet."),
    (Change.UPDATED, True, True): N_("Updated {name}, offering {tags} ({details})."),
    (Change.UPDATED, False, True): N_("Updated {name}, offering no strategies yet ({details})."),
}


def organisation_changed(changed: Changed) -> Reply:
    """The answer to `/iwg orgs add|set|rename|remove`."""
    now, before = changed.organisation, changed.before
    label = f"*{escape(now.label)}*"
    if changed.change is Change.UNCHANGED:
        return Reply.of(_listed(changed.change, label, now.strategies))
    if changed.change is Change.REMOVED:
        return Reply.of(
            _(
                "Removed {name} from the member organisations. Requests it held still name it; "
                "`/iwg orgs add {typed}` brings it back.",
                name=label,
                typed=escape(now.name),
            ),
            ":white_check_mark:",
        )
    if changed.change is Change.RENAMED:
        was = f"*{escape(before.label)}*"
        return Reply.of(_("Renamed {was} to {name}.", was=was, name=label), ":white_check_mark:")
    if changed.change is Change.STRATEGIES_SET:
        return Reply.of(_strategies_set(label, now.strategies, before.strategies), ":white_check_mark:")
    news = []
    if before is not None:
        added = [t for t in now.strategies if t not in before.strategies]
        news += [_("added {tags}", tags=strategy_tags(added))] if added else []
        if now.short_name and now.short_name != before.short_name:
            news.append(_("short name “{short}”", short=escape(now.short_name)))
    details = ", ".join(news) if news and changed.change is Change.UPDATED else ""
    return Reply.of(_listed(changed.change, label, now.strategies, details), ":white_check_mark:")


def _strategies_set(label: str, now: list[str], before: list[str]) -> str:
    """The answer to `/iwg orgs set`: what the organisation offers now, and before."""
    if now and before:
        return _(
            "{name} offers {tags} (before: {was}).", name=label, tags=strategy_tags(now), was=strategy_tags(before)
        )
    if now:
        return _("{name} offers {tags} (before: none).", name=label, tags=strategy_tags(now))
    if before:
        return _("{name} offers no strategies now (before: {was}).", name=label, was=strategy_tags(before))
    return _("{name} offers no strategies now (before: none).", name=label)


def _listed(change: Change, label: str, tags: list[str], details: str = "") -> str:
    """Listed already, added, brought back or updated: what the organisation offers, and
    what changed (`details`, for an update)."""
    template = _LISTED[(change, bool(tags), bool(details))]
    return _(template, name=label, tags=strategy_tags(tags), details=details)


def coordinators_reply(people: list[Coordinator]) -> Reply:
    if not people:
        return Reply.of(_("No coordinators yet: the bot's admin sets `IWG_COORDINATORS` to their Slack member IDs."))
    lines = "\n".join(f"• {mention(c.user_id)} {_origin(c)}" for c in people)
    blocks = [section(_("*Coordinators* ({count})\n{lines}", count=len(people), lines=lines))]
    blocks.append(
        context(
            _(
                "Coordinators broker TA requests, schedule meetings and post to the channel. {usage}",
                usage=COORDINATORS_USAGE,
            )
        )
    )
    return Reply(text=ngettext("{n} coordinator", "{n} coordinators", len(people)), blocks=blocks)


def _origin(coordinator: Coordinator) -> str:
    if coordinator.source == CONFIG:
        return _("_(set in IWG_COORDINATORS)_")
    if coordinator.source == CONSOLE:
        return _("_(the console's own user)_")
    return _("_(added by {who})_", who=mention(coordinator.added_by)) if coordinator.added_by else ""
