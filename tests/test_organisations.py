"""Member organisations (issue 14, item 1): adding, correcting and removing them.

End to end through the real app as tests/test_ta.py drives it, with the grammar and the
rules also tested on their own."""

from __future__ import annotations

import json
import sqlite3

import pytest

from bot.domain.organisations import OrganisationService, acronyms, normalise
from bot.errors import NotPermitted, UserError
from bot.parsing.iwg_command import read_new_name, read_organisation, read_set, rename_splits
from storage import Storage
from storage.coordinators import CoordinatorRepository
from storage.organisations import OrganisationRepository, Saved
from tests.conftest import COORDINATOR
from tests.test_http import valid_ephemeral

MEMBER = "U0MEMBER"
SEEDED = 24  # storage/seed.py MEMBER_ORGANISATIONS


def rows(bot, sql: str, *params) -> list[tuple]:
    with sqlite3.connect(bot.cwd / "iwg.sqlite3") as db:
        return db.execute(sql, params).fetchall()


def legacy(bot, name: str, strategies: str = "") -> None:
    """An organisation as the bot before this fix let coordinators make it: written straight into the file."""
    with sqlite3.connect(bot.cwd / "iwg.sqlite3") as db:
        db.execute(
            "INSERT INTO organisations (name, strategies, created_at, updated_at) VALUES (?, ?, '2024', '2024')",
            [name, strategies],
        )


def text_of(message: dict) -> str:
    return json.dumps(message.get("blocks", []), ensure_ascii=False) + message.get("text", "")


def orgs(driver, text: str, user_id: str = COORDINATOR) -> dict:
    return valid_ephemeral(driver.command("/iwg", f"orgs {text}".strip(), user_id=user_id))


def strategies_of(bot, name: str) -> str:
    return rows(bot, "SELECT strategies FROM organisations WHERE name = ?", name)[0][0]


# --- the grammar ----------------------------------------------------------------------


def test_tags_come_last_and_a_word_after_them_is_refused():
    with pytest.raises(UserError) as refused:
        read_organisation("WHO #economic strengthening")
    assert "“strengthening” comes after the strategy tags" in refused.value.problem
    assert "#income" in refused.value.problem and "/iwg orgs add" in refused.value.usage
    with pytest.raises(UserError, match="comes after the strategy tags"):
        read_organisation("WHO #laws (WHO)")


def test_tags_may_be_separated_by_commas_and_the_name_keeps_no_stray_punctuation():
    new = read_organisation("Centers for Disease Control and Prevention #monitoring, #response")
    assert (new.name, new.short_name, new.strategies) == (
        "Centers for Disease Control and Prevention",
        None,
        ["monitoring", "response"],
    )
    assert read_organisation("Foo Trust, #laws,#norms and #laws.").strategies == ["laws", "norms"]
    assert read_organisation("Foo Trust,#laws").name == "Foo Trust"
    # the ";" of Slack's escaping of a typed ">" is not stray punctuation
    assert read_organisation("Kids &lt;First&gt;").name == "Kids <First>"
    assert read_organisation("Bar &amp; Co; #laws").name == "Bar & Co"
    assert read_organisation(" - Foo Trust ; ").name == "Foo Trust"
    new = read_organisation("Together for Girls (TfG), #safe environments")
    assert (new.name, new.short_name, new.strategies) == ("Together for Girls", "TfG", ["safe"])
    assert read_organisation("X Fund #income and economic strengthening").strategies == ["income"]
    assert read_organisation("X Fund <#C123|parenting>").strategies == ["parenting"]
    assert read_organisation("C# Foundation").name == "C# Foundation"
    assert read_organisation("<https://x.org|Org>").short_name is None  # a link's label is not a short name


@pytest.mark.parametrize(
    "text, problem",
    [
        ("", "name is empty"),
        ("#laws", "name is empty"),
        (", #laws", "name is empty"),
        ("!!! #laws", "no letters"),
        ("x" * 151, "151 characters long"),
        ("Bad\x07Name", "control characters"),
        ("Foo #flying", "not an INSPIRE strategy"),
        ("Foo <#C123>", "channel link"),
        ("Foo (" + "S" * 35 + ")", "short name is 35 characters"),
    ],
)
def test_bad_input_says_what_was_wrong_and_shows_the_form(text, problem):
    with pytest.raises(UserError) as refused:
        read_organisation(text)
    assert problem in refused.value.problem and refused.value.usage


def test_set_takes_tags_or_none():
    assert read_set("WHO #laws, #safe") == ("WHO", ["laws", "safe"])
    assert read_set("World Health Organization none") == ("World Health Organization", [])
    assert read_set("WHO #none") == ("WHO", [])
    with pytest.raises(UserError, match="Say which strategies"):
        read_set("WHO")
    with pytest.raises(UserError, match="“none” comes after"):
        read_set("WHO #laws none")


def test_rename_reads_every_split_at_to_and_quotes_settle_it():
    assert rename_splits("A to B to C") == [("A", "B to C"), ("A to B", "C")]
    assert rename_splits('"A to B" to C') == [("A to B", "C")]
    assert rename_splits("“A” to B to C") == [("A", "B to C")]
    with pytest.raises(UserError, match="new name after `to`"):
        rename_splits("WHO")
    assert read_new_name("Together for Girls (TfG)").short_name == "TfG"
    assert read_new_name("Foo").short_name is None  # kept
    assert read_new_name("Foo ()").short_name == ""  # cleared
    with pytest.raises(UserError, match="changes the name only"):
        read_new_name("Foo #laws")


def test_names_are_compared_normalised():
    assert normalise("The Centres d'Études, Inc.") == "centres detudes inc"
    assert normalise("Save the Children") == "save the children"
    assert "cdcp" in acronyms(normalise("Centers for Disease Control and Prevention"))
    assert "jfa" in acronyms(normalise("Joining Forces Alliance"))
    assert acronyms("world bank") == set()


# --- the rules, in process ------------------------------------------------------------


@pytest.fixture
def rules(tmp_dir):
    storage = Storage(tmp_dir / "o.sqlite3")
    storage.migrate()
    coordinators = CoordinatorRepository(storage)
    coordinators.sync_config((COORDINATOR,))
    organisations = OrganisationRepository(storage)
    yield OrganisationService(storage, organisations, coordinators), organisations, storage
    storage.close()


def open_request(storage: Storage, organisation_id: int, status: str = "assigned") -> int:
    with storage.write() as db:
        return db.execute(
            "INSERT INTO ta_requests (country, need, requester, status, organisation_id, created_at, updated_at)"
            " VALUES ('KE', 'need', ?, ?, ?, '2024-01-01', '2024-01-01')",
            [MEMBER, status, organisation_id],
        ).lastrowid


@pytest.mark.parametrize(
    "text, problem",
    [
        ("CDC (CDC2)", "“CDC” already exists as"),  # the name is listed as a short name: it is CDC…
        (
            "World Health Organisation",
            "“World Health Organisation” already exists as *World Health Organization (WHO)*",
        ),
        ("the Joining Forces Aliance", "already exists as *Joining Forces Alliance*"),
        ("JFA #laws", "“JFA” already exists as *Joining Forces Alliance*"),
        ("Jamaica Fund (VPAJ)", "“VPAJ” already stands for *Violence Prevention Alliance Jamaica*"),
        ("Foo (WHO) #laws", "“WHO” is already the short name of *World Health Organization (WHO)*"),
        ("Foo (World Bank)", "“World Bank” is already the name of *World Bank*"),
        ("Plan Intl", "“Plan Intl” already exists as *Plan International*"),
        ("The World Bank Group", "“The World Bank Group” already exists as *World Bank*"),
    ],
)
def test_near_duplicates_are_refused(rules, text, problem):
    service, organisations, _ = rules
    before = organisations.list()
    with pytest.raises(UserError) as refused:
        service.add(COORDINATOR, text)
    if problem.startswith("“CDC”"):  # typed as CDC's short name, with another: point to rename
        assert "already has the short name “CDC”" in refused.value.problem
    else:
        assert problem in refused.value.problem
        assert "adds strategies to it" in refused.value.problem and "`/iwg orgs rename" in refused.value.problem
    assert organisations.list() == before


def test_add_adds_and_set_replaces(rules):
    service, organisations, _ = rules
    service.add(COORDINATOR, "WHO #income")
    changed = service.add(COORDINATOR, "world health organization #parenting, #income")
    assert changed.organisation.strategies == ["income", "parenting"]
    assert service.add(COORDINATOR, "WHO #parenting").change.value == "Already listed:"
    assert service.set(COORDINATOR, "WHO #laws").organisation.strategies == ["laws"]
    assert service.set(COORDINATOR, "WHO none").organisation.strategies == []
    # a short name is added to one that had none, never swapped for another
    assert service.add(COORDINATOR, "Together for Girls (TfG) #safe").organisation.label == "Together for Girls (TfG)"
    with pytest.raises(UserError, match="already has the short name “TfG”.*rename Together for Girls to"):
        service.add(COORDINATOR, "Together for Girls (T4G)")
    assert organisations.named("TfG").strategies == ["safe"]


def test_only_coordinators_change_organisations_and_nothing_changes(rules):
    service, organisations, _ = rules
    before = organisations.list()
    for change, text in [
        (service.add, "New Org #laws"),
        (service.set, "WHO #laws"),
        (service.rename, "WHO to Whoever"),
        (service.remove, "WHO"),
    ]:
        with pytest.raises(NotPermitted, match="Only coordinators can"):
            change(MEMBER, text)
    assert organisations.list() == before


def test_rename_picks_the_split_that_names_one_organisation(rules):
    service, organisations, storage = rules
    organisations.add("Coalition to Stop Child Labor", None, ["laws"])
    changed = service.rename(COORDINATOR, "Coalition to Stop Child Labor to Coalition to Stop Child Labour (CSCL)")
    assert (changed.before.name, changed.organisation.label) == (
        "Coalition to Stop Child Labor",
        "Coalition to Stop Child Labour (CSCL)",
    )
    assert changed.organisation.strategies == ["laws"]
    organisations.add("Partners", None, [])
    organisations.add("Partners to End Hunger", None, [])
    with pytest.raises(UserError, match="could rename .*Put the current name in quotes"):
        service.rename(COORDINATOR, "Partners to End Hunger to Partners Against Hunger")
    assert service.rename(COORDINATOR, '"Partners to End Hunger" to Partners Against Hunger').organisation.name == (
        "Partners Against Hunger"
    )
    with pytest.raises(UserError, match="“CDC” already exists as"):
        service.rename(COORDINATOR, "Partners to CDC")
    with pytest.raises(UserError, match="No member organisation is called “Nobody”"):
        service.rename(COORDINATOR, "Nobody to Somebody")
    assert service.rename(COORDINATOR, "Partners Against Hunger to Partners Against Hunger ()").change.value == (
        "Already listed:"
    )


def test_remove_is_refused_while_requests_are_open_and_brings_back_on_add(rules):
    service, organisations, storage = rules
    oxford = organisations.named("Oxford University")
    first, second = open_request(storage, oxford.id), open_request(storage, oxford.id, "in-progress")
    closed = open_request(storage, oxford.id, "completed")
    with pytest.raises(UserError) as refused:
        service.remove(COORDINATOR, "oxford university")
    assert f"(TA-{first}, TA-{second})" in refused.value.problem and f"TA-{closed}," not in refused.value.problem
    with storage.write() as db:
        db.execute("UPDATE ta_requests SET status = 'declined' WHERE organisation_id = ?", [oxford.id])
    service.remove(COORDINATOR, "Oxford University")
    assert organisations.named("Oxford University") is None and organisations.match("Oxford") == []
    assert "Oxford University" not in [o.name for o in organisations.list()]
    assert organisations.get(oxford.id).removed and organisations.every()[oxford.id].name == "Oxford University"
    with pytest.raises(UserError, match="No member organisation is called"):
        service.set(COORDINATOR, "Oxford University #laws")
    back = service.add(COORDINATOR, "Oxford University #education")
    assert (back.change.value, back.organisation.id, back.organisation.removed) == ("Brought back", oxford.id, False)
    # the plain write of the storage layer brings one back too, rather than failing on the name
    service.remove(COORDINATOR, "Oxford University")
    assert organisations.save("Oxford University", None, None)[0] is Saved.ADDED
    assert organisations.named("Oxford University").id == oxford.id


# --- end to end -----------------------------------------------------------------------


def test_each_mistake_is_refused_or_corrected_and_the_list_ends_clean(bot):
    driver, process = bot
    # what the bot before this fix let coordinators make
    legacy(process, "WHO strengthening", "income")
    legacy(process, "Centers for Disease Control and Prevention,", "monitoring response")
    legacy(process, "Save the Childrn")
    legacy(process, "Coalition to Stop Child Labor", "laws")
    assert "Member organisations* (28)" in text_of(orgs(driver, ""))

    # 1. words after the tags no longer end up in the name
    refused = orgs(driver, "add WHO #economic strengthening")
    assert "“strengthening” comes after the strategy tags" in refused["text"] and "#income" in refused["text"]
    assert "*Usage:*" in text_of(refused) and strategies_of(process, "World Health Organization") == ""
    assert "Updated *World Health Organization (WHO)*" in orgs(driver, "add WHO #economic")["text"]
    assert orgs(driver, "remove WHO strengthening")["text"].startswith("Removed *WHO strengthening*")

    # 2. strategies separated by commas; the junk CDC with its comma is what made /ta assign ambiguous
    assert "Logged *TA-1*" in text_of(
        valid_ephemeral(driver.command("/ta", "new Kenya: surveillance training #monitoring", user_id=MEMBER))
    )
    ambiguous = valid_ephemeral(driver.command("/ta", "assign TA-1 Centers", user_id=COORDINATOR))
    assert "could be" in ambiguous["text"]
    added = orgs(driver, "add Centers for Disease Control and Prevention #monitoring, #response")
    assert "Updated *Centers for Disease Control and Prevention (CDC)*" in added["text"]
    assert strategies_of(process, "Centers for Disease Control and Prevention") == "monitoring response"
    assert orgs(driver, "remove Centers for Disease Control and Prevention,")["text"].startswith(
        "Removed *Centers for Disease Control and Prevention,*"
    )
    valid_ephemeral(driver.command("/ta", "assign TA-1 Centers", user_id=COORDINATOR))
    cdc = rows(process, "SELECT id FROM organisations WHERE short_name = 'CDC'")[0][0]
    assert rows(process, "SELECT organisation_id FROM ta_requests WHERE id = 1") == [(cdc,)]

    # 3. a short name typed on an existing organisation is kept, a different one refused
    updated = orgs(driver, "add Together for Girls (TfG) #safe")
    assert "Updated *Together for Girls (TfG)*" in updated["text"] and "short name “TfG”" in updated["text"]
    refused = orgs(driver, "add Together for Girls (T4G) #laws")
    assert "already has the short name “TfG”" in refused["text"] and "/iwg orgs rename" in refused["text"]
    assert rows(process, "SELECT short_name, strategies FROM organisations WHERE name = 'Together for Girls'") == [
        ("TfG", "safe")
    ]

    # 4. add adds strategies, set replaces them, `none` clears them
    assert "added `#parenting`" in orgs(driver, "add WHO #parenting")["text"]
    assert strategies_of(process, "World Health Organization") == "income parenting"
    assert "offers `#laws`" in orgs(driver, "set WHO #laws")["text"]
    assert "offers no strategies now" in orgs(driver, "set WHO none")["text"]
    orgs(driver, "set World Health Organization #parenting, #response")
    assert strategies_of(process, "World Health Organization") == "parenting response"

    # 5. near duplicates are refused; a typo is renamed, " to " in a name and all
    refused = orgs(driver, "add Save the Children (SCI) #response")
    assert "“Save the Children” already exists as *Save the Childrn*" in refused["text"]
    assert "`/iwg orgs rename Save the Childrn to <new name>` renames it" in refused["text"]
    assert (
        "Renamed *Save the Childrn* to *Save the Children (SCI)*"
        in orgs(driver, "rename Save the Childrn to Save the Children (SCI)")["text"]
    )
    orgs(driver, "add SCI #response")
    renamed = orgs(driver, "rename Coalition to Stop Child Labor to Coalition to Stop Child Labour")
    assert "to *Coalition to Stop Child Labour*" in renamed["text"]
    refused = orgs(driver, "add JFA")
    assert "“JFA” already exists as *Joining Forces Alliance*" in refused["text"]
    assert "“CDC” already exists as" in orgs(driver, "rename Coalition to Stop Child Labour to CDC")["text"]

    # 6. removing one that holds an open request is refused, naming it; a closed one does not hold it
    refused = orgs(driver, "remove CDC")
    assert "holds 1 open request (TA-1)" in refused["text"] and "/ta assign TA-1" in refused["text"]
    valid_ephemeral(driver.command("/ta", "status TA-1 declined", user_id=COORDINATOR))
    assert orgs(driver, "remove cdc")["text"].startswith("Removed *Centers for Disease Control and Prevention (CDC)*")
    assert rows(process, "SELECT organisation_id FROM ta_requests WHERE id = 1") == [(cdc,)]  # still named
    back = orgs(driver, "add Centers for Disease Control and Prevention #laws")
    assert "Brought back *Centers for Disease Control and Prevention (CDC)*" in back["text"]
    assert strategies_of(process, "Centers for Disease Control and Prevention") == "monitoring response laws"

    # the list ends clean: no junk, every correction in it, and the footer names the new forms
    answer = orgs(driver, "")
    listing = text_of(answer)
    assert f"Member organisations* ({SEEDED + 2})" in listing
    names = " ".join(b["text"]["text"] for b in answer["blocks"] if b["type"] == "section")  # not the footer
    for junk in ("WHO strengthening", "Prevention,", "Childrn", "Labor"):
        assert junk not in names
    for line in (
        "*Centers for Disease Control and Prevention (CDC)*: `#monitoring` `#response` `#laws`",
        "*World Health Organization (WHO)*: `#parenting` `#response`",
        "*Together for Girls (TfG)*: `#safe`",
        "*Save the Children (SCI)*: `#response`",
        "*Coalition to Stop Child Labour*: `#laws`",
    ):
        assert line in listing
    for form in ("/iwg orgs add", "/iwg orgs set", "/iwg orgs rename", "/iwg orgs remove"):
        assert form in listing
    assert rows(process, "SELECT count(*) FROM organisations WHERE removed_at IS NULL") == [(SEEDED + 2,)]


def test_members_are_refused_and_bad_input_is_answered_with_the_form(bot):
    driver, process = bot
    before = rows(process, "SELECT * FROM organisations ORDER BY id")
    for text in ("add New Org #laws", "set WHO #laws", "rename WHO to Whoever", "remove WHO"):
        assert orgs(driver, text, user_id=MEMBER)["text"].startswith("Only coordinators can")
    for text, problem in [
        ("set Nowhere Org #laws", "No member organisation is called “Nowhere Org”."),
        ("set Oxford #laws", "Did you mean *Oxford University*?"),
        ("remove", "The organisation's name is empty."),
        ("add #laws", "The organisation's name is empty."),
        ("add " + "x" * 151, "151 characters long"),
        ("add Bad\x07Name", "control characters"),
        ("add Foo #flying", "not an INSPIRE strategy"),
        ("rename WHO", "Say the new name after `to`."),
        ("rename WHO to Foo #laws", "changes the name only"),
        ("frobnicate", "`/iwg orgs frobnicate` is not a form I know."),
    ]:
        answer = orgs(driver, text)
        assert problem in answer["text"], (text, answer["text"])
        assert "*Usage:*" in text_of(answer) and "/iwg orgs" in text_of(answer)
    assert rows(process, "SELECT * FROM organisations ORDER BY id") == before


def test_what_members_type_is_escaped_in_every_answer(bot):
    driver, process = bot
    added = orgs(driver, "add <!channel> &lt;b&gt; Trust #laws")
    assert "<!channel>" not in text_of(added) and "&lt;b&gt;" in added["text"] and "@\u2060channel" in added["text"]
    assert rows(process, "SELECT name FROM organisations WHERE name LIKE '%Trust'") == [("@channel <b> Trust",)]
    refused = orgs(driver, "remove <@U0EVE|eve> &lt;script&gt;")
    assert "“@eve &lt;script&gt;”" in refused["text"] and "<@U0EVE" not in text_of(refused)
    renamed = orgs(driver, "rename @channel &lt;b&gt; Trust to &lt;i&gt; Trust")
    assert "Renamed *@\u2060channel &lt;b&gt; Trust* to *&lt;i&gt; Trust*" in renamed["text"]
    assert "&lt;i&gt; Trust" in text_of(orgs(driver, ""))
