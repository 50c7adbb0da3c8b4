"""Frozen values of the hotline workflow: notes, audit rows, ratings, surveys, the outbox."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

OutboxStatus = Literal["pending", "sent", "failed", "gone"]

OUTBOX_STATUSES: tuple[str, ...] = ("pending", "sent", "failed", "gone")
RATING_VALUES: tuple[int, ...] = (-1, 1)
SURVEY_CRITERIA: tuple[str, ...] = ("ease", "speed", "helpfulness", "attitude")
# Keys `HotlineRepository.update_ticket` accepts in `changes`.
TICKET_CHANGE_KEYS: frozenset[str] = frozenset(
    {
        "status",
        "assignee",
        "answer",
        "answered_at",
        "answered_by",
        "closed_at",
        "reject_reason",
        "due_at",
        "group_id",
        "category",
        "kind",
    }
)


@dataclass(frozen=True)
class NoteRecord:
    """An internal staff note on a ticket (never shown to the citizen)."""

    id: int
    ticket_id: int
    author: str
    text: str
    created_at: datetime


@dataclass(frozen=True)
class AuditRecord:
    """Who did what, when: one row per change."""

    id: int
    created_at: datetime
    actor: str
    action: str
    ticket_number: str | None
    detail: str


@dataclass(frozen=True)
class NewRating:
    """A 👍 (1) or 👎 (-1) on a bot answer (``entry_id``) or a staff answer (``ticket_id``)."""

    channel: str
    chat_id: str
    user_id: str
    value: int
    entry_id: str | None = None
    ticket_id: int | None = None
    created_at: datetime | None = None  # None: the repository's clock


@dataclass(frozen=True)
class RatingRecord:
    """A stored rating."""

    id: int
    created_at: datetime
    channel: str
    chat_id: str
    user_id: str
    entry_id: str | None
    ticket_id: int | None
    value: int


@dataclass(frozen=True)
class SurveyRecord:
    """The satisfaction survey sent after a ticket is closed; scores are 1–5 or None."""

    id: int
    ticket_id: int
    channel: str
    chat_id: str
    asked_at: datetime
    answered_at: datetime | None
    ease: int | None
    speed: int | None
    helpfulness: int | None
    attitude: int | None
    comment: str | None


@dataclass(frozen=True)
class NewOutbox:
    """A message to deliver to a citizen (``kind``: ticket_answer, survey, notice …)."""

    channel: str
    chat_id: str
    kind: str
    text: str
    ticket_id: int | None = None


@dataclass(frozen=True)
class OutboxRecord:
    """A queued message and how its delivery went."""

    id: int
    created_at: datetime
    channel: str
    chat_id: str
    kind: str
    text: str
    ticket_id: int | None
    status: OutboxStatus
    attempts: int
    last_error: str | None
    sent_at: datetime | None
