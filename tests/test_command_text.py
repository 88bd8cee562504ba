"""A command whose text says "payload" is a command like any other.

Bolt reads any form body containing the letters `payload` as an interaction and, finding
no `payload` field, as nothing at all (slack_bolt.request.internals.parse_body), so
`/ta new Kenya: payload of the survey` went unanswered, in HTTP mode and in the console.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode

from bot.run.front_door import read_request
from tests.test_console import run_console
from tests.test_ta import log_request

TEXT = "Kenya: payload of the household survey, needs analysis"


def test_a_command_saying_payload_is_read_as_a_command():
    body = b"command=%2Fta&text=new+payload&user_id=U0MEMBER&team_id=T0IWG&channel_id=C0IWG"
    request = read_request(body, {"content-type": "application/x-www-form-urlencoded"})
    assert request.body["text"] == "new payload" and request.context.user_id == "U0MEMBER"


def test_an_interaction_is_still_read_from_its_payload_field():
    click = {"type": "block_actions", "user": {"id": "U0A"}, "actions": [{"action_id": "ta_assign", "value": "7"}]}
    body = urlencode({"payload": json.dumps(click)}).encode()
    request = read_request(body, {"content-type": "application/x-www-form-urlencoded"})
    assert request.body["type"] == "block_actions" and request.body["user"]["id"] == "U0A"


def test_a_request_saying_payload_is_logged_over_http(bot):
    driver, _ = bot
    assert "TA-1" in log_request(driver, text=TEXT)["text"]


def test_a_request_saying_payload_is_logged_in_the_console(tmp_dir):
    result = run_console(tmp_dir, f"/ta new {TEXT}\n")
    assert result.returncode == 0, result.stderr
    assert "TA-1" in result.stdout and "nothing listening" not in result.stdout
