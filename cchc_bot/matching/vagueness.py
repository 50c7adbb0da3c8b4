"""Messages too vague to answer: only everyday words, generic phrases and aspect cues.

"thủ tục", "hồ sơ học phí", "nộp ở đâu" say nothing about which entry is meant, however well
some question matches them. Generic phrases count only as whole phrases: "học phí" is
generic, but the "học" of "xin học lại" is not.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterable

from cchc_bot.matching.query import Query


class Vagueness:
    """Tells whether a message holds anything but everyday words, generic phrases and cues."""

    def __init__(
        self,
        common: Collection[str],
        generic: Iterable[str],
        tokens: Callable[[str], list[str]],
    ) -> None:
        self._common = common
        phrases = {tuple(tokens(w)) for w in generic} - {()}
        self._generic = tuple(sorted(phrases, key=len, reverse=True))

    def is_vague(self, query: Query, *, cues_say_nothing: bool = True) -> bool:
        """Whether every word is everyday, part of a generic phrase or (when
        `cues_say_nothing`) an aspect cue ("lệ phí", "ở đâu", "online")."""
        return not self.content(query, cues_say_nothing=cues_say_nothing)

    def content(self, query: Query, *, cues_say_nothing: bool = True) -> list[str]:
        """The words that are none of those, in order."""
        tokens = list(query.tokens)
        cues = query.cue_words if cues_say_nothing else frozenset()
        covered = [t in self._common or t in cues for t in tokens]
        present = set(tokens)
        for phrase in self._generic:
            if phrase[0] not in present:
                continue
            width = len(phrase)
            for i in range(len(tokens) - width + 1):
                if tuple(tokens[i : i + width]) == phrase:
                    covered[i : i + width] = [True] * width
        return [t for t, done in zip(tokens, covered, strict=True) if not done]

    def cue_is_the_topic(self, query: Query, kind: str) -> bool:
        """An aspect cue picks a field of a procedure, but can be what a question about
        something else is about: "làm thủ tục giáo dục online được không" asks about online
        services (an FAQ entry, confidently matched), not about some procedure's online link.
        """
        return kind != "procedure" and not self.is_vague(query, cues_say_nothing=False)
