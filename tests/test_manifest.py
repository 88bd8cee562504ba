"""The Slack app manifest matches what the bot serves, with the scopes the SPEC needs and no more."""

from __future__ import annotations

import yaml

from bot.parsing.catalogue import FAMILIES
from tests.conftest import ROOT


def manifest() -> dict:
    return yaml.safe_load((ROOT / "manifest.yml").read_text())


def test_every_command_is_declared_with_escaping_on():
    commands = manifest()["features"]["slash_commands"]
    assert [c["command"] for c in commands] == [f.command for f in FAMILIES]
    assert all(c["should_escape"] is True for c in commands)
    assert all(c["url"].endswith("/slack/events") for c in commands)


def test_scopes_socket_mode_interactivity_and_home():
    m = manifest()
    assert set(m["oauth_config"]["scopes"]["bot"]) == {
        "commands",
        "chat:write",
        "im:write",
        "users:read",
        "files:write",
        "channels:read",
        "groups:read",
        "channels:history",
        "groups:history",
        "im:history",
    }
    assert m["settings"]["socket_mode_enabled"] is True
    assert m["settings"]["interactivity"]["is_enabled"] is True
    assert m["settings"]["event_subscriptions"]["bot_events"] == ["app_home_opened"]
    assert m["features"]["app_home"]["home_tab_enabled"] is True
