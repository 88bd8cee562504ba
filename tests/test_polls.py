"""Polls: parsing, voting with exact counts, anonymity, closing by hand and on time."""

from __future__ import annotations

import json
import threading
import time
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from bot.errors import UserError
from bot.parsing.poll_command import read_poll
from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_ta import rows

NOW = datetime(2026, 11, 25, 12, tzinfo=timezone.utc)
UTC = ZoneInfo("UTC")
CHANNEL = "C0ASK"  # where the polls are asked


def test_straight_and_curly_quotes_and_flags():
    poll = read_poll('“Q3 venue?” "Nairobi" “Virtual” ”Lima” anonymous MULTIPLE hidden closes in 2 hours', UTC, NOW)
    assert (poll.question, poll.options) == ("Q3 venue?", ["Nairobi", "Virtual", "Lima"])
    assert (poll.anonymous, poll.multiple, poll.hidden) == (True, True, True)
    assert poll.closes_at == NOW + timedelta(hours=2)
    assert read_poll('"Q" "a &amp; b" "&lt;c&gt;"', UTC, NOW).options == ["a & b", "<c>"]


@pytest.mark.parametrize(
    "text, question, options",
    [
        ('"Adopt the “INSPIRE” handbook?" "Yes" "No"', "Adopt the “INSPIRE” handbook?", ["Yes", "No"]),
        ("“Adopt the “INSPIRE” handbook?” “Yes” “No”", "Adopt the “INSPIRE” handbook?", ["Yes", "No"]),
        ("‘Venue?’ ‘Côte d’Ivoire’ ‘Senegal’", "Venue?", ["Côte d’Ivoire", "Senegal"]),
        ("„Wo?“ „Berlin“ „Wien“", "Wo?", ["Berlin", "Wien"]),
        ("«Où ?» «Paris» «Dakar»", "Où ?", ["Paris", "Dakar"]),
    ],
)
def test_nested_single_and_other_languages_quotes(text, question, options):
    poll = read_poll(text, UTC, NOW)
    assert (poll.question, poll.options) == (question, options)


@pytest.mark.parametrize(
    "text, problem",
    [
        ('"Only one?" "yes"', "at least 2 options; this one has 1"),
        ('"Q" ' + " ".join(f'"o{n}"' for n in range(11)), "at most 10 options; this one has 11"),
        ('"Q" "a" "b', "A quote is not closed"),
        ("“Q” “a” “b", "A quote is not closed"),
        ("Q a b", "Put the question and each option in quotes"),
        ('"Q" "a" "b" closes yesterday', "in the past"),
        ('"Q" "a" "b" closes whenever', "couldn't read"),
        ('"Q" "a" "b" closes', "Say when it closes"),
        ('"Q" "a" "b" secret', "I don't know “secret”"),
        (
            '"Where?" Bogotá, Nairobi, Ciudad de México',
            'quotes too, e.g. `"Where\\?" "Bogotá" "Nairobi" "Ciudad de México"`',
        ),
        ('"Where?" "Lima" Nairobi anonymous', 'quotes too, e.g. `"Where\\?" "Lima" "Nairobi"`'),
        ('"Q" "a" "A"', "Two options are the same"),
        ('"Q" "a" ""', "option 2 is empty"),
        ('"Q" "a" "' + "x" * 80 + '"', "the most is 75"),
        ('"Q\x07" "a" "b"', "control characters"),
        ('"Q" "a" "b" closes tomorrow at 25:00', "couldn't read the time"),
    ],
)
def test_bad_polls_are_refused(text, problem):
    with pytest.raises(UserError, match=problem):
        read_poll(text, UTC, NOW)


def post_poll(driver, standin, text: str, user_id: str = "U0ASKER") -> tuple[dict, str]:
    def posts():
        return [c for c in standin.calls_to("chat.postMessage") if c.args["channel"] == CHANNEL]

    before = len(posts())
    assert driver.command("/poll", text, user_id=user_id, channel_id=CHANNEL).body == ""
    call = standin.wait_for(lambda: len(posts()) > before and posts(), what="the poll")[-1]
    posted = {**call.args, "ts": call.result["ts"]}
    return posted, posted["text"]


def final_update(standin) -> dict:
    return standin.calls_to("chat.update")[-1].args


def counts(message: dict) -> list[str]:
    """The count after each option's bar, in order."""
    return [
        b["text"]["text"].split("` ")[1].split(" ")[0]
        for b in message["blocks"][1:]
        if "accessory" in b or "`" in b.get("text", {}).get("text", "")
    ]


def click(driver, message: dict, option: int, user_id: str):
    button = message["blocks"][1 + option]["accessory"]
    return driver.click(button["action_id"], button["value"], user_id, channel_id=CHANNEL, message_ts=message["ts"])


def test_vote_change_and_close_give_exact_counts(bot, standin):
    driver, process = bot
    message, _ = post_poll(driver, standin, "“Q3 venue?” “Nairobi” “Virtual” “Lima”")
    click(driver, message, 0, "U0A")
    click(driver, message, 0, "U0B")
    click(driver, message, 1, "U0C")
    click(driver, message, 1, "U0B")  # U0B changes their vote
    standin.wait_for(lambda: rows(process, "SELECT count(*) FROM poll_votes") == [(3,)], what="the votes")
    assert "Only the one who asked P-1" in valid_ephemeral(driver.command("/poll", "close P-1", user_id="U0C"))["text"]
    assert "Closed P-1" in valid_ephemeral(driver.command("/poll", "close P-1", user_id=COORDINATOR))["text"]
    result = standin.wait_for(
        lambda: [c.args for c in standin.calls_to("chat.postMessage") if "closed" in c.args["text"]], what="the result"
    )[0]
    assert result["thread_ts"]  # in the poll's thread, and broadcast to the channel
    final = standin.wait_for(
        lambda: [c.args for c in standin.calls_to("chat.update") if "(closed)" in json.dumps(c.args)],
        what="the final message",
    )[-1]
    assert counts(final) == ["1", "2", "0"]
    assert (
        "U0A" in json.dumps(final) and "3 voters" in json.dumps(final) and "█" in json.dumps(final, ensure_ascii=False)
    )
    assert not any("accessory" in b for b in final["blocks"])  # no more buttons
    click(driver, message, 2, "U0D")  # too late
    answers = lambda: [c.args["text"] for c in standin.responses]  # noqa: E731
    standin.wait_for(lambda: any("is closed" in a for a in answers()), what="the late vote's answer")
    assert answers() == [
        "Your vote in P-1 moved from *Nairobi* to *Virtual*.",
        "P-1 is closed; it takes no more votes.",
    ]
    assert rows(process, "SELECT count(*) FROM poll_votes") == [(3,)]


def test_fifty_members_clicking_at_once_are_all_counted(bot, standin):
    driver, process = bot
    message, _ = post_poll(driver, standin, '"Priority?" "Parenting" "Schools" multiple')
    barrier = threading.Barrier(50)

    def member(n):
        barrier.wait()
        assert click(driver, message, n % 2, f"U0M{n:03d}").status == 200

    threads = [threading.Thread(target=member, args=(n,)) for n in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert rows(process, "SELECT option, count(*) FROM poll_votes GROUP BY option ORDER BY option") == [
        (0, 25),
        (1, 25),
    ]
    standin.wait_for(
        lambda: standin.calls_to("chat.update") and counts(final_update(standin)) == ["25", "25"],
        what="the message to show 25 and 25",
    )


def test_an_anonymous_poll_never_names_a_voter(bot, standin):
    driver, _ = bot
    message, _ = post_poll(driver, standin, '"Secret?" "Yes" "No" anonymous')
    for n, voter in enumerate(("U0ALICE", "U0BOB", "U0CAROL")):
        click(driver, message, n % 2, voter)
    standin.wait_for(
        lambda: standin.calls_to("chat.update") and counts(final_update(standin)) == ["2", "1"], what="the counts"
    )
    driver.command("/poll", "close 1", user_id="U0ASKER")
    standin.wait_for(lambda: [c for c in standin.calls_to("chat.postMessage") if "closed" in c.args["text"]])
    everything = json.dumps([c.args for c in standin.calls if c.method.startswith("chat.")], ensure_ascii=False)
    assert not any(voter in everything for voter in ("U0ALICE", "U0BOB", "U0CAROL", "u0alice"))
    names_asked = {c.args["user"] for c in standin.calls_to("users.info") if not c.args.get("include_locale")}
    assert names_asked == {"U0ASKER"}  # the author, by name (a voter's locale is asked, for their answers)


def test_hidden_results_show_only_the_number_of_voters(bot, standin):
    driver, _ = bot
    message, _ = post_poll(driver, standin, '"Hidden?" "Yes" "No" hidden')
    click(driver, message, 0, "U0VOTERA")
    click(driver, message, 0, "U0VOTERB")
    update = standin.wait_for(
        lambda: [c.args for c in standin.calls_to("chat.update") if "2 voters" in json.dumps(c.args)],
        what="the voter count",
    )[-1]
    shown = json.dumps(update["blocks"], ensure_ascii=False)
    assert "█" not in shown and "░" not in shown and "U0VOTER" not in shown


def test_a_poll_where_the_bot_is_not_says_how_to_invite_it(bot, standin):
    driver, process = bot
    standin.fail_next["chat.postMessage"] = "not_in_channel"
    driver.command("/poll", '"Q" "a" "b"', user_id="U0ASKER", channel_id=CHANNEL)
    told = standin.wait_for(lambda: standin.responses, what="the explanation")[0].args
    assert "/invite @IWG Bot" in told["text"]
    assert rows(process, "SELECT count(*) FROM polls") == [(0,)]


def test_a_poll_closes_itself_on_time_once_across_a_restart(start_bot, standin):
    driver, first = start_bot()
    asked = datetime.now(timezone.utc)
    post_poll(driver, standin, '"Lunch?" "Yes" "No" closes in 20 seconds')  # room for a restart
    first.stop()
    start_bot()  # the closing job is made again from the database
    results = lambda: [c for c in standin.calls_to("chat.postMessage") if "P-1 closed" in c.args["text"]]  # noqa: E731
    due = asked + timedelta(seconds=20)
    standin.wait_for(results, timeout=(due - datetime.now(timezone.utc)).total_seconds() + 6, what="the closing")
    assert timedelta(seconds=-1) < datetime.now(timezone.utc) - due < timedelta(seconds=6)  # on time, not early
    start_bot()  # another start after it closed: nothing more
    time.sleep(2)
    assert len(results()) == 1


def test_clicks_that_are_not_our_buttons_change_nothing(bot, standin):
    driver, process = bot
    message, _ = post_poll(driver, standin, '"Q?" "a" "b"')
    for value in ("1:7", "1:-1", "x", "1", "1:2:3", "999:0"):
        assert driver.click("poll_vote:0", value, "U0ODD", channel_id=CHANNEL, message_ts=message["ts"]).status == 200
    assert rows(process, "SELECT count(*) FROM poll_votes") == [(0,)]


def test_the_list_shows_each_open_polls_voters_and_how_many_are_open(bot, standin):
    driver, process = bot
    assert "No polls are open." in valid_ephemeral(driver.command("/poll", "list"))["text"]
    first, _ = post_poll(driver, standin, '"Venue?" "Nairobi" "Lima" multiple')
    post_poll(driver, standin, '"<!channel> Date?" "May" "June"')
    for user, option in [("U0A", 0), ("U0A", 1), ("U0B", 0), ("U0C", 1), ("U0C", 1)]:  # U0C withdraws
        click(driver, first, option, user)
    standin.wait_for(lambda: rows(process, "SELECT count(*) FROM poll_votes") == [(3,)], what="the votes")
    listed = valid_ephemeral(driver.command("/poll", "list", user_id="U0ASKER"))  # who asked both, in C0ASK
    text = json.dumps(listed["blocks"])
    assert listed["text"] == "2 open polls" and "*Open polls* (2)" in text
    assert "*P-1* Venue? in <#C0ASK> \\u00b7 2 voters" in text and "*P-2* @\\u2060channel Date?" in text
    assert "<!channel>" not in text  # what was typed as a ping stays plain text


def test_a_list_cut_short_says_how_many_are_open():
    from bot.render.poll_blocks import open_polls
    from storage.polls import Poll

    polls = [
        Poll(id=n, question=f"Q{n}", options=["a", "b"], author="U0A", channel=CHANNEL, voters=n)
        for n in range(3, 0, -1)
    ]
    reply = open_polls(polls, total=45)
    assert reply.text == "45 open polls"
    assert reply.blocks[0]["text"]["text"].startswith("*Open polls* (45), the newest 3:\n• *P-3* Q3")


def test_options_typed_without_quotes_are_shown_back_quoted_and_escaped():
    with pytest.raises(UserError) as refused:
        read_poll('"&lt;!here&gt; where?" Bogotá, a &amp; b', UTC, NOW)
    assert str(refused.value) == 'Put each option in quotes too, e.g. `"&lt;!here&gt; where?" "Bogotá" "a &amp; b"`'
