"""Finding the knowledge entry a question is about, and deciding how sure we are."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from datetime import date
from functools import lru_cache

import numpy as np

from cchc_bot.knowledge.model import Entry, KnowledgeBase
from cchc_bot.lexicon import COMMON_WORDS, EVERYDAY_WORDS, GENERIC_WORDS, RELATED_WORDS
from cchc_bot.matching.ambiguity import AmbiguityGuard
from cchc_bot.matching.choices import Chooser
from cchc_bot.matching.entry_terms import EntryTerms, answer_text
from cchc_bot.matching.facets import SchoolLevels
from cchc_bot.matching.features import (
    CandidateView,
    QuestionShape,
    entry_coverage,
    features,
    question_shape,
)
from cchc_bot.matching.index import BM25Index
from cchc_bot.matching.keywords import EntryKeywords
from cchc_bot.matching.numbers import ReferenceNumbers
from cchc_bot.matching.off_limits import OffLimits
from cchc_bot.matching.packed_texts import PackedTexts
from cchc_bot.matching.qtypes import QuestionClasses
from cchc_bot.matching.query import Query, QueryReader, related_table
from cchc_bot.matching.rerank import Reranker
from cchc_bot.matching.shared_words import SharedWords
from cchc_bot.matching.speller import Speller
from cchc_bot.matching.types import (
    MAX_CHOICES,
    Candidate,
    Match,
    MatchStatus,
    Reason,
    Thresholds,
)
from cchc_bot.matching.vagueness import Vagueness
from cchc_bot.memory import release_free_memory
from cchc_bot.vietnamese import Normalizer, is_syllable

__all__ = ["MAX_CHOICES", "Candidate", "Match", "MatchStatus", "Matcher", "Reason", "Thresholds"]

CANDIDATE_POOL = 9  # entries the first stage hands to the reranker (benchmark top-3: 8 → 9
# takes 0.897 to 0.900, the golden sets unchanged)
_QUESTIONS_COMPARED = 3  # per candidate entry, the questions the reranker compares …
_FULLY_COMPARED = 4  # … for the pool's first four; the others' best question only
_ANSWER_FIELD_WEIGHT = 0.2  # answer text helps ranking a little (measured on the benchmark)
_MIN_ANSWER_IDF = 0.3  # answer words in most answers are skipped when ranking
_ANSWER_TOKENS = 400  # answers are indexed on their first 400 words
# A knowledge base of at most this many questions keeps each compared question's forms
# (~3 KB each: 8 % faster matching on UIT-ViCoV19QA for 14 MB); a larger one works them out
# per comparison (a bounded cache at 100,000 entries cost 24 MB for no measurable gain).
_SHAPES_KEPT = 5_000


def _is_extra_term(term: str) -> bool:
    """Index terms that are not words: the interrogative-class terms ("QT_when")."""
    return "_" in term


class Matcher:
    """Ranks entries for a question in two stages, then decides: answer, choices or unknown.

    First stage: BM25 over normalised questions and their interrogative-class terms (plus a
    fifth of BM25 over the answer text) picks nine entries (`pool`). Second stage: a linear
    reranker over twenty-one features of each entry's best questions puts its best entry
    first and gives every candidate a calibrated 0–1 confidence, which orders the rest.
    """

    def __init__(
        self,
        knowledge: KnowledgeBase,
        thresholds: Thresholds | None = None,
        normalizer: Normalizer | None = None,
        reranker: Reranker | None = None,
        *,
        pool: int = CANDIDATE_POOL,
    ) -> None:
        syn = knowledge.synonyms
        self.knowledge = knowledge
        self.thresholds = thresholds or Thresholds()
        self.normalizer = normalizer or Normalizer(syn.groups, syn.filler)
        self.reranker = reranker or Reranker()
        self.pool = pool
        self.entries: tuple[Entry, ...] = knowledge.entries
        self._index_of = {e.id: i for i, e in enumerate(self.entries)}
        counts = [len(e.questions) for e in self.entries]
        self._starts = np.concatenate(([0], np.cumsum(counts)[:-1])).astype(np.int64)
        self.classes = QuestionClasses(self.normalizer)
        self._texts = PackedTexts()  # normalised question texts, for the reranker
        self._shapes: dict[int, QuestionShape] | None = {}  # those the reranker compared
        class_masks: list[int] = []
        self.questions = BM25Index(self._question_docs(class_masks), k1=1.2, b=0.9)
        self._class_masks = np.asarray(class_masks, dtype=np.int32)
        self._doc_mass = self.questions.doc_idf_mass(ignore=_is_extra_term)
        if len(self._class_masks) > _SHAPES_KEPT:
            self._shapes = None
        self.keywords = EntryKeywords(
            self.questions, self._starts, np.asarray(counts, dtype=np.int64), _is_extra_term
        )
        tokens = self.normalizer.tokens
        self.answers = BM25Index(
            (tokens(answer_text(e))[:_ANSWER_TOKENS] for e in self.entries),
            k1=1.2,
            b=0.75,
            min_idf=_MIN_ANSWER_IDF,
        )
        self.speller = self._speller()
        self.related_words = related_table(self.normalizer, (*RELATED_WORDS, *syn.related))
        common = {t for w in COMMON_WORDS for t in tokens(w)}
        self.reader = QueryReader(
            self.normalizer,
            self.speller,
            self.questions,
            self.answers,
            self.related_words,
            common,
            self.classes,
            everyday={t for w in EVERYDAY_WORDS for t in tokens(w)},
        )
        self.aspects = self.reader.aspects
        self.vagueness = Vagueness(self.reader.common, GENERIC_WORDS, tokens)
        self.off_limits = OffLimits(tokens)
        ids = [e.id for e in self.entries]  # the questions as normalised while indexing:
        self.levels = SchoolLevels.of_packed(tokens, ids, self._texts, self._starts, counts)
        self.terms = EntryTerms(self.questions, self.answers, self._starts, counts)
        self.terms.weigh_content(lambda w: not _is_extra_term(w) and w not in common)
        self.numbers = ReferenceNumbers(self.questions, self._starts, _is_extra_term)
        self.shared_words = SharedWords(self.questions, self._starts, self.keywords)
        self.chooser = Chooser(self.thresholds, self.keywords, self.levels, self._index_of)
        self.ambiguity = AmbiguityGuard(
            self._entry_coverages, self._index_of, self.levels, self.numbers, self._question_fits
        )
        self._valid_cache: tuple[date, np.ndarray] | None = None
        self._texts.seal()
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

    def _speller(self) -> Speller:
        """A speller for the words of the questions and answers, and for the variants the
        expansion tables rewrite ("astra" → astrazeneca), which a typo may aim at too."""
        freq = self.answers.frequencies()
        question_freq = {
            t: c for t, c in self.questions.frequencies().items() if not _is_extra_term(t)
        }
        for token, count in question_freq.items():
            freq[token] = freq.get(token, 0) + count
        variants = {
            word: max(1, *(freq.get(t, 0) for t in target))
            for word, target in self.normalizer.abbreviations().items()
            if target and len(word) >= 4 and not is_syllable(word) and word not in freq
        }
        pairs = lru_cache(maxsize=65536)(self._pair_count)
        return Speller({**freq, **variants}, pairs, question_freq)

    def _pair_count(self, a: str, b: str) -> int:
        """How often word b follows word a in the questions and answers."""
        return self.questions.pair_count(a, b) + self.answers.pair_count(a, b)

    def _valid_mask(self, today: date) -> np.ndarray:
        if self._valid_cache is None or self._valid_cache[0] != today:
            mask = np.fromiter((e.is_valid_on(today) for e in self.entries), dtype=bool)
            self._valid_cache = (today, mask)
        return self._valid_cache[1]

    # --- one query ------------------------------------------------------------------------

    def is_everyday(self, token: str) -> bool:
        return token in self.reader.common

    def informativeness(self, token: str) -> float:
        """How much a word says about what is asked (IDF; low for everyday words)."""
        return self.reader.weight(token)

    def _query(self, text: str) -> Query:
        return self.reader.read(text)

    def _entry_coverages(
        self, query: Query, entry_index: int
    ) -> list[tuple[float, frozenset[str]]]:
        """Informative coverage of each of an entry's questions, and the distinctive words
        each shares with the query."""
        return self.reader.coverages(query, self.terms.of_questions(entry_index))

    def _question_fits(self, query: Query, entry_index: int) -> list[float]:
        return self.terms.fits({query.ids[t] for t in query.tokens} - {-1}, entry_index)

    def _first_stage(
        self, query: Query, today: date, exclude: Collection[int] = ()
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
        by_entry = q_scores
        if len(q_scores) > len(self.entries):  # several questions per entry: the best counts
            by_entry = np.maximum.reduceat(q_scores, self._starts)
        q_max, a_max = float(by_entry.max()), float(a_scores.max())
        if q_max <= 0:
            return [], q_scores, a_scores
        fused = by_entry / q_max
        if a_max > 0:
            fused = fused + _ANSWER_FIELD_WEIGHT * a_scores / a_max
        fused = np.where(self._valid_mask(today) & (by_entry > 0), fused, -1.0)
        k = min(self.pool, len(fused))
        top = np.argpartition(-fused, k - 1)[:k]
        ranked = sorted(((int(i), float(fused[i])) for i in top), key=lambda x: -x[1])
        return [(i, s) for i, s in ranked if s > 0], q_scores, a_scores

    def _compared_docs(self, entry_index: int, q_scores: np.ndarray, rank: int) -> list[int]:
        """The entry's questions worth reranking: its few best by BM25 (at least one), fewer
        for an entry further down the pool (`rank`)."""
        start = int(self._starts[entry_index])
        count = len(self.entries[entry_index].questions)
        if count == 1:
            return [start]
        scores = q_scores[start : start + count]
        compared = _QUESTIONS_COMPARED if rank < _FULLY_COMPARED else 1
        order = np.argsort(-scores, kind="stable")[:compared]
        return [start + int(i) for i in order if scores[i] > 0] or [start + int(order[0])]

    def _features(
        self,
        query: Query,
        ranked: list[tuple[int, float]],
        q_scores: np.ndarray,
        a_scores: np.ndarray,
    ) -> tuple[list[int], list[list[float]]]:
        """Feature rows of each candidate entry's best questions, and each row's position
        in `ranked`."""
        q_max = float(q_scores.max()) or 1.0
        a_max = float(a_scores.max()) or 1.0
        top = ranked[0][1] or 1.0
        in_answer = self.terms.words_in_answers(query.tokens, [index for index, _ in ranked])
        owners: list[int] = []
        rows: list[list[float]] = []
        for rank, (index, fused) in enumerate(ranked):
            keys = self.keywords.of_entry(index)
            covered = entry_coverage(query.view, self.terms.words(index))
            for doc in self._compared_docs(index, q_scores, rank):
                view = CandidateView(
                    shape=self._shape(doc),
                    mass=float(self._doc_mass[doc]),
                    classes=int(self._class_masks[doc]),
                    fused=fused / top,
                    bm25_question=float(q_scores[doc]) / q_max,
                    bm25_answer=float(a_scores[index]) / a_max,
                    rank=rank,
                    in_answer=in_answer[rank],
                    keys=keys,
                    entry_coverage=covered,
                )
                owners.append(rank)
                rows.append(features(query.view, view))
        return owners, rows

    def _shape(self, doc: int) -> QuestionShape:
        if self._shapes is None:
            return question_shape(self._texts[doc])
        shape = self._shapes.get(doc)
        if shape is None:
            shape = self._shapes[doc] = question_shape(self._texts[doc])
        return shape

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

    def _candidates(self, query: Query, today: date) -> list[Candidate]:
        """The pool, reranked: the reranker's best first (or a candidate confident enough to
        be answered), the rest by confidence.

        An entry scores as its best question; its confidence is the calibrated score.
        """
        ranked, q_scores, a_scores = self._first_stage(query, today)
        if not ranked:
            return []
        owners, rows = self._features(query, ranked, q_scores, a_scores)
        table = np.asarray(rows, dtype=np.float64)
        scores = self.reranker.scores(table)
        entry_scores = np.full(len(ranked), -np.inf)
        entry_rows = [0] * len(ranked)
        for row, (owner, score) in enumerate(zip(owners, scores.tolist(), strict=True)):
            if score > entry_scores[owner]:  # an entry is as good as its best question
                entry_scores[owner], entry_rows[owner] = score, row
        confidence = self.reranker.confidences(table[entry_rows], entry_scores)
        best = int(np.argmax(entry_scores))
        surest = int(np.argmax(confidence))
        if confidence[surest] >= self.thresholds.answer:
            # The confidence weighs the entry's key words, which the ranking does not: a
            # candidate it would answer goes first ("hồ sơ vào trường PTDTNT" ranks a
            # "hồ sơ chuyển trường" question first, but only PTDTNT admission has its key word).
            best = surest
        # The others by confidence, ties in first-stage order: the choices a citizen sees.
        rest = sorted((i for i in range(len(ranked)) if i != best), key=lambda i: -confidence[i])
        order = [best, *rest]
        n = len(order)
        return [
            Candidate(self.entries[ranked[i][0]], round(float(confidence[i]), 4), float(n - k))
            for k, i in enumerate(order)
        ]

    def search(self, text: str, *, today: date | None = None, limit: int = 10) -> list[Candidate]:
        """Entries ranked for `text` with their confidence scores (no decision)."""
        return self._candidates(self._query(text), today or date.today())[:limit]

    def match(self, text: str, *, today: date | None = None) -> Match:
        query = self._query(text)
        if not query.tokens:
            return Match("unknown", None, None, 0.0, (), "empty")
        if self.off_limits.holds(query.sequence):  # "làm bằng giả": the hotline only
            return Match("unknown", None, None, 0.0, (), "off_limits")
        content = self.vagueness.content(query)
        vague = not content
        candidates = self._candidates(query, today or date.today())
        t = self.thresholds
        if vague and candidates and candidates[0].score >= t.answer:
            vague = not self.vagueness.cue_is_the_topic(query, candidates[0].entry.kind)
        # One word many entries share is no answer ("đăng ký"); with words no question uses
        # besides, the message is about something else ("đăng ký kết hôn"): shared_words.py.
        # (Aspect cues count here: "địa chỉ sở giáo dục cần thơ" is no one shared word; a
        # message of cues alone is vague, or an FAQ's topic: see above.)
        told = self.vagueness.content(query, cues_say_nothing=False) if content else []
        shared, sharing = self.shared_words.verdict(query.tokens, told)
        # The reranker's best leads the choices, but any candidate likely enough earns them.
        surest = max((c.score for c in candidates), default=0.0)
        if surest < t.choice or vague or shared == "foreign":
            score = candidates[0].score if candidates else 0.0
            why: Reason = "too_vague" if vague else "low_score"
            return Match("unknown", None, None, score, (), why)
        best = candidates[0]
        best_index = self._index_of[best.entry.id]
        others = candidates[1 : MAX_CHOICES + 1]
        clear_lead = best.score - max((c.score for c in others), default=0.0) >= t.margin
        numbered, rivals = (
            self.ambiguity.rivals(query, best, others, candidates[1:])
            if best.score >= t.answer
            else ([], [])
        )
        # A word many entries share, or an entry about another school level than the one named
        # ("lớp 3", "xét tuyển đại học": facets.py), is a choice at most — unless the message is
        # one of the entry's questions ("cchc là gì vậy", "… thi lại để xét đại học …").
        foreign = self.levels.foreign(self.levels.named(query.sequence), best.entry.id)
        if (shared == "shared" or foreign) and max(self._question_fits(query, best_index)) >= 1:
            shared, foreign = "specific", False
        ambiguous = bool(rivals) or shared == "shared" or foreign
        if best.score >= t.answer and clear_lead and not ambiguous:
            aspect = query.aspect if best.entry.kind == "procedure" else None
            return Match("answer", best.entry, aspect, best.score, (best,), "confident")
        sharing = sharing if shared == "shared" else frozenset()
        offered = self.chooser.offered(query, candidates, rivals, numbered, sharing)
        if not offered:
            return Match("unknown", None, None, best.score, (), "low_score")
        reason: Reason = "ambiguous" if ambiguous else "close"
        return Match("choices", None, query.aspect, best.score, offered, reason)
