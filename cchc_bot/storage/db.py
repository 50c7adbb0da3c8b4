"""The database handle: engine set-up, migrations, schema check, health check, transactions.

Supported URLs: ``sqlite:///path/to/file.db`` and ``postgresql+psycopg://…`` (``postgresql://``
and ``postgres://`` are rewritten to the psycopg driver). The URL is always passed in; nothing
here reads the environment.
"""

from __future__ import annotations

import logging
import random
import sqlite3
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util.exc import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, event, make_url, text
from sqlalchemy.exc import ArgumentError, DBAPIError, DisconnectionError, SQLAlchemyError
from sqlalchemy.orm import Session
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Executable

from cchc_bot import storage_texts as texts
from cchc_bot.redact import mask_url_password
from cchc_bot.storage.errors import DatabaseUnavailable, SchemaOutOfDate, StorageError
from cchc_bot.storage.single_sql import SingleStatements

log = logging.getLogger(__name__)

T = TypeVar("T")

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
SQLITE_BUSY_TIMEOUT_MS = 5000
POSTGRES_CONNECT_TIMEOUT_S = 10
# pg_advisory_xact_lock key so that several processes running `db upgrade` take turns.
_MIGRATION_LOCK_KEY = 0x0CC4C0DB
# Execution option telling the SQLite "begin" hook to take the write lock up front.
_SQLITE_WRITE = "cchc_sqlite_begin_immediate"
_WRITE_ATTEMPTS = 4
_RETRYABLE_SQLSTATES = frozenset({"40001", "40P01"})  # serialization failure, deadlock
# A pooled PostgreSQL connection idle for longer than this is pinged before use (a restarted
# server is noticed); one back in use sooner is not (a ping is a round trip per transaction).
IDLE_PING_S = 1.0


def mask_password(url: str) -> str:
    """Return ``url`` with any password replaced by ``***`` (safe for logs and messages)."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except (ArgumentError, ValueError):
        return mask_url_password(url)


def _normalise_url(raw: str) -> URL:
    try:
        url = make_url(raw.strip())
    except (ArgumentError, ValueError) as exc:
        raise StorageError(texts.INVALID_DATABASE_URL.format(url=mask_password(raw))) from exc
    if url.drivername in {"postgresql", "postgres", "postgresql+psycopg"}:
        return url.set(drivername="postgresql+psycopg")
    if url.drivername in {"sqlite", "sqlite+pysqlite"}:
        return url
    raise StorageError(
        f"Unsupported database URL {url.render_as_string(hide_password=True)!r}: "
        "use sqlite:///path/to/file.db or postgresql+psycopg://user:password@host:port/db"
    )


class Database:
    """One engine for one database URL; dispose it with :meth:`close` (or ``with Database(…)``)."""

    def __init__(self, url: str, *, echo: bool = False) -> None:
        self._url = _normalise_url(url)
        self.masked_url = self._url.render_as_string(hide_password=True)
        self.backend = self._url.get_backend_name()  # "sqlite" | "postgresql"
        self._single: SingleStatements | None = None
        if self.backend == "sqlite":
            self._engine = create_engine(self._url, echo=echo)
            _install_sqlite_hooks(self._engine, self._url.database)
        else:
            connect_args: dict[str, Any] = {}
            if "connect_timeout" not in self._url.query:
                connect_args["connect_timeout"] = POSTGRES_CONNECT_TIMEOUT_S
            self._engine = create_engine(self._url, echo=echo, connect_args=connect_args)
            _install_idle_ping(self._engine, IDLE_PING_S)
            self._single = SingleStatements(self._engine)

    def __repr__(self) -> str:
        return f"Database({self.masked_url!r})"

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.close()

    def close(self) -> None:
        """Close every pooled connection (a later call simply reconnects)."""
        self._engine.dispose()

    # -- health and schema ---------------------------------------------------------------

    def ping(self) -> bool:
        """True when the database answers ``SELECT 1`` (for health checks; never raises)."""
        try:
            with self._connect() as conn:
                conn.execute(text("SELECT 1"))
        except (StorageError, SQLAlchemyError) as exc:
            log.warning("Database ping failed for %s: %s", self.masked_url, exc)
            return False
        return True

    def alembic_config(self) -> Config:
        """An Alembic ``Config`` built in code (no alembic.ini) for this database."""
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS_DIR))
        config.set_main_option("path_separator", "os")
        # ConfigParser interpolation: a literal % in a password must be doubled.
        config.set_main_option(
            "sqlalchemy.url", self._url.render_as_string(hide_password=False).replace("%", "%%")
        )
        return config

    def head_revision(self) -> str:
        """The newest migration revision this version of cchc-bot ships."""
        head = ScriptDirectory.from_config(self.alembic_config()).get_current_head()
        if head is None:  # pragma: no cover - the package always ships migrations
            raise StorageError("No migrations found in " + str(MIGRATIONS_DIR))
        return head

    def current_revision(self) -> str | None:
        """The revision the database is at, or None for an empty (never migrated) database."""
        with self._connect() as conn:
            try:
                heads = MigrationContext.configure(conn).get_current_heads()
            except DBAPIError as exc:
                raise self._translate(exc) from exc
        return heads[0] if heads else None

    def check_schema(self) -> None:
        """Raise :class:`SchemaOutOfDate` unless the database is at the migration head."""
        head = self.head_revision()
        current = self.current_revision()
        if current == head:
            return
        if current is not None and not self._knows_revision(current):
            raise SchemaOutOfDate(
                texts.SCHEMA_UNKNOWN.format(url=self.masked_url, current=current, head=head)
            )
        shown = current or texts.EMPTY_SCHEMA
        raise SchemaOutOfDate(
            texts.SCHEMA_OUT_OF_DATE.format(url=self.masked_url, current=shown, head=head)
        )

    def _knows_revision(self, revision: str) -> bool:
        try:
            script = ScriptDirectory.from_config(self.alembic_config())
            return script.get_revision(revision) is not None
        except CommandError:
            return False

    # -- migrations ------------------------------------------------------------------------

    def upgrade(self, revision: str = "head") -> None:
        """Apply the Alembic migrations up to ``revision`` in one transaction (safe to repeat)."""
        self._migrate(command.upgrade, revision)

    def downgrade(self, revision: str) -> None:
        """Revert migrations down to ``revision`` (``"base"`` empties the schema)."""
        self._migrate(command.downgrade, revision)

    def _migrate(self, step: Callable[[Config, str], None], revision: str) -> None:
        config = self.alembic_config()
        with self._connect(write=True) as conn:
            try:
                with conn.begin():
                    if self.backend == "postgresql":
                        conn.execute(
                            text("SELECT pg_advisory_xact_lock(:key)"), {"key": _MIGRATION_LOCK_KEY}
                        )
                    config.attributes["connection"] = conn
                    step(config, revision)
            except DBAPIError as exc:
                raise self._translate(exc) from exc
            except CommandError as exc:
                raise StorageError(f"Migration to {revision!r} failed: {exc}") from exc
        log.info("Database %s migrated to %s", self.masked_url, revision)

    # -- transactions (for the storage package) --------------------------------------------

    def run(self, work: Callable[[Session], T], *, write: bool = False) -> T:
        """Run ``work(session)`` in one transaction, commit, and return its result.

        ``write=True`` takes SQLite's write lock at BEGIN (``BEGIN IMMEDIATE``) so concurrent
        writers queue on the busy timeout instead of failing half-way; a transaction that still
        hits a lock (or a PostgreSQL serialization failure or deadlock) is retried a few times.
        Database errors come out as :class:`StorageError` subclasses.
        """

        def attempt() -> T:
            with (
                self._connect(write=write) as conn,
                Session(bind=conn, expire_on_commit=False) as session,
                session.begin(),
            ):
                return work(session)

        return self._retrying(attempt, write)

    def run_core(self, work: Callable[[Connection], T], *, write: bool = False) -> T:
        """Like :meth:`run` for SQLAlchemy Core statements on a plain connection (no ORM)."""

        def attempt() -> T:
            with self._connect(write=write) as conn, conn.begin():
                return work(conn)

        return self._retrying(attempt, write)

    def run_single(self, statement: Executable, values: Mapping[str, Any]) -> list[tuple[Any, ...]]:
        """PostgreSQL only: one write statement in autocommit on the raw driver connection
        (`single_sql`: the per-message hot path); returns its rows. Retried and translated
        like :meth:`run`."""
        if self._single is None:
            raise StorageError("run_single is for PostgreSQL; use run_core on SQLite")
        single = self._single
        return self._retrying(lambda: single.execute(statement, values, self._raw_connect), True)

    def _retrying(self, attempt: Callable[[], T], write: bool) -> T:
        tries = 1
        while True:
            try:
                return attempt()
            except DBAPIError as exc:
                if write and tries < _WRITE_ATTEMPTS and self._is_retryable(exc):
                    log.warning("Database busy (attempt %d), retrying: %s", tries, exc.orig)
                    time.sleep(0.05 * 2**tries * random.uniform(0.5, 1.5))
                    tries += 1
                    continue
                raise self._translate(exc) from exc
            except SQLAlchemyError as exc:
                raise StorageError(f"Database error on {self.masked_url}: {exc}") from exc

    def _connect(self, *, write: bool = False) -> Connection:
        try:
            conn = self._engine.connect()
        except (DBAPIError, OSError) as exc:
            raise self._unavailable(exc) from exc
        if write:
            conn.execution_options(**{_SQLITE_WRITE: True})
        return conn

    def _raw_connect(self) -> PoolProxiedConnection:
        try:
            return self._engine.raw_connection()
        except (DBAPIError, OSError, self._engine.dialect.loaded_dbapi.Error) as exc:
            raise self._unavailable(exc) from exc

    def _is_retryable(self, exc: DBAPIError) -> bool:
        if self.backend == "sqlite":
            return _sqlite_busy(exc.orig)
        return getattr(exc.orig, "sqlstate", None) in _RETRYABLE_SQLSTATES

    def _unavailable(self, exc: BaseException) -> DatabaseUnavailable:
        reason = " ".join(str(getattr(exc, "orig", None) or exc).split())
        if self._url.password:
            reason = reason.replace(str(self._url.password), "***")
        return DatabaseUnavailable(
            texts.DATABASE_UNAVAILABLE.format(url=self.masked_url, reason=reason)
        )

    def _translate(self, exc: DBAPIError) -> StorageError:
        if exc.connection_invalidated:
            return self._unavailable(exc)
        return StorageError(f"Database error on {self.masked_url}: {exc.orig}")


def _install_idle_ping(engine: Engine, idle_seconds: float) -> None:
    """``pool_pre_ping`` for connections that sat in the pool a while, not for busy ones."""

    @event.listens_for(engine, "checkin")
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        record.info["idle_since"] = time.monotonic()

    @event.listens_for(engine, "checkout")
    def _checked_out(dbapi_connection: Any, record: Any, _proxy: Any) -> None:
        since = record.info.pop("idle_since", None)
        if since is None or time.monotonic() - since <= idle_seconds:
            return
        try:
            engine.dialect.do_ping(dbapi_connection)
        except Exception as exc:  # the pool replaces the connection and tries again
            raise DisconnectionError(f"stale pooled connection: {type(exc).__name__}") from exc


def _sqlite_busy(error: BaseException | None) -> bool:
    """Whether an SQLite error means another connection holds the lock."""
    return "locked" in str(error) or "busy" in str(error)


def _enable_wal(cursor: Any) -> None:
    """Switch to WAL, waiting for other connections as the busy timeout promises.

    Switching needs an exclusive lock; while another connection holds a write lock SQLite
    answers "database is locked" at once instead of waiting (it would deadlock), e.g. when
    several processes open a new database file together. Retried for up to the busy timeout.
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            cursor.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if not _sqlite_busy(exc) or time.monotonic() >= deadline:
                raise
            time.sleep(0.01 + random.random() * 0.04)


def _install_sqlite_hooks(engine: Engine, database: str | None) -> None:
    """Parent directory, WAL, busy timeout, foreign keys, and BEGIN (IMMEDIATE) by ourselves."""
    in_memory = not database or database == ":memory:" or database.startswith("file:")

    @event.listens_for(engine, "do_connect")
    def _make_parent_dir(*_: object) -> None:
        if not in_memory:
            Path(str(database)).parent.mkdir(parents=True, exist_ok=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: object) -> None:
        # Let SQLAlchemy (the "begin" hook below) emit BEGIN instead of the sqlite3 module.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {SQLITE_BUSY_TIMEOUT_MS}")
            _enable_wal(cursor)
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        immediate = conn.get_execution_options().get(_SQLITE_WRITE, False)
        conn.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
