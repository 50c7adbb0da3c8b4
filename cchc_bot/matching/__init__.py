"""Vietnamese-aware matching of citizens' questions to knowledge entries."""

from cchc_bot.matching.aspects import ASPECT_CUES, AspectDetector
from cchc_bot.matching.duplicates import NearDuplicate, find_near_duplicates
from cchc_bot.matching.matcher import Matcher
from cchc_bot.matching.types import (
    MAX_CHOICES,
    Candidate,
    Match,
    MatchStatus,
    Reason,
    Thresholds,
)

__all__ = [
    "ASPECT_CUES",
    "MAX_CHOICES",
    "AspectDetector",
    "Candidate",
    "Match",
    "MatchStatus",
    "Matcher",
    "NearDuplicate",
    "Reason",
    "Thresholds",
    "find_near_duplicates",
]
