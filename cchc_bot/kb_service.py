"""The knowledge base in service: loaded once, reloaded all-or-nothing.

A running server notices edits by itself: :meth:`KnowledgeService.reload_if_changed` compares
the size and modification time of every YAML file in the folder with those seen at the last
load (a few dozen ``stat`` calls) and reloads when they differ. Whoever needs to follow a
reload (the hotline's working calendar and its holidays) subscribes with
:meth:`KnowledgeService.on_reload`.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from cchc_bot.knowledge import KnowledgeBase, KnowledgeError, load_knowledge
from cchc_bot.matching import Matcher, Thresholds

log = logging.getLogger(__name__)

Fingerprint = tuple[tuple[str, int, int], ...]
_YAML = ("*.yaml", "*.yml")


@dataclass(frozen=True)
class Loaded:
    knowledge: KnowledgeBase
    matcher: Matcher


def fingerprint(folder: Path) -> Fingerprint:
    """(path, mtime_ns, size) of every YAML file under ``folder``, sorted; () if unreadable."""
    found: list[tuple[str, int, int]] = []
    try:
        for pattern in _YAML:
            for path in folder.rglob(pattern):
                try:
                    stat = path.stat()
                except OSError:  # removed between listing and stat: the next look sees it
                    continue
                found.append((path.relative_to(folder).as_posix(), stat.st_mtime_ns, stat.st_size))
    except OSError:
        return ()
    return tuple(sorted(found))


class KnowledgeService:
    """Holds the current knowledge base and its matcher; a failed reload keeps the old one."""

    def __init__(self, folder: str | Path, thresholds: Thresholds) -> None:
        self.folder = Path(folder)
        self.thresholds = thresholds
        self._lock = threading.Lock()
        self._listeners: list[Callable[[Loaded], None]] = []
        self._seen = fingerprint(self.folder)  # taken before reading: a later edit is seen
        self._current = self._load()

    def _load(self) -> Loaded:
        knowledge = load_knowledge(self.folder)
        return Loaded(knowledge, Matcher(knowledge, self.thresholds))

    @property
    def current(self) -> Loaded:
        return self._current

    def on_reload(self, listener: Callable[[Loaded], None]) -> None:
        """Call ``listener(loaded)`` after every successful reload."""
        self._listeners.append(listener)

    def reload(self) -> KnowledgeError | None:
        """Load the folder again; on errors keep serving the previous version and return them."""
        with self._lock:
            self._seen = fingerprint(self.folder)
            try:
                fresh = self._load()
            except KnowledgeError as exc:
                log.warning(
                    "knowledge reload failed, keeping the previous version: %d problems",
                    len(exc.problems),
                )
                for problem in exc.problems[:10]:
                    log.warning("  %s", problem)
                return exc
            self._current = fresh
            log.info("knowledge reloaded: %d entries", len(fresh.knowledge.entries))
        for listener in self._listeners:
            try:
                listener(fresh)
            except Exception:
                log.exception("a knowledge reload listener failed")
        return None

    def reload_if_changed(self) -> bool:
        """Reload when a YAML file was added, removed or changed since the last load.

        True when a new version is now served. A folder that fails to load is reported once
        (logged) and tried again only after its next change.
        """
        if fingerprint(self.folder) == self._seen:
            return False
        return self.reload() is None
