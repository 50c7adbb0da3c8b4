"""Reference numbers in questions: "Kế hoạch 290", "Nghị định 42", the hotline "02993 616042".

A number that only one entry's questions hold names that entry. A message holding it is about
that entry, however many other words it shares with another one ("kế hoạch 290 của sở giáo
dục sóc trăng nói về việc gì" shares most of its words with the 2021 plan, Kế hoạch 49): the
matcher then offers a choice with the named entry instead of answering with the other.

Single digits ("lớp 8", "mức độ 3"), years and zero-padded days or months ("01") are too
common to name anything and are left out.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np

from cchc_bot.matching.index import BM25Index


def is_reference_number(token: str) -> bool:
    """Whether a normalised token can be a reference number (see the module docstring)."""
    if not token.isdigit() or len(token) < 2:
        return False
    if len(token) == 2 and token.startswith("0"):
        return False  # a day or a month: "01/2021"
    return not (len(token) == 4 and 1900 <= int(token) <= 2099)


class ReferenceNumbers:
    """Reference numbers held by exactly one entry's questions, and that entry's index."""

    def __init__(
        self, questions: BM25Index, starts: np.ndarray, ignore: Callable[[str], bool]
    ) -> None:
        """`starts[i]`: the first question (document) of entry i in `questions`."""
        self._owner: dict[str, int] = {}
        for token in questions.vocabulary:
            if ignore(token) or not is_reference_number(token):
                continue
            docs = questions.postings(token)
            entries = set((np.searchsorted(starts, docs, side="right") - 1).tolist())
            if len(entries) == 1:
                self._owner[token] = entries.pop()

    def __len__(self) -> int:
        return len(self._owner)

    def named(self, tokens: Iterable[str]) -> set[int]:
        """The entries the message's reference numbers name."""
        return {self._owner[t] for t in tokens if t in self._owner}
