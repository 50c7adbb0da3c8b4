"""Repository contract for users, the message log and chat state (SQLite and PostgreSQL)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cchc_bot.storage import ChannelRepository, ChatState, Database, NewMessage, Repository

T0 = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)
HANOI = timezone(timedelta(hours=7))


class StepClock:
    """A clock that moves one second every time it is read."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        self.now += timedelta(seconds=1)
        return self.now


@pytest.fixture
def clocked(repository: Repository, database: Database) -> tuple[Repository, StepClock]:
    clock = StepClock()
    return Repository(database, clock=clock), clock


def assert_utc(value: datetime | None) -> None:
    assert value is not None
    assert value.tzinfo is UTC


# -- users ----------------------------------------------------------------------------------


def test_touch_user_inserts_then_updates(clocked: tuple[Repository, StepClock]) -> None:
    repository, _ = clocked
    first = repository.touch_user("telegram", "42", "42", "Nguyễn Văn An")
    assert (first.channel, first.user_id, first.chat_id) == ("telegram", "42", "42")
    assert first.display_name == "Nguyễn Văn An"
    assert first.unreachable is False
    assert first.created_at == first.last_seen_at == T0 + timedelta(seconds=1)

    again = repository.touch_user("telegram", "42", "4242", None)
    assert again.id == first.id
    assert again.chat_id == "4242"
    assert again.display_name == "Nguyễn Văn An"  # None keeps the stored name
    assert again.created_at == first.created_at
    assert again.last_seen_at == T0 + timedelta(seconds=2)
    assert_utc(again.created_at)
    assert_utc(again.last_seen_at)

    renamed = repository.touch_user("telegram", "42", "4242", "An")
    assert renamed.display_name == "An"


def test_users_are_unique_per_channel(repository: Repository) -> None:
    telegram = repository.touch_user("telegram", "7", "7", "A")
    zalo = repository.touch_user("zalo", "7", "7", "B")
    assert telegram.id != zalo.id
    assert repository.touch_user("telegram", "7", "7").display_name == "A"


# -- message log ----------------------------------------------------------------------------


def test_log_message_and_recent_messages(clocked: tuple[Repository, StepClock]) -> None:
    repository, _ = clocked
    first = repository.log_message(
        NewMessage(
            "telegram",
            "c1",
            "u1",
            "thủ tục cấp bản sao bằng tốt nghiệp",
            "answer",
            12.5,
            entry_id="cap-ban-sao-bang-tot-nghiep",
            score=0.91,
            aspect="documents",
            reply_text="Hồ sơ gồm …",
        )
    )
    second = repository.log_message(NewMessage("zalo", "c2", "u2", None, "unknown", 3.0))
    assert second > first

    newest, oldest = repository.recent_messages(10)
    assert (newest.id, oldest.id) == (second, first)
    assert newest.text is None and newest.entry_id is None and newest.score is None
    assert oldest.text == "thủ tục cấp bản sao bằng tốt nghiệp"
    assert oldest.entry_id == "cap-ban-sao-bang-tot-nghiep"
    assert oldest.score == pytest.approx(0.91)
    assert (oldest.aspect, oldest.decision, oldest.reply_text) == (
        "documents",
        "answer",
        "Hồ sơ gồm …",
    )
    assert oldest.latency_ms == pytest.approx(12.5)
    assert oldest.created_at == T0 + timedelta(seconds=1)
    assert_utc(oldest.created_at)
    assert [m.id for m in repository.recent_messages(1)] == [second]


def test_message_time_given_in_vietnam_time_comes_back_as_utc(repository: Repository) -> None:
    local = datetime(2026, 1, 1, 6, 30, tzinfo=HANOI)
    repository.log_message(NewMessage("console", "c", "u", "x", "help", 1.0, created_at=local))
    (stored,) = repository.recent_messages(1)
    assert stored.created_at == local
    assert stored.created_at == datetime(2025, 12, 31, 23, 30, tzinfo=UTC)
    assert_utc(stored.created_at)


def test_naive_datetimes_are_refused(repository: Repository, database: Database) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        repository.log_message(
            NewMessage("console", "c", "u", "x", "help", 1.0, created_at=datetime(2026, 1, 1))
        )
    with pytest.raises(ValueError, match="timezone-aware"):
        Repository(database, clock=lambda: datetime(2026, 1, 1)).touch_user("x", "1", "1")


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(
    moment=st.datetimes(
        min_value=datetime(1990, 1, 1),
        max_value=datetime(2100, 1, 1),
        timezones=st.sampled_from([UTC, HANOI, timezone(timedelta(hours=-9, minutes=-30))]),
    )
)
def test_any_aware_time_round_trips_as_the_same_utc_instant(
    repository: Repository, moment: datetime
) -> None:
    repository.log_message(NewMessage("console", "rt", "u", "x", "help", 1.0, created_at=moment))
    stored = repository.recent_messages(1_000_000)
    assert any(m.created_at == moment and m.created_at.tzinfo is UTC for m in stored)


# -- chat state ----------------------------------------------------------------------------


def test_chat_state_round_trip(clocked: tuple[Repository, StepClock]) -> None:
    repository, _ = clocked
    assert repository.get_chat_state("telegram", "c1") is None

    saved = repository.save_chat_state(
        ChatState("telegram", "c1", pending_choices=("a", "b", "c"), last_entry_id=None)
    )
    assert saved.updated_at == T0 + timedelta(seconds=1)
    loaded = repository.get_chat_state("telegram", "c1")
    assert loaded == saved
    assert loaded is not None and loaded.pending_choices == ("a", "b", "c")
    assert_utc(loaded.updated_at)

    repository.save_chat_state(ChatState("telegram", "c1", (), last_entry_id="b"))
    replaced = repository.get_chat_state("telegram", "c1")
    assert replaced is not None
    assert (replaced.pending_choices, replaced.last_entry_id) == ((), "b")
    assert replaced.updated_at == T0 + timedelta(seconds=2)

    assert repository.get_chat_state("zalo", "c1") is None
    assert repository.get_chat_state("telegram", "c2") is None


def test_chat_state_is_shared_between_database_handles(
    repository: Repository, database_url: str
) -> None:
    """What one process saves, another reads (here: a second engine on the same database)."""
    repository.save_chat_state(ChatState("zalo", "z1", ("x", "y")))
    with Database(database_url) as other:
        state = Repository(other).get_chat_state("zalo", "z1")
    assert state is not None and state.pending_choices == ("x", "y")


def test_records_are_frozen(repository: Repository) -> None:
    user = repository.touch_user("console", "dev", "dev")
    with pytest.raises(AttributeError):
        user.display_name = "changed"  # type: ignore[misc]


# -- one exchange (the statements of every message) -----------------------------------------


def test_begin_exchange_touches_the_user_and_reads_the_chat_state(
    clocked: tuple[Repository, StepClock], database: Database
) -> None:
    repository, _ = clocked
    assert repository.begin_exchange("zalo", "u1", "c1", "Bình") is None
    user = repository.touch_user("zalo", "u1", "c1")  # None keeps the name begin_exchange set
    assert (user.display_name, user.created_at) == ("Bình", T0 + timedelta(seconds=1))
    ChannelRepository(database).mark_unreachable("zalo", "c1")

    saved = repository.save_chat_state(ChatState("zalo", "c1", ("/a x", "/a y"), "x", "hỏi"))
    state = repository.begin_exchange("zalo", "u1", "c1", None)
    assert state == saved
    assert state is not None and state.pending_choices == ("/a x", "/a y")
    assert_utc(state.updated_at)
    again = repository.touch_user("zalo", "u1", "c1")
    assert again.unreachable is False  # writing again clears the flag
    assert again.display_name == "Bình"
    assert again.last_seen_at == T0 + timedelta(seconds=5)  # the begin_exchange's time + 1
    assert repository.begin_exchange("zalo", "u2", "c2") is None  # another chat's state: none


def test_finish_exchange_logs_and_saves_the_state_only_when_given(
    clocked: tuple[Repository, StepClock],
) -> None:
    repository, _ = clocked
    message = NewMessage("telegram", "c9", "u9", "học phí", "answer", 3.5, "e1", 0.91, "fee")
    first = repository.finish_exchange(message, None)
    assert repository.get_chat_state("telegram", "c9") is None
    second = repository.finish_exchange(message, ChatState("telegram", "c9", ("/a e1",), "e1"))
    assert second > first
    state = repository.get_chat_state("telegram", "c9")
    assert state is not None
    assert (state.pending_choices, state.last_entry_id, state.pending_question) == (
        ("/a e1",),
        "e1",
        None,
    )
    assert state.updated_at == T0 + timedelta(seconds=2)
    repository.finish_exchange(message, ChatState("telegram", "c9"))  # emptied, not deleted
    cleared = repository.get_chat_state("telegram", "c9")
    assert cleared is not None and (cleared.pending_choices, cleared.last_entry_id) == ((), None)

    logged = repository.recent_messages(3)
    assert [m.id for m in logged][1:] == [second, first]
    newest = logged[0]
    assert (newest.channel, newest.chat_id, newest.user_id, newest.text) == (
        "telegram",
        "c9",
        "u9",
        "học phí",
    )
    assert (newest.decision, newest.entry_id, newest.score, newest.aspect) == (
        "answer",
        "e1",
        0.91,
        "fee",
    )
    assert newest.latency_ms == 3.5 and newest.reply_text is None
    assert newest.created_at == T0 + timedelta(seconds=3)
    stamped = repository.finish_exchange(
        NewMessage("telegram", "c9", "u9", None, "help", 1.0, created_at=T0.astimezone(HANOI)),
        None,
    )
    assert any(m.id == stamped and m.created_at == T0 for m in repository.recent_messages(10))
