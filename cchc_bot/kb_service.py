"""The knowledge base in service: loaded once, reloaded all-or-nothing."""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from pathlib import Path

from cchc_bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from cchc_bot.matching import Matcher, Thresholds

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Loaded:
    knowledge: KnowledgeBase
    matcher: Matcher


class KnowledgeService:
    """Holds the current knowledge base and its matcher; a failed reload keeps the old one."""

    def __init__(self, folder: str | Path, thresholds: Thresholds) -> None:
        self.folder = Path(folder)
        self.thresholds = thresholds
        self._lock = threading.Lock()
        self._current = self._load()

    def _load(self) -> Loaded:
        knowledge = load_knowledge(self.folder)
        return Loaded(knowledge, Matcher(knowledge, self.thresholds))

    @property
    def current(self) -> Loaded:
        return self._current

    def reload(self) -> KnowledgeError | None:
        """Load the folder again; on errors keep serving the previous version and return them."""
        with self._lock:
            try:
                fresh = self._load()
            except KnowledgeError as exc:
                log.warning(
                    "knowledge reload failed, keeping the previous version: %d problems",
                    len(exc.problems),
                )
                return exc
            self._current = fresh
            log.info("knowledge reloaded: %d entries", len(fresh.knowledge.entries))
            return None
