"""Finding the knowledge entry a question is about, and deciding how sure we are."""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Literal

import numpy as np

from cchc_bot.knowledge.model import Entry, KnowledgeBase
from cchc_bot.lexicon import COMMON_WORDS, GENERIC_WORDS, RELATED_WORDS
from cchc_bot.matching.aspects import AspectDetector
from cchc_bot.matching.features import CandidateView, QueryView, features, query_view
from cchc_bot.matching.index import BM25Index
from cchc_bot.matching.qtypes import QuestionClasses
from cchc_bot.matching.rerank import Reranker
from cchc_bot.matching.speller import Speller
from cchc_bot.memory import release_free_memory
from cchc_bot.vietnamese import Normalizer

MatchStatus = Literal["answer", "choices", "unknown"]
# Why the matcher decided as it did (for logs and for the engine's wording).
Reason = Literal["confident", "close", "ambiguous", "low_score", "too_vague", "empty"]

MAX_CHOICES = 3
_CANDIDATE_POOL = 10  # entries the first stage hands to the reranker
_QUESTIONS_COMPARED = 3  # per candidate entry, the questions whose coverage is measured
_ANSWER_FIELD_WEIGHT = 0.2  # answer text helps ranking a little (measured on the benchmark)
_RELATED_WEIGHT = 0.3  # a related word counts this much of an exact one when ranking
_CLASS_WEIGHT = 1.0  # an interrogative class ("when", "where" …) counts as one word
_RELATED_CREDIT = 0.5  # … and this much when measuring how much of the question is covered
_CORRECTED_CREDIT = 0.85
_DISTINCTIVE_IDF = 1.0  # words rarer than this tell entries apart
_MIN_ANSWER_IDF = 0.3  # answer words in most answers are skipped when ranking
_AMBIGUITY_GAP = 0.1  # another entry this close, matching the same words, makes it ambiguous
_MAX_QUERY_TOKENS = 40  # a longer message is reranked on its first 40 words
_ANSWER_TOKENS = 400  # answers are indexed on their first 400 words


@dataclass(frozen=True)
class Thresholds:
    answer: float = 0.62
    choice: float = 0.35
    margin: float = 0.08


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float  # 0–1: calibrated confidence that this is the entry asked about
    rank: float  # the ranking value; higher ranks first, comparable within one query


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
    tokens: tuple[str, ...]  # distinct normalised words, in order
    view: QueryView  # what the reranker sees (first _MAX_QUERY_TOKENS words)
    weights: dict[str, float]  # query token → informativeness
    terms: dict[str, float]  # index term → weight used for ranking
    related_of: dict[str, frozenset[int]]  # query token → ids of related question terms
    ids: dict[str, int]  # query token → question term id (-1: not in any question)
    corrected: frozenset[str]
    aspect: str | None
    cue_words: frozenset[str]  # words that ask for an aspect ("lệ phí", "ở đâu")


def _is_extra_term(term: str) -> bool:
    """Index terms that are not words: the interrogative-class terms ("QT_when")."""
    return "_" in term


def answer_text(entry: Entry) -> str:
    """The text indexed as an entry's answer (a procedure's fields joined)."""
    if entry.answer:
        return entry.answer
    p = entry.procedure
    if p is None:
        return ""
    parts = [p.summary or "", *p.documents, *p.steps, p.where or "", p.result or ""]
    parts += [p.processing_time or "", p.fee or "", p.agency or "", p.note or ""]
    return "\n".join(parts)


class Matcher:
    """Ranks entries for a question in two stages, then decides: answer, choices or unknown.

    First stage: BM25 over normalised questions (plus a fifth of BM25 over the answer text)
    picks ten entries. Second stage: a linear reranker over twenty features of each entry's
    best question picks the best one and gives every candidate a calibrated 0–1 confidence.
    """

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        normalizer: Normalizer | None = None,
        reranker: Reranker | None = None,
    ) -> None:
        syn = knowledge.synonyms
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self.normalizer = normalizer or Normalizer(syn.groups, syn.filler)
        self.reranker = reranker or Reranker()
        self.entries: tuple[Entry, ...] = knowledge.entries
        self._index_of = {e.id: i for i, e in enumerate(self.entries)}
        counts = [len(e.questions) for e in self.entries]
        self._entry_of_doc = np.repeat(np.arange(len(self.entries)), counts)
        self._starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        self.classes = QuestionClasses(self.normalizer)
        self._texts: list[str] = []  # normalised question texts, for the reranker
        class_masks: list[int] = []
        self.questions = BM25Index(
            self._question_docs(class_masks), k1=1.2, b=0.9
        )
        self._class_masks = np.asarray(class_masks, dtype=np.int32)
        self._doc_mass = self.questions.doc_idf_mass(ignore=_is_extra_term)
        tokens = self.normalizer.tokens
        self.answers = BM25Index(
            (tokens(answer_text(e))[:_ANSWER_TOKENS] for e in self.entries),
            k1=1.2,
            b=0.75,
            min_idf=_MIN_ANSWER_IDF,
        )
        freq = self.answers.frequencies()
        question_freq = {
            t: c for t, c in self.questions.frequencies().items() if not _is_extra_term(t)
        }
        for token, count in question_freq.items():
            freq[token] = freq.get(token, 0) + count
        q, a = self.questions, self.answers
        self.speller = Speller(
            freq, lambda x, y: q.pair_count(x, y) + a.pair_count(x, y), question_freq
        )
        self.aspects = AspectDetector(self.normalizer)
        self._common = {t for w in COMMON_WORDS for t in self.normalizer.tokens(w)}
        self._generic = frozenset(t for w in GENERIC_WORDS for t in self.normalizer.tokens(w))
        self._related = self._related_table((*RELATED_WORDS, *syn.related))
        self._max_idf = float(max(self.questions.idf, default=1.0))
        self._valid_cache: tuple[date, np.ndarray] | None = None
        release_free_memory()

    # --- building -------------------------------------------------------------------------

    def _question_docs(self, class_masks: list[int]) -> Iterator[list[str]]:
        """Normalised questions plus their class terms; records texts and masks on the way."""
        for entry in self.entries:
            for question in entry.questions:
                tokens = self.normalizer.tokens(question)
                mask = self.classes.mask(tokens)
                self._texts.append(" ".join(tokens))
                class_masks.append(mask)
                yield tokens + self.classes.terms(mask) if mask else tokens

    def _related_table(self, groups: Sequence[Sequence[str]]) -> dict[str, set[str]]:
        table: dict[str, set[str]] = {}
        for group in groups:
            phrases = [tuple(self.normalizer.tokens(w)) for w in group]
            words = [p[0] for p in phrases if len(p) == 1]
            for word in words:
                table.setdefault(word, set()).update(w for w in words if w != word)
        return table

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
        normalizer = self.normalizer
        raw = normalizer.raw_tokens(text)
        fixed, corrected = self.speller.correct(
            raw, keep=normalizer.is_protected, meaning=normalizer.expansion
        )
        sequence = normalizer.expand(fixed)
        unique = tuple(dict.fromkeys(sequence))
        terms = dict.fromkeys(unique, 1.0)
        related_of: dict[str, frozenset[int]] = {}
        vocabulary = self.questions.vocabulary
        for token in unique:
            related = self._related.get(token, set()) - set(unique)
            related_of[token] = frozenset(vocabulary[w] for w in related if w in vocabulary)
            for word in related:
                terms[word] = max(terms.get(word, 0.0), _RELATED_WEIGHT)
        head = sequence[:_MAX_QUERY_TOKENS]
        classes = self.classes.mask(head)
        for term in self.classes.terms(classes):
            terms[term] = _CLASS_WEIGHT
        idf = self.questions.idf_of
        view = query_view(head, lambda t: idf.get(t, self._max_idf), classes)
        ids = {t: vocabulary.get(t, -1) for t in unique}
        weights = {t: self._weight(t) for t in unique}
        aspect, cue_words = self.aspects.find(sequence)
        return _Query(
            unique,
            view,
            weights,
            terms,
            related_of,
            ids,
            frozenset(corrected),
            aspect,
            cue_words,
        )

    def _coverage(self, query: _Query, doc_index: int) -> tuple[float, frozenset[str]]:
        """How much of the query's informative weight one question holds, and the
        distinctive words they share (what the ambiguity guard compares)."""
        doc = set(self.questions.doc_terms(doc_index).tolist())
        ids = query.ids
        total = got = 0.0
        matched: set[str] = set()
        for token in query.tokens:
            weight = query.weights[token]
            if token in query.cue_words and ids[token] not in doc:
                continue  # asking "how much?" says nothing about which procedure
            total += weight
            if ids[token] in doc:
                got += weight * (_CORRECTED_CREDIT if token in query.corrected else 1.0)
                matched.add(token)
            elif query.related_of[token] & doc:
                got += weight * _RELATED_CREDIT
                matched.add(token)
        distinctive = frozenset(t for t in matched if query.weights[t] >= _DISTINCTIVE_IDF)
        return (got / total if total else 0.0), distinctive

    def _first_stage(
        self, query: _Query, today: date, exclude: Collection[int] = ()
    ) -> tuple[list[tuple[int, float]], np.ndarray, np.ndarray]:
        """Top entries by fused BM25, with every question's and every answer's BM25."""
        q_scores = self.questions.scores(query.terms)
        if not len(self.entries):
            return [], q_scores, q_scores
        a_scores = self.answers.scores(query.terms)
        for index in exclude:
            a_scores[index] = 0.0
            start = int(self._starts[index])
            q_scores[start : start + len(self.entries[index].questions)] = 0.0
        by_entry = np.maximum.reduceat(q_scores, self._starts) if len(q_scores) else q_scores
        q_max, a_max = float(by_entry.max()), float(a_scores.max())
        if q_max <= 0:
            return [], q_scores, a_scores
        fused = by_entry / q_max
        if a_max > 0:
            fused = fused + _ANSWER_FIELD_WEIGHT * a_scores / a_max
        fused = np.where(self._valid_mask(today) & (by_entry > 0), fused, -1.0)
        k = min(_CANDIDATE_POOL, len(fused))
        top = np.argpartition(-fused, k - 1)[:k]
        ranked = sorted(((int(i), float(fused[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0], q_scores, a_scores

    def _compared_docs(self, entry_index: int, q_scores: np.ndarray) -> list[int]:
        """The entry's questions worth reranking: its few best by BM25 (at least one)."""
        start = int(self._starts[entry_index])
        count = len(self.entries[entry_index].questions)
        if count == 1:
            return [start]
        scores = q_scores[start : start + count]
        order = np.argsort(-scores, kind="stable")[:_QUESTIONS_COMPARED]
        return [start + int(i) for i in order if scores[i] > 0] or [start + int(order[0])]

    def _features(
        self,
        query: _Query,
        ranked: list[tuple[int, float]],
        q_scores: np.ndarray,
        a_scores: np.ndarray,
    ) -> tuple[list[int], list[list[float]]]:
        """Feature rows of each candidate entry's best questions, and each row's position
        in `ranked`."""
        q_max = float(q_scores.max()) or 1.0
        a_max = float(a_scores.max()) or 1.0
        top = ranked[0][1] or 1.0
        answer_ids = {t: self.answers.vocabulary.get(t, -1) for t in query.view.idf}
        owners: list[int] = []
        rows: list[list[float]] = []
        for rank, (index, fused) in enumerate(ranked):
            answer_terms = set(self.answers.doc_terms(index).tolist())
            in_answer = {t for t, i in answer_ids.items() if i in answer_terms}
            for doc in self._compared_docs(index, q_scores):
                text = self._texts[doc]
                view = CandidateView(
                    tokens=text.split(),
                    text=text,
                    mass=float(self._doc_mass[doc]),
                    classes=int(self._class_masks[doc]),
                    fused=fused / top,
                    bm25_question=float(q_scores[doc]) / q_max,
                    bm25_answer=float(a_scores[index]) / a_max,
                    rank=rank,
                    in_answer=in_answer,
                    coverage=self._coverage(query, doc)[0],
                )
                owners.append(rank)
                rows.append(features(query.view, view))
        return owners, rows

    def candidate_features(
        self, text: str, *, today: date | None = None, exclude: Collection[int] = ()
    ) -> tuple[list[int], np.ndarray]:
        """Feature rows of the first stage's candidates (a few questions per entry) and the
        entry (index into `entries`) of each row, in first-stage order — for training and
        inspecting the reranker. Entries in `exclude` are left out as if absent (how
        training simulates a question nobody answers)."""
        query = self._query(text)
        ranked, q_scores, a_scores = self._first_stage(query, today or date.today(), exclude)
        if not ranked:
            return [], np.empty((0, 0))
        owners, rows = self._features(query, ranked, q_scores, a_scores)
        return [ranked[i][0] for i in owners], np.asarray(rows, dtype=np.float64)

    def _candidates(self, query: _Query, today: date) -> list[Candidate]:
        """The pool, reranked: the reranker's best first, the rest in first-stage order.

        An entry scores as its best question; its confidence is the calibrated score.
        """
        ranked, q_scores, a_scores = self._first_stage(query, today)
        if not ranked:
            return []
        owners, rows = self._features(query, ranked, q_scores, a_scores)
        entry_scores = np.full(len(ranked), -np.inf)
        np.maximum.at(entry_scores, owners, self.reranker.scores(rows))
        confidence = self.reranker.confidences(entry_scores)
        best = int(np.argmax(entry_scores))
        order = [best] + [i for i in range(len(ranked)) if i != best]
        n = len(order)
        return [
            Candidate(self.entries[ranked[i][0]], round(float(confidence[i]), 4), float(n - k))
            for k, i in enumerate(order)
        ]

    def search(self, text: str, *, today: date | None = None, limit: int = 10) -> list[Candidate]:
        """Entries ranked for `text` with their confidence scores (no decision)."""
        return self._candidates(self._query(text), today or date.today())[:limit]

    def _distinctive(self, query: _Query, entry: Entry) -> frozenset[str]:
        """The distinctive query words the entry's closest question holds."""
        index = self._index_of[entry.id]
        start = int(self._starts[index])
        best: tuple[float, frozenset[str]] = (-1.0, frozenset())
        for doc in range(start, start + len(entry.questions)):
            cov = self._coverage(query, doc)
            if cov[0] > best[0]:
                best = cov
        return best[1]

    def match(self, text: str, *, today: date | None = None) -> Match:
        query = self._query(text)
        if not query.tokens:
            return Match("unknown", None, None, 0.0, (), "empty")
        vague = self._is_vague(query)
        candidates = self._candidates(query, today or date.today())
        t = self.thresholds
        if not candidates or candidates[0].score < t.choice or vague:
            score = candidates[0].score if candidates else 0.0
            why: Reason = "too_vague" if vague else "low_score"
            return Match("unknown", None, None, score, (), why)
        best = candidates[0]
        others = candidates[1 : MAX_CHOICES + 1]
        mine = self._distinctive(query, best.entry)
        ambiguous = any(
            c.score >= best.score - _AMBIGUITY_GAP and mine <= self._distinctive(query, c.entry)
            for c in others
        )
        runner_up = max((c.score for c in others), default=0.0)
        clear_lead = best.score - runner_up >= t.margin
        if best.score >= t.answer and clear_lead and not ambiguous:
            aspect = query.aspect if best.entry.kind == "procedure" else None
            return Match("answer", best.entry, aspect, best.score, (best,), "confident")
        floor = max(t.choice, best.score * 0.6)
        offered = tuple(c for c in candidates[:MAX_CHOICES] if c.score >= floor) or (best,)
        reason: Reason = "ambiguous" if ambiguous else "close"
        return Match("choices", None, query.aspect, best.score, offered, reason)

    def _is_vague(self, query: _Query) -> bool:
        """Nothing but everyday words, generic words and aspect cues ("thủ tục", "lệ phí")."""
        return all(
            t in self._common or t in self._generic or t in query.cue_words for t in query.tokens
        )
