"""Database.run_single: PostgreSQL's one-statement hot path straight on the driver."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import bindparam, insert, select, text

from cchc_bot.storage import Database, DatabaseUnavailable, StorageError
from cchc_bot.storage.models import ChatStateRow, User
from tests.conftest import DatabaseTarget, libpq_url

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.parametrize("db_target", ["postgresql"], indirect=True),
]

_STATE = ChatStateRow.__table__.c
SAVE = (
    insert(ChatStateRow)
    .values(
        channel=bindparam("channel"),
        chat_id=bindparam("chat_id"),
        pending_choices=bindparam("choices", type_=_STATE.pending_choices.type),
        updated_at=bindparam("at", type_=_STATE.updated_at.type),
    )
    .returning(_STATE.pending_choices, _STATE.updated_at)
)
READ = select(_STATE.pending_choices, _STATE.updated_at).where(
    _STATE.channel == bindparam("channel"), _STATE.chat_id == bindparam("chat_id")
)
ICT = timezone(timedelta(hours=7))


def _pid(database: Database) -> int:
    return database.run(lambda s: s.execute(text("SELECT pg_backend_pid()")).scalar_one())


def _autocommit_of_pooled(database: Database) -> bool:
    return database.run(lambda s: s.connection().connection.dbapi_connection.autocommit)


def test_rows_come_back_with_the_column_types_applied(database: Database) -> None:
    database.upgrade()
    at = datetime(2026, 11, 22, 14, 30, tzinfo=ICT)
    values = {"channel": "telegram", "chat_id": "42", "choices": ["a", "b"], "at": at}
    [(choices, stored_at)] = database.run_single(SAVE, values)
    assert choices == ["a", "b"] and stored_at == at and stored_at.tzinfo == UTC
    # What the ORM path reads back is the same.
    core = database.run_core(lambda conn: conn.execute(READ, values).one())
    assert tuple(core) == (choices, stored_at)
    assert database.run_single(READ, {"channel": "zalo", "chat_id": "42"}) == []


def test_a_naive_datetime_is_refused_as_elsewhere(database: Database) -> None:
    database.upgrade()
    values = {"channel": "t", "chat_id": "1", "choices": None, "at": datetime(2026, 1, 1)}
    with pytest.raises(ValueError, match="naive"):
        database.run_single(SAVE, values)


def test_a_failed_statement_is_a_storage_error_and_the_connection_stays_transactional(
    database: Database,
) -> None:
    database.upgrade()
    values = {"channel": "t", "chat_id": "1", "choices": None, "at": datetime.now(UTC)}
    database.run_single(SAVE, values)
    with pytest.raises(StorageError, match="chat_state"):
        database.run_single(SAVE, values)  # the same key again: unique violation
    assert _autocommit_of_pooled(database) is False

    def half_done(session: object) -> None:
        session.add(User(channel="t", user_id="u", chat_id="1", created_at=values["at"],
                         last_seen_at=values["at"], unreachable=False))  # type: ignore[attr-defined]  # fmt: skip
        session.flush()  # type: ignore[attr-defined]
        raise RuntimeError("fails after the insert")

    with pytest.raises(RuntimeError):
        database.run(half_done, write=True)
    assert database.run(lambda s: s.scalars(select(User)).all()) == []


def test_a_connection_the_server_dropped_is_replaced(
    db_target: DatabaseTarget, database: Database
) -> None:
    database.upgrade()
    pid = _pid(database)
    with psycopg.connect(libpq_url(db_target.url.split("?", 1)[0]), autocommit=True) as admin:
        admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
    read = {"channel": "t", "chat_id": "1"}
    with pytest.raises(DatabaseUnavailable):
        database.run_single(READ, read)  # the pooled connection was in use a moment ago
    assert database.run_single(READ, read) == []  # the pool dropped it and connected again
    assert _pid(database) != pid


def test_an_unreachable_server_is_unavailable(db_target: DatabaseTarget) -> None:
    url = "postgresql://nobody@127.0.0.1:1/none?connect_timeout=2"
    with Database(url) as database, pytest.raises(DatabaseUnavailable, match=r"127\.0\.0\.1"):
        database.run_single(READ, {"channel": "t", "chat_id": "1"})


def test_sqlite_has_no_single_statement_path(db_target: DatabaseTarget, tmp_path: Path) -> None:
    with Database(f"sqlite:///{tmp_path / 'x.db'}") as database:
        database.upgrade()
        with pytest.raises(StorageError, match="PostgreSQL"):
            database.run_single(READ, {"channel": "t", "chat_id": "1"})
