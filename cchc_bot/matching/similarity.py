"""How alike two citizens' questions are (for grouping tickets that ask the same thing)."""

from __future__ import annotations

from rapidfuzz import fuzz

from cchc_bot.vietnamese import Normalizer


def similar_questions(normalizer: Normalizer, a: str, b: str) -> float:
    """0–100: word-order-blind similarity of the normalised texts (accents, teencode, typos
    of spacing do not matter; a different word does)."""
    left, right = normalizer.normalize(a), normalizer.normalize(b)
    if not left or not right:
        return 0.0
    return float(fuzz.token_sort_ratio(left, right))
