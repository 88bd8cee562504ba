"""Filling in the bot's own modals in the console, one field at a time.

The forms are the bot's real ones, rendered by its renderers, and what the filling produces
is read back with the handlers' own FormValues: the state must be the one Slack would send.
"""

from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from bot.domain.meeting_plan import Proposal
from bot.render.home_blocks import agenda_form
from bot.render.meeting_changes import plan_form
from bot.render.ta_forms import assign_form, places_form, request_form
from bot.run.console_forms import FormFilling
from handlers.interactions import FormValues
from storage.meetings import Meeting, MeetingTimes
from storage.organisations import Organisation
from storage.ta_requests import TARequest

TODAY = date(2027, 3, 29)
WHEN = datetime(2027, 3, 1, 9, tzinfo=timezone.utc)
REQUEST = TARequest(
    id=7, country="KE UG", need="Training", requester="U0REQ", status="new", created_at=WHEN, updated_at=WHEN
)
ORGANISATIONS = [
    Organisation(id=1, name="UNICEF"),
    Organisation(id=2, name="World Health Organization", short_name="WHO"),
    Organisation(id=3, name="Wellcome Trust"),
]
MEMBERS = {"Amina": "U0AMINA"}  # as the console resolves names; "@Amina" is tried as "Amina" too


def filled(view: dict, *lines: str, **kwargs) -> FormFilling:
    """The form after `lines`, each of which must be taken."""
    form = FormFilling(view, today=TODAY, **kwargs)
    for line in lines:
        assert form.answer(line) is None, (line, form.question())
    return form


def at(form: FormFilling, *lines: str) -> str:
    """The block_id of the field asked after `lines` (taken or not)."""
    for line in lines:
        form.answer(line)
    return form.current.block_id


def select_form(kind: str = "static_select", **element) -> dict:
    """A minimal modal of one select, some options in groups as Slack allows."""

    def option(value: str, label: str) -> dict:
        return {"text": {"type": "plain_text", "text": label}, "value": value}

    return {
        "type": "modal",
        "title": {"type": "plain_text", "text": "Pick"},
        "blocks": [
            {
                "type": "input",
                "block_id": "where",
                "label": {"type": "plain_text", "text": "Where"},
                "element": {
                    "type": kind,
                    "action_id": "value",
                    "option_groups": [
                        {"label": {"type": "plain_text", "text": "Africa"}, "options": [option("CI", "Côte d'Ivoire")]},
                        {
                            "label": {"type": "plain_text", "text": "Americas"},
                            "options": [option("CR", "Costa Rica"), option("CU", "Cuba")],
                        },
                    ],
                    **element,
                },
            }
        ],
    }


def chosen(form: FormFilling) -> object:
    """What the handler reads from the select of `select_form`."""
    values = FormValues(form.state())
    return values.selected_many("where") if form.fields[0].kind == "checkboxes" else values.selected("where")


# --- the whole request form ---


def test_filling_the_request_form_gives_what_its_handler_reads():
    form = filled(request_form(), "Kenya", "Train the trainers\\nthen the teams", "1, Parent", "train", "30 March 2027")
    assert form.done and form.question() is None
    assert (form.title, form.submit_label) == ("New TA request", "Log request")
    state = form.state()
    assert state["country"] == {"value": {"type": "plain_text_input", "value": "Kenya"}}
    assert state["kind"]["value"]["type"] == "static_select"
    assert state["kind"]["value"]["selected_option"]["value"] == "training"
    values = FormValues(state)
    assert values.text("country") == "Kenya"
    assert values.text("need") == "Train the trainers\nthen the teams"
    assert values.selected_many("strategies") == ["laws", "parenting"]
    assert values.selected("kind") == "training"
    assert values.date("due") == date(2027, 3, 30)


def test_optional_fields_left_blank_are_empty_in_slacks_shapes():
    state = filled(request_form(), "Kenya", "Advice", "", "", "").state()
    assert state["strategies"] == {"value": {"type": "multi_static_select", "selected_options": []}}
    assert state["kind"] == {"value": {"type": "static_select", "selected_option": None}}
    assert state["due"] == {"value": {"type": "datepicker", "selected_date": None}}
    values = FormValues(state)
    assert (values.selected_many("strategies"), values.selected("kind"), values.date("due")) == ([], None, None)


def test_a_required_field_left_blank_is_refused_and_asked_again():
    form = FormFilling(request_form())
    assert form.question().splitlines()[0] == "Country or region — " + request_form()["blocks"][0]["hint"]["text"]
    assert form.answer("") == "Country or region is required."
    assert form.current.block_id == "country"
    assert form.question().startswith("⚠ Country or region is required.\nCountry or region — English names")
    assert form.answer("-").startswith("Country or region is required;")
    assert form.answer("Kenya") is None
    assert form.current.block_id == "need" and "⚠" not in form.question()


def test_a_dash_leaves_an_optional_field_empty_even_with_an_initial_value():
    view = agenda_form(meeting())
    view["blocks"][2]["element"]["initial_value"] = "30"
    form = filled(view, "Budget")
    assert "(optional: - leaves it empty)" in form.question() and "(now: 30; Enter keeps it)" in form.question()
    assert FormValues(form.state()).text("minutes") == "30"  # untouched: what Slack would send
    assert form.answer("-") is None
    assert form.state()["minutes"] == {"value": {"type": "number_input", "value": None}}


def test_the_options_are_numbered_on_one_line_or_one_a_line():
    kind = filled(request_form(), "Kenya", "Advice", "")
    assert (
        kind.question().splitlines()[1]
        == "  1. Training  2. Technical advice  3. Evidence  4. National action plan  5. Other"
    )
    strategies = filled(request_form(), "Kenya", "Advice")
    assert strategies.question().splitlines()[1:3] == [
        "  1. Implementation and enforcement of laws",
        "  2. Norms and values",
    ]


# --- choices ---


@pytest.mark.parametrize(
    "line, value",
    [
        ("1", "CI"),
        ("3", "CU"),
        ("COTE D'IVOIRE", "CI"),
        ("cote d'ivoire", "CI"),
        ("cu", "CU"),
        ("Costa", "CR"),
        ("CR", "CR"),
    ],  # fmt: skip
)
def test_a_choice_by_number_name_start_of_name_or_value(line, value):
    assert chosen(filled(select_form(), line)) == value


def test_a_start_that_could_be_several_choices_names_them():
    form = FormFilling(select_form())
    problem = form.answer("co")
    assert problem == "“co” could be 1. Côte d'Ivoire, 2. Costa Rica; type more of it, or its number."
    assert form.current.block_id == "where" and form.question().startswith(f"⚠ {problem}\nWhere")


@pytest.mark.parametrize("line", ["Peru", "4", "0"])
def test_a_choice_not_offered_is_refused(line):
    form = FormFilling(select_form())
    assert form.answer(line) == f"“{line}” is not one of the choices; answer with its number (1 to 3)."
    assert not form.done


def test_radio_buttons_are_chosen_like_a_menu():
    form = filled(select_form("radio_buttons"), "cuba")
    cuba = form.fields[0].element["option_groups"][1]["options"][1]
    assert form.state()["where"]["value"] == {"type": "radio_buttons", "selected_option": cuba}


def test_organisations_to_assign_are_chosen_best_match_first():
    form = FormFilling(assign_form(REQUEST, ORGANISATIONS, ORGANISATIONS[2:]), MEMBERS.get)
    assert form.intro and "TA-7" in form.intro[0]
    assert [label for _, label in form.fields[0].options] == [
        "Wellcome Trust",
        "UNICEF",
        "World Health Organization (WHO)",
    ]
    assert form.answer("w").startswith("“w” could be 1. Wellcome Trust, 3. World Health Organization (WHO);")
    assert form.answer("world") is None and form.answer("Amina") is None
    values = FormValues(form.state())
    assert (values.selected("organisation"), values.user("lead")) == ("2", "U0AMINA")


@pytest.mark.parametrize(
    "line, values",
    [
        ("1, 3", ["laws", "safe"]),
        ("1 3", ["laws", "safe"]),
        ("Parent, INCOME", ["parenting", "income"]),
        ("norms,norms, 2", ["norms"]),
    ],  # fmt: skip
)
def test_several_choices_by_numbers_or_names(line, values):
    form = filled(request_form(), "Kenya", "Advice", line)
    assert FormValues(form.state()).selected_many("strategies") == values


def test_several_choices_name_each_one_not_offered():
    form = filled(request_form(), "Kenya", "Advice")
    problem = form.answer("1, Sports, 12")
    assert problem == "Not among the choices: “Sports”, “12”; answer with numbers from 1 to 9."
    assert form.current.block_id == "strategies"


def test_several_choices_keep_to_the_most_allowed():
    form = FormFilling(select_form("checkboxes", max_selected_items=2))
    assert "(numbers or names, separated by commas; at most 2)" in form.question()
    assert form.answer("1, 2, 3") == "At most 2 choices (this is 3)."
    assert form.answer("cuba, 1") is None
    assert chosen(form) == ["CU", "CI"]


# --- dates, members, numbers, text ---


@pytest.mark.parametrize(
    "line", ["2027-03-30", "30 March 2027", "March 30, 2027", "30 mar 2027", "Mar 30 2027", "tomorrow"]
)
def test_a_date_in_any_unambiguous_writing(line):
    form = filled(request_form(), "Kenya", "Advice", "", "", line)
    assert form.state()["due"]["value"] == {"type": "datepicker", "selected_date": "2027-03-30"}


@pytest.mark.parametrize("line", ["30/3/2027", "31 February 2027", "2027-13-01", "next week"])
def test_a_date_that_cannot_be_read_is_refused(line):
    form = filled(request_form(), "Kenya", "Advice", "", "")
    assert form.answer(line) == f"“{line}” is not a day I can read; type it like 2027-03-29 or 29 March 2027, or today."
    assert form.current.block_id == "due"


def test_a_date_picker_keeps_its_initial_date_on_blank():
    times = MeetingTimes(start_date=date(2027, 5, 24), zone="UTC", starts_at=datetime(2027, 5, 24, tzinfo=timezone.utc))
    form = FormFilling(plan_form(2027, [Proposal(title="Q2", times=times)], "{}"), today=TODAY)
    assert form.question().splitlines()[-1] == (
        "(a date: 2027-03-29, 29 March 2027, today or tomorrow) (now: 2027-05-24; Enter keeps it)"
    )
    assert form.answer("") is None
    assert FormValues(form.state()).date("day0") == date(2027, 5, 24)


@pytest.mark.parametrize("line", ["Amina", "@Amina", "@U0LEAD", "U0LEAD", "<@U0LEAD>", "<@U0LEAD|lead>"])
def test_a_member_by_name_or_id(line):
    form = filled(assign_form(REQUEST, ORGANISATIONS, []), "1", line, names=MEMBERS.get)
    assert FormValues(form.state()).user("lead") == ("U0AMINA" if "mina" in line else "U0LEAD")


def test_a_member_not_known_is_refused():
    form = filled(assign_form(REQUEST, ORGANISATIONS, []), "1", names=MEMBERS.get)
    assert form.answer("Zoe") == "I do not know “Zoe”; type @ and their member ID, like @U0123ABCD."
    assert form.answer("-") is None
    assert form.state()["lead"] == {"value": {"type": "users_select", "selected_user": None}}


def meeting() -> Meeting:
    return Meeting(id=3, title="Q2", start_date=date(2027, 5, 24), zone="UTC", starts_at=WHEN, updated_at=WHEN)


@pytest.mark.parametrize(
    "line, problem",
    [
        ("ten", "A whole number, please, like 30."),
        ("2.5", "A whole number, please, like 30."),
        ("0", "At least 1."),
        ("601", "At most 600."),
        ("45", None),
    ],  # fmt: skip
)
def test_a_number_within_its_limits(line, problem):
    form = filled(agenda_form(meeting()), "Budget")
    assert "(a whole number from 1 to 600)" in form.question()
    assert form.answer(line) == problem
    assert FormValues(form.state()).text("minutes") == ("" if problem else "45")


def test_text_over_its_length_is_refused():
    form = FormFilling(request_form())
    assert form.answer("x" * 412) == "At most 300 characters (this is 412)."
    assert form.answer("  Kenya  ") is None
    assert form.answer("y" * 2001) == "At most 2000 characters (this is 2001)."
    assert form.answer("y" * 1999 + "\\n") is None  # the \n is one character, a line break
    assert FormValues(form.state()).text("need") == "y" * 1999 + "\n"


def test_the_places_form_keeps_its_places_on_blank():
    form = FormFilling(places_form(REQUEST))
    assert (form.title, form.submit_label) == ("Change TA-7", "Save")
    assert form.question().splitlines()[-1] == "(now: Kenya and Uganda; Enter keeps it)"
    assert form.answer("") is None and form.done
    assert form.state() == {"country": {"value": {"type": "plain_text_input", "value": "Kenya and Uganda"}}}
    assert filled(places_form(REQUEST), "Tanzania").state()["country"]["value"]["value"] == "Tanzania"


def test_a_kind_the_console_cannot_fill_is_left_empty():
    view = select_form("conversations_select")
    form = FormFilling(view)
    assert "(the console cannot fill a conversations_select; Enter leaves it empty)" in form.question()
    assert form.answer("#general").startswith("The console cannot fill a conversations_select")
    assert form.answer("") is None
    assert form.state() == {"where": {"value": {"type": "conversations_select", "value": None}}}


# --- the app's errors ---


def test_asked_again_only_the_fields_the_app_named_in_form_order_keeping_the_rest():
    form = filled(request_form(), "Atlantis", "Advice", "1", "2", "")
    form.ask_again({"due": "Not in the past.", "country": "That country is not one I know.", "nope": "x"})
    assert not form.done
    assert form.question().splitlines()[0] == "⚠ That country is not one I know."
    assert "(now: Atlantis; Enter keeps it)" in form.question()
    assert form.answer("Kenya") is None
    assert form.current.block_id == "due" and form.question().splitlines()[0] == "⚠ Not in the past."
    assert form.answer("tomorrow") is None and form.done
    values = FormValues(form.state())
    assert (values.text("country"), values.text("need"), values.selected("kind")) == ("Kenya", "Advice", "advice")
    assert (values.selected_many("strategies"), values.date("due")) == (["laws"], date(2027, 3, 30))


def test_asked_again_everything_when_the_app_named_no_field():
    form = filled(request_form(), "Kenya", "Advice", "", "", "")
    form.ask_again({"form": "Something went wrong.", "other": "Try again."})
    assert form.question().splitlines()[0] == "⚠ Something went wrong. Try again."
    assert [at(form, *[""] * n) for n in (0, 1, 1, 1, 1)] == ["country", "need", "strategies", "kind", "due"]
    assert "⚠" not in form.question()
    assert form.answer("") is None and form.done
    assert FormValues(form.state()).text("country") == "Kenya"
