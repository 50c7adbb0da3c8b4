"""What the reranker knows about one (query, candidate question) pair: a short feature vector.

Every feature is cheap (set arithmetic, rapidfuzz on short normalised strings) and scale-free
(ratios, shares, logs), so one set of weights serves small and large knowledge bases alike.
The order of FEATURE_NAMES is the order of the weights in `reranker_weights.py`.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass
from itertools import pairwise
from typing import NamedTuple

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
    "token_sort",  # rapidfuzz token_sort_ratio / 100
    "ratio",  # rapidfuzz ratio / 100
    "trigrams_query",  # shared character trigrams / query trigrams
    "trigrams_question",  # shared character trigrams / question length in trigrams
    "lcs",  # longest common token subsequence / query length
    "length_ratio",  # log(1 + query length) − log(1 + question length)
    "class_match",  # share of the query's interrogative classes the question shares
    "class_mismatch",  # both ask something, nothing in common
    "informative_coverage",  # share of the query's informative weight in the question, with
    # related words at half credit and aspect cues ("lệ phí") ignored unless the question has them
    "key_coverage",  # how much of the entry's key words (keywords.py) the query holds, 0–1
    "entry_coverage",  # informative coverage by all the entry's questions' words together
)


def char_trigrams(text: str) -> set[str]:
    """The distinct character trigrams of a text padded with one space either side."""
    padded = f" {text} "
    return set(map("".join, zip(padded, padded[1:], padded[2:], strict=False)))


class QueryWord(NamedTuple):
    """One distinct query word as the features see it."""

    word: str
    idf: float  # IDF in the question index (unknown words: the largest IDF)
    weight: float  # informativeness (everyday words count little)
    exact: float  # credit when the question has the word (less for a corrected word)
    near: float  # credit when the question has a related word instead
    related: frozenset[str]
    cue: bool  # an aspect cue ("lệ phí"): counted only where the question has it


@dataclass(frozen=True)
class QueryView:
    """The query side, computed once per query."""

    tokens: tuple[str, ...]
    text: str
    sorted_text: str  # the words in alphabetical order (what token_sort_ratio compares)
    words: tuple[QueryWord, ...]
    mass: float  # IDF mass of the distinct words
    bigrams: dict[tuple[str, str], float]  # distinct neighbour pair → min IDF of the two
    bigram_mass: float
    trigrams: frozenset[str]
    classes: int  # interrogative classes (bit mask)


def query_view(tokens: Sequence[str], words: Sequence[QueryWord], classes: int) -> QueryView:
    """`tokens`: the normalised query; `words`: its distinct words, described."""
    idf = {w.word: w.idf for w in words}
    pairs = {(a, b): min(idf[a], idf[b]) for a, b in pairwise(tokens)}
    text = " ".join(tokens)
    return QueryView(
        tuple(tokens),
        text,
        " ".join(sorted(tokens)),
        tuple(words),
        sum(idf.values()) + 1e-9,
        pairs,
        sum(pairs.values()) + 1e-9,
        frozenset(char_trigrams(text)),
        classes,
    )


class QuestionShape(NamedTuple):
    """A candidate question in the forms the features compare, worked out once per question."""

    tokens: tuple[str, ...]
    text: str
    words: frozenset[str]
    sorted_text: str  # what token_sort_ratio compares
    pairs: frozenset[tuple[str, str]]  # neighbour pairs
    padded: str  # one space either side (trigrams at the edges)


def question_shape(text: str) -> QuestionShape:
    """`text`: a normalised question (words joined by single spaces)."""
    tokens = tuple(text.split())
    return QuestionShape(
        tokens,
        text,
        frozenset(tokens),
        " ".join(sorted(tokens)),
        frozenset(pairwise(tokens)),
        f" {text} ",
    )


@dataclass(slots=True)
class CandidateView:
    """One candidate question of one entry, with the entry's first-stage scores."""

    shape: QuestionShape
    mass: float  # IDF mass of the question's distinct words
    classes: int
    fused: float  # relative to the best candidate (0–1)
    bm25_question: float  # relative to the best question (0–1)
    bm25_answer: float  # relative to the best answer (0–1)
    rank: int  # first-stage position, 0 = best
    in_answer: Collection[str]  # the query's words found in the entry's answer text
    keys: Mapping[str, float]  # the entry's key words and their scaled keyness
    entry_coverage: float  # `entry_coverage(query, words of all the entry's questions)`


def features(query: QueryView, cand: CandidateView) -> list[float]:
    """The feature vector (FEATURE_NAMES order) of one candidate question."""
    shape = cand.shape
    tokens, words = shape.tokens, shape.words
    in_answer = cand.in_answer
    keys = cand.keys
    matched = answer_only = total = got = key = 0.0
    for word, idf, weight, exact, near, related, cue in query.words:
        key += keys.get(word, 0.0)
        if word in words:
            matched += idf
            total += weight
            got += weight * exact
            continue
        if word in in_answer:
            answer_only += idf
        if not cue:  # asking "how much?" says nothing about which entry
            total += weight
            if related and not related.isdisjoint(words):
                got += weight * near
    bigrams = 0.0
    if query.bigrams:
        pairs = shape.pairs
        bigrams = sum(w for p, w in query.bigrams.items() if p in pairs)
    padded = shape.padded
    shared_grams = len([gram for gram in query.trigrams if gram in padded])  # distinct, shared
    n_query = len(query.tokens)
    n_question = len(tokens)
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
        fuzz.token_set_ratio(query.text, shape.text) / 100,
        fuzz.ratio(query.sorted_text, shape.sorted_text) / 100,  # = token_sort_ratio
        fuzz.ratio(query.text, shape.text) / 100,
        shared_grams / max(len(query.trigrams), 1),
        shared_grams / max(len(padded) - 2, 1),
        LCSseq.similarity(query.tokens, tokens) / max(n_query, 1),
        math.log(n_query + 1) - math.log(n_question + 1),
        (qc & cc).bit_count() / max(qc.bit_count(), 1),
        float(bool(qc) and bool(cc) and not qc & cc),
        got / total if total else 0.0,
        min(key, 1.0),
        cand.entry_coverage,
    ]


def entry_coverage(query: QueryView, entry_words: Collection[str]) -> float:
    """Informative coverage of the message by the words of all an entry's questions (the
    `informative_coverage` of one question, with the entry's vocabulary in its place)."""
    total = got = 0.0
    for word, _, weight, exact, near, related, cue in query.words:
        if word in entry_words:
            total += weight
            got += weight * exact
        elif not cue:
            total += weight
            if related and not related.isdisjoint(entry_words):
                got += weight * near
    return got / total if total else 0.0
