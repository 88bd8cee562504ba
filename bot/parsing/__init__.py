"""What members type, read: pure functions that turn text into values or a UserError that
says what was wrong and shows the right form.

- slack_text: Slack's escaping both ways (also used by every renderer)
- text: mentions, IDs (`TA-7`), cleaned free text; dates, countries, strategies
- places: where a TA request is for (countries, UN M49 regions, Global)
- catalogue: every command with an example; the one source of usage strings
- ta_command, ta_list_command, poll_command, meeting_command, iwg_command: each command's grammar

May import bot.errors, bot.settings, parsing itself and storage's vocabulary (statuses,
filters); never the rules, rendering, the Web API or handlers.
"""
