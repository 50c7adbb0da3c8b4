"""Ratings, satisfaction surveys and the outbox of messages waiting to reach citizens.

:class:`FeedbackRepository` is the base of :class:`~cchc_bot.storage.HotlineRepository`;
use it on its own where only feedback or delivery is needed.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import TypeVar, cast

from sqlalchemy import case, select, update
from sqlalchemy.orm import Session

from cchc_bot import storage_texts as texts
from cchc_bot.storage.db import Database
from cchc_bot.storage.errors import StorageError
from cchc_bot.storage.hotline_records import (
    RATING_VALUES,
    NewOutbox,
    NewRating,
    OutboxRecord,
    OutboxStatus,
    RatingRecord,
    SurveyRecord,
)
from cchc_bot.storage.models import Outbox, Rating, Survey
from cchc_bot.storage.repository import _aware, _upsert, utc_now

MAX_ERROR_CHARS = 1000
DEFAULT_MAX_ATTEMPTS = 5

T = TypeVar("T")


def _score(name: str, value: int | None) -> int | None:
    if value is not None and (isinstance(value, bool) or value not in range(1, 6)):
        raise ValueError(f"{name} must be 1–5 or None, got {value!r}")
    return value


class FeedbackRepository:
    """Ratings (👍/👎), surveys after a closed ticket, and the outbox."""

    def __init__(self, database: Database, *, clock: Callable[[], datetime] = utc_now) -> None:
        self._db = database
        self._clock = clock

    def _now(self) -> datetime:
        return _aware(self._clock(), "clock()")

    # -- ratings ---------------------------------------------------------------------------

    def record_rating(self, rating: NewRating) -> RatingRecord:
        """Store a 👍 (1) or 👎 (-1); ``ValueError`` for any other value."""
        if rating.value not in RATING_VALUES or isinstance(rating.value, bool):
            raise ValueError(f"a rating is 1 or -1, got {rating.value!r}")
        created_at = _aware(rating.created_at, "created_at") if rating.created_at else self._now()

        def work(session: Session) -> RatingRecord:
            row = Rating(
                created_at=created_at,
                channel=rating.channel,
                chat_id=rating.chat_id,
                user_id=rating.user_id,
                entry_id=rating.entry_id,
                ticket_id=rating.ticket_id,
                value=rating.value,
            )
            session.add(row)
            session.flush()
            return _rating_record(row)

        return self._db.run(work, write=True)

    # -- surveys ---------------------------------------------------------------------------

    def create_survey(self, ticket_id: int, channel: str, chat_id: str) -> SurveyRecord:
        """Ask the survey for a ticket; asking again returns the survey already stored."""
        now = self._now()

        def work(session: Session) -> SurveyRecord:
            stmt = _upsert(session, Survey).values(
                ticket_id=ticket_id, channel=channel, chat_id=chat_id, asked_at=now
            )
            session.execute(stmt.on_conflict_do_nothing(index_elements=[Survey.ticket_id]))
            row = session.scalars(select(Survey).where(Survey.ticket_id == ticket_id)).one()
            return _survey_record(row)

        return self._db.run(work, write=True)

    def pending_survey(self, channel: str, chat_id: str) -> SurveyRecord | None:
        """The newest survey asked in this chat and not answered yet, or None."""
        stmt = (
            select(Survey)
            .where(
                Survey.channel == channel,
                Survey.chat_id == chat_id,
                Survey.answered_at.is_(None),
            )
            .order_by(Survey.asked_at.desc(), Survey.id.desc())
            .limit(1)
        )

        def work(session: Session) -> SurveyRecord | None:
            row = session.scalars(stmt).one_or_none()
            return _survey_record(row) if row else None

        return self._db.run(work)

    def answer_survey(
        self,
        survey_id: int,
        ease: int | None,
        speed: int | None,
        helpfulness: int | None,
        attitude: int | None,
        comment: str | None = None,
    ) -> SurveyRecord:
        """Store the answers (1–5 each, None = skipped) once; a second answer is refused."""
        values = {
            "ease": _score("ease", ease),
            "speed": _score("speed", speed),
            "helpfulness": _score("helpfulness", helpfulness),
            "attitude": _score("attitude", attitude),
            "comment": comment,
            "answered_at": self._now(),
        }

        def work(session: Session) -> SurveyRecord:
            stmt = (
                update(Survey)
                .where(Survey.id == survey_id, Survey.answered_at.is_(None))
                .values(**values)
                .returning(Survey.id)
            )
            if session.execute(stmt).scalar_one_or_none() is None:
                if session.get(Survey, survey_id) is None:
                    raise StorageError(texts.SURVEY_NOT_FOUND.format(survey_id=survey_id))
                raise StorageError(texts.SURVEY_ANSWERED.format(survey_id=survey_id))
            return _survey_record(_fresh(session, Survey, survey_id))

        return self._db.run(work, write=True)

    # -- outbox ----------------------------------------------------------------------------

    def enqueue(self, message: NewOutbox) -> OutboxRecord:
        """Queue one message for delivery (status ``pending``)."""
        now = self._now()

        def work(session: Session) -> OutboxRecord:
            return _outbox_record(add_outbox(session, message, now))

        return self._db.run(work, write=True)

    def pending_outbox(
        self, *, channel: str | None = None, chat_id: str | None = None, limit: int = 100
    ) -> list[OutboxRecord]:
        """Messages still to send, oldest first, optionally for one channel and chat."""
        stmt = select(Outbox).where(Outbox.status == "pending")
        if channel is not None:
            stmt = stmt.where(Outbox.channel == channel)
        if chat_id is not None:
            stmt = stmt.where(Outbox.chat_id == chat_id)
        stmt = stmt.order_by(Outbox.created_at, Outbox.id).limit(limit)
        return self._db.run(lambda s: [_outbox_record(row) for row in s.scalars(stmt)])

    def mark_sent(self, outbox_id: int) -> OutboxRecord:
        """The message reached the citizen."""
        return self._set_outbox(outbox_id, {"status": "sent", "sent_at": self._now()})

    def mark_failed(
        self,
        outbox_id: int,
        error: str,
        *,
        gone: bool = False,
        max_attempts: int = DEFAULT_MAX_ATTEMPTS,
    ) -> OutboxRecord:
        """Count a failed attempt; ``gone`` (recipient unreachable) stops retrying at once.

        The message stays ``pending`` for another try until ``max_attempts`` failures, then
        becomes ``failed``.
        """
        attempts = Outbox.attempts + 1
        if gone:
            status: object = "gone"
        else:
            status = case((attempts >= max_attempts, "failed"), else_="pending")
        values = {"attempts": attempts, "status": status, "last_error": error[:MAX_ERROR_CHARS]}
        return self._set_outbox(outbox_id, values)

    def _set_outbox(self, outbox_id: int, values: dict[str, object]) -> OutboxRecord:
        def work(session: Session) -> OutboxRecord:
            stmt = update(Outbox).where(Outbox.id == outbox_id).values(**values)
            if session.execute(stmt.returning(Outbox.id)).scalar_one_or_none() is None:
                raise StorageError(texts.OUTBOX_NOT_FOUND.format(outbox_id=outbox_id))
            return _outbox_record(_fresh(session, Outbox, outbox_id))

        return self._db.run(work, write=True)


def _fresh(session: Session, model: type[T], key: int) -> T:
    """The row as the database has it now (after a bulk UPDATE)."""
    row = session.get(model, key, populate_existing=True)
    if row is None:  # pragma: no cover - the caller just updated it
        raise StorageError(f"{model.__name__} {key} vanished")
    return row


def add_outbox(session: Session, message: NewOutbox, now: datetime) -> Outbox:
    """Insert one pending outbox row inside the caller's transaction."""
    row = Outbox(
        created_at=now,
        channel=message.channel,
        chat_id=message.chat_id,
        kind=message.kind,
        text=message.text,
        ticket_id=message.ticket_id,
        status="pending",
        attempts=0,
    )
    session.add(row)
    session.flush()
    return row


def _rating_record(row: Rating) -> RatingRecord:
    return RatingRecord(
        id=row.id,
        created_at=row.created_at,
        channel=row.channel,
        chat_id=row.chat_id,
        user_id=row.user_id,
        entry_id=row.entry_id,
        ticket_id=row.ticket_id,
        value=row.value,
    )


def _survey_record(row: Survey) -> SurveyRecord:
    return SurveyRecord(
        id=row.id,
        ticket_id=row.ticket_id,
        channel=row.channel,
        chat_id=row.chat_id,
        asked_at=row.asked_at,
        answered_at=row.answered_at,
        ease=row.ease,
        speed=row.speed,
        helpfulness=row.helpfulness,
        attitude=row.attitude,
        comment=row.comment,
    )


def _outbox_record(row: Outbox) -> OutboxRecord:
    return OutboxRecord(
        id=row.id,
        created_at=row.created_at,
        channel=row.channel,
        chat_id=row.chat_id,
        kind=row.kind,
        text=row.text,
        ticket_id=row.ticket_id,
        status=cast(OutboxStatus, row.status),
        attempts=row.attempts,
        last_error=row.last_error,
        sent_at=row.sent_at,
    )
