"""A linear reranker over the first stage's candidates, and its calibrated 0–1 confidence.

The weights are learnt offline (`benchmarks/train_reranker.py`) from pseudo-queries generated
from a knowledge base's own questions and answers, never from test questions, and ship as the
constants in `reranker_weights.py`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from cchc_bot.matching import reranker_weights as trained
from cchc_bot.matching.features import FEATURE_NAMES

# Besides the reranker score, the confidence looks at how well the candidate question and the
# message cover each other: the score says "better than the other candidates", the coverages
# say "fits at all" (an off-topic message shares a few words with some question, not most).
# Three more (the query's plain coverage, word pairs, the question's unmatched words) sharpen
# it; they are correlated, so their fitted weights are not meaningful one by one. The entry's
# key words (keywords.py) tell a message in a question's frame but about another matter
# ("đăng ký hộ kinh doanh ở đâu?") from one about the entry. The entry's coverage (all its
# questions' words together) credits a message that mixes the wordings of two of its
# questions. This set was picked by the golden sets (benchmarks/thresholds.py); smaller
# ones were worse, all the features overfit.
CONFIDENCE_FEATURES: tuple[str, ...] = (
    "question_coverage",
    "informative_coverage",
    "query_coverage",
    "bigrams",
    "unmatched",
    "key_coverage",
    "entry_coverage",
)


@dataclass(frozen=True)
class RerankerModel:
    """Standardisation and weights of the score, and the confidence's logit per candidate:

    logit = slope · score + Σ coverage_weights · CONFIDENCE_FEATURES + intercept
    """

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    slope: float
    coverage_weights: tuple[float, ...]
    intercept: float

    def __post_init__(self) -> None:
        n = len(self.names)
        if not (len(self.means) == len(self.scales) == len(self.weights) == n):
            raise ValueError("reranker model: names, means, scales and weights differ in length")
        if len(self.coverage_weights) != len(CONFIDENCE_FEATURES):
            raise ValueError("reranker model: one coverage weight per confidence feature")


def shipped_model() -> RerankerModel:
    """The model in `reranker_weights.py` (checked against the feature list)."""
    if tuple(trained.FEATURES) != FEATURE_NAMES:
        raise ValueError("reranker_weights.py was trained on other features: retrain it")
    if tuple(trained.CONFIDENCE_FEATURES) != CONFIDENCE_FEATURES:
        raise ValueError("reranker_weights.py was calibrated on other features: recalibrate it")
    return RerankerModel(
        tuple(trained.FEATURES),
        tuple(trained.MEANS),
        tuple(trained.SCALES),
        tuple(trained.WEIGHTS),
        trained.CONFIDENCE_SLOPE,
        tuple(trained.CONFIDENCE_COVERAGE_WEIGHTS),
        trained.CONFIDENCE_INTERCEPT,
    )


class Reranker:
    """Scores feature rows (higher is better) and turns them into 0–1 confidences."""

    def __init__(self, model: RerankerModel | None = None) -> None:
        self.model = model or shipped_model()
        m = self.model
        scales = np.asarray(m.scales, dtype=np.float64)
        # (x − mean) / scale · w  ==  x · (w / scale) − mean · (w / scale)
        self._coef = np.asarray(m.weights, dtype=np.float64) / np.where(scales > 0, scales, 1.0)
        self._offset = float(np.asarray(m.means) @ self._coef)
        self._columns = [m.names.index(name) for name in CONFIDENCE_FEATURES]
        self._coverage = np.asarray(m.coverage_weights, dtype=np.float64)

    def scores(self, rows: Sequence[Sequence[float]] | np.ndarray) -> np.ndarray:
        """One score per feature row (standardised features · weights)."""
        if not len(rows):
            return np.empty(0)
        return np.asarray(rows, dtype=np.float64) @ self._coef - self._offset

    def confidences(self, rows: np.ndarray, scores: np.ndarray) -> np.ndarray:
        """Calibrated probability, per candidate, that it is the entry asked about.

        `rows` / `scores`: one feature row and reranker score per candidate entry. Each gets
        a logit from its score and its coverage; the probabilities are a softmax over the
        candidates plus "none of them" (logit 0): two entries that fit equally well share
        the probability, and nothing fitting well leaves it with "none".
        """
        x = np.asarray(rows, dtype=np.float64)
        if not len(x):
            return np.empty(0)
        m = self.model
        logits = m.slope * np.asarray(scores) + x[:, self._columns] @ self._coverage + m.intercept
        top = max(float(logits.max()), 0.0)
        weights = np.exp(logits - top)
        return weights / (np.exp(-top) + weights.sum())
