"""Every command of SPEC.md with an example: the source of `/iwg help` and of each `help`."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Form:
    usage: str
    does: str
    example: str
    coordinators_only: bool = False


@dataclass(frozen=True)
class Family:
    command: str
    summary: str
    forms: tuple[Form, ...]


FAMILIES: tuple[Family, ...] = (
    Family(
        "/iwg",
        "the bot itself: help, member organisations, coordinators, the digest",
        (
            Form("/iwg help", "what the bot does and every command", "/iwg help"),
            Form("/iwg coordinators", "who coordinates the group", "/iwg coordinators"),
            Form("/iwg coordinators add @user", "makes someone a coordinator", "/iwg coordinators add @Amina", True),
            Form("/iwg coordinators remove @user", "stops someone coordinating", "/iwg coordinators remove @Amina", True),
            Form("/iwg orgs", "member organisations and the strategies each offers TA on", "/iwg orgs"),
            Form("/iwg orgs add <name> [#strategy …]", "adds or updates an organisation", "/iwg orgs add UNICEF Innocenti #monitoring", True),
            Form("/iwg digest", "sends you the weekly digest now", "/iwg digest", True),
        ),
    ),
    Family(
        "/ta",
        "technical-assistance requests, from intake to completion",
        (
            Form("/ta", "opens the request form", "/ta"),
            Form("/ta new <country>: <need> [#strategy …] [by <date>]", "logs a request in one line", "/ta new Kenya: training for social workers #response by 30 March"),
            Form("/ta list [open|mine|all|<status>] [<country>] [#strategy]", "requests, newest first", "/ta list open Kenya"),
            Form("/ta show <id>", "one request with its history", "/ta show TA-7"),
            Form("/ta assign <id> <organisation> [@lead]", "brokers it to a member organisation", "/ta assign TA-7 WHO @Amina", True),
            Form("/ta status <id> <status> [note]", "moves it on (coordinators, the lead)", "/ta status TA-7 in-progress first call held"),
            Form("/ta note <id> <text>", "adds to its history", "/ta note TA-7 ministry confirmed dates"),
            Form("/ta export", "every request as a CSV file", "/ta export", True),
        ),
    ),
    Family(
        "/meetings",
        "the quarterly schedule, with reminders before each meeting",
        (
            Form("/meetings", "upcoming meetings", "/meetings"),
            Form("/meetings <year>", "that year's schedule", "/meetings 2024"),
            Form("/meetings post", "posts the schedule in the channel", "/meetings post", True),
            Form("/meetings add <title> on <date> [at <time>] [until <date>] [in <place>]", "schedules a meeting", "/meetings add Q1 meeting on 26 February at 14:00", True),
            Form("/meetings cancel <id>", "cancels one, and its reminders", "/meetings cancel M-3", True),
            Form("/meetings ics", "a calendar file of the upcoming meetings", "/meetings ics"),
        ),
    ),
    Family(
        "/agenda",
        "items for the next meeting",
        (
            Form("/agenda [<meeting id>]", "items proposed, with proposer and minutes", "/agenda"),
            Form("/agenda add <item> [(<n> min)]", "proposes an item", "/agenda add Update on the INSPIRE handbook (15 min)"),
            Form("/agenda remove <id>", "withdraws one (the proposer, coordinators)", "/agenda remove A-12"),
            Form("/agenda post", "posts the agenda in the channel", "/agenda post", True),
        ),
    ),
    Family(
        "/poll",
        "quick decisions: dates, venues, priorities",
        (
            Form('/poll "Question?" "Option 1" "Option 2" […] [anonymous] [multiple] [hidden] [closes <when>]', "posts a poll with a button per option", '/poll "Q3 venue?" "Nairobi" "Virtual" closes in 3 days'),
            Form("/poll close <id>", "closes it and posts the result (its author, coordinators)", "/poll close P-5"),
            Form("/poll list", "open polls", "/poll list"),
        ),
    ),
)

BY_COMMAND = {family.command: family for family in FAMILIES}
