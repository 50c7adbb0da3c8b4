"""Near-duplicate questions across entries: what makes answers ambiguous."""

from __future__ import annotations

from dataclasses import dataclass

from rapidfuzz import fuzz

from cchc_bot.matching.matcher import Matcher


@dataclass(frozen=True)
class NearDuplicate:
    entry_id: str
    question: str
    other_id: str
    other_question: str
    similarity: float  # 0–100


def find_near_duplicates(matcher: Matcher, *, threshold: float = 90.0) -> list[NearDuplicate]:
    """Pairs of questions from different entries that ask nearly the same thing.

    Each question is looked up in the index to find the few questions worth comparing, so the
    check stays fast on large knowledge bases. Two questions are near duplicates when the
    informative words they share outweigh those that differ (IDF-weighted Jaccard ≥
    `threshold` %), or when their normalised texts differ by a character or two (rapidfuzz).
    A single distinctive word ("… trường chuyên", "… trở lại") is enough to tell two apart.
    """
    found: list[NearDuplicate] = []
    seen: set[tuple[int, int]] = set()
    tokens = [matcher.normalizer.tokens(q) for e in matcher.entries for q in e.questions]
    owner = [(i, q) for i, e in enumerate(matcher.entries) for q in e.questions]
    weight: dict[str, float] = {}
    for doc in tokens:
        for t in doc:
            if t not in weight:
                weight[t] = 0.3 if matcher.is_everyday(t) else matcher.informativeness(t)
    for doc, words in enumerate(tokens):
        if not words:
            continue
        scores = matcher.questions.scores(dict.fromkeys(words, 1.0))
        for other in scores.argsort()[::-1][:6]:
            other = int(other)
            a, b = owner[doc][0], owner[other][0]
            pair = (min(doc, other), max(doc, other))
            if other == doc or scores[other] <= 0 or a == b or pair in seen:
                continue
            mine, theirs = set(words), set(tokens[other])
            union = sum(weight[t] for t in mine | theirs)
            shared = sum(weight[t] for t in mine & theirs)
            similarity = 100.0 * shared / union if union else 0.0
            spelled = fuzz.ratio(" ".join(words), " ".join(tokens[other]))
            if similarity >= threshold or spelled >= 97:  # report the measure that fired
                seen.add(pair)
                found.append(
                    NearDuplicate(
                        matcher.entries[a].id,
                        owner[doc][1],
                        matcher.entries[b].id,
                        owner[other][1],
                        round(similarity if similarity >= threshold else spelled, 1),
                    )
                )
    return found
