"""Member organisations: the rules for adding, correcting and removing them.

- `add` on an organisation already listed (its name or short name, compared loosely) adds
  to it: the strategies typed join the ones it has, and a short name is taken if it had
  none (a different one is refused, pointing to `rename`). `set` replaces its strategies.
- A name too close to one listed is refused rather than added beside it: "CDC already
  exists as …". Names are compared normalised (case, accents, punctuation, a leading "The"):
  a short name equal to another's name or short name, an acronym of one name equal to the
  other, or names 90% alike (difflib) are the same organisation typed twice.
- `remove` is refused while open requests are assigned to it, naming them; otherwise it
  only takes the organisation off the list (closed requests still name it), and adding
  its name again brings it back.

Only coordinators change organisations; each change is written in one transaction, with
the checks that allowed it.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from dataclasses import dataclass
from enum import Enum

from bot.domain.permissions import require_coordinator
from bot.errors import UserError
from bot.i18n import _, ngettext, number
from bot.parsing.iwg_command import (
    ADD_USAGE,
    REMOVE_USAGE,
    RENAME_USAGE,
    SET_USAGE,
    read_lookup,
    read_new_name,
    read_organisation,
    read_set,
    rename_splits,
)
from bot.parsing.slack_text import escape, truncate
from storage import Storage
from storage.coordinators import CoordinatorRepository
from storage.organisations import Organisation, OrganisationRepository

ALIKE = 0.9  # difflib's ratio between two normalised names from which they are one organisation
SHOWN_REQUESTS = 12
# words an acronym may skip: "Centers for Disease Control and Prevention" is CDCP as well as CFDCAP
_SMALL_WORDS = {"a", "an", "and", "at", "de", "del", "des", "du", "el", "et", "for", "in", "la", "las", "le"}
_SMALL_WORDS |= {"les", "los", "of", "on", "para", "por", "pour", "the", "to", "y"}


class Change(str, Enum):
    ADDED = "Added"
    UPDATED = "Updated"
    RESTORED = "Brought back"
    UNCHANGED = "Already listed:"
    STRATEGIES_SET = "set"
    RENAMED = "renamed"
    REMOVED = "removed"


@dataclass(frozen=True)
class Changed:
    change: Change
    organisation: Organisation  # as it is now
    before: Organisation | None = None  # as it was, for a change to one already listed


def normalise(name: str) -> str:
    """How two names are compared: "The Centres d'Études, Inc." -> "centres detudes inc"."""
    text = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c)).casefold()
    text = re.sub(r"[.'’`]", "", text.replace("&", " and "))
    words = re.sub(r"[\W_]+", " ", text).split()
    if len(words) > 1 and words[0] == "the":
        words = words[1:]
    return " ".join(words)


# Words that do not tell two organisations apart ("The World Bank Group" is the World
# Bank), and abbreviations read whole ("Plan Intl" is Plan International).
_FILLER = {"group", "inc", "ltd", "llc", "co", "the"}
_ABBREVIATIONS = {"intl": "international", "int": "international", "univ": "university", "uni": "university"}
_ABBREVIATIONS |= {"org": "organization", "organisation": "organization", "centre": "center", "centres": "centers"}


def _core(normalised: str) -> str:
    """A normalised name without its filler words, abbreviations spelled out."""
    words = [_ABBREVIATIONS.get(word, word) for word in normalised.split() if word not in _FILLER]
    return " ".join(words) or normalised


def acronyms(normalised: str) -> set[str]:
    """The acronyms a normalised name of three words or more may go by."""
    words = normalised.split()
    if len(words) < 3:
        return set()
    found = {"".join(w[0] for w in words), "".join(w[0] for w in words if w not in _SMALL_WORDS)}
    return {a for a in found if len(a) >= 3}


def named(organisations: OrganisationRepository, text: str) -> list[Organisation]:
    """Listed organisations `text` names: its name, short name or `Name (Short)` exactly
    (any case), else the same once normalised ("W.H.O.")."""
    everyone = organisations.list()
    wanted = text.strip().casefold()
    exact = [o for o in everyone if wanted in {o.name.casefold(), (o.short_name or "").casefold(), o.label.casefold()}]
    if exact:
        return exact
    loose = normalise(text)
    return [
        o for o in everyone if loose and loose in {normalise(o.name), normalise(o.short_name or ""), normalise(o.label)}
    ]


def candidates(organisations: OrganisationRepository, text: str) -> list[Organisation]:
    """Who `/ta assign` and `/ta list org` may mean: the organisations `text` names (see
    `named`), else those whose name or short name begins with it (`world b`)."""
    return named(organisations, text) or organisations.match(text)


def _quote(text: str) -> str:
    return escape(truncate(text, 60))


def either(choices: list[str]) -> str:
    """`a`, `a or b`, `a or b or c`: one of the choices, as the language says it."""
    said = choices[0] if choices else ""
    for choice in choices[1:]:
        # Translators: two choices, or a longer list of choices and one more
        said = _("{first} or {second}", first=said, second=choice)
    return said


class OrganisationService:
    def __init__(self, storage: Storage, organisations: OrganisationRepository, coordinators: CoordinatorRepository):
        self.storage, self.organisations, self.coordinators = storage, organisations, coordinators

    # --- the four changes -------------------------------------------------------------

    def add(self, actor: str, text: str) -> Changed:
        """Add an organisation, or add strategies (and a missing short name) to a listed one."""
        require_coordinator(self.coordinators, actor, "add or change member organisations")
        new = read_organisation(text)
        with self.storage.write():
            listed = self._same(new.name)
            if listed is not None:
                short = self._short_for(listed, new.short_name)
                strategies = list(dict.fromkeys([*listed.strategies, *new.strategies]))
                if short == listed.short_name and strategies == listed.strategies:
                    return Changed(Change.UNCHANGED, listed, listed)
                updated = self.organisations.update(listed.id, short_name=short, strategies=strategies)
                return Changed(Change.UPDATED, updated, listed)
            former = self._removed_named(new.name)
            short = new.short_name
            if short is None and former is not None and former.short_name:
                short = None if self._duplicate(new.name, former.short_name) else former.short_name
            self._refuse_duplicate(new.name, short, ADD_USAGE)
            if former is not None:
                strategies = list(dict.fromkeys([*former.strategies, *new.strategies]))
                back = self.organisations.restore(former.id, name=new.name, short_name=short, strategies=strategies)
                return Changed(Change.RESTORED, back, former)
            return Changed(Change.ADDED, self.organisations.add(new.name, short, new.strategies))

    def set(self, actor: str, text: str) -> Changed:
        """Replace the strategies a listed organisation offers (`none`: clear them)."""
        require_coordinator(self.coordinators, actor, "set what member organisations offer")
        name, strategies = read_set(text)
        with self.storage.write():
            listed = self._find(name, SET_USAGE)
            if strategies == listed.strategies:
                return Changed(Change.UNCHANGED, listed, listed)
            return Changed(Change.STRATEGIES_SET, self.organisations.update(listed.id, strategies=strategies), listed)

    def rename(self, actor: str, text: str) -> Changed:
        """`<name> to <new name> [(<short name>)]`: the short name is kept unless one is typed
        (`()` clears it)."""
        require_coordinator(self.coordinators, actor, "rename member organisations")
        splits = rename_splits(text)
        with self.storage.write():
            readings = []
            for left, right in splits:
                try:
                    found = self._named(read_lookup(left, RENAME_USAGE))
                except UserError:
                    continue
                if len(found) == 1:
                    readings.append((found[0], right))
            if not readings:
                self._find(read_lookup(splits[0][0], RENAME_USAGE), RENAME_USAGE)  # says why not
            if len(readings) > 1:
                names = either([f"*{escape(o.label)}*" for o, _right in readings])
                raise UserError(
                    _(
                        "That could rename {names}. Put the current name in quotes, "
                        'e.g. `/iwg orgs rename "{name}" to <new name>`.',
                        names=names,
                        name=escape(readings[0][0].name),
                    ),
                    RENAME_USAGE,
                )
            listed, right = readings[0]
            new = read_new_name(right)
            short = listed.short_name if new.short_name is None else (new.short_name or None)
            if new.name == listed.name and short == listed.short_name:
                return Changed(Change.UNCHANGED, listed, listed)
            self._refuse_duplicate(new.name, short, RENAME_USAGE, besides=listed)
            former = self._removed_named(new.name, exactly=True)
            if former is not None and former.id != listed.id:
                raise UserError(
                    _(
                        "“{typed}” is the name of an organisation removed earlier; "
                        "`/iwg orgs add {name}` brings that one back.",
                        typed=_quote(new.name),
                        name=escape(former.name),
                    ),
                    RENAME_USAGE,
                )
            updated = self.organisations.update(listed.id, name=new.name, short_name=short)
            return Changed(Change.RENAMED, updated, listed)

    def remove(self, actor: str, text: str) -> Changed:
        """Take a listed organisation off the list, unless open requests are assigned to it."""
        require_coordinator(self.coordinators, actor, "remove member organisations")
        name = read_lookup(text, REMOVE_USAGE)
        with self.storage.write():
            listed = self._find(name, REMOVE_USAGE)
            held = self.organisations.open_requests(listed.id)
            if held:
                raise UserError(_held(listed, held))
            return Changed(Change.REMOVED, self.organisations.remove(listed.id), listed)

    # --- finding one ------------------------------------------------------------------

    def _named(self, text: str) -> list[Organisation]:
        return named(self.organisations, text)

    def _find(self, text: str, usage: str) -> Organisation:
        found = self._named(text)
        if len(found) == 1:
            return found[0]
        if found:
            names = ", ".join(f"*{escape(o.label)}*" for o in found[:8])
            raise UserError(
                _("“{typed}” could be {names}: type its full name.", typed=_quote(text), names=names), usage
            )
        close = {o.id: o for o in self.organisations.match(text)[:3]}
        by_name = {normalise(o.name): o for o in self.organisations.list()}
        for key in difflib.get_close_matches(normalise(text), by_name, n=3, cutoff=0.75):
            close.setdefault(by_name[key].id, by_name[key])
        if close:
            names = either([f"*{escape(o.label)}*" for o in list(close.values())[:3]])
            problem = _(
                "No member organisation is called “{typed}”. Did you mean {names}?", typed=_quote(text), names=names
            )
        else:
            problem = _("No member organisation is called “{typed}”.", typed=_quote(text))
        raise UserError(problem, usage, hint=_("`/iwg orgs` lists them."))

    def _same(self, name: str) -> Organisation | None:
        """The listed organisation this name is: its name exactly (any case), else its name
        or short name once normalised."""
        everyone, key = self.organisations.list(), normalise(name)
        tests = (
            lambda o: o.name.casefold() == name.casefold(),
            lambda o: normalise(o.name) == key,
            lambda o: bool(o.short_name) and normalise(o.short_name) == key,
        )
        return next((o for test in tests for o in everyone if test(o)), None)

    def _removed_named(self, name: str, exactly: bool = False) -> Organisation | None:
        removed = self.organisations.removed()
        same = next((o for o in removed if o.name.casefold() == name.casefold()), None)
        if same or exactly:
            return same
        return next((o for o in removed if normalise(o.name) == normalise(name)), None)

    # --- near duplicates --------------------------------------------------------------

    def _short_for(self, listed: Organisation, short: str | None) -> str | None:
        """The short name `add` leaves on a listed organisation: its own, or the one typed
        if it had none and nobody else goes by it."""
        if short is None or (listed.short_name and normalise(listed.short_name) == normalise(short)):
            return listed.short_name
        if listed.short_name:
            raise UserError(
                _(
                    "*{label}* already has the short name “{short}”; "
                    "`/iwg orgs rename {name} to {name} ({typed})` changes it.",
                    label=escape(listed.label),
                    short=escape(listed.short_name),
                    name=escape(listed.name),
                    typed=_quote(short),
                ),
                RENAME_USAGE,
            )
        self._refuse_duplicate(listed.name, short, ADD_USAGE, besides=listed)
        return short

    def _refuse_duplicate(self, name: str, short: str | None, usage: str, besides: Organisation | None = None) -> None:
        problem = self._duplicate(name, short, besides)
        if problem:
            raise UserError(problem, usage)

    def _duplicate(self, name: str, short: str | None, besides: Organisation | None = None) -> str | None:
        """Why `name (short)` would list an organisation twice, or None."""
        key, short_key = normalise(name), normalise(short) if short else ""
        for other in self.organisations.list():
            if besides is not None and other.id == besides.id:
                continue
            other_key = normalise(other.name)
            other_short = normalise(other.short_name) if other.short_name else ""
            # each refusal also says how to add to the one listed, or rename it
            known = {"label": escape(other.label), "name": escape(other.name)}
            if short_key and short_key == other_short:
                return _(
                    "“{typed}” is already the short name of *{label}*; `/iwg orgs add {name} #tag` adds strategies "
                    "to it, `/iwg orgs rename {name} to <new name>` renames it.",
                    typed=_quote(short),
                    **known,
                )
            if short_key and short_key == other_key:
                return _(
                    "“{typed}” is already the name of *{label}*; `/iwg orgs add {name} #tag` adds strategies "
                    "to it, `/iwg orgs rename {name} to <new name>` renames it.",
                    typed=_quote(short),
                    **known,
                )
            if short_key and short_key.replace(" ", "") in acronyms(other_key):
                return _(
                    "“{typed}” already stands for *{label}*; `/iwg orgs add {name} #tag` adds strategies "
                    "to it, `/iwg orgs rename {name} to <new name>` renames it.",
                    typed=_quote(short),
                    **known,
                )
            if (
                key in {other_key, other_short} - {""}
                or _core(key) == _core(other_key)
                or key.replace(" ", "") in acronyms(other_key)
                or other_key.replace(" ", "") in acronyms(key)
                or difflib.SequenceMatcher(None, key, other_key).ratio() >= ALIKE
            ):
                return _(
                    "“{typed}” already exists as *{label}*; `/iwg orgs add {name} #tag` adds strategies "
                    "to it, `/iwg orgs rename {name} to <new name>` renames it.",
                    typed=_quote(name),
                    **known,
                )
        return None


def _held(listed: Organisation, held: list[int]) -> str:
    """Why an organisation that holds open requests stays listed, naming the first of them."""
    refs = ", ".join(f"TA-{n}" for n in held[:SHOWN_REQUESTS])
    values = {"label": escape(listed.label), "refs": refs, "first": f"TA-{held[0]}"}
    if len(held) > SHOWN_REQUESTS:
        return ngettext(
            "*{label}* holds {n} open request ({refs} and {more} more), so it stays listed. Reassign them with "
            "`/ta assign {first} <organisation>` or close them with `/ta status`, then remove it.",
            "*{label}* holds {n} open requests ({refs} and {more} more), so it stays listed. Reassign them with "
            "`/ta assign {first} <organisation>` or close them with `/ta status`, then remove it.",
            len(held),
            more=number(len(held) - SHOWN_REQUESTS),
            **values,
        )
    return ngettext(
        "*{label}* holds {n} open request ({refs}), so it stays listed. Reassign them with "
        "`/ta assign {first} <organisation>` or close them with `/ta status`, then remove it.",
        "*{label}* holds {n} open requests ({refs}), so it stays listed. Reassign them with "
        "`/ta assign {first} <organisation>` or close them with `/ta status`, then remove it.",
        len(held),
        **values,
    )
