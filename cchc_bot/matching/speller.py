"""Repairing query words the knowledge base has never seen (typos, words run together)."""

from __future__ import annotations

import math
from collections.abc import Sequence
from functools import lru_cache

import numpy as np
from rapidfuzz import distance, process

from cchc_bot.vietnamese import is_syllable


class Speller:
    """Corrects unknown tokens against the vocabulary of the knowledge base.

    A known word stays. An unknown one becomes the vocabulary word within one edit (two for
    words longer than five letters; a swap of neighbours counts as one edit), preferring
    frequent words and words that often follow / precede the neighbouring query words.
    Failing that, a word typed without its space ("dangky") is split into two known words.
    """

    def __init__(
        self,
        frequencies: dict[str, int],
        ids: dict[str, int],
        pairs: np.ndarray,
        pair_counts: np.ndarray,
    ) -> None:
        """`frequencies`: known words; `ids`/`pairs`: neighbour statistics (see BM25Index)."""
        self._freq = frequencies
        self._words = [w for w in frequencies if not w.isdigit()]
        self._ids = ids
        self._pairs = pairs
        self._pair_counts = pair_counts
        self._cached = lru_cache(maxsize=8192)(self._candidates)

    def _bigram(self, a: str | None, b: str | None) -> int:
        if a is None or b is None or a not in self._ids or b not in self._ids:
            return 0
        key = self._ids[a] << 32 | self._ids[b]
        i = int(np.searchsorted(self._pairs, key))
        return int(self._pair_counts[i]) if i < len(self._pairs) and self._pairs[i] == key else 0

    def _candidates(self, token: str) -> tuple[tuple[str, int], ...]:
        limit = 1 if len(token) <= 5 else 2
        found = process.extract(
            token, self._words, scorer=distance.OSA.distance, score_cutoff=limit, limit=30
        )
        return tuple((word, int(dist)) for word, dist, _ in found)

    def _split(self, token: str) -> list[str] | None:
        best: tuple[int, list[str]] | None = None
        for i in range(2, len(token) - 1):
            left, right = token[:i], token[i:]
            if is_syllable(left) and is_syllable(right):
                support = min(self._freq.get(left, 0), self._freq.get(right, 0))
                if support > 0 and (best is None or support > best[0]):
                    best = (support, [left, right])
        return best[1] if best else None

    def correct(self, tokens: Sequence[str]) -> tuple[list[str], set[str]]:
        """Corrected tokens and the set of corrected (output) words."""
        out: list[str] = []
        fixed: set[str] = set()
        for k, token in enumerate(tokens):
            if token in self._freq or token.isdigit() or len(token) < 3 or is_syllable(token):
                # A well-formed syllable is a real word the knowledge base just does not use
                # ("thời hạn" in a base without it): replacing it would invent a meaning.
                out.append(token)
                continue
            prev = tokens[k - 1] if k else None
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            candidates = self._cached(token)
            near = [c for c in candidates if c[1] == 1]
            split = None if near else self._split(token)
            if split:
                out.extend(split)
                fixed.update(split)
                continue
            if not candidates:
                out.append(token)
                continue

            def fitness(cand: tuple[str, int], prev: str | None = prev, nxt: str | None = nxt):
                word, dist = cand
                return (
                    -3.0 * dist
                    + math.log(self._freq[word])
                    + 2.0 * math.log1p(self._bigram(prev, word))
                    + 2.0 * math.log1p(self._bigram(word, nxt))
                )

            best = max(candidates, key=fitness)[0]
            out.append(best)
            fixed.add(best)
        return out, fixed
