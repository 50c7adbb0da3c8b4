"""School levels ("THPT", "cấp 2" …) named in a message and in each entry's questions.

A citizen who names a level means it: an entry about another level must not be answered
as if it were theirs (`conflict`), and among choices the entries of their level come first.
A grade names its level too ("con học lớp 7" is a lower-secondary pupil: `GradeLevels`); an
entry's levels are the ones its questions name — except a level of higher education
(`lexicon.HIGHER_EDUCATION_LEVELS`: not the department's), which an entry is about only when
its first question (its official name, knowledge/README.md) names it. Other questions name
university in passing, as a purpose: "Em là sinh viên cao đẳng, muốn thi lại để xét đại học
…" is a question of the THPT exam's free candidates, and "đăng ký xét tuyển đại học" was
answered with that entry (0.76) as if it were about university admission.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise

from cchc_bot.lexicon import GRADE_WORDS, HIGHER_EDUCATION_LEVELS, SCHOOL_GRADES, SCHOOL_LEVELS

Tokenize = Callable[[str], list[str]]


class GradeLevels:
    """The school level a grade named in a message belongs to ("lớp 4" → tiểu học)."""

    def __init__(self, tokens: Tokenize) -> None:
        self._words = frozenset(t for word in GRADE_WORDS for t in tokens(word))
        self._level_of: dict[str, tuple[str, ...]] = {}
        for level, grades in SCHOOL_GRADES.items():
            phrase = tuple(tokens(level))
            for grade in grades:
                self._level_of[str(grade)] = phrase

    def implied(self, tokens: Sequence[str]) -> list[tuple[str, ...]]:
        """The level phrases (normalised) of the grades in `tokens`, first seen first."""
        found: list[tuple[str, ...]] = []
        for before, token in pairwise(tokens):
            level = self._level_of.get(token) if before in self._words else None
            if level and level not in found:
                found.append(level)
        return found


class SchoolLevels:
    """The level phrases (normalised) and the set each entry names, by entry id."""

    def __init__(self, tokens: Tokenize, entries: Iterable[tuple[str, Iterable[str]]]) -> None:
        """`entries`: (entry id, its questions already normalised, as space-joined tokens)
        pairs; `tokens` normalises the level phrases the same way."""
        self._phrases = tuple(
            phrase for phrase in (" ".join(tokens(level)) for level in SCHOOL_LEVELS) if phrase
        )
        self._grades = GradeLevels(tokens)
        higher = (" ".join(tokens(level)) for level in HIGHER_EDUCATION_LEVELS)
        self._higher = frozenset(p for p in higher if p)
        shared: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct set
        self._of_entry: dict[str, frozenset[str]] = {}
        self._about: dict[str, frozenset[str]] = {}  # the levels each entry is about
        for entry_id, questions in entries:
            texts = list(questions)
            # One string per entry: " | " keeps a phrase from running across two questions.
            levels = self.named(" | ".join(texts).split())
            self._of_entry[entry_id] = shared.setdefault(levels, levels)
            named_by_name = self.named(texts[0].split()) if texts else frozenset()
            about = levels - (self._higher - named_by_name)
            self._about[entry_id] = shared.setdefault(about, about)

    @classmethod
    def of_packed(
        cls,
        tokens: Tokenize,
        entry_ids: Sequence[str],
        texts: Sequence[str],
        starts: Sequence[int],
        counts: Sequence[int],
    ) -> SchoolLevels:
        """From normalised question texts stored entry after entry (entry i's questions are
        `texts[starts[i] : starts[i] + counts[i]]`)."""
        return cls(
            tokens,
            (
                (entry_id, (texts[int(start) + j] for j in range(int(count))))
                for entry_id, start, count in zip(entry_ids, starts, counts, strict=True)
            ),
        )

    def _named_in(self, padded: str) -> frozenset[str]:
        return frozenset(p for p in self._phrases if f" {p} " in padded)

    def named(self, tokens: Sequence[str]) -> frozenset[str]:
        """The levels a normalised text names, by name or by grade."""
        by_grade = {" ".join(level) for level in self._grades.implied(tokens)}
        return self._named_in(f" {' '.join(tokens)} ") | by_grade

    def of_entry(self, entry_id: str) -> frozenset[str]:
        return self._of_entry.get(entry_id, frozenset())

    def about(self, entry_id: str) -> frozenset[str]:
        """The levels an entry is about: those its questions name, a level of higher
        education only when its name (first question) names it."""
        return self._about.get(entry_id, frozenset())

    def foreign(self, named: frozenset[str], entry_id: str) -> bool:
        """The citizen named none of the levels the entry is about while it is about some:
        it is about another level ("lớp 3" against the THPT transfer, "xét tuyển đại học"
        against the THPT exam's free candidates) and is never answered."""
        mine = self.about(entry_id)
        return bool(named) and bool(mine) and not named & mine

    def conflict(self, named: frozenset[str], best: str, other: str) -> bool:
        """The best entry is about another level (`foreign`) and the other entry does
        mention the level named."""
        return self.foreign(named, best) and bool(named & self.of_entry(other))
