"""Escaping, date tokens and the console's Block Kit to text."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from bot.errors import UserError
from bot.parsing.slack_text import escape, unescape
from bot.parsing.text import clean_text, echo, parse_user
from bot.render.blocks import Reply, date_token, error_reply, header, section
from bot.render.console_text import blocks_to_text
from bot.run.block_kit import block_problems, message_problems


def test_escape_makes_markup_inert_and_unescape_reverses_it():
    nasty = "<!channel> <@U123> <https://evil.example|your bank> & co"
    assert escape(nasty) == "&lt;!channel&gt; &lt;@U123&gt; &lt;https://evil.example|your bank&gt; &amp; co"
    assert unescape(escape(nasty)) == nasty
    assert echo("&lt;!here&gt;") == "&lt;!here&gt;" and echo("<!here>") == "&lt;!here&gt;"


def test_date_token_reads_in_each_members_zone_with_a_utc_fallback():
    moment = datetime(2024, 2, 28, 14, 0, tzinfo=timezone.utc)
    assert date_token(moment) == "<!date^1709128800^{date_long_pretty} {time}|Wed 28 Feb 2024 14:00 UTC>"
    assert date_token(moment, "{date_long_pretty}").endswith("|Wed 28 Feb 2024>")


def test_long_text_is_cut_to_block_kit_limits():
    assert block_problems([section("x" * 5000), header("y" * 400)]) == []
    assert message_problems(Reply.of("z" * 4000).as_ack()) == []


def test_replies_validate_and_fall_back_to_text():
    reply = error_reply("Bad date.", "`/meetings add <title> on <date>`", "see /meetings help")
    assert message_problems(reply.as_ack()) == []
    assert reply.as_ack()["response_type"] == "ephemeral"
    assert Reply.of("hi", ephemeral=False).as_ack()["response_type"] == "in_channel"


def test_blocks_to_text_shows_what_a_member_reads():
    blocks = [
        header("Q1 meeting"),
        section(
            "When: <!date^1709128800^{date_long_pretty}|Wed 28 Feb 2024> with <@U0AMINA> in <#C0IWG|iwg> &amp; <https://x.org|notes>"
        ),
        {
            "type": "actions",
            "elements": [{"type": "button", "text": {"type": "plain_text", "text": "Assign"}, "action_id": "a"}],
        },
    ]
    assert (
        blocks_to_text(blocks)
        == "Q1 MEETING\n==========\nWhen: Wed 28 Feb 2024 with @U0AMINA in #iwg & notes (https://x.org)\n  [Assign]"
    )


def test_parse_user_accepts_slack_mentions_and_ids_only():
    assert parse_user("<@U0AMINA|amina>") == "U0AMINA"
    assert parse_user("<@W0AMINA>") == "W0AMINA"
    assert parse_user("@U0AMINA") == "U0AMINA"
    assert parse_user("@amina") is None and parse_user("") is None and parse_user("<!channel>") is None
    assert parse_user("WHO") is None and parse_user("USAID") is None  # organisations, not people


@pytest.mark.parametrize(
    "raw, problem",
    [
        ("   ", "is empty"),
        ("a\x00b", "control characters"),
        ("a\x1bb", "control characters"),
        ("x" * 201, "the most is 200"),
    ],
)
def test_clean_text_refuses_bad_text(raw, problem):
    with pytest.raises(UserError, match=problem):
        clean_text(raw, what="item", limit=200)


def test_clean_text_keeps_any_script():
    assert clean_text(" تدريب &amp; دعم ", what="need", limit=200) == "تدريب & دعم"
