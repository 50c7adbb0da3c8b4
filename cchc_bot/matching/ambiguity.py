"""When the best entry must be offered as a choice rather than answered: a rival that fits
the message as well, with the same distinctive words, one for the school level named, or one
a reference number in the message names."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

from cchc_bot.matching.facets import SchoolLevels
from cchc_bot.matching.numbers import ReferenceNumbers
from cchc_bot.matching.query import Query
from cchc_bot.matching.types import Candidate

AMBIGUITY_GAP = 0.1  # another entry covering this much, with the same words, is ambiguous …
DOMINANCE = 3.0  # … unless the best is this many times as likely and has words it lacks

Coverages = Callable[[Query, int], list[tuple[float, frozenset[str]]]]
Fits = Callable[[Query, int], list[float]]


class AmbiguityGuard:
    """Finds the rivals that make an answer a choice (`Matcher.match` asks it)."""

    def __init__(
        self,
        coverages: Coverages,
        index_of: Mapping[str, int],
        levels: SchoolLevels,
        numbers: ReferenceNumbers,
        fits: Fits,
    ) -> None:
        self._coverages = coverages  # informative coverage of each question of an entry
        self._index_of = index_of
        self._levels = levels
        self._numbers = numbers
        self._fits = fits  # how much of each question of an entry the message holds

    def closest(self, query: Query, entry_id: str) -> tuple[float, frozenset[str], frozenset[str]]:
        """Coverage of the entry's closest question, the distinctive words it holds, and
        those any of the entry's questions holds."""
        coverage, words, held = -1.0, frozenset[str](), set[str]()
        for cov, shared in self._coverages(query, self._index_of[entry_id]):
            held |= shared
            if cov > coverage:
                coverage, words = cov, shared
        return coverage, words, frozenset(held)

    def rivals(
        self,
        query: Query,
        best: Candidate,
        others: Sequence[Candidate],
        pool: Sequence[Candidate],
    ) -> tuple[list[Candidate], list[Candidate]]:
        """The candidates of the `pool` (all but the best) that a reference number of the
        message names ("kế hoạch 290": numbers.py), and those plus the close rivals among
        `others` (the next few): every one makes the answer a choice."""
        numbered = self._numbers.named(query.tokens) - {self._index_of[best.entry.id]}
        named = [c for c in pool if self._index_of[c.entry.id] in numbered]
        close = [c for c in self._close(query, best, others) if c not in named]
        return named, named + close

    def _close(self, query: Query, best: Candidate, others: Sequence[Candidate]) -> list[Candidate]:
        """Another entry covers the message about as well, with every distinctive word the
        best one matches ("… trường THPT" vs "… trường THPT tư thục"): a choice, not an
        answer, however the reranker splits them. A rival the confidence finds far less
        likely must also hold the words of the best entry's other questions ("email" in
        "email sở giáo dục", not in its closest question "địa chỉ sở giáo dục"), and have a
        question the message holds about as fully as one of the best entry's: "Cải cách
        hành chính là gì?" is that entry's own question, not a rival "Hội thi cải cách hành
        chính" whose question has words the message lacks."""
        coverage, words, held = self.closest(query, best.entry.id)
        named = self._levels.named(query.sequence)
        best_index = self._index_of[best.entry.id]
        # Another school level than the best entry's (facets.py), unless the message is one of
        # its questions ("sinh viên cao đẳng … thi lại để xét đại học" is the free candidates').
        foreign = self._levels.foreign(named, best.entry.id)
        foreign = foreign and max(self._fits(query, best_index)) < 1.0
        found = []
        for other in others:
            other_coverage, other_words, _ = self.closest(query, other.entry.id)
            far_behind = other.score * DOMINANCE < best.score
            needed = held if far_behind else words
            close = other_coverage >= coverage - AMBIGUITY_GAP and needed <= other_words
            if close and far_behind:  # … and the message must hold its question as fully
                mine = max(self._fits(query, best_index))
                theirs = max(self._fits(query, self._index_of[other.entry.id]))
                close = theirs >= mine - AMBIGUITY_GAP
            if close or (foreign and self._levels.conflict(named, best.entry.id, other.entry.id)):
                found.append(other)
        return found
