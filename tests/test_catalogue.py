"""Usage strings come from the catalogue, so an error's answer and `help` say the same."""

from __future__ import annotations

import pytest

from bot.parsing import catalogue, meeting_command, poll_command, ta_command, ta_list_command
from bot.parsing.catalogue import usage


def test_a_usage_is_the_catalogues_form_and_example():
    form = catalogue.subcommand("/meetings add")
    assert usage("/meetings add") == f"`{form.usage}`, e.g. `{form.example}`"
    assert "[until <date> [at <time>]]" in meeting_command.ADD_USAGE  # the drift the catalogue ends


def test_every_grammar_shows_what_help_shows():
    help_lines = {s.usage for family in catalogue.FAMILIES for s in family.subcommands}
    for shown in (poll_command.USAGE, ta_command.NEW_USAGE, ta_list_command.LIST_USAGE, ta_command.STATUS_USAGE):
        assert shown.split("`")[1] in help_lines


def test_several_forms_show_the_last_ones_example_and_values_come_before_it():
    shown = usage("/ta status", values="status one of: `new`")
    assert shown.startswith("`/ta status <id> <status> [note]`, status one of: `new`, e.g. `/ta status TA-7")


def test_an_unknown_form_is_a_mistake_of_ours_found_at_import():
    with pytest.raises(KeyError):
        usage("/ta frobnicate")
