"""Problems found in a knowledge folder, and the error that carries them."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from cchc_bot import kb_texts

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One error or warning, located by file (relative to the folder), line and entry id."""

    severity: Severity
    message: str
    file: str | None = None
    line: int | None = None
    entry_id: str | None = None

    @property
    def location(self) -> str:
        """'faq/a.yaml:12', 'faq/a.yaml' or '' when the problem concerns the whole folder."""
        if self.file is None:
            return ""
        return self.file if self.line is None else f"{self.file}:{self.line}"

    def __str__(self) -> str:
        parts = [p for p in (self.location, f"[{self.entry_id}]" if self.entry_id else "") if p]
        parts.append(f"{kb_texts.SEVERITY_LABELS[self.severity]}: {self.message}")
        return " ".join(parts)


class KnowledgeError(Exception):
    """The knowledge folder has errors; `problems` lists every one of them."""

    def __init__(self, problems: Iterable[Problem]) -> None:
        self.problems: tuple[Problem, ...] = tuple(problems)
        super().__init__(self.problems)

    def __str__(self) -> str:
        errors = [p for p in self.problems if p.severity == "error"]
        head = kb_texts.CANNOT_LOAD.format(count=len(errors))
        return "\n".join([head, *(f"  {p}" for p in self.problems)])


class Problems:
    """Collects problems during one pass over a folder."""

    def __init__(self) -> None:
        self.items: list[Problem] = []

    def error(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        entry_id: str | None = None,
    ) -> None:
        self.items.append(Problem("error", message, file, line, entry_id))

    def warning(
        self,
        message: str,
        file: str | None = None,
        line: int | None = None,
        entry_id: str | None = None,
    ) -> None:
        self.items.append(Problem("warning", message, file, line, entry_id))

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.items if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.items if p.severity == "warning")
