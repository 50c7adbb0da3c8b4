"""Ratings, satisfaction surveys and the outbox lifecycle (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import timedelta

import pytest

from cchc_bot.storage import (
    Database,
    FeedbackRepository,
    HotlineRepository,
    NewOutbox,
    NewRating,
    NewTicket,
    Repository,
    StorageError,
)
from tests.storage._hotline import T0, Clock


@pytest.fixture
def feedback(repository: Repository, database: Database, clock: Clock) -> FeedbackRepository:
    return FeedbackRepository(database, clock=clock)


def new_ticket_id(repository: Repository, chat: str = "c1") -> int:
    return repository.create_ticket(NewTicket("zalo", chat, "u", "câu hỏi"), now=T0).id


# -- ratings --------------------------------------------------------------------------------


def test_record_rating(repository: Repository, feedback: FeedbackRepository) -> None:
    up = feedback.record_rating(NewRating("telegram", "c", "u", 1, entry_id="hoc-ba"))
    assert (up.value, up.entry_id, up.ticket_id, up.created_at) == (1, "hoc-ba", None, T0)
    ticket_id = new_ticket_id(repository)
    at = T0 - timedelta(days=1)
    down = feedback.record_rating(
        NewRating("zalo", "c", "u", -1, ticket_id=ticket_id, created_at=at)
    )
    assert (down.value, down.ticket_id, down.created_at) == (-1, ticket_id, at)
    assert down.id > up.id


@pytest.mark.parametrize("value", [0, 2, -2, True])
def test_rating_values_are_plus_or_minus_one(feedback: FeedbackRepository, value: int) -> None:
    with pytest.raises(ValueError, match="1 or -1"):
        feedback.record_rating(NewRating("telegram", "c", "u", value))


def test_rating_of_an_unknown_ticket_is_refused(feedback: FeedbackRepository) -> None:
    with pytest.raises(StorageError):
        feedback.record_rating(NewRating("telegram", "c", "u", 1, ticket_id=424242))


# -- surveys --------------------------------------------------------------------------------


def test_survey_lifecycle(
    repository: Repository, feedback: FeedbackRepository, clock: Clock
) -> None:
    first_id, second_id = new_ticket_id(repository), new_ticket_id(repository)
    assert feedback.pending_survey("zalo", "c1") is None
    first = feedback.create_survey(first_id, "zalo", "c1")
    assert (first.ticket_id, first.asked_at, first.answered_at, first.ease) == (
        first_id,
        T0,
        None,
        None,
    )
    clock.now = T0 + timedelta(hours=1)
    assert feedback.create_survey(first_id, "zalo", "c1") == first  # idempotent per ticket
    second = feedback.create_survey(second_id, "zalo", "c1")
    assert feedback.pending_survey("zalo", "c1") == second  # the newest first
    assert feedback.pending_survey("telegram", "c1") is None

    answered = feedback.answer_survey(second.id, 5, 4, 3, 5, "Cán bộ nhiệt tình")
    assert (answered.ease, answered.speed, answered.helpfulness, answered.attitude) == (5, 4, 3, 5)
    assert (answered.comment, answered.answered_at) == ("Cán bộ nhiệt tình", clock.now)
    assert feedback.pending_survey("zalo", "c1") == first
    with pytest.raises(StorageError, match="answered"):
        feedback.answer_survey(second.id, 1, 1, 1, 1)

    skipped = feedback.answer_survey(first.id, None, None, None, None, None)  # "bỏ qua"
    assert skipped.answered_at == clock.now and skipped.ease is None
    assert feedback.pending_survey("zalo", "c1") is None
    with pytest.raises(StorageError, match="no survey"):
        feedback.answer_survey(987654, 5, 5, 5, 5)


@pytest.mark.parametrize("bad", [0, 6, -1])
def test_survey_scores_are_one_to_five(
    repository: Repository, feedback: FeedbackRepository, bad: int
) -> None:
    survey = feedback.create_survey(new_ticket_id(repository), "zalo", "c1")
    with pytest.raises(ValueError, match="1–5"):
        feedback.answer_survey(survey.id, 5, bad, 5, 5)
    assert feedback.pending_survey("zalo", "c1") == survey


def test_survey_needs_a_real_ticket(feedback: FeedbackRepository) -> None:
    with pytest.raises(StorageError):
        feedback.create_survey(424242, "zalo", "c1")


# -- outbox ---------------------------------------------------------------------------------


def test_outbox_lifecycle(
    repository: Repository, feedback: FeedbackRepository, clock: Clock
) -> None:
    ticket_id = new_ticket_id(repository)
    first = feedback.enqueue(NewOutbox("zalo", "c1", "ticket_answer", "Trả lời 1", ticket_id))
    clock.now = T0 + timedelta(seconds=1)
    second = feedback.enqueue(NewOutbox("telegram", "c2", "survey", "Khảo sát"))
    third = feedback.enqueue(NewOutbox("zalo", "c3", "notice", "Thông báo"))
    assert (first.status, first.attempts, first.created_at, first.sent_at) == (
        "pending",
        0,
        T0,
        None,
    )

    def ids(**filters: object) -> list[int]:
        return [m.id for m in feedback.pending_outbox(**filters)]  # type: ignore[arg-type]

    assert ids() == [first.id, second.id, third.id]  # oldest first
    assert ids(channel="zalo") == [first.id, third.id]
    assert ids(channel="zalo", chat_id="c3") == [third.id]
    assert ids(limit=1) == [first.id]

    clock.now = T0 + timedelta(minutes=1)
    sent = feedback.mark_sent(first.id)
    assert (sent.status, sent.sent_at) == ("sent", clock.now)

    retry = feedback.mark_failed(second.id, "timeout", max_attempts=2)
    assert (retry.status, retry.attempts, retry.last_error) == ("pending", 1, "timeout")
    failed = feedback.mark_failed(second.id, "timeout again", max_attempts=2)
    assert (failed.status, failed.attempts, failed.last_error) == ("failed", 2, "timeout again")

    gone = feedback.mark_failed(third.id, "bot blocked by the user", gone=True)
    assert (gone.status, gone.attempts) == ("gone", 1)
    assert ids() == []
    with pytest.raises(StorageError):
        feedback.mark_sent(999_999)


def test_a_hotline_repository_is_a_feedback_repository(database: Database) -> None:
    assert issubclass(HotlineRepository, FeedbackRepository)
