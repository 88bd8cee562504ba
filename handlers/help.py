"""Help texts, drawn from the catalogue (bot/parsing/catalogue.py), so that every `help`
and every usage line in an error say the same thing."""

from __future__ import annotations

import functools

from bot import i18n
from bot.i18n import N_, _
from bot.parsing.catalogue import FAMILIES, Family, Subcommand
from bot.render.blocks import Reply, context, divider, header, section

INTRO = N_(
    "I help the *INSPIRE Implementation Working Group* with its recurring work: "
    "technical-assistance requests brokered to member organisations, the quarterly "
    "meetings and their reminders, agenda items, polls, and a weekly digest for the coordinator."
)


def _subcommand_line(form: Subcommand) -> str:
    if form.coordinators_only:
        return _(
            "• `{usage}` {does} _(coordinators)_\n      e.g. `{example}`",
            usage=form.usage,
            does=_(form.does),
            example=form.example,
        )
    return _("• `{usage}` {does}\n      e.g. `{example}`", usage=form.usage, does=_(form.does), example=form.example)


def _family_text(family: Family) -> str:
    lines = [_("*{command}*: {summary}", command=family.command, summary=_(family.summary))]
    lines += [_subcommand_line(subcommand) for subcommand in family.subcommands]
    return "\n".join(lines)


def overview() -> Reply:
    """What the bot does and every command, in the language being answered in."""
    return _overview(i18n.current())


@functools.cache  # the catalogue is fixed, so the help is too, in each language
def _overview(language: str) -> Reply:
    blocks = [header(_("IWG Bot")), section(_(INTRO)), divider()]
    blocks += [section(_family_text(family)) for family in FAMILIES]
    blocks.append(
        context(
            _(
                "IDs look like `TA-7`, `M-3`, `A-12`, `P-5`; the bare number works too. "
                "Every command answers `help`, e.g. `/ta help`."
            )
        )
    )
    return Reply(text=_("IWG Bot: what it does and every command"), blocks=blocks)


def family_help(family: Family) -> Reply:
    blocks = [section(_family_text(family))]
    return Reply(text=_("{command}: {summary}", command=family.command, summary=_(family.summary)), blocks=blocks)
