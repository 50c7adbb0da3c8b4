"""A compact BM25 inverted index over token lists (numpy postings, built in one pass)."""

from __future__ import annotations

import math
from array import array
from collections.abc import Callable, Iterable, Mapping, Sequence

import numpy as np


class BM25Index:
    """Documents are token lists; `scores` returns one BM25 score per document.

    Postings are stored CSR-style: for term id t, `_docs[_ptr[t]:_ptr[t+1]]` are the documents
    that contain it and `_weights[...]` their precomputed BM25 term weights.
    """

    def __init__(
        self,
        docs: Iterable[Sequence[str]],
        *,
        k1: float = 1.2,
        b: float = 0.75,
        min_idf: float = 0.0,
    ) -> None:
        # Documents are encoded to term ids as they stream in: no token lists are kept.
        self.vocabulary: dict[str, int] = {}
        vocab = self.vocabulary
        term_ids = array("i")
        doc_lengths = array("i")
        for doc in docs:
            doc_lengths.append(len(doc))
            try:
                term_ids.extend([vocab[token] for token in doc])
            except KeyError:
                for token in doc:
                    tid = vocab.get(token)
                    if tid is None:
                        tid = vocab[token] = len(vocab)
                    term_ids.append(tid)
        self.n_docs = len(doc_lengths)
        self.pairs, self.pair_counts = _neighbour_pairs(term_ids, doc_lengths)
        lengths = np.frombuffer(doc_lengths, dtype=np.int32).astype(np.float32)
        terms = np.frombuffer(term_ids, dtype=np.int32).astype(np.int64)
        doc_of = np.repeat(np.arange(self.n_docs, dtype=np.int64), lengths.astype(np.int64))
        pairs, tf = _distinct(terms * max(self.n_docs, 1) + doc_of)
        pair_terms = pairs // max(self.n_docs, 1)
        pair_docs = (pairs % max(self.n_docs, 1)).astype(np.int32)
        df = np.bincount(pair_terms, minlength=len(vocab)).astype(np.float32)
        self.doc_freq = df
        self.idf = np.log1p((self.n_docs - df + 0.5) / (df + 0.5)).astype(np.float32)
        avg_len = float(lengths.mean()) if self.n_docs else 1.0
        norm = k1 * (1.0 - b + b * lengths[pair_docs] / max(avg_len, 1e-9))
        tf = tf.astype(np.float32)
        self._weights = (self.idf[pair_terms] * tf * (k1 + 1.0) / (tf + norm)).astype(np.float32)
        self._docs = pair_docs
        self._ptr = np.zeros(len(vocab) + 1, dtype=np.int64)
        np.cumsum(df.astype(np.int64), out=self._ptr[1:])
        # Forward index: the distinct term ids of each document, for per-document checks.
        order = np.argsort(pair_docs, kind="stable")
        self._fwd_terms = pair_terms[order].astype(np.int32)
        self._fwd_ptr = np.zeros(self.n_docs + 1, dtype=np.int64)
        np.cumsum(np.bincount(pair_docs, minlength=self.n_docs), out=self._fwd_ptr[1:])
        # Terms in most documents weigh almost nothing but cost the most to score: skip them.
        self._skip = self.idf < min_idf
        self.idf_of: dict[str, float] = dict(zip(vocab, self.idf.tolist(), strict=True))
        self.max_idf = float(math.log1p((self.n_docs + 0.5) / 0.5))

    def owners_per_term(self, group_of_doc: np.ndarray) -> np.ndarray:
        """Per term, in how many distinct groups (e.g. entries) its documents fall."""
        groups = group_of_doc[self._docs].astype(np.int64)
        terms = np.repeat(np.arange(len(self.vocabulary)), np.diff(self._ptr))
        unique, _ = _distinct(terms * (int(group_of_doc.max(initial=0)) + 1) + groups)
        return np.bincount(
            unique // (int(group_of_doc.max(initial=0)) + 1), minlength=len(self.vocabulary)
        )

    def frequencies(self) -> dict[str, int]:
        """Document frequency of every term."""
        return dict(zip(self.vocabulary, self.doc_freq.astype(int).tolist(), strict=True))

    def doc_terms(self, doc: int) -> np.ndarray:
        """The distinct term ids of one document."""
        return self._fwd_terms[self._fwd_ptr[doc] : self._fwd_ptr[doc + 1]]

    def doc_idf_mass(self, ignore: Callable[[str], bool] | None = None) -> np.ndarray:
        """Per document, the sum of the IDF of its distinct terms (`ignore`d terms apart)."""
        owners = np.repeat(np.arange(self.n_docs), np.diff(self._fwd_ptr))
        idf = self.idf
        if ignore is not None:
            idf = np.where([ignore(t) for t in self.vocabulary], 0.0, idf)
        return np.bincount(owners, idf[self._fwd_terms], minlength=self.n_docs)

    def pair_count(self, a: str, b: str) -> int:
        """How often `b` directly follows `a` inside one document."""
        ia, ib = self.vocabulary.get(a), self.vocabulary.get(b)
        if ia is None or ib is None or not len(self.pairs):
            return 0
        key = ia << 32 | ib
        i = int(np.searchsorted(self.pairs, key))
        return int(self.pair_counts[i]) if i < len(self.pairs) and self.pairs[i] == key else 0

    def term_idf(self, token: str) -> float | None:
        return self.idf_of.get(token)

    def frequency(self, token: str) -> int:
        tid = self.vocabulary.get(token)
        return 0 if tid is None else int(self.doc_freq[tid])

    def postings(self, token: str) -> np.ndarray:
        """The documents containing `token` (sorted)."""
        tid = self.vocabulary.get(token)
        if tid is None:
            return np.empty(0, dtype=np.int32)
        return self._docs[self._ptr[tid] : self._ptr[tid + 1]]

    def scores(self, weighted_terms: Mapping[str, float]) -> np.ndarray:
        """BM25 of every document for the given terms, each scaled by its query weight."""
        docs: list[np.ndarray] = []
        weights: list[np.ndarray] = []
        for token, weight in weighted_terms.items():
            tid = self.vocabulary.get(token)
            if tid is None or weight <= 0 or self._skip[tid]:
                continue
            lo, hi = self._ptr[tid], self._ptr[tid + 1]
            docs.append(self._docs[lo:hi])
            weights.append(self._weights[lo:hi] if weight == 1.0 else self._weights[lo:hi] * weight)
        if not docs:
            return np.zeros(self.n_docs, dtype=np.float64)
        return np.bincount(np.concatenate(docs), np.concatenate(weights), minlength=self.n_docs)

    def tokens(self) -> Iterable[str]:
        return self.vocabulary.keys()


def _neighbour_pairs(term_ids: array, doc_lengths: array) -> tuple[np.ndarray, np.ndarray]:
    """Sorted distinct `a << 32 | b` keys of neighbouring terms inside documents, with counts."""
    seq = np.frombuffer(term_ids, dtype=np.int32).astype(np.int64)
    if len(seq) < 2:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int32)
    keys = seq[:-1] << 32 | seq[1:]
    ends = np.cumsum(np.frombuffer(doc_lengths, dtype=np.int32).astype(np.int64)) - 1
    keep = np.ones(len(keys), dtype=bool)
    keep[ends[(ends >= 0) & (ends < len(keys))]] = False
    pairs, counts = _distinct(keys[keep])
    return pairs, counts.astype(np.int32)


def _distinct(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The sorted distinct values of an integer array and how often each occurs.

    What `np.unique(keys, return_counts=True)` gives, by one sort: numpy 2's hash-based
    `unique` is many times slower on the millions of keys of a large knowledge base.
    """
    ordered = np.sort(keys)
    if not len(ordered):
        return ordered, np.empty(0, dtype=np.int64)
    first = np.empty(len(ordered), dtype=bool)
    first[0] = True
    np.not_equal(ordered[1:], ordered[:-1], out=first[1:])
    starts = np.flatnonzero(first)
    return ordered[starts], np.diff(starts, append=len(ordered))
