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


@pytest.mark.parametrize(
    ("text", "entry_id"),
    [
        ("noi dung tuyen truyen cai cach hanh chinh cua so giao duc", "ke-hoach-tuyen-truyen"),
        ("nội dung tuyên truyền cải cách hành chính của sở giáo dục", "ke-hoach-tuyen-truyen"),
        ("sở gdđt tuyên truyền cchc những nội dung gì", "ke-hoach-tuyen-truyen"),
        ("nội dung kế hoạch cải cách hành chính của sở giáo dục", "ke-hoach-cchc"),
        ("Thủ tục chuyển trường cấp 2 sau khi bỏ phòng giáo dục huyện", "chuyen-truong-thcs"),
        ("bỏ phòng gd rồi chuyển trường cấp 2 ở đâu", "chuyen-truong-thcs"),
        ("giải thể phòng giáo dục huyện rồi thì xin miễn học phí ở đâu", "mien-giam-hoc-phi"),
    ],
)
def test_the_departments_name_does_not_outweigh_the_topic(
    matcher: Matcher, text: str, entry_id: str
) -> None:
    """ "noi dung tuyen truyen cai cach hanh chinh cua so giao duc" was answered with the 2021
    CCHC plan (0.50): "sở giáo dục" was written out as "sở giáo dục và đào tạo", whose three
    extra words weighed more than "tuyên truyền", and that plan has a question "… của Sở
    Giáo dục … có nội dung gì". synonyms.yaml now names the department, the Ministry and the
    district office short ("sở giáo dục", "bộ giáo dục", "phòng giáo dục") and reads "bỏ /
    giải thể phòng giáo dục (huyện)" as "không còn phòng giáo dục"."""
    match = matcher.match(text, today=TODAY)
    assert (match.status, match.entry and match.entry.id) == ("answer", entry_id), match


def test_the_departments_name_is_written_short(matcher: Matcher) -> None:
    tokens = matcher.normalizer.tokens
    assert tokens("Sở Giáo dục và Đào tạo") == tokens("sở gd") == "so giao duc".split()
    assert tokens("Phòng GDĐT huyện") == tokens("phòng giáo dục") == "phong giao duc".split()
    assert tokens("bộ gd&đt") == "bo giao duc".split()
