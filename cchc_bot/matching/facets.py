"""School levels ("THPT", "cấp 2" …) named in a message and in each entry's questions.

A citizen who names a level means it: an entry about another level must not be answered
as if it were theirs (`conflict`), and among choices the entries of their level come first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from cchc_bot.lexicon import SCHOOL_LEVELS

Tokenize = Callable[[str], list[str]]


class SchoolLevels:
    """The level phrases (normalised) and the set each entry names, by entry id."""

    def __init__(self, tokens: Tokenize, entries: Iterable[tuple[str, Sequence[str]]]) -> None:
        """`entries`: (entry id, its questions) pairs."""
        self._phrases = tuple(
            phrase for phrase in (" ".join(tokens(level)) for level in SCHOOL_LEVELS) if phrase
        )
        shared: dict[frozenset[str], frozenset[str]] = {}  # one object per distinct set
        self._of_entry = {
            entry_id: shared.setdefault(levels, levels)
            for entry_id, questions in entries
            for levels in [frozenset().union(*(self.named(tokens(q)) for q in questions))]
        }

    def named(self, tokens: Sequence[str]) -> frozenset[str]:
        """The levels a normalised text names."""
        text = f" {' '.join(tokens)} "
        return frozenset(p for p in self._phrases if f" {p} " in text)

    def of_entry(self, entry_id: str) -> frozenset[str]:
        return self._of_entry.get(entry_id, frozenset())

    def conflict(self, named: frozenset[str], best: str, other: str) -> bool:
        """The citizen named a level the best entry never mentions while it names another
        level, and the other entry does mention it."""
        if not named:
            return False
        mine, theirs = self.of_entry(best), self.of_entry(other)
        return bool(named & theirs) and not (named & mine) and bool(mine)
