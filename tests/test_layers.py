"""Architecture §2 as a test: imports point downward only, and each third-party I/O library
lives in one place. Every module under cchc_bot/ is parsed with `ast` (never imported).

To add a module, place it in LEVELS; an unplaced module fails the test on purpose.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

PACKAGE = "cchc_bot"
ROOT = Path(__file__).resolve().parent.parent / PACKAGE

# Module (or package: it covers its sub-modules) → level. A module may import modules of its
# own level or below.
LEVELS: dict[str, int] = {
    # 0: plain building blocks, no storage, no I/O frameworks (they may import each other)
    "cchc_bot": 0,  # the package itself (__version__)
    "cchc_bot.settings": 0,
    "cchc_bot.settings_parsers": 0,  # the value parsers the settings specs name
    "cchc_bot.settings_specs": 0,  # the `CCHC_*` variables as data (parser, default, help)
    "cchc_bot.texts": 0,
    "cchc_bot.vietnamese": 0,
    "cchc_bot.lexicon": 0,
    "cchc_bot.redact": 0,
    "cchc_bot.report_texts": 0,  # Vietnamese labels and number formats of reports/exports
    "cchc_bot.cli_texts": 0,  # Vietnamese the staff command line prints (eval, kb, db, queue…)
    "cchc_bot.kb_texts": 0,  # Vietnamese of kb check and the loader (a KB editor reads it)
    "cchc_bot.config_texts": 0,  # Vietnamese configuration errors (CCHC_*, working hours)
    "cchc_bot.storage_texts": 0,  # the storage layer's bilingual errors and audit notes
    "cchc_bot.messages": 0,  # Incoming / Reply, shared by every layer
    "cchc_bot.memory": 0,  # malloc_trim after large index builds (used by matching)
    "cchc_bot.workcalendar": 0,  # working hours and holidays (hotline due times)
    "cchc_bot.knowledge": 0,
    "cchc_bot.matching": 0,
    # 1: the database
    "cchc_bot.storage": 1,
    # 2: use cases (plain sync Python)
    "cchc_bot.engine": 2,
    "cchc_bot.answers": 2,
    "cchc_bot.evaluation": 2,
    "cchc_bot.kb_service": 2,
    "cchc_bot.hotline": 2,
    "cchc_bot.hotline_rules": 2,  # ticket numbers as typed, which questions may be grouped
    "cchc_bot.hotline_outbox": 2,  # the outbox to citizens (delivery, ratings), the survey
    "cchc_bot.desk": 2,  # the citizen's side of the hotline inside a conversation
    "cchc_bot.broadcast": 2,
    "cchc_bot.broadcast_notices": 2,  # notices: files → database, approve, schedule, cancel
    "cchc_bot.broadcast_progress": 2,  # a sending's live progress and its result
    "cchc_bot.broadcast_sending": 2,  # one notice to its recipients, resumable, paced
    "cchc_bot.broadcast_scheduler": 2,  # the scheduler of `cchc-bot run`, the SQLite lock
    "cchc_bot.broadcast_journal": 2,  # what left the process (crash recovery)
    "cchc_bot.broadcast_ledger": 2,  # outcomes into the database despite its failures
    "cchc_bot.broadcast_pacing": 2,  # at most `rate` messages in any second
    "cchc_bot.broadcast_quota": 2,  # plan and follower quotas (Zalo)
    "cchc_bot.broadcast_report": 2,  # per notice and per month figures
    "cchc_bot.reports": 2,
    "cchc_bot.report_render": 2,  # the report as tables, Markdown and CSV
    "cchc_bot.report_html": 2,  # the report as a printable HTML page (CSS, SVG bar charts)
    "cchc_bot.exports": 2,
    # 3: platforms and HTTP
    "cchc_bot.channels": 3,
    "cchc_bot.web": 3,
    # 4: composition roots
    "cchc_bot.app": 4,
    "cchc_bot.server": 4,  # `cchc-bot run`: channels, HTTP server, dispatcher in one loop
    "cchc_bot.cli": 4,
    "cchc_bot.cli_queue": 4,
    "cchc_bot.cli_notices": 4,  # `cchc-bot notices …`
    "cchc_bot.server_broadcast": 4,  # broadcasts wired from the settings (run and CLI)
    "cchc_bot.__main__": 4,
}

# Third-party top-level package → the only modules allowed to import it (fnmatch patterns over
# dotted module names; a pattern also covers the sub-modules of what it names).
THIRD_PARTY: dict[str, tuple[str, ...]] = {
    "sqlalchemy": ("cchc_bot.storage",),
    "alembic": ("cchc_bot.storage",),
    "yaml": ("cchc_bot.knowledge",),
    "rapidfuzz": ("cchc_bot.matching",),
    "telegram": ("cchc_bot.channels.telegram",),
    "httpx": ("cchc_bot.channels.zalo*",),
    "starlette": ("cchc_bot.web", "cchc_bot.app"),
    "uvicorn": ("cchc_bot.web", "cchc_bot.app"),
    "openpyxl": ("cchc_bot.exports",),
}


def within(module: str, pattern: str) -> bool:
    return fnmatchcase(module, pattern) or fnmatchcase(module, pattern + ".*")


def level_of(module: str) -> int | None:
    """The level of the most specific LEVELS key covering `module`; None when unplaced."""
    if module == PACKAGE:
        return LEVELS[PACKAGE]
    best: tuple[int, int] | None = None  # (key length, level)
    for key, level in LEVELS.items():
        if key != PACKAGE and within(module, key) and (best is None or len(key) > best[0]):
            best = (len(key), level)
    return None if best is None else best[1]


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = list(path.relative_to(root.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _exists(module: str, root: Path) -> bool:
    rel = Path(*module.split(".")[1:]) if "." in module else Path()
    base = root / rel
    return base.with_suffix(".py").is_file() or (base / "__init__.py").is_file()


def imported_modules(
    module: str, source: str, *, is_package: bool, root: Path = ROOT
) -> Iterator[tuple[str, int]]:
    """(imported module, line) for every import in `source`, relative ones resolved.

    `from cchc_bot import texts` names the sub-module `cchc_bot.texts` when it exists, and the
    package itself otherwise (an attribute such as `__version__`).
    """
    package = module if is_package else module.rpartition(".")[0]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base_parts = package.split(".")
                base_parts = base_parts[: len(base_parts) - (node.level - 1)]
                base = ".".join(base_parts + ([node.module] if node.module else []))
            else:
                base = node.module or ""
            if base == PACKAGE or base.startswith(PACKAGE + "."):
                for alias in node.names:
                    candidate = f"{base}.{alias.name}"
                    yield (candidate if _exists(candidate, root) else base), node.lineno
            else:
                yield base, node.lineno


def check_module(
    module: str, source: str, *, is_package: bool = False, root: Path = ROOT
) -> list[str]:
    """Every layering or third-party rule `module` breaks (empty when it is fine)."""
    problems: list[str] = []
    own = level_of(module)
    if own is None:
        return [f"{module}: not placed in LEVELS (tests/test_layers.py); give it a level"]
    for target, line in imported_modules(module, source, is_package=is_package, root=root):
        top = target.split(".")[0]
        if top == PACKAGE:
            theirs = level_of(target)
            if theirs is None:
                problems.append(f"{module}:{line} imports {target}, which is not placed in LEVELS")
            elif theirs > own:
                problems.append(
                    f"{module}:{line} (level {own}) imports {target} (level {theirs}): "
                    "imports must point downward"
                )
        elif top in THIRD_PARTY and not any(within(module, p) for p in THIRD_PARTY[top]):
            allowed = ", ".join(THIRD_PARTY[top])
            problems.append(f"{module}:{line} imports {top}, allowed only in {allowed}")
    return problems


def package_modules(root: Path = ROOT) -> list[Path]:
    return sorted(p for p in root.rglob("*.py") if "__pycache__" not in p.parts)


# --- the real package ---------------------------------------------------------------------------


def test_the_package_is_found() -> None:
    names = {module_name(p) for p in package_modules()}
    assert {"cchc_bot", "cchc_bot.engine", "cchc_bot.storage.db", "cchc_bot.cli"} <= names


@pytest.mark.parametrize("path", package_modules(), ids=lambda p: str(p.relative_to(ROOT.parent)))
def test_module_respects_the_layers(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    problems = check_module(module_name(path), source, is_package=path.name == "__init__.py")
    assert problems == []


def test_every_level_key_is_a_real_or_planned_module() -> None:
    planned = {"cchc_bot.hotline", "cchc_bot.broadcast", "cchc_bot.reports", "cchc_bot.web"}
    for key in LEVELS:
        assert key == PACKAGE or _exists(key, ROOT) or key in planned, key


# --- the checker itself must be able to fail --------------------------------------------------


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("cchc_bot.storage.repository", "from cchc_bot.engine import Engine\n", ["level 1"]),
        ("cchc_bot.matching.matcher", "import cchc_bot.storage\n", ["level 0"]),
        ("cchc_bot.engine", "from cchc_bot.channels.render import numbered\n", ["level 2"]),
        ("cchc_bot.channels.console", "from cchc_bot import cli\n", ["level 3"]),
        ("cchc_bot.engine", "import sqlalchemy as sa\n", ["sqlalchemy"]),
        ("cchc_bot.matching.index", "from yaml import safe_load\n", ["yaml"]),
        ("cchc_bot.engine", "from rapidfuzz import fuzz\n", ["rapidfuzz"]),
        ("cchc_bot.channels.console", "import telegram\n", ["telegram"]),
        ("cchc_bot.channels.telegram", "import httpx\n", ["httpx"]),
        ("cchc_bot.engine", "from starlette.applications import Starlette\n", ["starlette"]),
        ("cchc_bot.cli", "import uvicorn\n", ["uvicorn"]),
        ("cchc_bot.storage.db", "from ..engine import Engine\n", ["level 1"]),  # relative
        ("cchc_bot.newthing", "import os\n", ["not placed"]),
        ("cchc_bot.engine", "from cchc_bot.newthing import x\n", ["not placed"]),
        (
            "cchc_bot.knowledge.loader",
            "def f():\n    from cchc_bot.storage import Database\n",  # hidden in a function
            ["level 0"],
        ),
    ],
)
def test_checker_catches_bad_imports(module: str, source: str, expected: list[str]) -> None:
    problems = check_module(module, source)
    assert len(problems) == len(expected), problems
    for problem, text in zip(problems, expected, strict=True):
        assert text in problem


@pytest.mark.parametrize(
    ("module", "source"),
    [
        ("cchc_bot.matching.matcher", "from cchc_bot.knowledge.model import Entry\n"),
        ("cchc_bot.knowledge.sections", "from cchc_bot.vietnamese import Normalizer\n"),
        ("cchc_bot.storage.db", "from sqlalchemy import text\nfrom cchc_bot import texts\n"),
        ("cchc_bot.engine", "from cchc_bot.storage import Repository\nimport numpy\n"),
        ("cchc_bot.channels.telegram", "import telegram.ext\nfrom cchc_bot.engine import Engine\n"),
        ("cchc_bot.channels.zalo_api", "import httpx\n"),
        ("cchc_bot.web.admin", "from starlette.routing import Route\n"),
        ("cchc_bot.app", "import uvicorn\nfrom cchc_bot.channels import console\n"),
        ("cchc_bot.cli", "from cchc_bot import __version__\nfrom cchc_bot.app import build_app\n"),
        ("cchc_bot.storage", "from .db import Database\n"),  # relative, inside a package
    ],
)
def test_checker_accepts_good_imports(module: str, source: str) -> None:
    assert check_module(module, source, is_package=module == "cchc_bot.storage") == []


def test_level_lookup_prefers_the_most_specific_key() -> None:
    assert level_of("cchc_bot") == 0
    assert level_of("cchc_bot.storage.migrations.env") == 1
    assert level_of("cchc_bot.channels.render") == 3
    assert level_of("cchc_bot.engine_helpers") is None  # a prefix is not a parent package
    assert level_of("cchc_bot.cli") == 4
