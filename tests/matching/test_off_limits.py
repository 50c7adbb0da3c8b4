"""Requests no entry may answer (matching/off_limits.py)."""

from __future__ import annotations

from cchc_bot.matching.off_limits import OffLimits
from cchc_bot.vietnamese import Normalizer

SYNONYMS = [
    ("văn bằng giả mạo", ["bằng giả", "làm bằng giả", "mua bằng tốt nghiệp"]),
    ("văn bằng giá bao nhiêu", ["bằng giá bao nhiêu"]),
]


def test_a_fake_diploma_is_off_limits_with_or_without_diacritics() -> None:
    normalizer = Normalizer(SYNONYMS)
    off = OffLimits(normalizer.tokens)
    for text in ("làm bằng giả", "lam bang gia", "mua bằng tốt nghiệp ở đâu", "bằng giả"):
        assert off.holds(normalizer.tokens(text)), text


def test_the_price_of_a_diploma_copy_is_not() -> None:
    """Folded, "giá" (price) is "giả" (fake): a longer synonym keeps the price question."""
    normalizer = Normalizer(SYNONYMS)
    off = OffLimits(normalizer.tokens)
    for text in ("cấp bản sao bằng giá bao nhiêu", "ban sao bang gia bao nhieu", "bằng tốt nghiệp"):
        assert not off.holds(normalizer.tokens(text)), text


def test_without_the_synonyms_nothing_is_off_limits() -> None:
    normalizer = Normalizer()
    assert not OffLimits(normalizer.tokens).holds(normalizer.tokens("làm bằng giả"))
