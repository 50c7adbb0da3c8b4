"""Messages whose only content is one word that many entries share: "đăng ký", "thành lập".

Such a word names a kind of procedure, not one: the entry that happens to use it most is no
answer. The message is offered choices (never answered) — or, when it also holds words no
question of the knowledge base uses ("đăng ký kết hôn", "làm hộ chiếu ở đâu"), it is about
something else and goes to the hotline rather than to choices of unrelated entries.

"One word" is at most `WORD_SYLLABLES` adjacent syllables some question uses; "shared by many
entries": at least `SHARED_ENTRIES` entries (or `SHARED_SHARE` of them in a large knowledge
base) have questions holding all of them, and it is a key word (keywords.py) of at least
`KEY_OWNERS` of those — "việc" is in many questions ("ngày làm việc") but keeps coming back
only in the working-hours entry's, "đăng ký" in those of both exam-registration entries.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Literal

import numpy as np

from cchc_bot.matching.index import BM25Index
from cchc_bot.matching.keywords import EntryKeywords

WORD_SYLLABLES = 2  # a Vietnamese word: one or two syllables ("đăng ký", "thành lập")
SHARED_ENTRIES = 3  # a word in the questions of this many entries names no single one …
SHARED_SHARE = 0.05  # … or of this share of the entries, whichever is more …
KEY_OWNERS = 2  # … when it is a key word of at least this many of them:
KEY_WEIGHT = 0.25  # its syllables' scaled keyness in the entry add up to this much

Verdict = Literal["specific", "shared", "foreign"]


class SharedWords:
    """Counts the entries whose questions hold every one of a few words."""

    def __init__(self, questions: BM25Index, starts: np.ndarray, keywords: EntryKeywords) -> None:
        self._questions = questions
        self._starts = starts
        self._keywords = keywords
        self.needed = max(SHARED_ENTRIES, math.ceil(SHARED_SHARE * len(starts)))

    def _is_key_of_several(self, word: Sequence[str], entries: frozenset[int]) -> bool:
        owners = 0
        for entry in entries:
            keys = self._keywords.of_entry(entry)
            owners += sum(keys.get(t, 0.0) for t in word) >= KEY_WEIGHT
            if owners >= KEY_OWNERS:
                return True
        return False

    def holding(self, tokens: Sequence[str]) -> frozenset[int]:
        """The entries whose questions hold every one of `tokens`."""
        entries = self.entries_with(tokens[0]) if tokens else frozenset[int]()
        for token in tokens[1:]:
            entries &= self.entries_with(token)
        return entries

    def entries_with(self, token: str) -> frozenset[int]:
        docs = self._questions.postings(token)
        owners = np.searchsorted(self._starts, docs, side="right") - 1
        return frozenset(owners.tolist())

    def verdict(
        self, tokens: Sequence[str], content: Sequence[str]
    ) -> tuple[Verdict, frozenset[int]]:
        """`content`: the message's words (`tokens`, distinct, in order) that are neither
        everyday words, aspect cues nor generic phrases. "shared": the ones some question uses
        are one word (adjacent syllables) many entries share; "foreign": that, plus words no
        question uses; "specific": anything else ("chuyển trường THPT" is no one word).
        Also the entries that share the word (empty when "specific")."""
        vocabulary = self._questions.vocabulary
        known = [t for t in dict.fromkeys(content) if t in vocabulary]
        unknown = [t for t in content if t not in vocabulary and not t.isdigit()]
        none = frozenset[int]()
        if not known or len(known) > WORD_SYLLABLES:
            return "specific", none
        at = [tokens.index(t) for t in known]
        if at[-1] - at[0] != len(at) - 1:
            return "specific", none
        holders = self.holding(known)
        if len(holders) < self.needed or not self._is_key_of_several(known, holders):
            return "specific", none
        return ("foreign" if unknown else "shared"), holders
