"""PostgreSQL's hot path: one statement, autocommit, straight on the pooled DBAPI connection.

Every message costs two short statements (`exchange_sql`). Through a SQLAlchemy `Connection`
each spends ~0.2 ms of CPU in Python around a ~0.05 ms driver call (checkout, execution
options, transaction bookkeeping, result objects) — under load, in threads that contend for
the GIL, about twice that. Here a Core statement is compiled once to its SQL string with its
bind and result processors (the same `TypeEngine` processors SQLAlchemy applies, so
`UTCDateTime` and JSON behave exactly as elsewhere) and run on the pooled psycopg connection
switched to autocommit for that one statement: a single statement is atomic by itself.

Driver errors come out as SQLAlchemy's `DBAPIError` (with `connection_invalidated` set on a
lost connection, which is also dropped from the pool), so `Database` retries and translates
them as it does for every other call.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError
from sqlalchemy.pool import PoolProxiedConnection
from sqlalchemy.sql import Executable

Processor = Callable[[Any], Any] | None


class _Prepared:
    """A statement compiled for one dialect, with its parameter and column processors."""

    def __init__(self, statement: Executable, engine: Engine) -> None:
        dialect = engine.dialect
        compiled = statement.compile(dialect=dialect)  # type: ignore[attr-defined]
        self.sql = compiled.string
        self.bind_processors: dict[str, Processor] = {
            name: bind.type.dialect_impl(dialect).bind_processor(dialect)
            for name, bind in compiled.binds.items()
        }
        columns = statement.exported_columns  # type: ignore[attr-defined]
        self.result_processors: list[Processor] = [
            column.type.dialect_impl(dialect).result_processor(dialect, None) for column in columns
        ]

    def parameters(self, values: Mapping[str, Any]) -> dict[str, Any]:
        out = {}
        for name, process in self.bind_processors.items():
            value = values[name]
            out[name] = process(value) if process is not None else value
        return out

    def row(self, raw: tuple[Any, ...]) -> tuple[Any, ...]:
        return tuple(
            process(value) if process is not None else value
            for process, value in zip(self.result_processors, raw, strict=True)
        )


def _back_in_transactions(connection: Any) -> bool:
    try:
        connection.autocommit = False
        return connection.autocommit is False
    except Exception:
        return False


class SingleStatements:
    """Runs prepared one-statement calls on an engine's pooled connections (PostgreSQL)."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._prepared: dict[int, tuple[Executable, _Prepared]] = {}
        self._dbapi_error: type[Exception] = engine.dialect.loaded_dbapi.Error

    def prepared(self, statement: Executable) -> _Prepared:
        # Keyed by identity: the statements are module-level and live as long as the process
        # (the statement itself is kept in the entry so its id cannot be reused).
        found = self._prepared.get(id(statement))
        if found is None:
            found = (statement, _Prepared(statement, self._engine))
            self._prepared[id(statement)] = found
        return found[1]

    def execute(
        self,
        statement: Executable,
        values: Mapping[str, Any],
        checkout: Callable[[], PoolProxiedConnection],
    ) -> list[tuple[Any, ...]]:
        """Run the statement alone in autocommit on a connection from `checkout` (which maps
        its own failures); returns the rows, processed. Driver errors raise `DBAPIError`."""
        prepared = self.prepared(statement)
        params = prepared.parameters(values)
        fairy = checkout()
        connection = fairy.dbapi_connection
        try:
            connection.autocommit = True  # type: ignore[union-attr]
            try:
                with connection.cursor() as cursor:  # type: ignore[union-attr]
                    cursor.execute(prepared.sql, params)
                    rows = cursor.fetchall() if cursor.description else []
            finally:
                connection.autocommit = False  # type: ignore[union-attr]
        except self._dbapi_error as exc:
            lost = self._engine.dialect.is_disconnect(exc, connection, None)  # type: ignore[arg-type]
            if lost or not _back_in_transactions(connection):
                fairy.invalidate(exc)  # never hand the pool a connection left in autocommit
            raise DBAPIError.instance(
                prepared.sql,
                params,
                exc,
                self._dbapi_error,
                connection_invalidated=lost,
                dialect=self._engine.dialect,
            ) from exc
        finally:
            fairy.close()
        return [prepared.row(row) for row in rows]
