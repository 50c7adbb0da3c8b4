"""Aggregate queries for the monthly report: counts and figures, never personal data rows.

What the figures *mean* (which decisions count as a question, what "answered by the bot"
is) is decided by :mod:`cchc_bot.reports`, which passes those choices in; this module only
turns them into SQL that runs the same on SQLite and PostgreSQL and uses the indexes
(``messages.created_at``, ``ratings.created_at``, ``tickets(status, due_at)``).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import QueryableAttribute, Session

from cchc_bot.storage.db import Database
from cchc_bot.storage.hotline_records import SURVEY_CRITERIA
from cchc_bot.storage.models import Message, Rating, Survey, Ticket
from cchc_bot.storage.repository import _aware

TimeColumn = ColumnElement[Any] | QueryableAttribute[Any]


@dataclass(frozen=True)
class Period:
    """A half-open time range ``[start, end)`` in UTC."""

    start: datetime
    end: datetime

    def __post_init__(self) -> None:
        object.__setattr__(self, "start", _aware(self.start, "start"))
        object.__setattr__(self, "end", _aware(self.end, "end"))
        if self.end <= self.start:
            raise ValueError(f"empty period {self.start} … {self.end}")


@dataclass(frozen=True)
class MessageCount:
    """Logged exchanges with one decision, split by whether an entry was delivered."""

    decision: str
    with_entry: bool
    count: int


@dataclass(frozen=True)
class TicketFigures:
    """Ticket counts of a period (see :meth:`ReportQueries.figures` for the definitions)."""

    opened_by_kind: tuple[tuple[str, int], ...]
    answered: int
    closed: int
    rejected: int
    overdue: int
    answer_hours: tuple[float, ...]  # created → first answer, tickets answered in the period
    categories: tuple[tuple[str | None, int], ...]  # tickets opened, by category, most first

    @property
    def opened(self) -> int:
        return sum(count for _, count in self.opened_by_kind)


@dataclass(frozen=True)
class EntryCount:
    entry_id: str
    count: int


@dataclass(frozen=True)
class EntryRating:
    """👍/👎 on one knowledge entry; ``entry_id`` None = answers written by hotline staff."""

    entry_id: str | None
    up: int
    down: int


@dataclass(frozen=True)
class CriterionScore:
    """One survey criterion: answers, their mean (1–5) and how many were 4 or 5."""

    criterion: str
    count: int
    mean: float | None
    good: int

    @property
    def good_share(self) -> float | None:
        return self.good / self.count if self.count else None


@dataclass(frozen=True)
class PeriodFigures:
    """Everything the monthly report needs from the database for one period."""

    period: Period
    messages: tuple[MessageCount, ...]
    tickets: TicketFigures
    top_entries: tuple[EntryCount, ...]
    ratings: tuple[EntryRating, ...]
    surveys_asked: int
    surveys_answered: int
    satisfaction: tuple[CriterionScore, ...]
    comments: tuple[str, ...]  # raw citizen words: mask before showing them


class ReportQueries:
    """Read-only aggregate queries over messages, tickets, ratings and surveys."""

    def __init__(self, database: Database) -> None:
        self._db = database

    def figures(
        self,
        period: Period,
        *,
        entry_decisions: Collection[str],
        as_of: datetime,
        top: int = 10,
        max_comments: int = 20,
    ) -> PeriodFigures:
        """All figures of ``period`` in one read transaction.

        - ``top_entries``: messages whose decision is in ``entry_decisions`` with an entry id.
        - tickets *opened* by ``created_at``, *answered* by ``answered_at`` (the first answer),
          *closed* by ``closed_at`` (status closed), *rejected* by ``closed_at`` (or
          ``updated_at`` when unset) with status rejected, all within the period.
        - *overdue*: due within the period and before ``as_of``, and not answered, closed or
          rejected by the due time (unresolved, or resolved late).
        - ratings and surveys by ``created_at`` / ``asked_at`` / ``answered_at``.
        """
        start, end = period.start, period.end
        cut = min(end, _aware(as_of, "as_of"))

        def work(session: Session) -> PeriodFigures:
            return PeriodFigures(
                period=period,
                messages=_messages(session, start, end),
                tickets=_tickets(session, start, end, cut, top),
                top_entries=_top_entries(session, start, end, entry_decisions, top),
                ratings=_ratings(session, start, end),
                surveys_asked=_count(session, Survey.asked_at, start, end),
                surveys_answered=_answered_surveys(session, start, end),
                satisfaction=_satisfaction(session, start, end),
                comments=_comments(session, start, end, max_comments),
            )

        return self._db.run(work)


def _within(column: TimeColumn, start: datetime, end: datetime) -> ColumnElement[bool]:
    return and_(column >= start, column < end)


def _count(session: Session, column: TimeColumn, start: datetime, end: datetime) -> int:
    return int(session.scalar(select(func.count()).where(_within(column, start, end))) or 0)


def _messages(session: Session, start: datetime, end: datetime) -> tuple[MessageCount, ...]:
    has_entry = Message.entry_id.is_not(None)  # no bind parameters: GROUP BY-safe on PostgreSQL
    stmt = (
        select(Message.decision, has_entry, func.count())
        .where(_within(Message.created_at, start, end))
        .group_by(Message.decision, has_entry)
        .order_by(Message.decision, has_entry)
    )
    return tuple(MessageCount(d, bool(e), int(n)) for d, e, n in session.execute(stmt))


def _tickets(
    session: Session, start: datetime, end: datetime, cut: datetime, top: int
) -> TicketFigures:
    opened = session.execute(
        select(Ticket.kind, func.count())
        .where(_within(Ticket.created_at, start, end))
        .group_by(Ticket.kind)
        .order_by(Ticket.kind)
    ).all()
    categories = session.execute(
        select(Ticket.category, func.count().label("n"))
        .where(_within(Ticket.created_at, start, end))
        .group_by(Ticket.category)
        .order_by(func.count().desc(), Ticket.category.asc().nulls_last())
        .limit(top)
    ).all()
    closed = select(func.count()).where(
        Ticket.status == "closed", _within(Ticket.closed_at, start, end)
    )
    rejected_at = func.coalesce(Ticket.closed_at, Ticket.updated_at)
    rejected = select(func.count()).where(
        Ticket.status == "rejected", _within(rejected_at, start, end)
    )
    resolved_at = func.coalesce(
        Ticket.answered_at,
        Ticket.closed_at,
        case((Ticket.status == "rejected", Ticket.updated_at)),
    )
    overdue = select(func.count()).where(
        Ticket.due_at >= start,
        Ticket.due_at < cut,
        or_(resolved_at.is_(None), resolved_at > Ticket.due_at),
    )
    answered = session.execute(
        select(Ticket.created_at, Ticket.answered_at).where(_within(Ticket.answered_at, start, end))
    ).all()
    hours = sorted(
        max((answered_at - created).total_seconds(), 0.0) / 3600
        for created, answered_at in answered
        if answered_at is not None  # always true: selected by answered_at
    )
    return TicketFigures(
        opened_by_kind=tuple((kind, int(n)) for kind, n in opened),
        answered=len(answered),
        closed=int(session.scalar(closed) or 0),
        rejected=int(session.scalar(rejected) or 0),
        overdue=int(session.scalar(overdue) or 0) if cut > start else 0,
        answer_hours=tuple(hours),
        categories=tuple((category, int(n)) for category, n in categories),
    )


def _top_entries(
    session: Session, start: datetime, end: datetime, decisions: Collection[str], top: int
) -> tuple[EntryCount, ...]:
    stmt = (
        select(Message.entry_id, func.count())
        .where(
            _within(Message.created_at, start, end),
            Message.decision.in_(tuple(decisions)),
            Message.entry_id.is_not(None),
        )
        .group_by(Message.entry_id)
        .order_by(func.count().desc(), Message.entry_id)
        .limit(top)
    )
    return tuple(EntryCount(str(entry), int(n)) for entry, n in session.execute(stmt))


def _ratings(session: Session, start: datetime, end: datetime) -> tuple[EntryRating, ...]:
    # Ratings of staff answers (ticket_id set) are pooled under entry_id None.
    entry = case((Rating.ticket_id.is_(None), Rating.entry_id))
    up = func.sum(case((Rating.value == 1, 1), else_=0))
    down = func.sum(case((Rating.value == -1, 1), else_=0))
    stmt = (
        select(entry, up, down)
        .where(_within(Rating.created_at, start, end))
        .group_by(entry)
        .order_by(func.count().desc(), entry.asc().nulls_last())
    )
    return tuple(EntryRating(e, int(u or 0), int(d or 0)) for e, u, d in session.execute(stmt))


def _answered_surveys(session: Session, start: datetime, end: datetime) -> int:
    """Surveys answered in the period with at least one score (a skipped survey is not)."""
    scored = or_(*(getattr(Survey, name).is_not(None) for name in SURVEY_CRITERIA))
    stmt = select(func.count()).where(_within(Survey.answered_at, start, end), scored)
    return int(session.scalar(stmt) or 0)


def _satisfaction(session: Session, start: datetime, end: datetime) -> tuple[CriterionScore, ...]:
    columns = [getattr(Survey, name) for name in SURVEY_CRITERIA]
    aggregates = []
    for column in columns:
        aggregates += [
            func.count(column),
            func.avg(column),
            func.sum(case((column >= 4, 1), else_=0)),
        ]
    row = session.execute(select(*aggregates).where(_within(Survey.answered_at, start, end))).one()
    scores = []
    for i, name in enumerate(SURVEY_CRITERIA):
        count, mean, good = row[3 * i : 3 * i + 3]
        scores.append(
            CriterionScore(
                criterion=name,
                count=int(count or 0),
                mean=float(mean) if mean is not None else None,
                good=int(good or 0),
            )
        )
    return tuple(scores)


def _comments(session: Session, start: datetime, end: datetime, limit: int) -> tuple[str, ...]:
    stmt = (
        select(Survey.comment)
        .where(_within(Survey.answered_at, start, end), Survey.comment.is_not(None))
        .order_by(Survey.answered_at, Survey.id)
        .limit(limit)
    )
    return tuple(str(c) for c in session.scalars(stmt) if str(c).strip())
