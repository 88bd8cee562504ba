"""IWG Bot: a Slack app for the INSPIRE Implementation Working Group.

A request flows down through these rooms and its answer back up:

    app.py
    bot/run/        how the process runs: the settings read, the database opened, the
                    Bolt app built (the only module that imports handlers/), HTTP,
                    Socket Mode or the console, the scheduler, logging
    handlers/       inbound only: read the request, call the rules, render the answer
    bot/services.py the container handlers are given: repositories, rules, after-ack paths
    bot/outbound/   what goes out after the ack: the outbox's courier and the notices it
                    sends, forms and files a member waits on, display names
    bot/render/     how it looks: Block Kit per family, the CSV, the .ics, the App Home,
                    console text kept apart from what Slack sees
    bot/domain/     the group's rules: TA requests, meetings and agenda, reminders, polls,
                    the digest, who may do what; no Web API client
    bot/parsing/    what members type, pure functions: text, dates, countries,
                    strategies, every command's grammar and the catalogue of commands
    storage/        SQLite: the schema, its migrations, one repository per aggregate
    bot/errors.py, bot/settings.py, bot/i18n.py   leaves that every room may use (i18n:
                    the catalogues in bot/locales, the language being answered in)

The import rule, which tests/test_layers.py checks for every module (by reading its
imports, lazy ones included): a room imports only from the rooms below it in this list
and from the leaves, never upwards.

- storage imports nothing of the app;
- parsing imports the leaves, parsing and storage (for its vocabulary: statuses, filters);
- domain adds nothing else: no render, no outbound, no Web API (slack_sdk), no handlers;
- render may import domain, parsing and storage;
- outbound may import render, domain, parsing and storage, and talks to the Web API;
- bot/services.py may import outbound and below;
- handlers may import services and below, never run;
- only bot/run/app_factory.py imports handlers.
"""
