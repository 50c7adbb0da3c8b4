"""Reference numbers ("Kế hoạch 290") name their entry: never answered with another one."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from cchc_bot.knowledge import Agency, Entry, KnowledgeBase, Source, load_knowledge
from cchc_bot.matching import Matcher
from cchc_bot.matching.numbers import is_reference_number

TODAY = date(2026, 11, 22)
KNOWLEDGE = Path(__file__).resolve().parents[2] / "knowledge"


@pytest.mark.parametrize(
    ("token", "expected"),
    [
        ("290", True),
        ("42", True),
        ("02993", True),
        ("8", False),  # lớp 8, mức độ 3: too common to name an entry
        ("01", False),  # a month or a day
        ("2025", False),  # a year
        ("1999", False),
        ("2150", True),
        ("k12", False),
        ("", False),
    ],
)
def test_what_counts_as_a_reference_number(token: str, expected: bool) -> None:
    assert is_reference_number(token) is expected


def _entry(entry_id: str, *questions: str) -> Entry:
    return Entry(entry_id, "faq", "faq/x", questions, Source("faq/x.yaml", 1), "Trả lời.")


@pytest.fixture(scope="module")
def plans() -> Matcher:
    """Two plans worded alike, told apart by their numbers, and a class-level entry."""
    entries = (
        _entry(
            "ke-hoach-cai-cach",
            "Kế hoạch 49 của Sở Giáo dục tỉnh Sóc Trăng nói về việc gì?",
            "Kế hoạch cải cách hành chính của Sở Giáo dục tỉnh Sóc Trăng có những nội dung gì?",
            "Nội dung kế hoạch cải cách hành chính năm 2021 của Sở Giáo dục",
        ),
        _entry(
            "ke-hoach-tuyen-truyen",
            "Kế hoạch 290 về tuyên truyền năm 2022",
            "Kế hoạch tuyên truyền năm 2022 gồm những hoạt động nào?",
        ),
        _entry("chuyen-truong", "Chuyển trường cho học sinh lớp 8", "Hồ sơ chuyển trường"),
        _entry("hoc-lai", "Xin học lại sau khi nghỉ học", "Nghỉ học một năm có được học lại"),
    )
    return Matcher(KnowledgeBase("x", Agency("t", "t", "0"), entries))


def test_the_numbered_entry_is_offered_not_the_one_with_more_shared_words(
    plans: Matcher,
) -> None:
    question = "kế hoạch 290 của sở giáo dục tỉnh sóc trăng nói về việc gì"
    assert plans.search(question, today=TODAY)[0].entry.id == "ke-hoach-cai-cach"  # the words
    m = plans.match(question, today=TODAY)
    assert m.status == "choices" and m.reason == "ambiguous"
    assert [c.entry.id for c in m.candidates[:2]] == ["ke-hoach-cai-cach", "ke-hoach-tuyen-truyen"]


def test_the_entrys_own_number_and_a_class_number_change_nothing(plans: Matcher) -> None:
    own = plans.match("kế hoạch 49 của sở giáo dục tỉnh sóc trăng nói về việc gì", today=TODAY)
    assert own.status == "answer" and own.entry.id == "ke-hoach-cai-cach"
    pupil = plans.match("con tôi lớp 8 nghỉ học một năm có được xin học lại", today=TODAY)
    assert pupil.status == "answer" and pupil.entry.id == "hoc-lai"


def test_the_shipped_plans_are_told_apart_by_their_numbers() -> None:
    matcher = Matcher(load_knowledge(KNOWLEDGE))
    for text, entry_id in (
        ("ke hoach 290 cua so giao duc soc trang noi ve viec gi", "ke-hoach-tuyen-truyen"),
        ("kế hoạch 49 của sở giáo dục sóc trăng nói về việc gì", "ke-hoach-cchc"),
    ):
        m = matcher.match(text, today=TODAY)
        ids = [c.entry.id for c in m.candidates]
        assert entry_id in ids and not (m.status == "answer" and m.entry.id != entry_id), ids
