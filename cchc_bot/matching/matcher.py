"""Finding the knowledge entry a question is about, and deciding how sure we are."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from cchc_bot.knowledge.model import Entry, KnowledgeBase
from cchc_bot.lexicon import COMMON_WORDS, GENERIC_WORDS, RELATED_WORDS
from cchc_bot.matching.aspects import AspectDetector
from cchc_bot.matching.index import BM25Index
from cchc_bot.matching.speller import Speller
from cchc_bot.memory import release_free_memory
from cchc_bot.vietnamese import Normalizer

MatchStatus = Literal["answer", "choices", "unknown"]
# Why the matcher decided as it did (for logs and for the engine's wording).
Reason = Literal["confident", "close", "ambiguous", "low_score", "too_vague", "empty"]

MAX_CHOICES = 3
_CANDIDATE_POOL = 10
_COVERAGE_IN_RANK = 0.75  # final order: BM25 / best BM25 + 0.75 × coverage score
_QUESTIONS_COMPARED = 3  # per candidate entry, the questions whose coverage is measured
_ANSWER_FIELD_WEIGHT = 0.2  # answer text helps ranking a little (measured on the benchmark)
_RELATED_WEIGHT = 0.3  # a related word counts this much of an exact one when ranking
_RELATED_CREDIT = 0.5  # … and this much when measuring how much of the question is covered
_CORRECTED_CREDIT = 0.85
_DISTINCTIVE_IDF = 1.0  # words rarer than this tell entries apart
_MIN_ANSWER_IDF = 0.3  # answer words in most answers are skipped when ranking
_QUERY_SHARE = 0.8  # the score weighs query coverage 0.8, question coverage 0.2
_AMBIGUITY_GAP = 0.1  # another entry this close, matching the same words, makes it ambiguous


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.62
    choice: float = 0.35
    margin: float = 0.08


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float  # 0–1: how much of the question this entry's best question covers
    rank: float  # the ranking value (BM25 fusion and coverage); comparable within one query


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    entry: Entry | None
    aspect: str | None
    score: float
    candidates: tuple[Candidate, ...]
    reason: Reason


@dataclass(frozen=True)
class _Query:
    tokens: tuple[str, ...]
    weights: dict[str, float]  # query token → informativeness
    terms: dict[str, float]  # index term → weight used for ranking
    related_of: dict[str, frozenset[int]]  # query token → ids of related question terms
    ids: dict[str, int]  # query token → question term id (-1: not in any question)
    corrected: frozenset[str]
    aspect: str | None
    cue_words: frozenset[str]  # words that ask for an aspect ("lệ phí", "ở đâu")


def _answer_text(entry: Entry) -> str:
    if entry.answer:
        return entry.answer
    p = entry.procedure
    if p is None:
        return ""
    parts = [p.summary or "", *p.documents, *p.steps, p.where or "", p.result or ""]
    parts += [p.processing_time or "", p.fee or "", p.agency or "", p.note or ""]
    return "\n".join(parts)


class Matcher:
    """Ranks entries for a question with BM25 over normalised questions (plus a little of the
    answer text), then decides: answer, a short choice, or unknown."""

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        normalizer: Normalizer | None = None,
    ) -> None:
        syn = knowledge.synonyms
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self.normalizer = normalizer or Normalizer(syn.groups, syn.filler)
        self.entries: tuple[Entry, ...] = knowledge.entries
        counts = [len(e.questions) for e in self.entries]
        self._entry_of_doc = np.repeat(np.arange(len(self.entries)), counts)
        self._starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        tokens = self.normalizer.tokens
        self.questions = BM25Index(
            (tokens(q) for e in self.entries for q in e.questions), k1=1.2, b=0.9
        )
        self._doc_mass = self.questions.doc_idf_mass()
        self.answers = BM25Index(
            (tokens(_answer_text(e)) for e in self.entries),
            k1=1.2,
            b=0.75,
            min_idf=_MIN_ANSWER_IDF,
        )
        freq = self.answers.frequencies()
        for token, count in self.questions.frequencies().items():
            freq[token] = freq.get(token, 0) + count
        q = self.questions
        self.speller = Speller(freq, q.vocabulary, q.pairs, q.pair_counts)
        self.aspects = AspectDetector(self.normalizer)
        self._common = {t for w in COMMON_WORDS for t in self.normalizer.tokens(w)}
        self._generic = self._generic_words()
        self._related = self._related_table((*RELATED_WORDS, *syn.related))
        self._valid_cache: tuple[date, np.ndarray] | None = None
        release_free_memory()

    # --- building -------------------------------------------------------------------------

    def _related_table(self, groups: Sequence[Sequence[str]]) -> dict[str, set[str]]:
        table: dict[str, set[str]] = {}
        for group in groups:
            phrases = [tuple(self.normalizer.tokens(w)) for w in group]
            words = [p[0] for p in phrases if len(p) == 1]
            for word in words:
                table.setdefault(word, set()).update(w for w in words if w != word)
        return table

    def _generic_words(self) -> frozenset[str]:
        """Words that name a whole field ("thủ tục", "hồ sơ"): listed in the lexicon.

        (Counting how many entries use a word was tried and rejected: in a small knowledge
        base half the entries easily share a specific word such as "bản" or "phí".)
        """
        return frozenset(t for w in GENERIC_WORDS for t in self.normalizer.tokens(w))

    def _valid_mask(self, today: date) -> np.ndarray:
        if self._valid_cache is None or self._valid_cache[0] != today:
            mask = np.fromiter((e.is_valid_on(today) for e in self.entries), dtype=bool)
            self._valid_cache = (today, mask)
        return self._valid_cache[1]

    # --- one query ------------------------------------------------------------------------

    def is_everyday(self, token: str) -> bool:
        return token in self._common

    def informativeness(self, token: str) -> float:
        """How much a word says about what is asked (IDF; low for everyday words)."""
        return self._weight(token)

    def _weight(self, token: str) -> float:
        idf = self.questions.term_idf(token)
        if idf is None:
            idf = self.answers.term_idf(token)
        if idf is not None:
            return max(idf, 0.05)
        if token in self._common or token.isdigit():
            return 0.3
        return self.questions.max_idf

    def _query(self, text: str) -> _Query:
        raw = self.normalizer.tokens(text)
        tokens, corrected = self.speller.correct(raw)
        unique = tuple(dict.fromkeys(tokens))
        terms = dict.fromkeys(unique, 1.0)
        related_of: dict[str, frozenset[int]] = {}
        vocabulary = self.questions.vocabulary
        for token in unique:
            related = self._related.get(token, set()) - set(unique)
            related_of[token] = frozenset(vocabulary[w] for w in related if w in vocabulary)
            for word in related:
                terms[word] = max(terms.get(word, 0.0), _RELATED_WEIGHT)
        ids = {t: vocabulary.get(t, -1) for t in unique}
        weights = {t: self._weight(t) for t in unique}
        aspect, cue_words = self.aspects.find(tokens)
        return _Query(
            unique, weights, terms, related_of, ids, frozenset(corrected), aspect, cue_words
        )

    def _coverage(self, query: _Query, doc_index: int) -> tuple[float, frozenset[str]]:
        """How well one question fits the query, and the distinctive words they share.

        Mostly the share of the query's informative weight the question contains, and a
        little the share of the question's own weight the query contains (so a question that
        also names things the citizen did not ask about ranks below one that does not).
        """
        doc = set(self.questions.doc_terms(doc_index).tolist())
        idf = self.questions.idf
        ids = query.ids
        total = got = doc_got = 0.0
        matched: set[str] = set()
        for token in query.tokens:
            weight = query.weights[token]
            if token in query.cue_words and ids[token] not in doc:
                continue  # asking "how much?" says nothing about which procedure
            total += weight
            if ids[token] in doc:
                got += weight * (_CORRECTED_CREDIT if token in query.corrected else 1.0)
                doc_got += idf[ids[token]]
                matched.add(token)
            elif related := query.related_of[token] & doc:
                got += weight * _RELATED_CREDIT
                doc_got += max(idf[r] for r in related) * _RELATED_CREDIT
                matched.add(token)
        distinctive = frozenset(t for t in matched if query.weights[t] >= _DISTINCTIVE_IDF)
        if not total:
            return 0.0, distinctive
        mass = self._doc_mass[doc_index]
        doc_share = min(1.0, doc_got / mass) if mass else 0.0
        return _QUERY_SHARE * got / total + (1 - _QUERY_SHARE) * doc_share, distinctive

    def _rank(self, query: _Query, today: date) -> tuple[list[tuple[int, float]], np.ndarray]:
        """Top entries by fused score, and the BM25 score of every question."""
        q_scores = self.questions.scores(query.terms)
        if not len(self.entries):
            return [], q_scores
        by_entry = np.maximum.reduceat(q_scores, self._starts) if len(q_scores) else q_scores
        a_scores = self.answers.scores(query.terms)
        q_max, a_max = float(by_entry.max()), float(a_scores.max())
        if q_max <= 0:
            return [], q_scores
        fused = by_entry / q_max
        if a_max > 0:
            fused = fused + _ANSWER_FIELD_WEIGHT * a_scores / a_max
        fused = np.where(self._valid_mask(today) & (by_entry > 0), fused, -1.0)
        k = min(_CANDIDATE_POOL, len(fused))
        top = np.argpartition(-fused, k - 1)[:k]
        ranked = sorted(((int(i), float(fused[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0], q_scores

    def _best_question(
        self, query: _Query, entry_index: int, q_scores: np.ndarray
    ) -> tuple[float, frozenset[str]]:
        """Coverage of the entry's best questions (the few BM25 ranks highest)."""
        start = int(self._starts[entry_index])
        count = len(self.entries[entry_index].questions)
        docs = range(start, start + count)
        if count > _QUESTIONS_COMPARED:
            order = np.argsort(-q_scores[start : start + count])[:_QUESTIONS_COMPARED]
            docs = [start + int(i) for i in order]
        best = (0.0, frozenset[str]())
        for doc in docs:
            cov = self._coverage(query, doc)
            if cov[0] > best[0]:
                best = cov
        return best

    def search(self, text: str, *, today: date | None = None, limit: int = 10) -> list[Candidate]:
        """Entries ranked for `text` with their coverage scores (no decision)."""
        return self._candidates(self._query(text), today or date.today())[0][:limit]

    def _candidates(
        self, query: _Query, today: date
    ) -> tuple[list[Candidate], list[frozenset[str]]]:
        """The pool re-ordered by BM25 (relative to the best) plus coverage.

        Coverage breaks near-ties that BM25 cannot ("chuyển trường THPT" vs "… THCS"): on the
        golden set it lifts top-1 from 0.91 to 0.93 and on the public benchmark by 1–2 points.
        """
        ranked, q_scores = self._rank(query, today)
        if not ranked:
            return [], []
        top = ranked[0][1]
        scored = []
        for index, rank in ranked:
            score, hits = self._best_question(query, index, q_scores)
            combined = rank / top + _COVERAGE_IN_RANK * score
            scored.append((Candidate(self.entries[index], round(score, 4), combined), hits))
        scored.sort(key=lambda pair: -pair[0].rank)
        return [c for c, _ in scored], [h for _, h in scored]

    def match(self, text: str, *, today: date | None = None) -> Match:
        query = self._query(text)
        if not query.tokens:
            return Match("unknown", None, None, 0.0, (), "empty")
        vague = self._is_vague(query)
        candidates, matched = self._candidates(query, today or date.today())
        t = self.thresholds
        if not candidates or candidates[0].score < t.choice or vague:
            score = candidates[0].score if candidates else 0.0
            why: Reason = "too_vague" if vague else "low_score"
            return Match("unknown", None, None, score, (), why)
        best = candidates[0]
        ambiguous = any(
            matched[0] <= matched[i] and candidates[i].score >= best.score - _AMBIGUITY_GAP
            for i in range(1, min(len(candidates), MAX_CHOICES + 1))
        )
        runner_up = candidates[1] if len(candidates) > 1 else None
        clear_lead = runner_up is None or (best.rank - runner_up.rank) >= t.margin * best.rank
        if best.score >= t.answer and clear_lead and not ambiguous:
            aspect = query.aspect if best.entry.kind == "procedure" else None
            return Match("answer", best.entry, aspect, best.score, (best,), "confident")
        floor = max(t.choice, best.score * 0.6)
        offered = tuple(c for c in candidates[:MAX_CHOICES] if c.score >= floor)
        reason: Reason = "ambiguous" if ambiguous else "close"
        return Match("choices", None, query.aspect, best.score, offered, reason)

    def _is_vague(self, query: _Query) -> bool:
        """Nothing but everyday words, generic words and aspect cues ("thủ tục", "lệ phí")."""
        return all(
            t in self._common or t in self._generic or t in query.cue_words for t in query.tokens
        )
