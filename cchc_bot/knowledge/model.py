"""Immutable data types of the knowledge base (what the loader produces)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from typing import Literal

EntryKind = Literal["faq", "procedure"]

# The aspects a citizen may ask about a procedure, in the order a full answer shows them.
ASPECTS: tuple[str, ...] = (
    "documents",
    "steps",
    "processing_time",
    "fee",
    "where",
    "online",
    "result",
    "legal_basis",
    "agency",
)


@dataclass(frozen=True)
class Source:
    """Where a value was written: a file (relative to the knowledge folder) and a 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Link:
    title: str
    url: str


@dataclass(frozen=True)
class Online:
    """How a procedure can be done online: level as published and the link to file it."""

    level: str | None = None
    url: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class ProcedureFields:
    code: str | None = None
    summary: str | None = None
    documents: tuple[str, ...] = ()
    steps: tuple[str, ...] = ()
    processing_time: str | None = None
    fee: str | None = None
    where: str | None = None
    online: Online | None = None
    result: str | None = None
    legal_basis: tuple[str, ...] = ()
    agency: str | None = None
    note: str | None = None


@dataclass(frozen=True)
class Entry:
    """One answerable thing: a FAQ answer or a structured procedure record."""

    id: str
    kind: EntryKind
    topic: str
    questions: tuple[str, ...]
    source: Source
    answer: str | None = None
    procedure: ProcedureFields | None = None
    links: tuple[Link, ...] = ()
    tags: tuple[str, ...] = ()
    see_also: tuple[str, ...] = ()
    valid_from: date | None = None
    valid_until: date | None = None
    reviewed: date | None = None

    @property
    def title(self) -> str:
        return self.questions[0]

    def is_valid_on(self, day: date) -> bool:
        if self.valid_from is not None and day < self.valid_from:
            return False
        return not (self.valid_until is not None and day > self.valid_until)


@dataclass(frozen=True)
class Agency:
    name: str
    short_name: str
    hotline: str
    address: str | None = None
    phone: str | None = None
    email: str | None = None
    hours: str | None = None
    website: str | None = None
    portal: str | None = None
    note: str | None = None
    hotline_response: str | None = None


@dataclass(frozen=True)
class Synonyms:
    """Canonical phrase -> the variants citizens type for it, plus filler words to drop."""

    groups: tuple[tuple[str, tuple[str, ...]], ...] = ()
    filler: tuple[str, ...] = ()
    related: tuple[tuple[str, ...], ...] = ()  # words that may stand in for each other


@dataclass(frozen=True)
class GoldenCase:
    question: str
    expect: tuple[str, ...]  # empty = must not be answered
    source: Source


@dataclass(frozen=True)
class Holiday:
    """A public holiday: no working hours that day (hotline due times skip it)."""

    day: date
    name: str


@dataclass(frozen=True)
class Topic:
    """A file under faq/ or procedures/: its title and the ids it holds, in file order."""

    key: str  # e.g. "procedures/van-bang"
    title: str
    kind: EntryKind
    entry_ids: tuple[str, ...]


@dataclass(frozen=True)
class KnowledgeBase:
    root: str
    agency: Agency
    entries: tuple[Entry, ...]
    topics: tuple[Topic, ...] = ()
    synonyms: Synonyms = field(default_factory=Synonyms)
    golden: tuple[GoldenCase, ...] = ()
    holidays: tuple[Holiday, ...] = ()

    def by_id(self) -> dict[str, Entry]:
        return self._index

    @cached_property
    def _index(self) -> dict[str, Entry]:
        return {e.id: e for e in self.entries}

    def topic(self, key: str) -> Topic | None:
        return next((t for t in self.topics if t.key == key), None)
