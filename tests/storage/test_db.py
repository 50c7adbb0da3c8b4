"""Database: URLs, SQLite settings, migrations, schema check, health check, unavailability."""

from __future__ import annotations

import sqlite3
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import text

from cchc_bot.storage import (
    Database,
    DatabaseUnavailable,
    NewMessage,
    Repository,
    SchemaOutOfDate,
    StorageError,
    mask_password,
)
from cchc_bot.storage import db as db_module
from cchc_bot.storage.models import Base
from tests.conftest import DatabaseTarget, libpq_url

TABLES = {
    "users",
    "messages",
    "tickets",
    "ticket_counters",
    "chat_state",
    "alembic_version",
    # 0002
    "ticket_notes",
    "audit_log",
    "ratings",
    "surveys",
    "outbox",
    # 0003
    "inbound_updates",
    "staff_posts",
    "callback_codes",
    # 0004
    "zalo_tokens",
    "zalo_contacts",
    "zalo_deferrals",
    # 0005
    "subscriptions",
    "notices",
    "notice_events",
    "deliveries",
}
UNREACHABLE = "postgresql://cchc:s3cr%40t-pw@127.0.0.1:1/cchc"


# -- URLs ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("postgresql://u@db:5432/x", "postgresql+psycopg://u@db:5432/x"),
        ("postgres://u@db/x", "postgresql+psycopg://u@db/x"),
        ("postgresql+psycopg://u:pw@db/x", "postgresql+psycopg://u:***@db/x"),
        ("sqlite:///data/cchc.db", "sqlite:///data/cchc.db"),
    ],
)
def test_url_is_normalised_and_masked(url: str, expected: str) -> None:
    database = Database(url)
    try:
        assert database.masked_url == expected
        assert "pw" not in repr(database)
    finally:
        database.close()


@pytest.mark.parametrize("url", ["mysql://u@db/x", "postgresql+psycopg2://u@db/x", "nonsense"])
def test_unsupported_url_is_refused(url: str) -> None:
    with pytest.raises(StorageError, match="URL"):
        Database(url)


def test_mask_password() -> None:
    assert mask_password("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert mask_password("sqlite:///x.db") == "sqlite:///x.db"
    assert "secret" not in mask_password("weird://u:secret@h:notaport/db")
    with pytest.raises(StorageError) as caught:
        Database("postgresql://u:secret@h:notaport/db")
    assert "secret" not in str(caught.value)


# -- unavailable databases -----------------------------------------------------------------


def test_unreachable_postgres_raises_database_unavailable_with_masked_password() -> None:
    with Database(UNREACHABLE) as database:
        assert database.ping() is False
        for call in (database.check_schema, database.upgrade, database.current_revision):
            with pytest.raises(DatabaseUnavailable) as caught:
                call()
            message = str(caught.value)
            assert "127.0.0.1:1" in message
            assert "***" in message
            assert "s3cr" not in message
        with pytest.raises(DatabaseUnavailable):
            Repository(database).touch_user("telegram", "1", "1", "An")


def test_sqlite_file_that_cannot_be_created_is_unavailable(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-dir"
    blocker.write_text("x")
    with Database(f"sqlite:///{blocker / 'sub' / 'cchc.db'}") as database:
        assert database.ping() is False
        with pytest.raises(DatabaseUnavailable, match=r"cchc\.db"):
            database.check_schema()


# -- SQLite settings ------------------------------------------------------------------------


def test_sqlite_creates_parent_directory_and_sets_pragmas(tmp_path: Path) -> None:
    path = tmp_path / "a" / "b" / "cchc.db"
    with Database(f"sqlite:///{path}") as database:
        assert database.ping()
        pragmas = database.run(
            lambda s: [
                s.execute(text(f"PRAGMA {name}")).scalar()
                for name in ("journal_mode", "busy_timeout", "foreign_keys")
            ]
        )
    assert path.exists()
    assert pragmas == ["wal", 5000, 1]
    with sqlite3.connect(path) as raw:  # WAL is persistent in the file itself
        assert raw.execute("PRAGMA journal_mode").fetchone() == ("wal",)
    raw.close()


# -- migrations and schema check (both backends) --------------------------------------------


def test_empty_database_is_out_of_date(database: Database) -> None:
    assert database.ping()
    assert database.current_revision() is None
    with pytest.raises(SchemaOutOfDate, match="cchc-bot db upgrade"):
        database.check_schema()


def test_upgrade_from_empty_to_head(database: Database) -> None:
    database.upgrade()
    assert database.current_revision() == database.head_revision()
    database.check_schema()
    database.upgrade()  # a second run is a no-op
    database.check_schema()
    message_id = Repository(database).log_message(NewMessage("console", "c", "u", "hi", "help", 1))
    assert message_id >= 1


def test_downgrade_to_base_and_up_again(database: Database) -> None:
    database.upgrade()
    database.downgrade("base")
    assert database.current_revision() is None
    with pytest.raises(SchemaOutOfDate):
        database.check_schema()
    database.upgrade()
    database.check_schema()


def test_unknown_revision_is_reported(database: Database) -> None:
    database.upgrade()
    database.run(
        lambda s: s.execute(text("UPDATE alembic_version SET version_num = '9999'")), write=True
    )
    with pytest.raises(SchemaOutOfDate, match=r"9999.*cchc-bot db upgrade"):
        database.check_schema()


def test_models_match_migrations(database: Database) -> None:
    """The ORM models (used by the repository) and the hand-written migrations agree."""
    database.upgrade()

    def diff(session: object) -> list[object]:
        context = MigrationContext.configure(
            session.connection(),  # type: ignore[attr-defined]
            opts={"compare_type": True, "compare_server_default": False},
        )
        return compare_metadata(context, Base.metadata)

    assert database.run(diff) == []


def test_concurrent_upgrades_take_turns(database_url: str) -> None:
    """Several processes may run `db upgrade` at once; each waits for the other."""
    databases = [Database(database_url) for _ in range(3)]
    try:
        with ThreadPoolExecutor(len(databases)) as pool:
            list(pool.map(lambda db: db.upgrade(), databases))
        for db in databases:
            db.check_schema()
    finally:
        for db in databases:
            db.close()


@pytest.mark.postgres
@pytest.mark.parametrize("db_target", ["postgresql"], indirect=True)
def test_tables_live_in_the_test_schema(db_target: DatabaseTarget, database: Database) -> None:
    """Each PostgreSQL test has its own schema, Alembic's version table included."""
    database.upgrade()
    server_url = db_target.url.split("?", 1)[0]
    with psycopg.connect(libpq_url(server_url)) as conn:
        rows = conn.execute(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
            (db_target.schema,),
        ).fetchall()
    assert {name for (name,) in rows} == TABLES


def test_close_then_use_again_reconnects(database: Database) -> None:
    database.upgrade()
    database.close()
    assert database.ping()
    database.check_schema()


@pytest.mark.postgres
@pytest.mark.parametrize("db_target", ["postgresql"], indirect=True)
def test_a_pooled_connection_the_server_dropped_is_replaced_after_idling(
    db_target: DatabaseTarget, database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """No ping per transaction, but one for a connection back from the pool after a pause."""
    monkeypatch.setattr(db_module, "IDLE_PING_S", 0.0)
    with Database(database_url) as database:
        database.upgrade()
        pid = database.run(lambda s: s.execute(text("SELECT pg_backend_pid()")).scalar_one())
        server_url = db_target.url.split("?", 1)[0]
        with psycopg.connect(libpq_url(server_url), autocommit=True) as admin:
            admin.execute("SELECT pg_terminate_backend(%s)", (pid,))
        time.sleep(0.01)
        again = database.run(lambda s: s.execute(text("SELECT pg_backend_pid()")).scalar_one())
        assert again != pid
        database.check_schema()


def test_sqlite_waits_for_a_writer_while_switching_to_wal(tmp_path: Path) -> None:
    """A new database file another process is writing to: switching it to WAL used to fail
    at once with "database is locked" (SQLite skips the busy timeout there); it now waits."""
    path = tmp_path / "new.db"
    writer = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    writer.execute("CREATE TABLE t (x INTEGER)")
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO t VALUES (1)")
    release = threading.Timer(0.3, lambda: writer.execute("COMMIT"))
    release.start()
    database = Database(f"sqlite:///{path}")
    try:
        assert database.ping()
        mode = database.run(lambda session: session.execute(text("PRAGMA journal_mode")).scalar())
        assert mode == "wal"
    finally:
        release.join()
        database.close()
        writer.close()
