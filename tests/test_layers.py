"""The import rule of bot/__init__.py, checked by reading every module's imports.

A room imports only from the rooms below it (and the leaves bot.errors, bot.settings and bot.i18n),
so a newcomer can read the code top down and change a room knowing what depends on it.
Imports under `if TYPE_CHECKING:` are skipped: they name a type and run nothing.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# room -> the rooms it may import from (besides itself)
BELOW = {
    "leaf": set(),
    "storage": set(),
    "parsing": {"leaf", "storage"},
    "domain": {"leaf", "storage", "parsing"},
    "render": {"leaf", "storage", "parsing", "domain"},
    "outbound": {"leaf", "storage", "parsing", "domain", "render"},
    "services": {"leaf", "storage", "parsing", "domain", "render", "outbound"},
    "handlers": {"leaf", "storage", "parsing", "domain", "render", "outbound", "services"},
    "run": {"leaf", "storage", "parsing", "domain", "render", "outbound", "services", "handlers"},
    "app": {"run"},
}
NO_WEB_API = {"leaf", "storage", "parsing", "domain", "render"}  # none of these may talk to Slack
MAY_IMPORT_HANDLERS = {"bot.run.app_factory"}
TOP_LEVEL = {"__init__.py", "settings.py", "errors.py", "services.py", "i18n.py", "i18n_catalogues.py"}
MOST_LINES = 400


def room(module: str) -> str | None:
    """The room a module of the app lives in, None if it is not the app's."""
    parts = module.split(".")
    if parts[0] == "storage":
        return "storage"
    if parts[0] == "handlers":
        return "handlers"
    if parts[0] == "app":
        return "app"
    if parts[0] != "bot" or len(parts) == 1:
        return None
    if parts[1] in ("errors", "settings", "i18n", "i18n_catalogues"):
        return "leaf"
    if parts[1] == "services":
        return "services"
    return parts[1] if parts[1] in BELOW else None


def module_name(path: Path) -> str:
    name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    return name.removesuffix(".__init__")


def imported(source: str, package: str) -> list[tuple[int, str]]:
    """(line, module) for each import in `source`, `from bot import x` read as bot.x."""
    tree = ast.parse(source)
    skipped: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            skipped |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:  # relative: from the module's own package
                base = ".".join(
                    package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else [])
                )
            for alias in node.names:
                candidate = f"{base}.{alias.name}"
                is_module = (ROOT / Path(*candidate.split("."))).with_suffix(".py").exists() or (
                    ROOT / Path(*candidate.split("."))
                ).is_dir()
                found.append((node.lineno, candidate if is_module else base))
    return found


def violations(module: str, source: str) -> list[str]:
    """What in `source` (the text of `module`) breaks the rule, one line each."""
    own = room(module)
    if own is None:
        return []
    package = module if source and module.count(".") == 0 else module.rsplit(".", 1)[0]
    problems = []
    for line, target in imported(source, package):
        if own in NO_WEB_API and target.split(".")[0] in ("slack_sdk", "slack_bolt"):
            problems.append(f"{module}:{line} imports {target}: the {own} room does not talk to Slack")
        theirs = room(target)
        if theirs is None or theirs == own:
            continue
        if theirs == "handlers" and module not in MAY_IMPORT_HANDLERS:
            problems.append(f"{module}:{line} imports {target}: only the app factory imports handlers")
        elif theirs not in BELOW[own]:
            problems.append(f"{module}:{line} imports {target}: {own} may not import from {theirs}, which is above it")
    return problems


def app_modules() -> list[Path]:
    paths = [ROOT / "app.py"]
    for folder in ("bot", "handlers", "storage"):
        paths += sorted((ROOT / folder).rglob("*.py"))
    return paths


def test_every_module_imports_only_downwards():
    problems = [p for path in app_modules() for p in violations(module_name(path), path.read_text())]
    assert problems == []


@pytest.mark.parametrize(
    "module, source, wanted",
    [
        ("storage.polls", "from bot.errors import UserError\n", "storage may not import from leaf"),
        ("bot.parsing.text", "from bot.render.blocks import escape\n", "parsing may not import from render"),
        ("bot.domain.polls", "from bot.outbound import names\n", "domain may not import from outbound"),
        ("bot.domain.polls", "import slack_sdk\n", "does not talk to Slack"),
        ("bot.domain.ta", "def f():\n    from bot.services import Services\n", "domain may not import from services"),
        ("bot.render.ta_blocks", "from bot import services\n", "render may not import from services"),
        ("bot.services", "from handlers import help\n", "only the app factory imports handlers"),
        ("handlers.ta", "from bot.run.modes import main\n", "handlers may not import from run"),
    ],
)
def test_an_upward_import_is_found(module, source, wanted):
    found = violations(module, source)
    assert len(found) == 1 and wanted in found[0], found


def test_an_import_for_type_hints_only_is_allowed():
    source = "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from bot.services import Services\n"
    assert violations("bot.outbound.notices", source) == []


def test_bot_has_no_loose_modules():
    loose = {p.name for p in (ROOT / "bot").glob("*.py")} - TOP_LEVEL
    assert loose == set(), "each module of bot/ belongs in one of its rooms"


def test_no_file_is_too_long_to_read_in_one_pass():
    long = {
        str(p.relative_to(ROOT)): n
        for p in [*app_modules(), *sorted((ROOT / "tests").glob("*.py"))]
        if (n := len(p.read_text().splitlines())) > MOST_LINES
    }
    assert long == {}
