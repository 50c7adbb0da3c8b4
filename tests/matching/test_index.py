"""The BM25 index against a plain, term-by-term BM25 written out from its definition."""

from __future__ import annotations

import math
from collections import Counter
from itertools import pairwise

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cchc_bot.matching.index import BM25Index, _distinct

_WORDS = st.sampled_from(["bang", "tot", "nghiep", "ban", "sao", "thi", "o", "dau", "hoc", "phi"])
_DOCS = st.lists(st.lists(_WORDS, max_size=9), min_size=1, max_size=12)


def reference_bm25(docs: list[list[str]], query: dict[str, float], k1: float, b: float) -> list:
    avg = sum(map(len, docs)) / len(docs) or 1.0
    n = len(docs)
    df = Counter(t for doc in docs for t in set(doc))
    out = []
    for doc in docs:
        tf = Counter(doc)
        score = 0.0
        for term, weight in query.items():
            if not tf[term]:
                continue
            idf = math.log1p((n - df[term] + 0.5) / (df[term] + 0.5))
            norm = k1 * (1 - b + b * len(doc) / avg)
            score += weight * idf * tf[term] * (k1 + 1) / (tf[term] + norm)
        out.append(score)
    return out


@settings(max_examples=150, deadline=None)
@given(_DOCS, st.dictionaries(_WORDS, st.sampled_from([1.0, 0.5, 2.0]), min_size=1))
def test_scores_are_those_of_the_bm25_formula(docs: list[list[str]], query: dict) -> None:
    index = BM25Index(docs, k1=1.2, b=0.75)
    expected = reference_bm25(docs, query, 1.2, 0.75)
    assert index.scores(query) == pytest.approx(expected, rel=1e-4, abs=1e-5)


@settings(max_examples=100, deadline=None)
@given(_DOCS)
def test_frequencies_pairs_and_postings(docs: list[list[str]]) -> None:
    index = BM25Index(docs)
    df = Counter(t for doc in docs for t in set(doc))
    assert index.frequencies() == dict(df)
    pairs = Counter((a, b) for doc in docs for a, b in pairwise(doc))
    for a in df:
        for b in df:
            assert index.pair_count(a, b) == pairs[(a, b)]
        assert index.postings(a).tolist() == [i for i, doc in enumerate(docs) if a in doc]
    for i, doc in enumerate(docs):
        terms = {index.vocabulary[t] for t in doc}
        assert sorted(index.doc_terms(i).tolist()) == sorted(terms)


@settings(max_examples=100, deadline=None)
@given(_DOCS, st.data())
def test_owners_per_term_counts_distinct_groups(docs: list[list[str]], data) -> None:
    groups = data.draw(st.lists(st.integers(0, 3), min_size=len(docs), max_size=len(docs)))
    index = BM25Index(docs)
    owners = index.owners_per_term(np.asarray(groups))
    for term, tid in index.vocabulary.items():
        assert owners[tid] == len({g for g, doc in zip(groups, docs, strict=True) if term in doc})


@given(st.lists(st.integers(-(2**40), 2**40), max_size=60))
def test_distinct_is_numpy_unique_with_counts(values: list[int]) -> None:
    keys = np.asarray(values, dtype=np.int64)
    got_values, got_counts = _distinct(keys)
    want_values, want_counts = np.unique(keys, return_counts=True)
    assert got_values.tolist() == want_values.tolist()
    assert got_counts.tolist() == want_counts.tolist()
