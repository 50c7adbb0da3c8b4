"""House rule as a test: everything a citizen or a staff member reads is Vietnamese, kept in
the text modules, never written inline. Every module under cchc_bot/ is parsed with `ast` (never
imported); a string constant holding a Vietnamese letter with a diacritic fails the test with
its file:line, unless the module (or that one constant) is allowed below, with a reason.

Docstrings (the first statement of a module, class or function) are exempt; comments are not
string constants. Parts of f-strings are string constants too, so `f"Lỗi: {x}"` is caught.
"""

from __future__ import annotations

import ast
import re
import unicodedata
from collections.abc import Iterator
from fnmatch import fnmatchcase
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
ROOT = REPO / "cchc_bot"

LETTERS = "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđ"
VIETNAMESE = re.compile(f"[{LETTERS}{LETTERS.upper()}]")

# Modules (fnmatch patterns over paths relative to the repository) that may hold Vietnamese.
ALLOWED_MODULES: dict[str, str] = {
    # the text modules: this is where the words live
    "cchc_bot/texts.py": "text module: the conversation (citizens) and shared staff messages",
    "cchc_bot/report_texts.py": "text module: the monthly report and the ticket exports",
    "cchc_bot/cli_texts.py": "text module: what the staff command line prints",
    "cchc_bot/kb_texts.py": "text module: what kb check and the loader report to a KB editor",
    "cchc_bot/config_texts.py": "text module: configuration errors (CCHC_*, working hours)",
    "cchc_bot/storage_texts.py": "text module: the storage layer's errors and audit notes",
    # language data for matching (abbreviations, stop words, phrases, recognised words)
    "cchc_bot/lexicon.py": "language data: vocabulary, complaint cues, survey skip words",
    "cchc_bot/vietnamese.py": "language data: the normaliser's letters, tones and word lists",
    "cchc_bot/matching/*": "language data: phrases and words the matcher recognises",
}

# Single constants a module may hold because they are *input patterns* the bot recognises, or
# a term glossed in a developer's English help line, not text it shows: (path, constant) → reason.
RECOGNISED: dict[tuple[str, str], str] = {
    (
        "cchc_bot/settings_specs.py",
        "Working days staff have to answer a complaint (phản ánh, kiến nghị)",
    ): "the English help line of CCHC_COMPLAINT_DUE_DAYS (README's table), never shown",
    (
        "cchc_bot/channels/zalo/bot_sender.py",
        "too long|length|exceed|2000|dài",
    ): "regex over the error text of the Zalo Bot API (a message too long), never shown",
    (
        "cchc_bot/channels/zalo_broadcast.py",
        "block|chặn|not found|không tồn tại|not exist|unfollow",
    ): "regex over the error text of the Zalo API (recipient gone), never shown",
}

# TEMPORARY: files other people are editing right now; their shown text is still inline.
# Move each into texts.py (citizens) or cli_texts.py / report_texts.py (staff), then delete
# its entry here (test_temporary_entries_are_still_needed fails once a file is clean).
PENDING: dict[str, str] = {}


def relative(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def has_vietnamese(text: str) -> bool:
    return VIETNAMESE.search(unicodedata.normalize("NFC", text)) is not None


def _docstrings(tree: ast.AST) -> set[int]:
    """The ids of the docstring nodes (first statement of a module, class or function)."""
    found: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef):
            first = node.body[0] if node.body else None
            if (
                isinstance(first, ast.Expr)
                and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)
            ):
                found.add(id(first.value))
    return found


def vietnamese_strings(source: str) -> Iterator[tuple[int, str]]:
    """(line, value) of every non-docstring string constant holding a Vietnamese letter."""
    tree = ast.parse(source)
    docstrings = _docstrings(tree)
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and has_vietnamese(node.value)
        ):
            yield node.lineno, node.value


def module_allowance(path: str) -> str | None:
    """Why `path` may hold Vietnamese strings anywhere; None when it may not."""
    for table in (ALLOWED_MODULES, PENDING):
        for pattern, reason in table.items():
            if fnmatchcase(path, pattern):
                return reason
    return None


def check_source(path: str, source: str) -> list[str]:
    """'path:line: text' for every Vietnamese string `path` may not hold (empty when fine)."""
    if module_allowance(path) is not None:
        return []
    return [
        f"{path}:{line}: {value!r} — move it to a text module (texts.py, cli_texts.py, …)"
        for line, value in sorted(vietnamese_strings(source))
        if (path, value) not in RECOGNISED
    ]


def package_modules() -> list[Path]:
    return sorted(p for p in ROOT.rglob("*.py") if "__pycache__" not in p.parts)


# --- the real package ---------------------------------------------------------------------------


@pytest.mark.parametrize("path", package_modules(), ids=relative)
def test_module_keeps_its_texts_in_the_text_modules(path: Path) -> None:
    problems = check_source(relative(path), path.read_text(encoding="utf-8"))
    assert problems == [], "\n".join(problems)


def test_every_allowance_names_real_files() -> None:
    paths = [relative(p) for p in package_modules()]
    for table in (ALLOWED_MODULES, PENDING):
        for pattern in table:
            assert any(fnmatchcase(p, pattern) for p in paths), pattern
    for path, _ in RECOGNISED:
        assert (REPO / path).is_file(), path


def test_temporary_entries_are_still_needed() -> None:
    """Once a PENDING file is clean, or a RECOGNISED constant is gone, its entry must go too
    (so the allowances only ever shrink)."""
    stale = []
    for pattern in PENDING:
        files = [p for p in package_modules() if fnmatchcase(relative(p), pattern)]
        if not any(vietnamese_strings(p.read_text(encoding="utf-8")) for p in files):
            stale.append(pattern)
    for path, value in RECOGNISED:
        source = (REPO / path).read_text(encoding="utf-8")
        if value not in {v for _, v in vietnamese_strings(source)}:
            stale.append(f"{path}: {value!r}")
    assert stale == [], f"remove these entries from tests/test_texts_in_one_place.py: {stale}"


# --- the checker itself must be able to fail ----------------------------------------------------


@pytest.mark.parametrize(
    ("path", "source", "lines"),
    [
        ("cchc_bot/hotline.py", 'print("Xin chào")\n', [1]),
        ("cchc_bot/cli.py", 'x = 1\nprint(f"Lỗi cơ sở dữ liệu: {x}")\n', [2]),  # f-string part
        ("cchc_bot/cli_queue.py", 'HEAD = ("số phiếu", "loại")\n', [1, 1]),
        ("cchc_bot/desk.py", 'WORD = "ĐANG XỬ LÝ"\n', [1]),  # upper case only
        ("cchc_bot/desk.py", 'WORD = "bo\u0309 qua"\n', [1]),  # decomposed (NFD) accents
        ("cchc_bot/desk.py", "ok = 'x'\nd = {'k': 'đ'}\n", [2]),  # đ alone, a dict value
        (
            "cchc_bot/reports.py",
            'def f():\n    """Tóm tắt."""\n    return "Tháng"\n',  # after the docstring
            [3],
        ),
        (
            "cchc_bot/hotline.py",
            'class A:\n    x = 1\n    """không phải docstring"""\n',  # not the first statement
            [3],
        ),
        (  # a recognised constant is allowed only in its own file, and only that constant
            "cchc_bot/channels/zalo_broadcast.py",
            '_GONE = "block|chặn|not found|không tồn tại|not exist|unfollow"\nX = "chặn"\n',
            [2],
        ),
        ("cchc_bot/new_module.py", 'A = "dài"\n', [1]),  # a new module is not allowed
    ],
)
def test_checker_catches_inline_vietnamese(path: str, source: str, lines: list[int]) -> None:
    problems = check_source(path, source)
    assert [p.split(":")[1] for p in problems] == [str(n) for n in lines], problems
    assert all(p.startswith(f"{path}:") for p in problems)


@pytest.mark.parametrize(
    ("path", "source"),
    [
        ("cchc_bot/cli.py", "print(cli_texts.DATABASE_ERROR.format(error=exc))\n"),
        ("cchc_bot/cli.py", '"""Dòng lệnh `cchc-bot`."""\n\nx = "plain ASCII, no accents"\n'),
        ("cchc_bot/hotline.py", 'def f():\n    """Gộp phiếu."""\n    return 1\n'),
        ("cchc_bot/hotline.py", 'class A:\n    """Phiếu."""\n'),
        ("cchc_bot/hotline.py", "async def f():\n    '''Gửi.'''\n"),
        ("cchc_bot/desk.py", "x = 1  # bỏ qua: a comment is not a string\n"),
        ("cchc_bot/desk.py", "WORDS = ('/boqua', 'bo qua', 'khong dau')\n"),  # no diacritics
        ("cchc_bot/desk.py", "ARROW = '→ – … « » · █ ░'\n"),  # punctuation is not a letter
        ("cchc_bot/texts.py", 'GREETING = "Xin chào"\n'),
        ("cchc_bot/cli_texts.py", 'ASK_HINT = "Hãy nhập câu hỏi"\n'),
        ("cchc_bot/matching/phrases.py", 'STOP = ("ạ", "nhé")\n'),
        (
            "cchc_bot/channels/zalo/bot_sender.py",
            '_TOO_LONG = re.compile(r"too long|length|exceed|2000|dài", re.IGNORECASE)\n',
        ),
    ],
)
def test_checker_accepts_texts_in_their_place(path: str, source: str) -> None:
    assert check_source(path, source) == []


def test_every_vietnamese_letter_is_caught() -> None:
    assert len(set(LETTERS)) == 67  # a 17, e 11, i 5, o 17, u 11, y 5, đ
    for letter in LETTERS + LETTERS.upper():
        assert has_vietnamese(f"x{letter}x"), letter
    assert not has_vietnamese("Nguyen Van A, 0901 234 567, ABC-xyz_123 → «»")
