"""Requests no entry may answer, however well some question matches their words.

Forging or buying a diploma ("làm bằng giả", "mua bằng tốt nghiệp") shares "bằng tốt
nghiệp" with the diploma-copy procedure, and without diacritics "giả" (fake) is "giá"
(price): it was answered with that procedure's fee. The knowledge base's synonyms rewrite
such requests to a phrase of `lexicon.OFF_LIMITS_PHRASES`; a message holding one gets
neither an answer nor choices, only the hotline.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from cchc_bot.lexicon import OFF_LIMITS_PHRASES


class OffLimits:
    """Finds the off-limits phrases (normalised) in a message's normalised words."""

    def __init__(
        self, tokens: Callable[[str], list[str]], phrases: Iterable[str] = OFF_LIMITS_PHRASES
    ) -> None:
        found = {tuple(tokens(phrase)) for phrase in phrases} - {()}
        self._phrases = tuple(sorted(found))

    def holds(self, sequence: Sequence[str]) -> bool:
        words = tuple(sequence)
        for phrase in self._phrases:
            width = len(phrase)
            if any(words[i : i + width] == phrase for i in range(len(words) - width + 1)):
                return True
        return False
