"""`/iwg`: help, who coordinates the group, the member organisations, the digest."""

from __future__ import annotations

from bot.errors import UserError
from bot.parsing.iwg_command import ORGS_USAGE
from bot.parsing.slack_text import mention
from bot.parsing.text import echo, parse_user, split_command
from bot.render import iwg_blocks
from bot.render.blocks import Reply
from bot.render.iwg_blocks import COORDINATORS_USAGE
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, slash_command
from handlers.router import Router
from storage import Removal


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
        services.digest_service.send_now(cmd.user_id)
        return Reply.of("The weekly digest is on its way to your direct messages.", ":newspaper:")
    raise UserError(
        f"`/iwg {echo(sub)}` is not a command I know.", hint="`/iwg help` lists every command with an example."
    )


def coordinators(services: Services, asker: str, text: str) -> Reply:
    action, rest = split_command(text)
    if action == "":
        return iwg_blocks.coordinators_reply(services.coordinators.list())
    if action not in ("add", "remove"):
        raise UserError(f"`/iwg coordinators {echo(action)}` is not a form I know.", COORDINATORS_USAGE)
    user_id = parse_user(rest)
    if user_id is None:
        raise UserError(
            f"I need one person to {action}: pick them from Slack's list as you type `@`.", COORDINATORS_USAGE
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
        Removal.CONSOLE_USER: f"{who} is the console's own user, a coordinator while the console runs.",
    }
    raise UserError(reasons[outcome], COORDINATORS_USAGE)


def organisations(services: Services, asker: str, text: str) -> Reply:
    action, rest = split_command(text)
    if action == "":
        return iwg_blocks.organisations_reply(services.organisations.list())
    rules = services.organisation_service
    changes = {"add": rules.add, "set": rules.set, "rename": rules.rename, "remove": rules.remove}
    if action not in changes:
        raise UserError(f"`/iwg orgs {echo(action)}` is not a form I know.", ORGS_USAGE)
    return iwg_blocks.organisation_changed(changes[action](asker, rest))
