"""What a channel holds is shown only to its members, channel posts ping nobody who did not
ask, advice is what the asker can follow, and a vote says what it did."""

from __future__ import annotations

import json
from datetime import date, timedelta

from tests.conftest import CHANNEL as GROUP_CHANNEL
from tests.conftest import COORDINATOR
from tests.test_hostile_input import answers
from tests.test_http import valid_ephemeral
from tests.test_polls import click, post_poll

SECRET = "G0SECRET"  # a private channel


def ask_in(driver, standin, channel: str, text: str, user_id: str) -> dict:
    before = len(standin.calls_to("chat.postMessage"))
    assert driver.command("/poll", text, user_id=user_id, channel_id=channel).body == ""
    call = standin.wait_for(lambda: standin.calls_to("chat.postMessage")[before:], what="the poll")[0]
    return {**call.args, "ts": call.result["ts"]}


def listed(driver, user_id: str) -> str:
    return json.dumps(valid_ephemeral(driver.command("/poll", "list", user_id=user_id))["blocks"])


def home_of(driver, standin, user_id: str) -> str:
    before = len(standin.calls_to("views.publish"))
    driver.event({"type": "app_home_opened", "user": user_id, "tab": "home", "channel": "D" + user_id[1:]})
    return json.dumps(standin.wait_for(lambda: standin.calls_to("views.publish")[before:], what="the Home")[0].args)


def test_a_private_channels_poll_is_shown_only_to_who_asked_or_voted_there(bot, standin):
    driver, _ = bot
    secret = ask_in(driver, standin, SECRET, '"Who should we hire?" "Ana" "Ben"', "U0INSIDER")
    ask_in(driver, standin, GROUP_CHANNEL, '"Q2 venue?" "Nairobi" "Lima"', "U0ASKER")
    button = secret["blocks"][1]["accessory"]
    driver.click(button["action_id"], button["value"], "U0VOTER", channel_id=SECRET, message_ts=secret["ts"])

    for insider in ("U0INSIDER", "U0VOTER"):
        assert "Who should we hire?" in listed(driver, insider) and "Q2 venue?" in listed(driver, insider)
        assert "Who should we hire?" in home_of(driver, standin, insider)
    for outsider in ("U0OUTSIDER", COORDINATOR):
        text = listed(driver, outsider)
        assert "Who should we hire?" not in text and "Q2 venue?" in text and "(1)" in text
        home = home_of(driver, standin, outsider)
        assert "Who should we hire?" not in home and "Q2 venue?" in home

    assert "on its way" in driver.command("/iwg", "digest", user_id=COORDINATOR).body
    digest = standin.wait_for(
        lambda: [m for m in standin.dms_to(COORDINATOR) if "digest" in m["text"]], what="the digest"
    )
    assert "Q2 venue?" in json.dumps(digest) and "Who should we hire?" not in json.dumps(digest)


def channel_posts(standin) -> list[dict]:
    return [
        c.args
        for c in standin.calls
        if c.method in ("chat.postMessage", "chat.update") and not str(c.args.get("channel", "")).startswith("D")
    ]


def test_channel_posts_name_people_and_ping_nobody(bot, standin):
    driver, _ = bot
    day = date.today() + timedelta(days=40)
    driver.command("/meetings", f"add Q1 meeting on {day:%d %B %Y}", user_id=COORDINATOR)
    valid_ephemeral(driver.command("/agenda", "add Country updates (20 min)", user_id="U0PROPOSER"))
    valid_ephemeral(driver.command("/agenda", "add <!channel> look at this @here (5 min)", user_id="U0OTHER"))
    mine = valid_ephemeral(driver.command("/agenda", "", user_id="U0OTHER"))
    assert "<@U0PROPOSER>" in json.dumps(mine)  # only the asker reads this one: a mention is fine
    assert "Posting the agenda" in driver.command("/agenda", "post", user_id=COORDINATOR).body
    posted = standin.wait_for(
        lambda: [p for p in channel_posts(standin) if "Agenda for" in p["text"]], what="the agenda"
    )
    text = json.dumps(posted[0]["blocks"], ensure_ascii=False)
    assert "— U0PROPOSER" in text and "— U0OTHER" in text
    assert "@\u2060channel" in text and "@\u2060here" in text  # typed as text, shown as text

    poll = post_poll(driver, standin, '"Lunch?" "Yes" "No"', user_id="U0ASKER")[0]
    click(driver, poll, 0, "U0VOTER")
    standin.wait_for(lambda: standin.calls_to("chat.update"), what="the count")
    for message in channel_posts(standin):
        everything = json.dumps(message)
        assert "<@U" not in everything and "<!channel>" not in everything and "<!here>" not in everything
        for block in message.get("blocks", []):
            texts = [block.get("text")] + block.get("fields", []) + block.get("elements", [])
            assert all(t.get("verbatim") is True for t in texts if isinstance(t, dict) and t.get("type") == "mrkdwn")


def test_a_poll_in_a_dm_between_members_says_what_can_be_done(bot, standin):
    driver, process = bot
    standin.fail_next["chat.postMessage"] = "channel_not_found"
    driver.command("/poll", '"Q?" "a" "b"', user_id="U0ASKER", channel_id="D0OTHERS", channel_name="directmessage")
    said = standin.wait_for(lambda: answers(standin), what="the explanation")[0]
    assert "no app can join one" in said and "in a channel" in said
    assert "Invite me with" not in said


def test_posting_where_the_bot_was_not_invited_says_how_to_invite_it(start_bot, standin):
    driver, _ = start_bot(IWG_CHANNEL="")
    standin.fail_next["chat.postMessage"] = "not_in_channel"
    driver.command("/meetings", "post", user_id=COORDINATOR, channel_id="C0ELSEWHERE", channel_name="general")
    said = standin.wait_for(lambda: answers(standin), what="the explanation")[0]
    assert "Invite me with `/invite @IWG Bot`" in said and "<#C0ELSEWHERE>" in said


def test_a_vote_says_what_it_did_when_the_message_may_not(bot, standin):
    driver, _ = bot
    hidden, _ = post_poll(driver, standin, '"Secret ballot?" "Yes" "No" hidden')
    click(driver, hidden, 0, "U0A")
    click(driver, hidden, 1, "U0A")
    click(driver, hidden, 1, "U0A")
    said = standin.wait_for(lambda: len(answers(standin)) == 3 and answers(standin), what="three answers")
    assert sorted(said) == sorted(
        [  # each answered after its own ack, so they may arrive in any order
            "Your vote for *Yes* in P-1 is counted; the results show when it closes. Click it again to withdraw it.",
            "Your vote in P-1 moved from *Yes* to *No*.",
            "You withdrew your vote for *No* in P-1. Click an option to vote again.",
        ]
    )


def test_multiple_choice_shares_are_of_voters(bot, standin):
    driver, _ = bot
    message, _ = post_poll(driver, standin, '"Which days?" "Mon" "Tue" "Wed" multiple')
    for option, user in ((0, "U0A"), (1, "U0A"), (0, "U0B")):
        click(driver, message, option, user)
    update = standin.wait_for(
        lambda: [c.args for c in standin.calls_to("chat.update") if "2 voters" in json.dumps(c.args)], what="the counts"
    )
    text = json.dumps(update[-1]["blocks"], ensure_ascii=False)
    assert "2 (100%)" in text and "1 (50%)" in text and "0 (0%)" in text
