"""A compact BM25 inverted index over token lists (numpy postings, built in one pass)."""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence

import numpy as np


class BM25Index:
    """Documents are token lists; `scores` returns one BM25 score per document.

    Postings are stored CSR-style: for term id t, `_docs[_ptr[t]:_ptr[t+1]]` are the documents
    that contain it and `_weights[...]` their precomputed BM25 term weights.
    """

    def __init__(self, docs: Sequence[Sequence[str]], *, k1: float = 1.2, b: float = 0.75) -> None:
        self.n_docs = len(docs)
        self.vocabulary: dict[str, int] = {}
        vocab = self.vocabulary
        term_ids: list[int] = []
        lengths = np.zeros(self.n_docs, dtype=np.float32)
        for i, doc in enumerate(docs):
            lengths[i] = len(doc)
            for token in doc:
                tid = vocab.get(token)
                if tid is None:
                    tid = vocab[token] = len(vocab)
                term_ids.append(tid)
        terms = np.asarray(term_ids, dtype=np.int64)
        doc_of = np.repeat(np.arange(self.n_docs, dtype=np.int64), lengths.astype(np.int64))
        pairs, tf = np.unique(terms * max(self.n_docs, 1) + doc_of, return_counts=True)
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
        self.max_idf = float(math.log1p((self.n_docs + 0.5) / 0.5))

    def term_idf(self, token: str) -> float | None:
        tid = self.vocabulary.get(token)
        return None if tid is None else float(self.idf[tid])

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
        out = np.zeros(self.n_docs, dtype=np.float32)
        for token, weight in weighted_terms.items():
            tid = self.vocabulary.get(token)
            if tid is None or weight <= 0:
                continue
            lo, hi = self._ptr[tid], self._ptr[tid + 1]
            out[self._docs[lo:hi]] += self._weights[lo:hi] * weight
        return out

    def tokens(self) -> Iterable[str]:
        return self.vocabulary.keys()
