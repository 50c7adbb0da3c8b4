"""The term sets of an entry's questions and answer, kept for the entries asked about lately.

The ambiguity guard, the entry coverage and the "query words in the answer" test look at
the same few candidate entries query after query; building their sets once per entry (not
per query) is what keeps them cheap. At most `CACHED_ENTRIES` entries are kept.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable
from functools import lru_cache

import numpy as np

from cchc_bot.knowledge.model import Entry
from cchc_bot.matching.index import BM25Index

CACHED_ENTRIES = 1024


class EntryTerms:
    """Cached term sets per entry (`starts[i]`, `counts[i]`: entry i's questions)."""

    def __init__(
        self, questions: BM25Index, answers: BM25Index, starts: np.ndarray, counts: list[int]
    ) -> None:
        self._questions = questions
        self._answers = answers
        self._starts = starts
        self._counts = counts
        self._words = list(questions.vocabulary)  # term id → word
        self.of_questions = lru_cache(maxsize=CACHED_ENTRIES)(self._of_questions)
        self.words = lru_cache(maxsize=CACHED_ENTRIES)(self._words_of)
        self.of_answer = lru_cache(maxsize=CACHED_ENTRIES)(self._of_answer)
        self._content_idf: list[float] = questions.idf.tolist()

    def weigh_content(self, is_content: Callable[[str], bool]) -> None:
        """Count only content words (`is_content`) in `fits`."""
        idf = self._questions.idf.tolist()
        pairs = zip(self._words, idf, strict=True)
        self._content_idf = [v if is_content(w) else 0.0 for w, v in pairs]

    def fits(self, held: Collection[int], entry: int) -> list[float]:
        """For each of the entry's questions, the share of its content words' IDF among the
        term ids `held` (a message's): how fully the message holds that question. Everyday
        words ("thế nào") do not make two questions differ."""
        weight = self._content_idf
        out = []
        for terms in self.of_questions(entry):
            mass = sum(weight[t] for t in terms) or 1.0
            out.append(sum(weight[t] for t in terms if t in held) / mass)
        return out

    def words_in_answers(self, tokens: Iterable[str], pool: Iterable[int]) -> list[set[str]]:
        """For each entry of the pool, the words of `tokens` (a query's) its answer holds."""
        vocabulary = self._answers.vocabulary
        known = [(vocabulary[t], t) for t in tokens if t in vocabulary]
        found: list[set[str]] = []
        for index in pool:
            terms = self.of_answer(index)
            found.append({token for term, token in known if term in terms})
        return found

    def _of_questions(self, entry: int) -> tuple[frozenset[int], ...]:
        """The term ids of each of the entry's questions."""
        start = int(self._starts[entry])
        docs = range(start, start + self._counts[entry])
        return tuple(frozenset(self._questions.doc_terms(doc).tolist()) for doc in docs)

    def _words_of(self, entry: int) -> frozenset[str]:
        """The words of all the entry's questions."""
        words = self._words
        return frozenset(words[t] for terms in self.of_questions(entry) for t in terms)

    def _of_answer(self, entry: int) -> frozenset[int]:
        """The term ids of the entry's answer text."""
        return frozenset(self._answers.doc_terms(entry).tolist())


def answer_text(entry: Entry) -> str:
    """The text indexed as an entry's answer (a procedure's fields joined)."""
    if entry.answer:
        return entry.answer
    p = entry.procedure
    if p is None:
        return ""
    parts = [p.summary or "", *p.documents, *p.steps, p.where or "", p.result or ""]
    parts += [p.processing_time or "", p.fee or "", p.agency or "", p.note or ""]
    return "\n".join(parts)
