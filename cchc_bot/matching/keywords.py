"""The words that say what an entry is about, for the confidence's "does it fit at all?" test.

An entry's key words are the words its questions keep repeating that few other entries use:
"chuyển trường" and "THCS" for moving a lower-secondary pupil, "tư vấn du học" for the
study-abroad licence. A message that shares a frame with a question ("đăng ký … ở đâu?") but
none of the entry's key words ("đăng ký hộ kinh doanh ở đâu?") is probably about something the
knowledge base does not cover, however many of the question's words it has.

Keyness of word w in entry e = (share of e's questions containing w) × log(entries / entries
whose questions contain w), scaled so the entry's three keyest words sum to 1. Computed when an
entry is first a candidate (some microseconds) and kept for the next thousand entries.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from functools import lru_cache
from itertools import chain

import numpy as np

from cchc_bot.matching.index import BM25Index

KEY_WORDS_SUMMED = 3  # an entry's keyness is scaled so its three keyest words sum to 1
_CACHED_ENTRIES = 1024


class EntryKeywords:
    """Key words of every entry of a question index (`starts[i]`: entry i's first question)."""

    def __init__(
        self,
        questions: BM25Index,
        starts: np.ndarray,
        counts: np.ndarray,
        ignore: Callable[[str], bool],
    ) -> None:
        self._questions = questions
        self._starts = starts
        self._counts = counts
        n_entries = len(counts)
        entry_of_doc = np.repeat(np.arange(n_entries, dtype=np.int64), counts)
        entries_with = questions.owners_per_term(entry_of_doc).astype(np.float64)
        idf = np.log(max(n_entries, 1) / np.maximum(entries_with, 1.0))
        self._idf: list[float] = np.where(
            [ignore(t) for t in questions.vocabulary], 0.0, idf
        ).tolist()
        self._words = list(questions.vocabulary)
        self.of_entry = lru_cache(maxsize=_CACHED_ENTRIES)(self._compute)

    def _compute(self, entry: int) -> Mapping[str, float]:
        """Word → scaled keyness, for the words of one entry's questions."""
        start, count = int(self._starts[entry]), int(self._counts[entry])
        # Plain Python: an entry has a few dozen words, too few for numpy's per-call cost.
        seen = Counter(
            chain.from_iterable(
                self._questions.doc_terms(doc).tolist() for doc in range(start, start + count)
            )
        )
        idf = self._idf
        keyness = {t: n / count * idf[t] for t, n in seen.items() if idf[t] > 0}
        top = sum(sorted(keyness.values())[-KEY_WORDS_SUMMED:])
        if top <= 0:
            return {}
        words = self._words
        return {words[t]: k / top for t, k in keyness.items()}
