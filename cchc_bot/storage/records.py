"""Frozen values that go into and come out of the repository (never live ORM objects)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

TicketKind = Literal["question", "complaint"]
TicketStatus = Literal["open", "assigned", "answered", "closed", "rejected"]

TICKET_KINDS: tuple[str, ...] = ("question", "complaint")
TICKET_STATUSES: tuple[str, ...] = ("open", "assigned", "answered", "closed", "rejected")


@dataclass(frozen=True)
class Candidate:
    """A knowledge entry the matcher considered for a question that became a ticket."""

    entry_id: str
    title: str
    score: float


@dataclass(frozen=True)
class UserRecord:
    """A citizen as seen on one channel."""

    id: int
    channel: str
    user_id: str
    chat_id: str
    display_name: str | None
    created_at: datetime
    last_seen_at: datetime
    unreachable: bool


@dataclass(frozen=True)
class NewMessage:
    """One exchange to log: what the citizen wrote and what the bot decided and replied."""

    channel: str
    chat_id: str
    user_id: str
    text: str | None
    decision: str
    latency_ms: float
    entry_id: str | None = None
    score: float | None = None
    aspect: str | None = None
    reply_text: str | None = None
    created_at: datetime | None = None  # None: the repository's clock


@dataclass(frozen=True)
class MessageRecord:
    """A logged exchange."""

    id: int
    created_at: datetime
    channel: str
    chat_id: str
    user_id: str
    text: str | None
    decision: str
    entry_id: str | None
    score: float | None
    aspect: str | None
    latency_ms: float
    reply_text: str | None


@dataclass(frozen=True)
class NewTicket:
    """A question or complaint handed to the hotline staff."""

    channel: str
    chat_id: str
    user_id: str
    text: str
    kind: TicketKind = "question"
    display_name: str | None = None
    category: str | None = None
    candidates: tuple[Candidate, ...] = ()
    due_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "candidates", tuple(self.candidates))


@dataclass(frozen=True)
class TicketRecord:
    """A stored ticket; `number` looks like ``HD-2026-00042``."""

    id: int
    number: str
    year: int
    seq: int
    channel: str
    chat_id: str
    user_id: str
    display_name: str | None
    text: str
    candidates: tuple[Candidate, ...]
    kind: TicketKind
    category: str | None
    status: TicketStatus
    assignee: str | None
    answer: str | None
    reject_reason: str | None
    created_at: datetime
    updated_at: datetime
    due_at: datetime | None
    answered_at: datetime | None
    closed_at: datetime | None
    group_id: int | None = None  # id of the lead ticket of its group; None for a lead
    answered_by: str | None = None


@dataclass(frozen=True)
class ChatState:
    """Small per-chat memory: the entry ids last offered as choices, the last answered entry."""

    channel: str
    chat_id: str
    pending_choices: tuple[str, ...] = ()
    last_entry_id: str | None = None
    pending_question: str | None = None  # the question the pending choices were offered for
    updated_at: datetime | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "pending_choices", tuple(self.pending_choices))
