"""Every command of SPEC.md with an example: the source of `/iwg help`, of each `help`, and of
every usage string an error answer shows (`usage()`).

It sits with the grammars (bot/parsing/), not in handlers/, because the grammars raise the
errors that show usage, and parsing imports nothing above it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_


@dataclass(frozen=True)
class Subcommand:
    usage: str
    does: str
    example: str
    coordinators_only: bool = False


@dataclass(frozen=True)
class Family:
    command: str
    summary: str
    subcommands: tuple[Subcommand, ...]


FAMILIES: tuple[Family, ...] = (
    Family(
        "/iwg",
        N_("the bot itself: help, member organisations, coordinators, the digest"),
        (
            Subcommand("/iwg help", N_("what the bot does and every command"), "/iwg help"),
            Subcommand("/iwg coordinators", N_("who coordinates the group"), "/iwg coordinators"),
            Subcommand(
                "/iwg coordinators add @user", N_("makes someone a coordinator"), "/iwg coordinators add @Amina", True
            ),
            Subcommand(
                "/iwg coordinators remove @user",
                N_("stops someone coordinating"),
                "/iwg coordinators remove @Amina",
                True,
            ),
            Subcommand("/iwg orgs", N_("member organisations and the strategies each offers TA on"), "/iwg orgs"),
            Subcommand(
                "/iwg orgs add <name> [(<short name>)] [#strategy …]",
                N_("adds an organisation, or adds strategies to one"),
                "/iwg orgs add World Health Organization (WHO) #parenting #laws",
                True,
            ),
            Subcommand(
                "/iwg orgs set <name> #strategy …",
                N_("replaces the strategies an organisation offers (`none` clears them)"),
                "/iwg orgs set WHO #parenting #response",
                True,
            ),
            Subcommand(
                "/iwg orgs rename <name> to <new name> [(<short name>)]",
                N_("corrects an organisation's name or short name"),
                "/iwg orgs rename Together for Girls to Together for Girls (TfG)",
                True,
            ),
            Subcommand(
                "/iwg orgs remove <name>",
                N_("removes an organisation that holds no open request"),
                "/iwg orgs remove Oxford University",
                True,
            ),
            Subcommand("/iwg digest", N_("sends you the weekly digest now"), "/iwg digest", True),
            Subcommand(
                "/iwg language [en|fr|es|ar|auto]",
                N_("the language I answer you in (`auto`: your Slack language)"),
                "/iwg language fr",
            ),
        ),
    ),
    Family(
        "/ta",
        N_("technical-assistance requests, from intake to completion"),
        (
            Subcommand("/ta", N_("opens the request form"), "/ta"),
            Subcommand(
                "/ta new <where>: <need> [#strategy …] [by <date>]",
                N_("logs a request in one line; where is a country, several, a UN region or Global"),
                "/ta new Kenya, Uganda and Tanzania: training for social workers #response by end of March",
            ),
            Subcommand(
                "/ta list [open|mine|all|closed|overdue|unassigned|stuck|<status>] [<where>] [#strategy]"
                " [org <name>] [lead @user]",
                N_("requests, newest first"),
                "/ta list overdue Uganda",
            ),
            Subcommand("/ta show <id>", N_("one request with its history"), "/ta show TA-7"),
            Subcommand(
                "/ta assign <id> <organisation> [@lead]",
                N_("brokers it to a member organisation"),
                "/ta assign TA-7 WHO @Amina",
                True,
            ),
            Subcommand(
                "/ta status <id> <status> [note]",
                N_("moves it on (coordinators, the lead)"),
                "/ta status TA-7 in-progress first call held",
            ),
            Subcommand(
                "/ta note <id> [public] <text>",
                N_(
                    "adds to its history and tells the requester and the lead; `public` (coordinators) also "
                    "mails it to a requester from the web page"
                ),
                "/ta note TA-7 ministry confirmed dates",
            ),
            Subcommand(
                "/ta edit <id> need|country|strategies|due <value>",
                N_("corrects an open request (its requester, coordinators)"),
                "/ta edit TA-7 country Uganda",
            ),
            Subcommand(
                "/ta reopen <id> [note]",
                N_("brings a declined or completed request back to where it was"),
                "/ta reopen TA-7 the ministry wrote back",
                True,
            ),
            Subcommand("/ta export", N_("every request as a CSV file"), "/ta export", True),
        ),
    ),
    Family(
        "/meetings",
        N_("the quarterly schedule, with reminders before each meeting"),
        (
            Subcommand("/meetings", N_("upcoming meetings"), "/meetings"),
            Subcommand("/meetings <year>", N_("that year's schedule"), "/meetings 2024"),
            Subcommand("/meetings post", N_("posts the schedule in the channel"), "/meetings post", True),
            Subcommand(
                "/meetings plan <year>",
                N_("proposes that year's quarterly schedule from the latest year's pattern"),
                "/meetings plan 2027",
                True,
            ),
            Subcommand(
                "/meetings add <title> on <date> [at <time>[-<time>]] [until <date> [at <time>]] [in <place>]",
                N_("schedules a meeting"),
                "/meetings add Q1 meeting on 26 February at 14:00-16:00",
                True,
            ),
            Subcommand(
                "/meetings move <id> to <date> [at <time>[-<time>]]",
                N_("moves one; its reminders follow and its agenda stays"),
                "/meetings move M-3 to 3 March at 15:00",
                True,
            ),
            Subcommand(
                "/meetings edit <id> title|place|time <value>",
                N_("changes a meeting's title, place (`virtual`) or time (`all day`)"),
                "/meetings edit M-3 time 14:00-16:00",
                True,
            ),
            Subcommand("/meetings cancel <id>", N_("cancels one, and its reminders"), "/meetings cancel M-3", True),
            Subcommand(
                "/meetings ics", N_("a calendar file of the upcoming meetings, and a feed to follow"), "/meetings ics"
            ),
        ),
    ),
    Family(
        "/agenda",
        N_("items for the next meeting"),
        (
            Subcommand("/agenda [<meeting id>]", N_("items proposed, with proposer and minutes"), "/agenda"),
            Subcommand(
                "/agenda add [<meeting id>] <item> [(<n> min)]",
                N_("proposes an item for the next quarterly meeting, or the one named"),
                "/agenda add Update on the INSPIRE handbook (15 min)",
            ),
            Subcommand(
                "/agenda move <item id> to <meeting id>",
                N_("moves an item to another meeting (the proposer, coordinators)"),
                "/agenda move A-12 to M-9",
            ),
            Subcommand("/agenda remove <id>", N_("withdraws one (the proposer, coordinators)"), "/agenda remove A-12"),
            Subcommand("/agenda post", N_("posts the agenda in the channel"), "/agenda post", True),
        ),
    ),
    Family(
        "/poll",
        N_("quick decisions: dates, venues, priorities"),
        (
            Subcommand(
                '/poll "Question?" "Option 1" "Option 2" […] [anonymous] [multiple] [hidden] [closes <when>]',
                N_("posts a poll with a button per option"),
                '/poll "Q3 venue?" "Nairobi" "Virtual" closes in 3 days',
            ),
            Subcommand(
                "/poll close <id>", N_("closes it and posts the result (its author, coordinators)"), "/poll close P-5"
            ),
            Subcommand("/poll list", N_("open polls"), "/poll list"),
        ),
    ),
)

BY_COMMAND = {family.command: family for family in FAMILIES}


def subcommand(head: str) -> Subcommand:
    """The subcommand whose usage is `head` (`/ta new`), or else the first that begins with it."""
    every = [s for family in FAMILIES for s in family.subcommands]
    exact = [s for s in every if s.usage == head]
    found = exact or [s for s in every if s.usage.startswith(head + " ")]
    if not found:
        raise KeyError(head)
    return found[0]


def usage(*heads: str, values: str = "") -> str:
    """How to type a command, as the error answers show it: every usage string comes from
    here, so `help` and the answers to a typo never drift apart. One subcommand with its example
    (`/ta note <id> <text>`, e.g. `/ta note TA-7 …`), or several with the last one's;
    `values` says what a placeholder may be (`status one of: …`)."""
    chosen = [subcommand(head) for head in heads]
    shown = ", ".join(f"`{s.usage}`" for s in chosen) + (f", {values}" if values else "")
    example = chosen[-1].example
    return shown if example == chosen[-1].usage else f"{shown}, e.g. `{example}`"
