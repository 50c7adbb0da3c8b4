"""Interrogative classes: detected in questions and queries through the same normaliser."""

from __future__ import annotations

import pytest

from cchc_bot.matching.qtypes import QuestionClasses, class_term, is_class_term
from cchc_bot.vietnamese import Normalizer


@pytest.fixture(scope="module")
def classes() -> QuestionClasses:
    return QuestionClasses(Normalizer())


classes_normalizer = Normalizer()


def find(classes: QuestionClasses, text: str) -> frozenset[str]:
    return classes.find(classes_normalizer.tokens(text))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Khi nào có kết quả?", {"when", "what"}),  # "nào" also asks "which"
        ("nop ho so o dau", {"where"}),
        ("Nộp hồ sơ chỗ nào?", {"where"}),  # "chỗ nào" is normalised to "ở đâu"
        ("Tại sao phải cách ly?", {"why"}),
        ("Cấp bản sao mất mấy ngày", {"howlong"}),  # "mấy ngày" → "bao lâu"
        ("Lệ phí bao nhiêu tiền", {"howmuch"}),
        ("Ai được miễn học phí", {"who"}),
        ("Đăng ký như thế nào", {"how", "what"}),
        ("Có nên tiêm mũi 3 không", {"should"}),
        ("Có thể nộp online được không", {"can"}),
        ("Cấp bản sao văn bằng", set()),
    ],
)
def test_classes_are_detected(classes: QuestionClasses, text: str, expected: set[str]) -> None:
    assert find(classes, text) == expected


def test_everyday_homographs_are_not_classes(classes: QuestionClasses) -> None:
    # "tham gia" (giá once folded) and "cách ly" (cách) ask nothing.
    assert find(classes, "tham gia cách ly tập trung") == frozenset()


def test_masks_and_terms_round_trip(classes: QuestionClasses) -> None:
    mask = classes.mask(classes_normalizer.tokens("ở đâu và khi nào"))
    assert classes.names_of(mask) >= {"where", "when"}
    terms = classes.terms(mask)
    assert class_term("where") in terms and all(is_class_term(t) for t in terms)
    tokens = classes_normalizer.tokens("nộp ở đâu")
    assert classes.with_terms(tokens) == [*tokens, class_term("where")]


def test_class_terms_cannot_be_typed() -> None:
    # Normalised tokens are lower-case letters and digits: they never look like class terms.
    assert not any(is_class_term(t) for t in Normalizer().tokens("QT_where qt where"))
