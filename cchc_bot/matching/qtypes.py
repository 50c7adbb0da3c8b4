"""Interrogative classes: what kind of answer a question asks for (when, where, how much …)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from cchc_bot.lexicon import QUESTION_CLASSES
from cchc_bot.vietnamese import Normalizer

CLASS_NAMES: tuple[str, ...] = tuple(QUESTION_CLASSES)
TERM_PREFIX = "QT_"  # index terms no typed word can produce (tokens are lower-case, no "_")


def class_term(name: str) -> str:
    """The index term standing for one class ("QT_when")."""
    return TERM_PREFIX + name


def is_class_term(term: str) -> bool:
    return term.startswith(TERM_PREFIX)


class QuestionClasses:
    """Finds the interrogative classes of a normalised token list.

    Phrases are normalised with the knowledge base's own normaliser, so "mấy ngày" is found
    as what the normaliser makes of it ("bao lâu"), the same in questions and queries.
    """

    def __init__(
        self,
        normalizer: Normalizer,
        classes: Mapping[str, Sequence[str]] = QUESTION_CLASSES,
    ) -> None:
        self.names: tuple[str, ...] = tuple(classes)
        self._bit = {name: 1 << i for i, name in enumerate(self.names)}
        by_first: dict[str, list[tuple[tuple[str, ...], int]]] = {}
        for name, phrases in classes.items():
            for phrase in phrases:
                tokens = tuple(normalizer.tokens(phrase))
                if tokens:
                    by_first.setdefault(tokens[0], []).append((tokens, self._bit[name]))
        self._by_first = by_first
        self._firsts = frozenset(by_first)

    def mask(self, tokens: Sequence[str]) -> int:
        """The classes found, as a bit mask (bit i = `names[i]`)."""
        found = 0
        present = self._firsts.intersection(tokens)  # most words start no phrase
        text = f" {' '.join(tokens)} " if present else ""
        for token in present:
            for phrase, bit in self._by_first[token]:
                if not found & bit and _occurs(phrase, text):
                    found |= bit
        return found

    def names_of(self, mask: int) -> frozenset[str]:
        return frozenset(n for n in self.names if mask & self._bit[n])

    def find(self, tokens: Sequence[str]) -> frozenset[str]:
        """The class names found in `tokens`."""
        return self.names_of(self.mask(tokens))

    def terms(self, mask: int) -> list[str]:
        """Index terms for the classes in `mask`."""
        return [class_term(n) for n in self.names if mask & self._bit[n]]

    def with_terms(self, tokens: Iterable[str]) -> list[str]:
        """A question's tokens followed by its class terms (what the question index holds)."""
        tokens = list(tokens)
        return tokens + self.terms(self.mask(tokens))

    def words(self, tokens: Sequence[str]) -> set[str]:
        """The tokens that belong to an interrogative phrase ("như thế nào", "ở đâu")."""
        found: set[str] = set()
        present = self._firsts.intersection(tokens)
        text = f" {' '.join(tokens)} " if present else ""
        for token in present:
            for phrase, _ in self._by_first[token]:
                if _occurs(phrase, text):
                    found.update(phrase)
        return found


def _occurs(phrase: tuple[str, ...], text: str) -> bool:
    """Whether `phrase` is a run of the tokens of `text` (" "-joined, with a space either
    side); its first word is known to be one of them."""
    return len(phrase) == 1 or f" {' '.join(phrase)} " in text
