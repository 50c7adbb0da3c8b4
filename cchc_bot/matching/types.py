"""What the matcher returns, and the thresholds it decides with."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from cchc_bot.knowledge.model import Entry

MatchStatus = Literal["answer", "choices", "unknown"]
# Why the matcher decided as it did (for logs and for the engine's wording).
Reason = Literal["confident", "close", "ambiguous", "low_score", "too_vague", "empty", "off_limits"]

MAX_CHOICES = 3


@dataclass(frozen=True)
class Thresholds:
    """Decision thresholds on `Candidate.score` (settings.py holds the shipped values).

    answer: from this score the best entry is answered directly; choice: from this score a
    short choice is offered instead of the hotline; margin: how far the best score must lead
    the next one to be answered (scores of one query sum to at most 1, so with an answer
    threshold above 0.5 + margin/2 the margin never decides).
    """

    answer: float = 0.47
    choice: float = 0.10
    margin: float = 0.10


@dataclass(frozen=True)
class Candidate:
    entry: Entry
    score: float  # 0–1: calibrated probability that this is the entry asked about
    rank: float  # the ranking value; higher ranks first, comparable within one query


@dataclass(frozen=True)
class Match:
    status: MatchStatus
    entry: Entry | None
    aspect: str | None
    score: float
    candidates: tuple[Candidate, ...]
    reason: Reason
