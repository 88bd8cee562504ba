"""Keeps the catalogues in bot/locales in step with the code, with Babel's own commands:

    python -m bot.i18n_catalogues            # extract, update every language, compile
    python -m bot.i18n_catalogues --check    # exit 1 if the code has strings the template lacks

`pybabel extract` reads every `_()`, `ngettext()`, `pgettext()` and `N_()` in bot/ and
handlers/, the Python modules and the public page's Jinja templates (bot/render/templates,
read by Jinja's own Babel extractor), into bot/locales/messages.pot; `pybabel update` merges it into each language's
messages.po (a new string arrives untranslated, a changed one marked fuzzy, both caught by
tests/test_catalogues.py); `pybabel compile` writes the messages.mo files the bot reads.
The .mo files are committed, so a fresh clone answers in every language without a build
step. A translator edits the .po file, then runs this again.
"""

from __future__ import annotations

import contextlib
import sys
import tempfile
from pathlib import Path

from babel.messages.frontend import CommandLineInterface
from babel.messages.pofile import read_po

from bot.i18n import DOMAIN, LOCALES, TRANSLATED

ROOT = LOCALES.parent.parent
TEMPLATE = LOCALES / f"{DOMAIN}.pot"
SOURCES = ("bot", "handlers")
# Which extractor reads which file, by its path inside each of SOURCES. `silent = false`:
# a template Jinja cannot parse stops the extraction instead of dropping its strings.
MAPPING = """\
[python: **.py]
[jinja2: **/templates/**.html]
silent = false
"""


def pybabel(*arguments: str) -> None:
    CommandLineInterface().run(["pybabel", "-q", *arguments])


def extract(into: Path = TEMPLATE) -> None:
    """Every marked string of the code, sorted by file, into `into` (paths from the root)."""
    with contextlib.chdir(ROOT):
        _extract(into)


def _extract(into: Path) -> None:
    with tempfile.TemporaryDirectory() as scratch:
        mapping = Path(scratch) / "babel.cfg"
        mapping.write_text(MAPPING)
        _extract_with(mapping, into)


def _extract_with(mapping: Path, into: Path) -> None:
    pybabel(
        "extract",
        "--mapping-file",
        str(mapping),
        "--no-wrap",
        "--sort-by-file",
        "--omit-header",
        "--project=iwg-bot",
        "--add-comments=Translators:",
        "--keyword=in_language:2,3c",  # a word read back in a language (bot/parsing/ta_command.py)
        "-o",
        str(into),
        *SOURCES,
    )


def update() -> None:
    for code in TRANSLATED:
        po = LOCALES / code / "LC_MESSAGES" / f"{DOMAIN}.po"
        if po.exists():
            pybabel("update", "--no-wrap", "--ignore-obsolete", "-i", str(TEMPLATE), "-d", str(LOCALES), "-l", code)
        else:
            pybabel("init", "--no-wrap", "-i", str(TEMPLATE), "-d", str(LOCALES), "-l", code)


def compile_all() -> None:
    pybabel("compile", "-d", str(LOCALES), "-D", DOMAIN)


def template_is_current() -> bool:
    """True when extracting again would find exactly the template's messages."""
    with tempfile.TemporaryDirectory() as scratch:
        fresh = Path(scratch) / "fresh.pot"
        extract(fresh)
        return _ids(fresh) == _ids(TEMPLATE)


def _ids(path: Path) -> set:
    with path.open("rb") as file:
        return {
            (message.context, message.id if isinstance(message.id, str) else tuple(message.id))
            for message in read_po(file)
            if message.id
        }


def main(argv: list[str]) -> int:
    if "--check" in argv:
        return 0 if template_is_current() else 1
    extract()
    update()
    compile_all()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
