"""Shared constants and assertions for the knowledge tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from cchc_bot.knowledge import CheckReport, Problem, check_knowledge

TODAY = date(2025, 6, 1)

AGENCY = """\
name: Sở Giáo dục và Đào tạo thành phố Đà Nẵng
short_name: Sở GDĐT Đà Nẵng
hotline: "0236 3822 236"
"""


def check(root: Path, review_max_age_days: int = 365) -> CheckReport:
    return check_knowledge(root, today=TODAY, review_max_age_days=review_max_age_days)


def find(problems: tuple[Problem, ...], location: str, entry_id: str | None, text: str) -> Problem:
    """The problem at `location` ('file:line') for `entry_id` whose message contains `text`."""
    prefix = f"{location} [{entry_id}] " if entry_id else f"{location} "
    for p in problems:
        if str(p).startswith(prefix) and text in p.message:
            return p
    listing = "\n".join(str(p) for p in problems) or "(none)"
    raise AssertionError(f"no problem {prefix!r} containing {text!r} in:\n{listing}")
