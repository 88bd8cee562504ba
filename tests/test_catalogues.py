"""The catalogues are complete: every string of the code is in the template, translated in
every language, with the same placeholders, compiled; and no reply is built by joining
translated fragments in English word order.

When one fails: run `python -m bot.i18n_catalogues`, translate what it marks new or fuzzy
in bot/locales/<language>/LC_MESSAGES/messages.po, and run it again (README, Languages).
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES, TRANSLATED
from bot.i18n_catalogues import SOURCES, TEMPLATE, template_is_current

ROOT = Path(__file__).resolve().parent.parent
PLACEHOLDER = re.compile(r"\{(\w*)[^{}]*\}")
TRANSLATING = {"_", "ngettext", "pgettext"}
PLURAL_FORMS = {"fr": 3, "es": 3, "ar": 6}  # CLDR's rules as Babel writes them


def catalogue(code: str):
    with (LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po").open("rb") as file:
        return read_po(file, locale=code)


def template():
    with TEMPLATE.open("rb") as file:
        return read_po(file)


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text))


def incomplete(code: str) -> list[str]:
    """What a member reading `code` would meet in English, or broken."""
    po = catalogue(code)
    problems = []
    for source in template():
        if not source.id:
            continue
        found = po.get(source.id, context=source.context)
        shown = source.id if isinstance(source.id, str) else source.id[0]
        if found is None:
            problems.append(f"missing: {shown!r}")
            continue
        strings = found.string if isinstance(found.string, tuple) else (found.string,)
        if found.fuzzy or not all(s.strip() for s in strings):
            problems.append(f"{'fuzzy' if found.fuzzy else 'untranslated'}: {shown!r}")
            continue
        problems += placeholder_problems(source.id, strings)
    return problems


def placeholder_problems(source_id, strings: tuple[str, ...]) -> list[str]:
    """Each translation has the source's placeholders, and no others; a plural form may
    leave out one of them, the count (Arabic writes "one request" and "two requests" with
    words: "طلب واحد", "طلبان")."""
    ids = source_id if isinstance(source_id, tuple) else (source_id,)
    wanted = set().union(*(placeholders(i) for i in ids))
    problems = []
    for translated in strings:
        have = placeholders(translated)
        left_out = wanted - have
        if have - wanted or (left_out and (len(ids) == 1 or len(left_out) > 1)):
            problems.append(f"placeholders {sorted(have)} for {sorted(wanted)}: {ids[0]!r} -> {translated!r}")
    return problems


def test_the_template_holds_every_string_of_the_code():
    assert template_is_current(), "run: python -m bot.i18n_catalogues"


@pytest.mark.parametrize("code", TRANSLATED)
def test_every_string_is_translated_with_its_placeholders(code):
    assert incomplete(code) == []


@pytest.mark.parametrize("code", TRANSLATED)
def test_each_catalogue_has_its_languages_plural_forms(code):
    assert catalogue(code).num_plurals == PLURAL_FORMS[code]


@pytest.mark.parametrize("code", TRANSLATED)
def test_the_compiled_catalogue_is_the_one_translated(code):
    def _key(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    with (LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.mo").open("rb") as file:
        compiled = {(m.context, _key(m.id)): _key(m.string) for m in read_mo(file) if m.id}
    translated = {(m.context, _key(m.id)): _key(m.string) for m in catalogue(code) if m.id and not m.fuzzy}
    assert compiled == translated, "run: python -m bot.i18n_catalogues"


def test_the_check_finds_a_missing_translation(tmp_path, monkeypatch):
    """The completeness check can fail: a catalogue without one translation is caught."""
    po_dir = tmp_path / "fr" / "LC_MESSAGES"
    po_dir.mkdir(parents=True)
    text = (LOCALES / "fr" / "LC_MESSAGES" / f"{DOMAIN}.po").read_text(encoding="utf-8")
    first = re.search(r'\nmsgid "(?P<id>[^"]+)"\nmsgstr "[^"]+"\n', text)
    (po_dir / f"{DOMAIN}.po").write_text(text.replace(first.group(0), f'\nmsgid "{first["id"]}"\nmsgstr ""\n', 1))
    monkeypatch.setattr("tests.test_catalogues.LOCALES", tmp_path)
    assert incomplete("fr") == [f"untranslated: {first['id']!r}"]


# --- no sentence joined from translated pieces -------------------------------------------


def _translating(node: ast.AST) -> bool:
    return isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in TRANSLATING


def _msgid(call: ast.Call) -> ast.AST | None:
    index = 1 if call.func.id == "pgettext" else 0
    return call.args[index] if len(call.args) > index else None


def _sentence(node: ast.AST) -> bool:
    """A translated sentence written here (`_("…")`), not a value translated (`_(s.name)`)."""
    return _translating(node) and isinstance(_msgid(node), ast.Constant)


def joined_fragments(source: str) -> list[int]:
    """Lines where a translated sentence is glued to other text with `+` or an f-string,
    or where the text to translate is itself built (`_(f"…")`, `_("a" + b)`)."""
    lines = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            if _sentence(node.left) or _sentence(node.right):
                lines.append(node.lineno)
        if isinstance(node, ast.JoinedStr) and any(
            isinstance(v, ast.FormattedValue) and _sentence(v.value) for v in node.values
        ):
            lines.append(node.lineno)
        if _translating(node) and isinstance(_msgid(node), (ast.JoinedStr, ast.BinOp)):
            lines.append(node.lineno)
    return lines


def modules():
    for source in SOURCES:
        yield from sorted((ROOT / source).rglob("*.py"))


def test_no_reply_joins_translated_fragments():
    found = {str(path.relative_to(ROOT)): lines for path in modules() if (lines := joined_fragments(path.read_text()))}
    assert found == {}


def test_the_fragment_check_can_fail():
    assert joined_fragments('x = _("Noted on {ref}.", ref=r) + _(" The lead has been told.")\n') == [1]
    assert joined_fragments("x = f\"{_('Hello')} {name}\"\n") == [1]
    assert joined_fragments('x = _(f"Hello {name}")\n') == [1]
    assert joined_fragments('x = _("Hello {name}", name=n)\n') == []
    assert joined_fragments('x = f"`#{tag}` {_(strategy.name)}"\n') == []  # a name, translated
