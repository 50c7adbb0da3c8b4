"""Golden-set evaluation: how often the bot answers right, offers the right choice, or errs."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import asdict, dataclass
from datetime import date

from cchc_bot.knowledge import GoldenCase
from cchc_bot.matching import Matcher
from cchc_bot.vietnamese import strip_diacritics


@dataclass(frozen=True)
class CaseResult:
    question: str
    expect: tuple[str, ...]
    status: str
    entry_id: str | None
    offered: tuple[str, ...]
    score: float

    @property
    def in_scope(self) -> bool:
        return bool(self.expect)

    @property
    def answered_right(self) -> bool:
        return self.status == "answer" and self.entry_id in self.expect

    @property
    def answered_wrong(self) -> bool:
        return self.status == "answer" and self.entry_id not in self.expect

    @property
    def reachable(self) -> bool:
        """Answered right, or a right entry among the choices offered."""
        return self.answered_right or (
            self.status == "choices" and any(i in self.expect for i in self.offered)
        )


@dataclass(frozen=True)
class Summary:
    variant: str
    in_scope: int
    out_of_scope: int
    answered_right: float
    right_answered_or_offered: float
    answered_wrong: float
    choices: float
    handed_off: float
    oos_answered: float
    oos_choices: float  # out-of-scope questions offered choices (of unrelated entries)


def run_case(matcher: Matcher, case: GoldenCase, question: str, today: date) -> CaseResult:
    match = matcher.match(question, today=today)
    return CaseResult(
        question=question,
        expect=case.expect,
        status=match.status,
        entry_id=match.entry.id if match.entry else None,
        offered=tuple(c.entry.id for c in match.candidates) if match.status == "choices" else (),
        score=match.score,
    )


def _ratio(part: int, whole: int) -> float:
    return round(part / whole, 4) if whole else 0.0


def summarise(variant: str, results: Sequence[CaseResult]) -> Summary:
    inside = [r for r in results if r.in_scope]
    outside = [r for r in results if not r.in_scope]
    n = len(inside)
    return Summary(
        variant=variant,
        in_scope=n,
        out_of_scope=len(outside),
        answered_right=_ratio(sum(r.answered_right for r in inside), n),
        right_answered_or_offered=_ratio(sum(r.reachable for r in inside), n),
        answered_wrong=_ratio(sum(r.answered_wrong for r in inside), n),
        choices=_ratio(sum(r.status == "choices" for r in inside), n),
        handed_off=_ratio(sum(r.status == "unknown" for r in inside), n),
        oos_answered=_ratio(sum(r.status == "answer" for r in outside), len(outside)),
        oos_choices=_ratio(sum(r.status == "choices" for r in outside), len(outside)),
    )


def evaluate(
    matcher: Matcher, cases: Sequence[GoldenCase], today: date
) -> tuple[list[Summary], dict[str, list[CaseResult]]]:
    """Run every case as written and as a no-diacritics copy (generated, never hand-written)."""
    written = [run_case(matcher, c, c.question, today) for c in cases]
    copies = [
        run_case(matcher, c, strip_diacritics(c.question), today)
        for c in cases
        if strip_diacritics(c.question) != c.question
    ]
    results = {"as written": written, "no diacritics": copies}
    return [summarise(name, rows) for name, rows in results.items()], results


def summary_dict(summary: Summary) -> dict:
    return asdict(summary)
