"""`/iwg`: help, and who coordinates the group."""

from __future__ import annotations

import re

from bot import ta_blocks
from bot.errors import UserError
from bot.render import Reply, context, escape, mention, section
from bot.services import Services
from bot.strategies import parse_tags
from bot.text import clean_text, echo, parse_user, split_command
from handlers import help
from handlers.common import SlashCommand, slash_command
from handlers.router import Router
from storage import Coordinator, Removal
from storage.coordinators import CONFIG
from storage.organisations import Saved

ORGS_USAGE = "`/iwg orgs`, `/iwg orgs add <name> [#strategy …]`, e.g. `/iwg orgs add WHO #parenting #laws`"
COORDINATORS_USAGE = "`/iwg coordinators`, `/iwg coordinators add @user`, `/iwg coordinators remove @user`"


def register(app: Router, services: Services) -> None:
    slash_command(app, "/iwg", lambda cmd, client: iwg(services, cmd))


def iwg(services: Services, cmd: SlashCommand) -> Reply:
    sub, rest = split_command(cmd.text)
    if sub in ("", "help"):
        return help.overview()
    if sub == "coordinators":
        return coordinators(services, cmd.user_id, rest)
    if sub == "orgs":
        return organisations(services, cmd.user_id, rest)
    if sub == "digest":
        services.require_coordinator(cmd.user_id, "ask for the digest")
        services.digest_schedule.send_now(cmd.user_id)
        return Reply.of("The weekly digest is on its way to your direct messages.", ":newspaper:")
    raise UserError(
        f"`/iwg {echo(sub)}` is not a command I know.",
        hint="`/iwg help` lists every command with an example.",
    )


def coordinators(services: Services, asker: str, text: str) -> Reply:
    action, rest = split_command(text)
    if action == "":
        return list_coordinators(services)
    if action not in ("add", "remove"):
        raise UserError(f"`/iwg coordinators {echo(action)}` is not a form I know.", COORDINATORS_USAGE)
    user_id = parse_user(rest)
    if user_id is None:
        raise UserError(
            f"I need one person to {action}: pick them from Slack's list as you type `@`.",
            COORDINATORS_USAGE,
        )
    services.require_coordinator(asker, f"{action} coordinators")
    if action == "add":
        if services.coordinators.add(user_id, added_by=asker):
            return Reply.of(f"{mention(user_id)} is now a coordinator.", ":white_check_mark:")
        return Reply.of(f"{mention(user_id)} is already a coordinator; nothing changed.")
    return _removed(services.coordinators.remove(user_id), user_id)


def _removed(outcome: Removal, user_id: str) -> Reply:
    who = mention(user_id)
    if outcome is Removal.REMOVED:
        return Reply.of(f"{who} is no longer a coordinator.", ":white_check_mark:")
    reasons = {
        Removal.NOT_A_COORDINATOR: f"{who} is not a coordinator, so there is nobody to remove.",
        Removal.FROM_CONFIG: f"{who} is a coordinator through the IWG_COORDINATORS setting; "
        "the bot's admin removes them there.",
        Removal.LAST_ONE: f"{who} is the last coordinator; add another one first.",
    }
    raise UserError(reasons[outcome], COORDINATORS_USAGE)


def list_coordinators(services: Services) -> Reply:
    people = services.coordinators.list()
    if not people:
        return Reply.of("No coordinators yet: the bot's admin sets `IWG_COORDINATORS` to their Slack member IDs.")
    lines = [f"• {mention(c.user_id)} {_origin(c)}" for c in people]
    blocks = [section(f"*Coordinators* ({len(people)})\n" + "\n".join(lines))]
    blocks.append(context("Coordinators broker TA requests, schedule meetings and post to the channel. " + COORDINATORS_USAGE))
    return Reply(text=f"{len(people)} coordinators", blocks=blocks)


def _origin(coordinator: Coordinator) -> str:
    if coordinator.source == CONFIG:
        return "_(set in IWG_COORDINATORS)_"
    return f"_(added by {mention(coordinator.added_by)})_" if coordinator.added_by else ""


def organisations(services: Services, asker: str, text: str) -> Reply:
    action, rest = split_command(text)
    if action == "":
        return ta_blocks.organisations_reply(services.organisations.list())
    if action != "add":
        raise UserError(f"`/iwg orgs {echo(action)}` is not a form I know.", ORGS_USAGE)
    services.require_coordinator(asker, "add or change member organisations")
    rest, strategies = parse_tags(rest, usage=ORGS_USAGE)
    # a short name only from brackets the member typed (a link's label is not one)
    bracket = re.fullmatch(r"(.+?)\s*\(([^()<>]{1,30})\)\s*", rest.strip())
    full_text, short_text = (bracket.group(1), bracket.group(2)) if bracket else (rest, None)
    full = clean_text(full_text, what="organisation's name", limit=150, usage=ORGS_USAGE)
    short = clean_text(short_text, what="short name", limit=30, usage=ORGS_USAGE) if short_text else None
    outcome, organisation = services.organisations.save(full, short, [s.tag for s in strategies] or None)
    if outcome is Saved.CLASH:
        raise UserError(f"“{escape(short)}” is already the short name of *{escape(organisation.label)}*.", ORGS_USAGE)
    offers = ta_blocks.strategy_tags(organisation.strategies) if organisation.strategies else "no strategies yet"
    verb = outcome.value
    return Reply.of(f"{verb} *{escape(organisation.label)}*, offering {offers}.", ":white_check_mark:")
