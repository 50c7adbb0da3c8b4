"""Which entries a message is offered as choices, when it is not answered."""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from cchc_bot.matching.facets import SchoolLevels
from cchc_bot.matching.keywords import EntryKeywords
from cchc_bot.matching.query import Query
from cchc_bot.matching.types import MAX_CHOICES, Candidate, Thresholds

CHOICE_FLOOR = 0.05  # a choice offered is at least a twentieth as likely as the best one …
CHOICE_KEY_WORDS = 0.2  # … and the message holds this much of its key words (keywords.py)


class Chooser:
    """Picks and orders the choices (`Matcher.match` asks it)."""

    def __init__(
        self,
        thresholds: Thresholds,
        keywords: EntryKeywords,
        levels: SchoolLevels,
        index_of: Mapping[str, int],
    ) -> None:
        self._thresholds = thresholds
        self._keywords = keywords
        self._levels = levels
        self._index_of = index_of

    def holds_key_words(self, query: Query, candidate: Candidate) -> bool:
        """Whether the message holds enough of the entry's key words to offer it at all:
        "làm hộ chiếu ở đâu" shares only a frame with some question, none of its words."""
        keys = self._keywords.of_entry(self._index_of[candidate.entry.id])
        return sum(keys.get(t, 0.0) for t in query.tokens) >= CHOICE_KEY_WORDS

    def offered(
        self,
        query: Query,
        candidates: Sequence[Candidate],
        rivals: Sequence[Candidate],
        numbered: Sequence[Candidate],
        sharing: Collection[int],
    ) -> tuple[Candidate, ...]:
        """Up to three choices: a candidate likely enough by itself (the choice threshold)
        and next to the best one (`CHOICE_FLOOR`), holding some of its entry's key words —
        or a rival that made the answer a choice (another school level, a reference number,
        as close a fit). A message whose only content is a word many entries share
        (`sharing`: those entries) is offered the likeliest of those entries, next to the best."""
        best = candidates[0]
        near = best.score * CHOICE_FLOOR
        if sharing:  # the entries that use the word are the choices, however unlikely alone
            kept = [
                c for c in candidates if self._index_of[c.entry.id] in sharing and c.score >= near
            ]
            return tuple(kept[:MAX_CHOICES])
        floor = max(near, self._thresholds.choice)
        kept = [
            c
            for c in candidates[:MAX_CHOICES]
            if (c.score >= floor and self.holds_key_words(query, c)) or c in rivals
        ]
        if not kept:
            return ()
        kept += [c for c in rivals if c not in kept]
        kept = [kept[0], *numbered, *(c for c in kept[1:] if c not in numbered)]
        named = self._levels.named(query.sequence)
        if named and not named & self._levels.of_entry(best.entry.id):
            # The best entry is about another school level: the one the citizen named first.
            kept.sort(key=lambda c: not (named & self._levels.of_entry(c.entry.id)))
        return tuple(kept[:MAX_CHOICES])
