"""Database fixtures: real SQLite always, real PostgreSQL when a server answers.

``database_url`` is parametrised over ``sqlite`` (a file under ``tmp_path``) and
``postgresql`` (a fresh schema per test on the server at ``CCHC_TEST_POSTGRES_URL``, default
``postgresql+psycopg://postgres@127.0.0.1:5432/test``, reached with ``search_path`` set to that
schema through connect options, so Alembic's version table lives there too). When no
PostgreSQL server answers, the ``postgresql`` variants are skipped with the reason shown in
the summary, never silently.

``database`` is a :class:`Database` on an empty database; ``repository`` is a
:class:`Repository` on a migrated one.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

import psycopg
import pytest

from cchc_bot.storage import Database, Repository, mask_password

POSTGRES_URL_ENV = "CCHC_TEST_POSTGRES_URL"
DEFAULT_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SESSION_TIME_ZONE = "Asia/Ho_Chi_Minh"


@dataclass(frozen=True)
class DatabaseTarget:
    """Where a test's database lives: backend name, URL, and (PostgreSQL) its own schema."""

    backend: str
    url: str
    schema: str | None = None


def libpq_url(url: str, **params: str) -> str:
    """A SQLAlchemy PostgreSQL URL as a plain libpq URL for psycopg, with extra parameters."""
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), *params.items()]
    return urlunsplit(("postgresql", parts.netloc, parts.path, urlencode(query), ""))


def _with_search_path(url: str, schema: str) -> str:
    # A non-UTC session time zone on purpose: UTC conversion must not depend on the server.
    options = f"-csearch_path={schema} -ctimezone={SESSION_TIME_ZONE}"
    parts = urlsplit(url)
    query = [*parse_qsl(parts.query), ("options", options)]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    """The PostgreSQL URL to test against; skips (with the reason) when nothing answers."""
    url = os.environ.get(POSTGRES_URL_ENV) or DEFAULT_POSTGRES_URL
    try:
        with psycopg.connect(libpq_url(url), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        pytest.skip(f"PostgreSQL not reachable at {mask_password(url)}: {reason}")
    return url


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def db_target(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[DatabaseTarget]:
    """An empty database of each backend, removed after the test."""
    if request.param == "sqlite":
        # A sub-directory that does not exist yet: Database must create it.
        yield DatabaseTarget("sqlite", f"sqlite:///{tmp_path / 'data' / 'cchc.db'}")
        return
    server = request.getfixturevalue("postgres_server_url")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    with psycopg.connect(libpq_url(server), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    try:
        yield DatabaseTarget("postgresql", _with_search_path(server, schema), schema)
    finally:
        admin_url = libpq_url(server, options="-clock_timeout=10s")
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


@pytest.fixture
def database_url(db_target: DatabaseTarget) -> str:
    return db_target.url


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    """A :class:`Database` on an empty database; its engine is disposed afterwards."""
    db = Database(database_url)
    try:
        yield db
    finally:
        db.close()


@pytest.fixture
def repository(database: Database) -> Repository:
    """A :class:`Repository` on a database migrated to head."""
    database.upgrade()
    return Repository(database)


# --- the small fixture knowledge folder (tests/fixtures/knowledge_small) ------------------------

KNOWLEDGE_SMALL = Path(__file__).parent / "fixtures" / "knowledge_small"


@pytest.fixture(scope="session")
def knowledge_small_dir() -> Path:
    """A small, valid knowledge folder (11 entries) shared by matcher, engine and CLI tests."""
    return KNOWLEDGE_SMALL


@pytest.fixture(scope="session")
def small_knowledge(knowledge_small_dir: Path):
    """The fixture folder loaded with `load_knowledge` (read-only; build it once)."""
    from cchc_bot.knowledge import load_knowledge

    return load_knowledge(knowledge_small_dir)


@pytest.fixture(scope="session")
def small_service(knowledge_small_dir: Path):
    """A `KnowledgeService` on the fixture folder with the default thresholds."""
    from cchc_bot.kb_service import KnowledgeService
    from cchc_bot.matching import Thresholds

    return KnowledgeService(knowledge_small_dir, Thresholds())
