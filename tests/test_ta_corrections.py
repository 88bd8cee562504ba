"""TA requests as the coordinator works them (issue 14): each mistake of the first week made,
then put right with the new commands; regions and Global; a list that finds things."""

from __future__ import annotations

import csv
import io
import sqlite3

from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral
from tests.test_ta import DUE_YEAR, LEAD, MEMBER, blocks_text, rows


def ta(driver, text: str, user_id: str = COORDINATOR) -> dict:
    return valid_ephemeral(driver.command("/ta", text, user_id=user_id))


def history(process, request_id: int) -> list[tuple]:
    return rows(
        process,
        "SELECT kind, status, field, old_value, text FROM ta_events WHERE request_id = ? ORDER BY id",
        request_id,
    )


def test_a_typo_in_the_country_is_logged_as_the_match_and_changed_in_one_click(bot, standin):
    driver, process = bot
    logged = ta(driver, "new kenja: training for social workers #response", MEMBER)
    assert "Logged *TA-1*" in blocks_text(logged) and "I read “kenja” as *Kenya*" in blocks_text(logged)
    assert rows(process, "SELECT country FROM ta_requests") == [("KE",)]
    button = next(b for b in logged["blocks"] if b["type"] == "actions")["elements"][0]
    assert (button["action_id"], button["value"]) == ("ta_change_places", "TA-1")

    # another member may not change it; the requester may
    assert driver.click("ta_change_places", "TA-1", "U0OTHER").status == 200
    refusal = standin.wait_for(lambda: standin.responses, what="the refusal")[0].args
    assert "Only the requester of TA-1 and coordinators" in refusal["text"]
    assert driver.click("ta_change_places", "TA-1", MEMBER).status == 200
    form = standin.wait_for(lambda: standin.calls_to("views.open"), what="the change form")[0].args["view"]
    assert form["blocks"][1]["element"]["initial_value"] == "Kenya"

    def places(text: str) -> dict:
        return {"country": {"value": {"type": "plain_text_input", "value": text}}}

    refused = driver.submit(form, places("Ugnda and Atlantis"), MEMBER).json
    assert refused["response_action"] == "errors" and "Did you mean Uganda" in refused["errors"]["country"]
    assert driver.submit(form, places("Uganda and Kenya"), MEMBER).body == ""
    assert rows(process, "SELECT country FROM ta_requests") == [("UG KE",)]
    assert history(process, 1)[-1] == ("edited", None, "places", "KE", "UG KE")
    assert "changed the country from Kenya to Uganda and Kenya" in blocks_text(ta(driver, "show TA-1", MEMBER))


def test_every_mistake_of_the_first_week_is_put_right(bot, standin):
    driver, process = bot
    ta(driver, f"new Kenya: training for teachers #education by 30 March {DUE_YEAR}", MEMBER)

    # a coordinator corrects the need, the country, the strategies and the due date; the
    # requester hears of each, and each is in the history with what it was before
    assert "TA-1 is corrected. The requester has been told." in ta(driver, "edit TA-1 need positive discipline")["text"]
    ta(driver, "edit TA-1 country Kenya, Uganda and Tanzania")
    ta(driver, "edit TA-1 strategies #education #parenting")
    ta(driver, "edit TA-1 due none")
    assert "already says that" in ta(driver, "edit TA-1 due none")["text"]
    assert rows(process, "SELECT need, country, strategies, due_date FROM ta_requests") == [
        ("positive discipline", "KE UG TZ", "education parenting", None)
    ]
    told = standin.wait_for(lambda: len(standin.dms_to(MEMBER)) >= 4 and standin.dms_to(MEMBER), what="edit DMs")
    assert "changed the country from Kenya to Kenya, Uganda and Tanzania of your request *TA-1*" in blocks_text(told[1])
    assert [h[2] for h in history(process, 1)[1:]] == ["need", "places", "strategies", "due"]
    assert history(process, 1)[1][3] == "training for teachers"

    # others may not edit it; nobody may edit a field it does not have
    assert "Only the requester of TA-1" in ta(driver, "edit TA-1 need mine now", "U0OTHER")["text"]
    assert "is not something a request has" in ta(driver, "edit TA-1 colour red")["text"]

    # natural status words; assigned goes to completed in one step; declined comes back
    ta(driver, f"assign TA-1 WHO <@{LEAD}>")
    assert "now *in-progress*" in ta(driver, "status TA-1 in progress first call held", LEAD)["text"]
    assert "now *completed*" in ta(driver, "status TA-1 done")["text"]
    assert "a coordinator can bring it back with `/ta reopen TA-1`" in ta(driver, "status TA-1 new")["text"]
    assert "Only coordinators can reopen" in ta(driver, "reopen TA-1", MEMBER)["text"]
    assert "back to *in-progress*" in ta(driver, "reopen TA-1 the ministry wrote back")["text"]
    assert "cannot be edited" not in ta(driver, "edit TA-1 due end of March")["text"]

    ta(driver, "new Uganda: help with a national plan", MEMBER)
    ta(driver, f"assign TA-2 WHO <@{LEAD}>")
    assert "now *completed*" in ta(driver, "status TA-2 finished", LEAD)["text"]  # assigned -> completed at once
    ta(driver, "new Rwanda: evidence review", MEMBER)
    assert "now *declined*" in ta(driver, "status TA-3 declined")["text"]
    assert "back to *new*" in ta(driver, "reopen TA-3")["text"]
    assert rows(process, "SELECT id, status FROM ta_requests ORDER BY id") == [
        (1, "in-progress"),
        (2, "completed"),
        (3, "new"),
    ]
    shown = blocks_text(ta(driver, "show TA-1", MEMBER))
    for event in (
        "changed the need to: positive discipline (it was: training for teachers)",
        "changed the strategies from `#education` to `#education` `#parenting`",
        "moved it to *completed*",
        "reopened it (back to *in-progress*): the ministry wrote back",
        "changed the due date from none to",
    ):
        assert event in shown, event


def test_regional_and_global_requests_are_logged_and_found_by_country(bot):
    driver, process = bot
    for where in ("Kenya, Uganda and Tanzania", "Eastern Africa", "Global", "Latin America and the Caribbean"):
        assert "Logged" in ta(driver, f"new {where}: violence prevention training", MEMBER)["text"]
    assert rows(process, "SELECT country FROM ta_requests ORDER BY id") == [("KE UG TZ",), ("014",), ("001",), ("419",)]
    found = blocks_text(ta(driver, "list Uganda", MEMBER))
    assert "): 2" in found and "*TA-1*" in found and "*TA-2*" in found and "*TA-3*" not in found
    assert "): 1" in blocks_text(ta(driver, "list global", MEMBER))
    assert "): 2" in blocks_text(ta(driver, "list Africa", MEMBER))  # the region holds Eastern Africa and Kenya
    assert "Kenya, Uganda and Tanzania" in blocks_text(ta(driver, "show TA-1", MEMBER))
    assert "): 1" in blocks_text(ta(driver, "list Brazil", MEMBER))


def test_the_list_finds_overdue_closed_by_organisation_and_by_lead(bot):
    driver, process = bot
    for country in ("Kenya", "Ghana", "Peru", "Nepal"):
        ta(driver, f"new {country}: training by 30 March {DUE_YEAR}", MEMBER)
    ta(driver, f"assign TA-1 WHO <@{LEAD}>")
    ta(driver, "assign TA-2 UNICEF")
    ta(driver, "status TA-2 declined")
    with sqlite3.connect(process.cwd / "iwg.sqlite3") as db:  # TA-3's date has come and gone
        db.execute("UPDATE ta_requests SET due_date = '2021-01-31' WHERE id = 3")

    def found(query: str) -> list[str]:
        answer = blocks_text(ta(driver, f"list {query}", MEMBER))
        assert "I don't know a country" not in answer, answer
        return [ref for ref in ("TA-1", "TA-2", "TA-3", "TA-4") if f"*{ref}*" in answer]

    assert found("overdue") == ["TA-3"]
    assert found("overdue Peru") == ["TA-3"] and "): 1" in blocks_text(ta(driver, "list overdue Peru", MEMBER))
    assert "): 0" in blocks_text(ta(driver, "list overdue Kenya", MEMBER))  # counted for that place only
    assert found("closed") == ["TA-2"]
    assert found("unassigned") == ["TA-3", "TA-4"]
    assert found("org WHO") == ["TA-1"]
    assert found("all org UNICEF") == ["TA-2"]
    assert found(f"lead <@{LEAD}>") == ["TA-1"]
    assert found("org WHO Kenya") == ["TA-1"] and found("org WHO Ghana") == []
    assert found("stuck") == ["TA-3"]  # past its due date
    answer = ta(driver, "list lead @Juan", MEMBER)
    assert "pick the person from Slack's list so it becomes a mention" in answer["text"]
    assert "pick the person from Slack's list" in ta(driver, "assign TA-4 svri @Juan")["text"]
    assert rows(process, "SELECT organisation_id FROM ta_requests WHERE id = 4") == [(None,)]


def test_a_due_date_that_cannot_be_read_is_said_and_kept_out_of_the_need(bot):
    driver, process = bot
    answer = blocks_text(ta(driver, "new Kenya: training for social workers by Febtember", MEMBER))
    assert "I couldn't read “Febtember” as a date" in answer and "has no due date yet" in answer
    ta(driver, f"new Kenya: training by 1 January {DUE_YEAR - 10}", MEMBER)
    ta(driver, f"new Kenya: planning by Q1 {DUE_YEAR}", MEMBER)
    ta(driver, "new Kenya: training by phone", MEMBER)
    assert rows(process, "SELECT need, due_date FROM ta_requests ORDER BY id") == [
        ("training for social workers", None),
        ("training", None),
        ("planning", f"{DUE_YEAR}-03-31"),
        ("training by phone", None),
    ]


def test_notes_reach_the_requester_and_the_lead_but_not_their_author(bot, standin):
    driver, _ = bot
    ta(driver, "new Kenya: training", MEMBER)
    ta(driver, f"assign TA-1 WHO <@{LEAD}>")

    def notes_to(user_id: str) -> list[dict]:
        return [m for m in standin.dms_to(user_id) if "added a note" in blocks_text(m)]

    answer = ta(driver, "note TA-1 ministry confirmed <!channel> the dates", LEAD)
    assert "The requester has been told" in answer["text"]
    (note,) = standin.wait_for(lambda: notes_to(MEMBER), what="the note to the requester")
    assert "added a note to your request *TA-1*" in blocks_text(note)
    assert "ministry confirmed @\u2060channel the dates" in blocks_text(note) and "<!channel>" not in blocks_text(note)
    assert "The lead has been told" in ta(driver, "note TA-1 thanks", MEMBER)["text"]
    (to_lead,) = standin.wait_for(lambda: notes_to(LEAD), what="the note to the lead")
    assert "added a note to the request you lead *TA-1*" in blocks_text(to_lead) and "thanks" in blocks_text(to_lead)
    answer = ta(driver, "note TA-1 for the file")  # a coordinator's: both are told
    assert "The requester and the lead have been told" in answer["text"]
    standin.wait_for(lambda: len(notes_to(LEAD)) == 2 and len(notes_to(MEMBER)) == 2, what="both told")
    assert not [m for m in notes_to(LEAD) if "ministry confirmed" in blocks_text(m)]  # its author: not told


def test_the_csv_has_names_notes_and_a_byte_order_mark(bot, standin):
    driver, _ = bot
    standin.people.update({MEMBER: "Amina Diallo", LEAD: "Juan Pérez"})
    ta(driver, "new Côte d'Ivoire, Ghana: formation des enseignants", MEMBER)
    ta(driver, f"assign TA-1 WHO <@{LEAD}>")
    ta(driver, "note TA-1 premier appel =SUM(A1)", LEAD)
    ta(driver, "export")
    standin.wait_for(lambda: standin.calls_to("files.completeUploadExternal"), what="the upload")
    (content,) = standin.uploads.values()
    assert content.startswith(b"\xef\xbb\xbf")
    (row,) = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    assert (row["country_code"], row["country"]) == ("CI GH", "Côte d'Ivoire and Ghana")
    assert (row["requester"], row["requester_name"]) == (MEMBER, "Amina Diallo")
    assert (row["lead"], row["lead_name"]) == (LEAD, "Juan Pérez")
    assert row["notes"].endswith("Juan Pérez: premier appel =SUM(A1)") and row["notes"][:2] == "20"


def test_a_request_reopened_after_its_organisation_left_goes_back_to_new(bot, standin):
    driver, process = bot
    ta(driver, "new Kenya: training", MEMBER)
    ta(driver, f"assign TA-1 Oxford University <@{LEAD}>")
    ta(driver, "status TA-1 declined")
    assert (
        "Removed"
        in valid_ephemeral(driver.command("/iwg", "orgs remove Oxford University", user_id=COORDINATOR))["text"]
    )
    assert "back to *new*" in ta(driver, "reopen TA-1 a new partner is found")["text"]
    assert rows(process, "SELECT status, organisation_id, lead FROM ta_requests") == [("new", None, None)]
    told = standin.wait_for(
        lambda: [m for m in standin.dms_to(MEMBER) if "was reopened" in blocks_text(m)], what="the reopening DM"
    )
    assert "it is *new* again" in blocks_text(told[0]) and "a new partner is found" in blocks_text(told[0])
