"""Phrasings citizens typed that the shipped knowledge/ folder once answered wrongly.

Each case is also a line of knowledge/golden.yaml; here it is held on its own, with the reason
it failed, so that a change to the matcher or to the folder that brings it back is named.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cchc_bot.knowledge import KnowledgeBase, load_knowledge
from cchc_bot.matching import Matcher

FOLDER = Path(__file__).resolve().parent.parent / "knowledge"
TODAY = date(2026, 11, 22)


@pytest.fixture(scope="module")
def knowledge() -> KnowledgeBase:
    return load_knowledge(FOLDER)


@pytest.fixture(scope="module")
def matcher(knowledge: KnowledgeBase) -> Matcher:
    return Matcher(knowledge)


@pytest.mark.parametrize(
    "text",
    [
        "dang ky xet tuyen dai hoc",
        "đăng ký xét tuyển đại học",
        "dk xet tuyen dh",
        "nguyen vong dai hoc dang ky o dau",
        "xet tuyen cao dang",
        "đăng ký nguyện vọng đại học",
        "dang ky tuyen sinh cao dang",
        "đăng ký học đại học",
    ],
)
def test_university_admission_is_not_answered_with_the_exam_registration(
    matcher: Matcher, text: str
) -> None:
    """University and college admission is the Ministry's and the universities' (no entry
    covers it). "dang ky xet tuyen dai hoc" was answered with the THPT exam's free candidates
    (0.76): one of its questions names university as a purpose ("thi lại để xét đại học"),
    which made the entry count as about university (facets.py: a level of higher education is
    an entry's only when its name says so). Choices or the hotline, never an answer."""
    match = matcher.match(text, today=TODAY)
    assert match.status != "answer", match


@pytest.mark.parametrize(
    "text",
    [
        "da co bang cap 3 muon thi lai de xet dai hoc",
        "Em là sinh viên cao đẳng, muốn thi lại để xét đại học thì đăng ký thế nào?",
    ],
)
def test_retaking_the_exam_for_university_is_still_the_free_candidates(
    matcher: Matcher, text: str
) -> None:
    match = matcher.match(text, today=TODAY)
    assert (match.status, match.entry and match.entry.id) == ("answer", "thi-sinh-tu-do"), match
