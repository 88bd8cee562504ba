"""`/iwg`: help, who coordinates the group, the member organisations, the digest."""

from __future__ import annotations

from slack_sdk import WebClient

from bot import i18n
from bot.errors import UserError
from bot.i18n import N_, _
from bot.outbound.languages import AUTO
from bot.parsing.iwg_command import LANGUAGE_USAGE, ORGS_USAGE
from bot.parsing.slack_text import mention
from bot.parsing.text import echo, parse_user, split_command
from bot.render import iwg_blocks
from bot.render.blocks import Reply, context, section
from bot.render.iwg_blocks import COORDINATORS_USAGE
from bot.services import Services
from handlers import help
from handlers.common import SlashCommand, slash_command
from handlers.router import Router
from storage import Removal


def register(app: Router, services: Services) -> None:
    slash_command(app, "/iwg", lambda cmd, client: iwg(services, cmd, client))


def iwg(services: Services, cmd: SlashCommand, client: WebClient | None = None) -> Reply:
    sub, rest = split_command(cmd.text)
    if sub in ("", "help"):
        return help.overview()
    if sub == "coordinators":
        return coordinators(services, cmd.user_id, rest)
    if sub == "orgs":
        return organisations(services, cmd.user_id, rest)
    if sub == "language":
        return choose_language(services, cmd.user_id, rest, client)
    if sub == "digest":
        services.require_coordinator(cmd.user_id, N_("ask for the digest"))
        services.digest_service.send_now(cmd.user_id)
        return Reply.of(_("The weekly digest is on its way to your direct messages."), ":newspaper:")
    raise UserError(
        _("`/iwg {typed}` is not a command I know.", typed=echo(sub)),
        hint=_("`/iwg help` lists every command with an example."),
    )


def choose_language(services: Services, member: str, text: str, client: WebClient | None) -> Reply:
    """`/iwg language fr`: the member is answered in French from now on, whatever Slack's
    language; `auto` goes back to Slack's; alone, it says which one is used and why."""
    wanted = text.strip().lower()
    if wanted and wanted not in (*i18n.LANGUAGES, AUTO):
        raise UserError(_("`{typed}` is not a language I speak.", typed=echo(wanted)), LANGUAGE_USAGE)
    if wanted:
        services.languages.choose(member, wanted)
    code = services.languages.of(member, client)
    chosen = services.languages.chosen(member)
    with i18n.language(code):  # the answer already in the language chosen
        if chosen is not None and chosen.chosen:
            said = _("I answer you in {language}, as you chose.", language=i18n.language_name(code))
        else:
            said = _("I answer you in {language}, your Slack language.", language=i18n.language_name(code))
        how = _("`/iwg language fr`, `es`, `ar` or `en` changes it; `/iwg language auto` follows Slack's.")
        return Reply(text=said, blocks=[section(f":speech_balloon: {said}"), context(how)])


def coordinators(services: Services, asker: str, text: str) -> Reply:
    action, rest = split_command(text)
    if action == "":
        return iwg_blocks.coordinators_reply(services.coordinators.list())
    if action not in ("add", "remove"):
        raise UserError(_("`/iwg coordinators {typed}` is not a form I know.", typed=echo(action)), COORDINATORS_USAGE)
    user_id = parse_user(rest)
    if user_id is None:
        if action == "add":
            raise UserError(
                _("I need one person to add: pick them from Slack's list as you type `@`."), COORDINATORS_USAGE
            )
        raise UserError(
            _("I need one person to remove: pick them from Slack's list as you type `@`."), COORDINATORS_USAGE
        )
    # what only coordinators can do, as bot/domain/permissions.py says it
    services.require_coordinator(asker, N_("add coordinators") if action == "add" else N_("remove coordinators"))
    if action == "add":
        if services.coordinators.add(user_id, added_by=asker):
            return Reply.of(_("{who} is now a coordinator.", who=mention(user_id)), ":white_check_mark:")
        return Reply.of(_("{who} is already a coordinator; nothing changed.", who=mention(user_id)))
    return _removed(services.coordinators.remove(user_id), user_id)


def _removed(outcome: Removal, user_id: str) -> Reply:
    who = mention(user_id)
    if outcome is Removal.REMOVED:
        return Reply.of(_("{who} is no longer a coordinator.", who=who), ":white_check_mark:")
    reasons = {
        Removal.NOT_A_COORDINATOR: N_("{who} is not a coordinator, so there is nobody to remove."),
        Removal.FROM_CONFIG: N_(
            "{who} is a coordinator through the IWG_COORDINATORS setting; the bot's admin removes them there."
        ),
        Removal.LAST_ONE: N_("{who} is the last coordinator; add another one first."),
        Removal.CONSOLE_USER: N_("{who} is the console's own user, a coordinator while the console runs."),
    }
    raise UserError(_(reasons[outcome], who=who), COORDINATORS_USAGE)


def organisations(services: Services, asker: str, text: str) -> Reply:
    action, rest = split_command(text)
    if action == "":
        return iwg_blocks.organisations_reply(services.organisations.list())
    rules = services.organisation_service
    changes = {"add": rules.add, "set": rules.set, "rename": rules.rename, "remove": rules.remove}
    if action not in changes:
        raise UserError(_("`/iwg orgs {typed}` is not a form I know.", typed=echo(action)), ORGS_USAGE)
    return iwg_blocks.organisation_changed(changes[action](asker, rest))
