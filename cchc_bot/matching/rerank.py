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

MAX_LEAD = 4.0  # a lead beyond this (or no other candidate at all) counts as this much


@dataclass(frozen=True)
class RerankerModel:
    """Standardisation, weights and the logistic that turns a score into a confidence."""

    names: tuple[str, ...]
    means: tuple[float, ...]
    scales: tuple[float, ...]
    weights: tuple[float, ...]
    # confidence = 1 / (1 + exp(-(slope · score + lead_slope · lead + intercept))), where lead
    # is the score minus the best other candidate's score, clipped to ±MAX_LEAD
    slope: float
    lead_slope: float
    intercept: float

    def __post_init__(self) -> None:
        n = len(self.names)
        if not (len(self.means) == len(self.scales) == len(self.weights) == n):
            raise ValueError("reranker model: names, means, scales and weights differ in length")


def shipped_model() -> RerankerModel:
    """The model in `reranker_weights.py` (checked against the feature list)."""
    if tuple(trained.FEATURES) != FEATURE_NAMES:
        raise ValueError("reranker_weights.py was trained on other features: retrain it")
    return RerankerModel(
        tuple(trained.FEATURES),
        tuple(trained.MEANS),
        tuple(trained.SCALES),
        tuple(trained.WEIGHTS),
        trained.CONFIDENCE_SLOPE,
        trained.CONFIDENCE_LEAD_SLOPE,
        trained.CONFIDENCE_INTERCEPT,
    )


class Reranker:
    """Scores feature rows: higher is better; `confidence` maps a score to 0–1."""

    def __init__(self, model: RerankerModel | None = None) -> None:
        self.model = model or shipped_model()
        scales = np.asarray(self.model.scales, dtype=np.float64)
        weights = np.asarray(self.model.weights, dtype=np.float64)
        # (x − mean) / scale · w  ==  x · (w / scale) − mean · (w / scale)
        self._coef = weights / np.where(scales > 0, scales, 1.0)
        self._offset = float(np.asarray(self.model.means) @ self._coef)

    def scores(self, rows: Sequence[Sequence[float]]) -> np.ndarray:
        """One score per feature row (standardised features · weights)."""
        if not len(rows):
            return np.empty(0)
        return np.asarray(rows, dtype=np.float64) @ self._coef - self._offset

    def confidences(self, scores: Sequence[float]) -> np.ndarray:
        """Calibrated probability, per candidate, that it is the entry asked about.

        A candidate's own score counts, and so does its lead over the best other candidate:
        two entries that fit equally well are both uncertain.
        """
        z = np.asarray(scores, dtype=np.float64)
        if not len(z):
            return z
        lead = np.full(len(z), MAX_LEAD)
        if len(z) > 1:
            order = np.argsort(-z)
            first, second = z[order[0]], z[order[1]]
            lead = z - np.where(np.arange(len(z)) == order[0], second, first)
        m = self.model
        x = m.slope * z + m.lead_slope * np.clip(lead, -MAX_LEAD, MAX_LEAD) + m.intercept
        return 1.0 / (1.0 + np.exp(-np.clip(x, -50.0, 50.0)))
