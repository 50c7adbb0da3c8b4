"""What the reranker knows about one (query, candidate question) pair: a short feature vector.

Every feature is cheap (set arithmetic, rapidfuzz on short normalised strings) and scale-free
(ratios, shares, logs), so one set of weights serves small and large knowledge bases alike.
The order of FEATURE_NAMES is the order of the weights in `reranker_weights.py`.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz
from rapidfuzz.distance import LCSseq

FEATURE_NAMES: tuple[str, ...] = (
    "fused",  # first-stage score (question BM25 + a fifth of answer BM25) / best in the pool
    "bm25_question",  # BM25 of this question / best question BM25
    "bm25_answer",  # BM25 of the entry's answer / best answer BM25
    "query_coverage",  # share of the query's IDF mass found in the question
    "question_coverage",  # that mass over the question's own IDF mass
    "answer_coverage",  # share of the query's IDF mass found only in the answer
    "bigrams",  # share of the query's word pairs (IDF-weighted) found in the question
    "log_length",  # log(1 + question length)
    "unmatched",  # IDF mass of question words the query does not have (/ 10)
    "log_rank",  # log(1 + first-stage rank)
    "token_set",  # rapidfuzz token_set_ratio / 100
    "partial",  # rapidfuzz partial_ratio / 100
    "token_sort",  # rapidfuzz token_sort_ratio / 100
    "ratio",  # rapidfuzz ratio / 100
    "trigrams_query",  # shared character trigrams / query trigrams
    "trigrams_question",  # shared character trigrams / question trigrams
    "lcs",  # longest common token subsequence / query length
    "length_ratio",  # log(1 + query length) − log(1 + question length)
    "class_match",  # share of the query's interrogative classes the question shares
    "class_mismatch",  # both ask something, nothing in common
    "informative_coverage",  # share of the query's informative weight in the question, with
    # related words at half credit and aspect cues ("lệ phí") ignored unless the question has them
)


def char_trigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


@dataclass(frozen=True)
class QueryView:
    """The query side, computed once per query."""

    tokens: tuple[str, ...]
    text: str
    idf: dict[str, float]  # distinct token → IDF (unknown words: the largest IDF)
    mass: float
    bigrams: dict[tuple[str, str], float]  # distinct neighbour pair → min IDF of the two
    bigram_mass: float
    trigrams: frozenset[str]
    classes: int  # interrogative classes (bit mask)


def query_view(
    tokens: Sequence[str], idf: Callable[[str], float], classes: int
) -> QueryView:
    weights = {t: idf(t) for t in dict.fromkeys(tokens)}
    pairs = {(a, b): min(weights[a], weights[b]) for a, b in zip(tokens, tokens[1:], strict=False)}
    text = " ".join(tokens)
    return QueryView(
        tuple(tokens),
        text,
        weights,
        sum(weights.values()) + 1e-9,
        pairs,
        sum(pairs.values()) + 1e-9,
        frozenset(char_trigrams(text)),
        classes,
    )


@dataclass(frozen=True)
class CandidateView:
    """One candidate question of one entry, with the entry's first-stage scores."""

    tokens: Sequence[str]
    text: str
    mass: float  # IDF mass of the question's distinct words
    classes: int
    fused: float  # relative to the best candidate (0–1)
    bm25_question: float  # relative to the best question (0–1)
    bm25_answer: float  # relative to the best answer (0–1)
    rank: int  # first-stage position, 0 = best
    in_answer: Collection[str]  # the query's words found in the entry's answer text
    coverage: float  # informative coverage (computed by the matcher, which knows the cues)


def features(query: QueryView, cand: CandidateView) -> list[float]:
    """The feature vector (FEATURE_NAMES order) of one candidate question."""
    words = set(cand.tokens)
    qidf = query.idf
    matched = sum(w for t, w in qidf.items() if t in words)
    answer_only = sum(w for t, w in qidf.items() if t not in words and t in cand.in_answer)
    pairs = set(zip(cand.tokens, cand.tokens[1:], strict=False))
    bigrams = sum(w for p, w in query.bigrams.items() if p in pairs)
    grams = char_trigrams(cand.text)
    shared_grams = len(query.trigrams & grams)
    n_query = len(query.tokens)
    n_question = len(cand.tokens)
    qc, cc = query.classes, cand.classes
    return [
        cand.fused,
        cand.bm25_question,
        cand.bm25_answer,
        matched / query.mass,
        matched / (cand.mass + 1e-9),
        answer_only / query.mass,
        bigrams / query.bigram_mass,
        math.log(n_question + 1),
        (cand.mass - matched) / 10,
        math.log(cand.rank + 1),
        fuzz.token_set_ratio(query.text, cand.text) / 100,
        fuzz.partial_ratio(query.text, cand.text) / 100,
        fuzz.token_sort_ratio(query.text, cand.text) / 100,
        fuzz.ratio(query.text, cand.text) / 100,
        shared_grams / max(len(query.trigrams), 1),
        shared_grams / max(len(grams), 1),
        LCSseq.similarity(query.tokens, cand.tokens) / max(n_query, 1),
        math.log(n_query + 1) - math.log(n_question + 1),
        (qc & cc).bit_count() / max(qc.bit_count(), 1),
        float(bool(qc) and bool(cc) and not qc & cc),
        cand.coverage,
    ]
