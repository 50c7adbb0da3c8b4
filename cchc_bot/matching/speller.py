"""Repairing query words the knowledge base has never seen (typos, words run together).

The speller runs on folded, repaired tokens *before* abbreviations and synonyms are expanded,
so a misspelt word is fixed first and then expanded like any other ("covicd" → covid).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from functools import lru_cache

from rapidfuzz.distance import OSA

from cchc_bot.vietnamese import is_syllable

_MIN_LENGTH = 3  # shorter tokens are abbreviations or particles: never corrected
_LONG_WORD = 5  # longer unknown words may be two edits away, shorter ones one
_RARE_COUNT = 3  # a known word this rare may still be a typo of a frequent neighbour
_EDIT_COST = 5.0  # log-frequency units one edit costs
_REAL_WORD_COST = 10.0  # … when it replaces a word the knowledge base uses
_CONTEXT_WEIGHT = 1.0  # weight of log(1 + neighbour-pair count), left and right
_SPLIT_SUPPORT = 3  # both halves of a split word must occur this often
_MISREAD_EVIDENCE = 1.5  # neighbour evidence (log units) that overrules an abbreviation
_KNOWN_PAIR = 2.0  # neighbour evidence (log units) that keeps a real word as typed
_DWARFED = 100  # a known word this many times rarer than a neighbour is treated as a typo


def _deletes(word: str, depth: int) -> set[str]:
    """Every string obtained from `word` by deleting up to `depth` letters (itself included)."""
    out = {word}
    frontier = {word}
    for _ in range(depth):
        frontier = {w[:i] + w[i + 1 :] for w in frontier for i in range(len(w))}
        out |= frontier
    return out


class Speller:
    """Noisy-channel correction against the vocabulary of the knowledge base.

    Candidates come from a SymSpell-style index of deletions: every vocabulary word within one
    edit (two for words longer than five letters; a swap of neighbours counts as one edit,
    optimal string alignment). Each candidate is scored by its frequency, the edits it costs
    and how often it follows / precedes the neighbouring query words in the knowledge base.
    An unknown word takes the best candidate, and a rare known word (or one a hundred times
    rarer than a neighbour) competes with its neighbours at the same edit cost. A common known
    word stays unless it forms no common pair with the words around it and a neighbour fits
    them far better at a higher cost ("bị hiễm covid" → nhiễm). An abbreviation stays unless
    the words around it clearly want a knowledge-base word one letter away ("bnh viện").
    Failing everything, a word typed without its space ("dangky") is split into two syllables.
    """

    def __init__(
        self,
        frequencies: Mapping[str, int],
        bigram: Callable[[str, str], int],
        split_support: Mapping[str, int] | None = None,
    ) -> None:
        """`frequencies`: known words and how often they occur; `bigram(a, b)`: how often b
        follows a; `split_support`: word counts that may justify splitting (default: all)."""
        self._freq = frequencies
        self._bigram = bigram
        self._split_support = split_support if split_support is not None else frequencies
        self._log = {w: math.log(c + 1) for w, c in frequencies.items()}
        index: dict[str, list[str] | str] = {}
        for word in frequencies:
            if word.isdigit():
                continue
            for key in _deletes(word, 2 if len(word) > _LONG_WORD else 1):
                known = index.get(key)
                if known is None:
                    index[key] = word  # most keys have one word: keep it unboxed
                elif isinstance(known, str):
                    index[key] = [known, word]
                else:
                    known.append(word)
        self._index = index
        self._cached = lru_cache(maxsize=16384)(self._candidates)
        self._most_frequent = lru_cache(maxsize=16384)(self._most_common_neighbour)

    def knows(self, token: str) -> bool:
        return token in self._freq

    def _candidates(self, token: str) -> tuple[tuple[str, int], ...]:
        """Vocabulary words within reach of `token`, with their edit distance."""
        known = token in self._freq
        depth = 2 if not known and len(token) > _LONG_WORD else 1
        found: set[str] = set()
        for key in _deletes(token, depth):
            hit = self._index.get(key)
            if hit is None:
                continue
            if isinstance(hit, str):
                found.add(hit)
            else:
                found.update(hit)
        out = [(token, 0)] if known else []
        for word in sorted(found):  # a fixed order: ties go the same way in every process
            if word != token:
                dist = OSA.distance(token, word, score_cutoff=depth)
                if dist <= depth:
                    out.append((word, dist))
        return tuple(out)

    def candidates(self, token: str) -> tuple[tuple[str, int], ...]:
        return self._cached(token)

    def _most_common_neighbour(self, token: str) -> int:
        """The frequency of the most frequent word within reach of `token`."""
        return max((self._freq[w] for w, _ in self._cached(token)), default=0)

    def fitness(
        self, word: str, dist: int, prev: str | None, nxt: str | None, cost: float = _EDIT_COST
    ) -> float:
        """log frequency − edit cost + neighbour-pair evidence (left and right)."""
        context = 0.0
        if prev is not None:
            context += math.log1p(self._bigram(prev, word))
        if nxt is not None:
            context += math.log1p(self._bigram(word, nxt))
        return self._log[word] - cost * dist + _CONTEXT_WEIGHT * context

    def _split(self, token: str) -> list[str] | None:
        best: tuple[int, list[str]] | None = None
        support = self._split_support
        for i in range(2, len(token) - 1):
            left, right = token[:i], token[i:]
            if is_syllable(left) and is_syllable(right):
                count = min(support.get(left, 0), support.get(right, 0))
                if count >= _SPLIT_SUPPORT and (best is None or count > best[0]):
                    best = (count, [left, right])
        return best[1] if best else None

    def _context(self, first: str, last: str, prev: str | None, nxt: str | None) -> float:
        """Neighbour-pair evidence for a phrase from `first` to `last` between prev and nxt."""
        left = math.log1p(self._bigram(prev, first)) if prev is not None else 0.0
        right = math.log1p(self._bigram(last, nxt)) if nxt is not None else 0.0
        return left + right

    def _misread_abbreviation(
        self, token: str, meaning: tuple[str, ...], prev: str | None, nxt: str | None
    ) -> str | None:
        """A knowledge-base word one edit from an abbreviation, when the neighbours clearly
        want the word: "bnh này" is "bệnh này" (a letter dropped), not "bao nhiêu này"."""
        if is_syllable(token):
            return None
        usual = self._context(meaning[0], meaning[-1], prev, nxt)
        best: tuple[float, str] | None = None
        for word, dist in self._cached(token):
            if dist == 1:
                evidence = self._context(word, word, prev, nxt)
                if evidence >= _MISREAD_EVIDENCE + usual and (best is None or evidence > best[0]):
                    best = (evidence, word)
        return best[1] if best else None

    def correct(
        self,
        tokens: Sequence[str],
        keep: Callable[[str], bool] = lambda _: False,
        meaning: Callable[[str], tuple[str, ...] | None] = lambda _: None,
    ) -> tuple[list[str], set[str]]:
        """Corrected tokens and the set of corrected (output) words.

        `keep(token)` protects tokens from correction (abbreviations the normaliser expands),
        unless `meaning(token)` names what a one-word abbreviation stands for and the
        neighbouring words show it is a misspelt knowledge-base word instead.
        """
        out: list[str] = []
        fixed: set[str] = set()
        left: str | None = None  # the left neighbour as the knowledge base spells it
        for k, token in enumerate(tokens):
            prev = left
            protected = keep(token)
            expanded = meaning(token) if protected else None
            left = expanded[-1] if expanded else token
            if len(token) < _MIN_LENGTH or token.isdigit():
                out.append(token)
                continue
            nxt = tokens[k + 1] if k + 1 < len(tokens) else None
            if nxt is not None and keep(nxt):
                nxt = (meaning(nxt) or (nxt,))[0]
            if protected:
                word = expanded and self._misread_abbreviation(token, expanded, prev, nxt)
                out.append(word or token)
                if word:
                    fixed.add(word)
                    left = word
                continue
            candidates = self._cached(token)
            if len(candidates) == 1 and candidates[0][1] == 0:
                out.append(token)
                continue
            cost = _EDIT_COST
            count = self._freq.get(token, 0)
            if count > _RARE_COUNT and self._most_frequent(token) < _DWARFED * count:
                # A real word, not dwarfed by a neighbour: only strong evidence replaces it,
                # and it stays when it forms a common pair with a neighbour.
                if self._context(token, token, prev, nxt) >= _KNOWN_PAIR:
                    out.append(token)
                    continue
                cost = _REAL_WORD_COST
            if not count and (not candidates or min(d for _, d in candidates) > 1):
                split = self._split(token)
                if split:
                    out.extend(split)
                    fixed.update(split)
                    left = split[-1]
                    continue
            if not candidates:
                out.append(token)
                continue
            best = max(candidates, key=lambda c: self.fitness(c[0], c[1], prev, nxt, cost))[0]
            out.append(best)
            left = best
            if best != token:
                fixed.add(best)
        return out, fixed
