"""Zalo OA token rotation when the database fails: the pair Zalo gave is never lost.

The failures are real: a trigger on `zalo_tokens` makes the UPDATE fail (once, as a
serialization failure that `Database` retries, or every time), and the refresh goes over
HTTP to the fake OA server, which refuses and records a spent refresh token presented again.
"""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator, Iterator

import pytest
from sqlalchemy import text

from cchc_bot.channels.zalo.oa_api import OaApi
from cchc_bot.channels.zalo.oa_tokens import OaTokens
from cchc_bot.storage import Database, ZaloRepository
from cchc_bot.storage.zalo_repo import UnsavedGrant
from tests.conftest import DatabaseTarget
from tests.fakes.zalo_oa_server import APP_ID, FIRST_ACCESS, FIRST_REFRESH, FakeZaloOa

_PG_FAIL = """
CREATE FUNCTION fail_token_update() RETURNS trigger AS $$
BEGIN
  IF {condition} THEN
    RAISE EXCEPTION 'forced failure' USING ERRCODE = '{code}';
  END IF;
  RETURN NEW;
END $$ LANGUAGE plpgsql;
CREATE TRIGGER fail_token BEFORE UPDATE ON zalo_tokens
  FOR EACH ROW EXECUTE FUNCTION fail_token_update();
"""
_SQLITE_FAIL = """
CREATE TRIGGER fail_token BEFORE UPDATE ON zalo_tokens
BEGIN SELECT RAISE(ABORT, 'forced failure'); END
"""


def _run(database: Database, sql: str) -> None:
    database.run(lambda s: s.connection().exec_driver_sql(sql), write=True)


def break_token_writes(database: Database, *, once: bool = False) -> None:
    if database.backend == "sqlite":
        assert not once  # SQLite cannot fail only once: the abort rolls its counter back
        _run(database, _SQLITE_FAIL)
        return
    if once:  # a sequence is not rolled back: the first UPDATE fails, the retry passes
        _run(database, "CREATE SEQUENCE fail_once")
        code, condition = "40001", "nextval('fail_once') = 1"
    else:
        code, condition = "XX000", "true"
    _run(database, _PG_FAIL.format(code=code, condition=condition))


def mend_token_writes(database: Database) -> None:
    table = "" if database.backend == "sqlite" else " ON zalo_tokens"
    _run(database, f"DROP TRIGGER fail_token{table}")


def stored(database: Database) -> tuple[str, str]:
    query = text("SELECT access_token, refresh_token FROM zalo_tokens")
    row = database.run(lambda s: s.execute(query).one())
    return row[0], row[1]


@pytest.fixture
def oa() -> Iterator[FakeZaloOa]:
    server = FakeZaloOa().start()
    yield server
    server.stop()


@pytest.fixture
async def api(oa: FakeZaloOa) -> AsyncIterator[OaApi]:
    client = OaApi(oa.base_url, oa.oauth_url, APP_ID, oa.secret)
    yield client
    await client.close()


@pytest.fixture
def tokens_db(database: Database) -> Database:
    database.upgrade()
    return database


@pytest.mark.parametrize("db_target", ["postgresql"], indirect=True)
async def test_a_retried_transaction_stores_the_pair_zalo_gave_without_refreshing_again(
    tokens_db: Database, oa: FakeZaloOa, api: OaApi, db_target: DatabaseTarget
) -> None:
    repository = ZaloRepository(tokens_db)
    repository.seed_oa_token(APP_ID, FIRST_ACCESS, FIRST_REFRESH, "seed")
    break_token_writes(tokens_db, once=True)
    token = repository.rotate_oa_token(APP_ID, FIRST_ACCESS, api.refresh)
    assert (token.access_token, token.version) == ("at-1", 2)
    assert oa.refreshes == [FIRST_REFRESH] and oa.reused == []  # one refresh, not two
    assert stored(tokens_db) == ("at-1", "rt-1")
    tries = tokens_db.run(lambda s: s.execute(text("SELECT last_value FROM fail_once")).one())
    assert tries[0] == 2  # the first UPDATE failed, the retried one went through


async def test_a_pair_the_database_refuses_is_kept_used_and_stored_later(
    tokens_db: Database, oa: FakeZaloOa, api: OaApi, caplog: pytest.LogCaptureFixture
) -> None:
    repository = ZaloRepository(tokens_db)
    tokens = OaTokens(repository, APP_ID, FIRST_ACCESS, FIRST_REFRESH, api.refresh, save_retry=0.0)
    await tokens.start()
    break_token_writes(tokens_db)
    with caplog.at_level(logging.WARNING):
        assert await tokens.refresh(FIRST_ACCESS) == "at-1"  # used although not stored
        assert await tokens.access() == "at-1"  # the write is tried again, still refused
    assert any(r.levelno == logging.CRITICAL for r in caplog.records)
    assert "rt-1" not in caplog.text and "at-1" not in caplog.text
    assert stored(tokens_db) == (FIRST_ACCESS, FIRST_REFRESH)
    oa.expire()  # Zalo refuses at-1 while the database still refuses the pair
    assert await tokens.refresh("at-1") == "at-2"  # spends rt-1 (kept), never rt-0 again
    assert oa.refreshes == [FIRST_REFRESH, "rt-1"] and oa.reused == []

    mend_token_writes(tokens_db)
    assert await tokens.access() == "at-2"
    assert stored(tokens_db) == ("at-2", "rt-2")  # stored at the first chance
    other = OaTokens(repository, APP_ID, FIRST_ACCESS, FIRST_REFRESH, api.refresh)
    await other.start()  # another worker, or a restart: continues from the stored pair
    oa.expire()
    assert await other.refresh("at-2") == "at-3"
    assert oa.refreshes[-1] == "rt-2" and oa.reused == []


def test_the_repository_hands_back_a_pair_it_could_not_store(
    tokens_db: Database, oa: FakeZaloOa, api: OaApi
) -> None:
    repository = ZaloRepository(tokens_db)
    repository.seed_oa_token(APP_ID, FIRST_ACCESS, FIRST_REFRESH, "seed")
    break_token_writes(tokens_db)
    with pytest.raises(UnsavedGrant) as exc:
        repository.rotate_oa_token(APP_ID, FIRST_ACCESS, api.refresh)
    assert (exc.value.spent, exc.value.grant.access_token) == (FIRST_REFRESH, "at-1")
    assert "at-1" not in repr(exc.value.grant) and "at-1" not in str(exc.value)
    mend_token_writes(tokens_db)
    saved = repository.save_oa_grant(APP_ID, exc.value.spent, exc.value.grant)
    assert (saved.access_token, stored(tokens_db)) == ("at-1", ("at-1", "rt-1"))
    # saved twice (e.g. by a retry after a commit that did go through): nothing changes
    again = repository.save_oa_grant(APP_ID, exc.value.spent, exc.value.grant)
    assert again.version == saved.version
