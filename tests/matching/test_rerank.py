"""The reranker and its calibrated confidence."""

from __future__ import annotations

from itertools import pairwise

import numpy as np
import pytest

from cchc_bot.matching import Matcher
from cchc_bot.matching.features import FEATURE_NAMES
from cchc_bot.matching.rerank import (
    CONFIDENCE_FEATURES,
    Reranker,
    RerankerModel,
    shipped_model,
)
from tests.matching.kb import covid_knowledge

N = len(FEATURE_NAMES)


def model(weights: dict[str, float], **kw: float) -> RerankerModel:
    values = tuple(weights.get(n, 0.0) for n in FEATURE_NAMES)
    cov = (0.0,) * len(CONFIDENCE_FEATURES)
    return RerankerModel(
        FEATURE_NAMES,
        (0.5,) * N,
        (0.25,) * N,
        values,
        kw.get("slope", 1.0),
        cov,
        kw.get("intercept", 0.0),
    )


def test_the_shipped_model_matches_the_features() -> None:
    m = shipped_model()
    assert m.names == FEATURE_NAMES
    assert len(m.weights) == len(m.means) == len(m.scales) == N
    assert all(s > 0 for s in m.scales)


def test_a_model_of_other_features_is_refused() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        RerankerModel(FEATURE_NAMES, (0.0,), (1.0,), (1.0,), 1.0, (0.0, 0.0), 0.0)
    with pytest.raises(ValueError, match="coverage weight"):
        RerankerModel(FEATURE_NAMES, (0.0,) * N, (1.0,) * N, (0.0,) * N, 1.0, (), 0.0)


def test_scores_are_standardised_weights() -> None:
    reranker = Reranker(model({"lcs": 2.0}))
    rows = np.full((2, N), 0.5)
    rows[1, FEATURE_NAMES.index("lcs")] = 0.75
    assert reranker.scores(rows) == pytest.approx([0.0, 2.0])  # (0.75 − 0.5) / 0.25 · 2


def test_the_reranker_picks_the_better_candidate() -> None:
    matcher = Matcher(covid_knowledge())
    ids, rows = matcher.candidate_features("triệu chứng bệnh covid là gì")
    scores = Reranker().scores(rows)
    assert matcher.entries[ids[int(np.argmax(scores))]].id == "trieu-chung"
    ids, rows = matcher.candidate_features("cach ly o nha bao lau")
    assert matcher.entries[ids[int(np.argmax(Reranker().scores(rows)))]].id == "cach-ly"


def test_confidence_rises_with_the_score() -> None:
    reranker = Reranker(model({}, slope=1.0, intercept=-2.0))
    rows = np.zeros((1, N))
    conf = [reranker.confidences(rows, np.array([s]))[0] for s in np.linspace(-5, 10, 31)]
    assert all(a < b for a, b in pairwise(conf))
    assert 0.0 < conf[0] < 0.01 and 0.99 < conf[-1] < 1.0


def test_candidates_that_fit_alike_share_the_confidence() -> None:
    reranker = Reranker(model({}, slope=1.0))
    rows = np.zeros((3, N))
    alone = reranker.confidences(rows[:1], np.array([4.0]))
    tied = reranker.confidences(rows[:2], np.array([4.0, 4.0]))
    assert alone[0] > 0.95
    assert tied[0] == pytest.approx(tied[1])
    assert tied[0] < 0.5
    three = reranker.confidences(rows, np.array([4.0, 1.0, -3.0]))
    assert three.sum() < 1.0 and three[0] > three[1] > three[2]


def test_match_scores_are_probabilities() -> None:
    matcher = Matcher(covid_knowledge())
    found = matcher.search("tiêm vaccine covid ở đâu")
    assert found[0].entry.id == "tiem-vaccine"
    assert all(0.0 <= c.score <= 1.0 for c in found)
    assert sum(c.score for c in found) <= 1.0 + 1e-9
    assert [c.rank for c in found] == sorted((c.rank for c in found), reverse=True)


def test_the_informative_coverage_feature_is_the_ambiguity_guards_coverage() -> None:
    matcher = Matcher(covid_knowledge())
    column = FEATURE_NAMES.index("informative_coverage")
    for text in ("benh nhan covid o benh vien nao", "tiem vaccine co tac dung phu bao lau"):
        query = matcher._query(text)
        ids, rows = matcher.candidate_features(text)
        for entry, row in zip(ids, rows, strict=True):
            coverages = [c for c, _ in matcher._entry_coverages(query, entry)]
            assert len(coverages) == len(matcher.entries[entry].questions)
            assert any(row[column] == pytest.approx(c) for c in coverages)
