"""Help texts, drawn from the catalogue (bot/parsing/catalogue.py), so that every `help`
and every usage line in an error say the same thing."""

from __future__ import annotations

import functools

from bot.parsing.catalogue import FAMILIES, Family, Subcommand
from bot.render.blocks import Reply, context, divider, header, section

INTRO = (
    "I help the *INSPIRE Implementation Working Group* with its recurring work: "
    "technical-assistance requests brokered to member organisations, the quarterly "
    "meetings and their reminders, agenda items, polls, and a weekly digest for the coordinator."
)


def _subcommand_line(form: Subcommand) -> str:
    who = " _(coordinators)_" if form.coordinators_only else ""
    return f"• `{form.usage}` {form.does}{who}\n      e.g. `{form.example}`"


def _family_text(family: Family) -> str:
    lines = [f"*{family.command}*: {family.summary}"]
    lines += [_subcommand_line(subcommand) for subcommand in family.subcommands]
    return "\n".join(lines)


@functools.cache  # the catalogue is fixed, so the help is too
def overview() -> Reply:
    blocks = [header("IWG Bot"), section(INTRO), divider()]
    blocks += [section(_family_text(family)) for family in FAMILIES]
    blocks.append(
        context(
            "IDs look like `TA-7`, `M-3`, `A-12`, `P-5`; the bare number works too. "
            "Every command answers `help`, e.g. `/ta help`."
        )
    )
    return Reply(text="IWG Bot: what it does and every command", blocks=blocks)


def family_help(family: Family) -> Reply:
    blocks = [section(_family_text(family))]
    return Reply(text=f"{family.command}: {family.summary}", blocks=blocks)
