"""The group's rules: what may happen to a TA request, a meeting and its agenda, a poll,
the reminders and the digest, and who may do it (permissions). Each service writes a change
and the notices it causes in one transaction (the outbox, storage/outbox.py), so nothing
here talks to Slack: the courier sends the notices after the ack (bot/outbound/).

May import bot.errors, bot.settings, bot/parsing/ and storage/; never render, outbound,
handlers, run, or a Web API client.
"""
