"""How the process runs: `python app.py` reads the settings (bot/settings.py), opens the
database, builds the Bolt app (app_factory, the only module that imports handlers/) and
runs the mode the settings call for: HTTP (http, front_door), Socket Mode, or the console
(console, on a local stand-in for Slack's Web API, local_slack). The scheduler and the
logging set-up live here too.

May import every other room; nothing imports it but app.py, bench/ and the tests.
"""
