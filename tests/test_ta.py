"""TA requests end to end: signed requests in, Slack's Web API stand-in out."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
import time
from datetime import date

import pytest

from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral

MEMBER = "U0MEMBER"
LEAD = "U0LEAD"


def rows(bot, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(bot.cwd / "iwg.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def count_requests(bot) -> int:
    return rows(bot, "SELECT count(*) FROM ta_requests")[0][0]


DUE_YEAR = date.today().year + 2


def log_request(
    driver, text=f"Kenya: training for social workers #response #parenting by 30 March {DUE_YEAR}", user_id=MEMBER
) -> dict:
    return valid_ephemeral(driver.command("/ta", f"new {text}", user_id=user_id))


def blocks_text(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def test_the_whole_life_of_a_request(bot, standin):
    driver, process = bot
    logged = log_request(driver)
    assert "Logged *TA-1*" in blocks_text(logged)

    # announced to the coordinator with assign and decline buttons, naming who offers the strategies
    announcement = standin.wait_for(lambda: standin.dms_to(COORDINATOR), what="the announcement")[0]
    actions = [b for b in announcement["blocks"] if b["type"] == "actions"][0]
    assert [e["action_id"] for e in actions["elements"]] == ["ta_assign", "ta_decline"]
    assert "Kenya" in blocks_text(announcement)

    # a member may neither assign nor move it on; nothing changes
    refused = valid_ephemeral(driver.command("/ta", "assign TA-1 WHO", user_id=MEMBER))
    assert refused["text"].startswith("Only coordinators can assign")
    refused = valid_ephemeral(driver.command("/ta", "status 1 declined", user_id=MEMBER))
    assert "Only coordinators and the lead" in refused["text"]
    assert rows(process, "SELECT status, organisation_id FROM ta_requests") == [("new", None)]

    # the coordinator clicks Assign: a form opens; its submission brokers the request
    assert driver.click("ta_assign", "1", COORDINATOR).status == 200
    form = standin.wait_for(lambda: standin.calls_to("views.open"), what="the assign form")[0].args["view"]
    assert form["callback_id"] == "ta_assign_form"
    who = next(o for o in form["blocks"][1]["element"]["options"] if o["text"]["text"].startswith("World Health"))
    answer = driver.submit(
        form,
        {
            "organisation": {"value": {"type": "static_select", "selected_option": who}},
            "lead": {"value": {"type": "users_select", "selected_user": LEAD}},
        },
        COORDINATOR,
    )
    assert (answer.status, answer.body) == (200, "")
    assert rows(process, "SELECT status, lead FROM ta_requests") == [("assigned", LEAD)]

    lead_dm = standin.wait_for(lambda: standin.dms_to(LEAD), what="the lead's DM")[0]
    assert "You are the lead for *TA-1*" in blocks_text(lead_dm)
    told = standin.wait_for(lambda: standin.dms_to(MEMBER), what="the requester's DM")[0]
    assert "brokered to *World Health Organization (WHO)*" in blocks_text(told)
    update = standin.wait_for(lambda: standin.calls_to("chat.update"), what="the announcement's update")[0].args
    assert not [b for b in update["blocks"] if b["type"] == "actions"]  # no buttons once assigned

    # the lead moves it on; the coordinator completes it; the requester hears each time
    assert (
        "now *in-progress*"
        in valid_ephemeral(driver.command("/ta", "status TA-1 in-progress first call held", user_id=LEAD))["text"]
    )
    assert (
        "now *completed*" in valid_ephemeral(driver.command("/ta", "status 1 completed", user_id=COORDINATOR))["text"]
    )
    dms = standin.wait_for(lambda: len(standin.dms_to(MEMBER)) >= 3 and standin.dms_to(MEMBER), what="status DMs")
    assert ["in progress" in blocks_text(dms[1]), "is completed" in blocks_text(dms[2])] == [True, True]

    shown = blocks_text(valid_ephemeral(driver.command("/ta", "show TA-1", user_id=MEMBER)))
    for event in (
        "logged the request",
        "brokered it to *World Health Organization (WHO)*",
        "lead <@U0LEAD>",
        "moved it to *in-progress*: first call held",
        "moved it to *completed*",
    ):
        assert event in shown
    closed = valid_ephemeral(driver.command("/ta", "status 1 declined", user_id=COORDINATOR))
    assert "completed" in closed["text"] and "closed" in closed["text"]


def test_the_request_form_checks_each_field(bot, standin):
    driver, process = bot
    assert driver.command("/ta", "", user_id=MEMBER).body == ""
    form = standin.wait_for(lambda: standin.calls_to("views.open"), what="the request form")[0].args["view"]
    assert form["callback_id"] == "ta_request_form"

    def values(country, need, due=None):
        return {
            "country": {"value": {"type": "plain_text_input", "value": country}},
            "need": {"value": {"type": "plain_text_input", "value": need}},
            "strategies": {"value": {"type": "multi_static_select", "selected_options": [{"value": "education"}]}},
            "kind": {"value": {"type": "static_select", "selected_option": {"value": "training"}}},
            "due": {"value": {"type": "datepicker", "selected_date": due}},
        }

    refused = driver.submit(form, values("Kenja", "   ", "2001-01-01"), MEMBER).json
    assert refused["response_action"] == "errors"
    assert set(refused["errors"]) == {"country", "need", "due"}
    assert "Kenya" in refused["errors"]["country"]
    assert count_requests(process) == 0

    assert driver.submit(form, values("Uganda", "تدريب المعلمين على الانضباط الإيجابي"), MEMBER).body == ""
    assert rows(process, "SELECT country, need, strategies, kind FROM ta_requests") == [
        ("UG", "تدريب المعلمين على الانضباط الإيجابي", "education", "training")
    ]
    confirm = standin.wait_for(lambda: standin.dms_to(MEMBER), what="the requester's confirmation")[0]
    assert "Logged *TA-1*" in blocks_text(confirm) and "تدريب المعلمين" in blocks_text(confirm)
    standin.wait_for(lambda: standin.dms_to(COORDINATOR), what="the announcement")


@pytest.mark.parametrize(
    "text, problem",
    [
        ("new", "Start with the country"),
        ("new Kenya training", "Start with the country"),
        ("new Nigera: training", "Did you mean Nigeria or Niger"),
        ("new Kenya:   ", "is empty"),
        ("new Kenya: training #parentingg", "not an INSPIRE strategy"),
        ("new Kenya: bad \x07 bell", "control characters"),
        ("new Kenya: " + "x" * 2100, "the most is 2000"),
        ("show", "Say which request"),
        ("show TA-x", "is not a request ID"),
        ("show 999", "There is no request TA-999"),
        ("status 1", "Say which request and its new status"),
        ("status 1 finito", "is not a status"),
        ("note 1", "is empty"),
        ("list bogus-status", "I don't know a country"),
        ("frobnicate", "not a form I know"),
    ],
)
def test_bad_input_is_answered_and_writes_nothing(bot, text, problem):
    driver, process = bot
    answer = valid_ephemeral(driver.command("/ta", text, user_id=COORDINATOR))
    assert problem in answer["text"] or problem in blocks_text(answer), answer["text"]
    assert answer["blocks"][0]["text"]["text"].startswith(":warning:")
    assert count_requests(process) == 0


def test_status_moves_follow_the_rules(bot):
    driver, _ = bot
    log_request(driver)
    assert "To assign TA-1" in valid_ephemeral(driver.command("/ta", "status 1 assigned", user_id=COORDINATOR))["text"]
    assert (
        "can move to `declined`"
        in valid_ephemeral(driver.command("/ta", "status 1 completed", user_id=COORDINATOR))["text"]
    )
    assert "already new" in valid_ephemeral(driver.command("/ta", "status 1 new", user_id=COORDINATOR))["text"]
    assert (
        "assigned to *World Bank*"
        in valid_ephemeral(driver.command("/ta", "assign 1 world bank", user_id=COORDINATOR))["text"]
    )
    ambiguous = valid_ephemeral(driver.command("/ta", "assign 1 World", user_id=COORDINATOR))["text"]
    assert "could be" in ambiguous and "World Bank" in ambiguous
    assert (
        "No member organisation" in valid_ephemeral(driver.command("/ta", "assign 1 Acme", user_id=COORDINATOR))["text"]
    )


def test_user_text_arrives_escaped_in_every_message(bot, standin):
    driver, _ = bot
    nasty = "Kenya: help &lt;!channel&gt; <!here> <https://evil.example|your bank> <@U0X|x> &amp; co"
    log_request(driver, nasty)
    driver.command("/ta", "note 1 see <https://evil.example|this> &lt;!everyone&gt;", user_id=MEMBER)
    driver.command("/ta", "assign 1 WHO <@U0LEAD|lead>", user_id=COORDINATOR)
    standin.wait_for(lambda: standin.dms_to(LEAD) and standin.dms_to(MEMBER) and standin.calls_to("chat.update"))
    messages = [c.args for c in standin.calls if c.method.startswith("chat.")]
    messages.append(driver.command("/ta", "show 1", user_id=MEMBER).json)
    messages.append(driver.command("/ta", "list", user_id=MEMBER).json)
    for message in messages:
        text = blocks_text(message)
        for markup in ("<!channel>", "<!here>", "<!everyone>", "<https://evil", "<@U0X"):
            assert markup not in text, (markup, text)
    assert "your bank (https://evil.example)" in blocks_text(messages[-2])


def test_list_filters_and_pages(bot, standin):
    driver, _ = bot
    for n in range(18):
        log_request(driver, f"{'Kenya' if n % 2 else 'Peru'}: need number {n} #{'safe' if n % 3 else 'income'}")
    driver.command("/ta", "status 18 declined", user_id=COORDINATOR)
    first = valid_ephemeral(driver.command("/ta", "list", user_id=MEMBER))
    text = blocks_text(first)
    assert "open): 17" in text and text.index("TA-17") < text.index("TA-16") and "TA-18" not in text
    button = [b for b in first["blocks"] if b["type"] == "actions"][0]["elements"][0]
    assert driver.click(button["action_id"], button["value"], MEMBER).status == 200
    page = standin.wait_for(lambda: standin.responses, what="the next page")[0].args
    assert page["replace_original"] is True and "TA-1*" in blocks_text(page) and "TA-17" not in blocks_text(page)
    assert "): 9" in blocks_text(valid_ephemeral(driver.command("/ta", "list all Kenya", user_id=MEMBER)))
    assert "): 6" in blocks_text(valid_ephemeral(driver.command("/ta", "list all #income", user_id=MEMBER)))
    assert "): 1" in blocks_text(valid_ephemeral(driver.command("/ta", "list declined", user_id=MEMBER)))
    assert "): 0" in blocks_text(valid_ephemeral(driver.command("/ta", "list mine", user_id=LEAD)))


def test_export_sends_a_csv_with_one_row_per_request(bot, standin):
    driver, _ = bot
    log_request(driver)
    log_request(driver, 'Côte d\'Ivoire: =HYPERLINK("x") formation des enseignants')
    assert valid_ephemeral(driver.command("/ta", "export", user_id=MEMBER))["text"].startswith("Only coordinators")
    assert "on its way" in valid_ephemeral(driver.command("/ta", "export", user_id=COORDINATOR))["text"]
    done = standin.wait_for(lambda: standin.calls_to("files.completeUploadExternal"), what="the upload")[0].args
    assert done["channel_id"] == "D0COORD"
    (content,) = standin.uploads.values()
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs to read UTF-8
    table = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert [r["id"] for r in table] == ["TA-1", "TA-2"]
    assert table[1]["country_code"] == "CI" and table[1]["need"].startswith("'=HYPERLINK")
    assert table[0]["strategies"] == "response parenting" and table[0]["due_date"] == f"{DUE_YEAR}-03-30"


def test_member_organisations(bot, standin):
    driver, _ = bot
    listing = blocks_text(valid_ephemeral(driver.command("/iwg", "orgs", user_id=MEMBER)))
    assert "Member organisations* (24)" in listing and "Red por la Infancia" in listing
    assert valid_ephemeral(driver.command("/iwg", "orgs add WHO #parenting", user_id=MEMBER))["text"].startswith(
        "Only coordinators"
    )
    updated = valid_ephemeral(driver.command("/iwg", "orgs add who #parenting #laws", user_id=COORDINATOR))
    assert "Updated *World Health Organization (WHO)*" in updated["text"] and "#laws" in updated["text"]
    added = valid_ephemeral(driver.command("/iwg", "orgs add Save the Children (SCI) #response", user_id=COORDINATOR))
    assert "Added *Save the Children (SCI)*" in added["text"]
    log_request(driver, "Peru: parenting programme #parenting")
    announcement = standin.wait_for(lambda: standin.dms_to(COORDINATOR), what="the announcement")[0]
    assert "Offering these strategies: WHO" in blocks_text(announcement)


def test_decline_button(bot, standin):
    driver, process = bot
    log_request(driver)
    assert driver.click("ta_decline", "1", MEMBER).status == 200
    refusal = standin.wait_for(lambda: standin.responses, what="the refusal")[0].args
    assert refusal["text"].startswith("Only coordinators and the lead")
    driver.click("ta_decline", "1", COORDINATOR)
    standin.wait_for(lambda: len(standin.responses) == 2, what="the answer")
    assert rows(process, "SELECT status FROM ta_requests") == [("declined",)]
    assert "was declined" in blocks_text(standin.wait_for(lambda: standin.dms_to(MEMBER), what="the requester's DM")[0])


def next_12_december() -> str:
    today = date.today()
    return date(today.year + (today > date(today.year, 12, 12)), 12, 12).isoformat()


def test_a_by_that_is_no_date_is_part_of_the_need(bot):
    driver, process = bot
    log_request(driver, "Peru: training delivered by phone")
    log_request(driver, "Peru: support by marine police #response")
    log_request(driver, "Peru: visits by 12/12")
    assert rows(process, "SELECT need, due_date FROM ta_requests ORDER BY id") == [
        ("training delivered by phone", None),
        ("support by marine police", None),
        ("visits", next_12_december()),
    ]


def test_assigning_by_short_name_and_reassigning(bot, standin):
    driver, process = bot
    log_request(driver)
    assert (
        "assigned to *World Health Organization (WHO)*"
        in valid_ephemeral(driver.command("/ta", "assign TA-1 WHO", user_id=COORDINATOR))["text"]
    )
    assert rows(process, "SELECT lead FROM ta_requests") == [(None,)]  # "WHO" is not a person
    driver.command("/ta", "assign 1 WHO <@U0LEAD|lead>", user_id=COORDINATOR)
    driver.command("/ta", "status 1 in-progress", user_id=LEAD)
    # the same organisation again, no lead named: lead and progress stay
    driver.command("/ta", "assign 1 who", user_id=COORDINATOR)
    assert rows(process, "SELECT status, lead FROM ta_requests") == [("in-progress", LEAD)]
    # another organisation: the work starts again, and the lead who was replaced is told
    driver.command("/ta", "assign 1 UNICEF Innocenti <@U0NEWLEAD|n>", user_id=COORDINATOR)
    assert rows(process, "SELECT status, lead FROM ta_requests") == [("assigned", "U0NEWLEAD")]
    told = standin.wait_for(
        lambda: [m for m in standin.dms_to(LEAD) if "no longer lead" in blocks_text(m)], what="the former lead's DM"
    )
    assert "UNICEF Innocenti" in blocks_text(told[0])


def test_a_stale_assign_button_does_not_overwrite(bot, standin):
    driver, process = bot
    log_request(driver)
    driver.click("ta_assign", "1", COORDINATOR)
    form = standin.wait_for(lambda: standin.calls_to("views.open"), what="the assign form")[0].args["view"]
    driver.command("/ta", "assign 1 World Bank <@U0LEAD|l>", user_id=COORDINATOR)  # meanwhile
    who = form["blocks"][1]["element"]["options"][0]
    refused = driver.submit(
        form,
        {
            "organisation": {"value": {"type": "static_select", "selected_option": who}},
            "lead": {"value": {"type": "users_select", "selected_user": None}},
        },
        COORDINATOR,
    ).json
    assert refused["response_action"] == "errors" and "already assigned" in refused["errors"]["organisation"]
    assert rows(process, "SELECT lead FROM ta_requests") == [(LEAD,)]
    driver.click("ta_assign", "1", COORDINATOR)
    assert "already assigned" in standin.wait_for(lambda: standin.responses, what="the refusal")[0].args["text"]


def test_show_gives_the_whole_history_a_page_at_a_time(bot, standin):
    driver, _ = bot
    log_request(driver)
    for n in range(60):
        driver.command("/ta", f"note 1 note number {n} " + "x" * 1500, user_id=MEMBER)
    shown = valid_ephemeral(driver.command("/ta", "show 1", user_id=MEMBER))
    text = blocks_text(shown)
    assert "note number 59" in text and "logged the request" not in text
    button = next(b for b in shown["blocks"] if b["type"] == "actions")["elements"][0]
    driver.click(button["action_id"], button["value"], MEMBER)
    earlier = standin.wait_for(lambda: standin.responses, what="the earlier events")[0].args
    assert "logged the request" in blocks_text(earlier) and "note number 0 " in blocks_text(earlier)
    seen = blocks_text(earlier) + text
    assert all(f"note number {n} " in seen for n in range(60))


def test_a_short_name_of_another_organisation_is_refused(bot):
    driver, process = bot
    refused = valid_ephemeral(driver.command("/iwg", "orgs add Foo (WHO) #laws", user_id=COORDINATOR))
    assert "already the short name of *World Health Organization (WHO)*" in refused["text"]
    assert rows(process, "SELECT strategies FROM organisations WHERE short_name = 'WHO'") == [("",)]
    added = valid_ephemeral(driver.command("/iwg", "orgs add <https://x.org|Org>", user_id=COORDINATOR))
    assert rows(process, "SELECT name, short_name FROM organisations WHERE name LIKE 'Org%'") == [
        ("Org (https://x.org)", None)
    ]
    assert "<https" not in added["text"]


def test_a_members_dm_is_opened_once_and_again_when_slack_forgot_it(bot, standin):
    driver, _ = bot
    for n in range(3):
        log_request(driver, f"Kenya: need number {n}")
    standin.wait_for(lambda: len(standin.dms_to(COORDINATOR)) >= 3, what="three announcements")
    opened = [c for c in standin.calls_to("conversations.open") if c.args.get("users") == COORDINATOR]
    assert len(opened) == 1

    standin.fail_next["chat.postMessage"] = "channel_not_found"  # e.g. the DM was closed for good
    log_request(driver, "Kenya: need number 3")
    # three delivered, and the fourth after opening the DM again (the refused try delivered nothing)
    standin.wait_for(lambda: len(standin.dms_to(COORDINATOR)) >= 4, what="the fourth announcement")
    assert "need number 3" in blocks_text(standin.dms_to(COORDINATOR)[-1])
    opened = [c for c in standin.calls_to("conversations.open") if c.args.get("users") == COORDINATOR]
    assert len(opened) == 2


def test_a_form_opens_at_once_while_slow_uploads_are_under_way(bot, standin):
    """A trigger_id lasts 3 s: views.open must not wait behind other Web API work."""
    driver, _ = bot
    log_request(driver)
    standin.slow["files.getUploadURLExternal"] = 4  # Slack having a bad day with files
    for _ in range(6):  # more exports than there are threads for work after the ack
        assert "on its way" in driver.command("/ta", "export", user_id=COORDINATOR).body
    time.sleep(0.3)
    asked = time.monotonic()
    assert driver.command("/ta", "", user_id=MEMBER).body == ""
    standin.wait_for(lambda: standin.calls_to("views.open"), timeout=6, what="the form")
    assert time.monotonic() - asked < 1.5
