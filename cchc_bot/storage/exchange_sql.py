"""The statements of every message (start and end of an exchange), built once.

An exchange costs two short writes (`Repository.begin_exchange`, `finish_exchange`). They
are SQLAlchemy Core statements with bound parameters, built once per dialect, and skip the
ORM's unit of work. On PostgreSQL each is one statement (a data-modifying CTE does the
upsert, the outer statement the read or the log): one round trip without BEGIN/COMMIT,
atomic as a single statement, run by `Database.run_single` straight on the driver. SQLite,
which has no DML in CTEs, runs the same two parts as two statements in one transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import Connection, bindparam, false, func, insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Executable

from cchc_bot.storage.db import Database
from cchc_bot.storage.models import ChatStateRow, Message, User
from cchc_bot.storage.records import ChatState, NewMessage

_STATE = ChatStateRow.__table__.c
_MESSAGE = Message.__table__.c
_STATE_FIELDS = ("pending_choices", "last_entry_id", "pending_question", "updated_at")
_MESSAGE_FIELDS = (
    "created_at",
    "channel",
    "chat_id",
    "user_id",
    "text",
    "decision",
    "entry_id",
    "score",
    "aspect",
    "latency_ms",
    "reply_text",
)


def _insert_for(dialect: str) -> Callable[[Any], Any]:
    return postgresql.insert if dialect == "postgresql" else sqlite.insert


def _touch(dialect: str) -> Any:
    stmt = _insert_for(dialect)(User).values(
        channel=bindparam("channel"),
        user_id=bindparam("user_id"),
        chat_id=bindparam("chat_id"),
        display_name=bindparam("display_name"),
        created_at=bindparam("now", type_=User.__table__.c.created_at.type),
        last_seen_at=bindparam("now", type_=User.__table__.c.last_seen_at.type),
        unreachable=false(),
    )
    return stmt.on_conflict_do_update(
        index_elements=[User.channel, User.user_id],
        set_={
            "chat_id": stmt.excluded.chat_id,
            "display_name": func.coalesce(stmt.excluded.display_name, User.display_name),
            "last_seen_at": stmt.excluded.last_seen_at,
            "unreachable": false(),
        },
    )


def _read_state() -> Any:
    return select(*(_STATE[name] for name in _STATE_FIELDS)).where(
        _STATE.channel == bindparam("channel"), _STATE.chat_id == bindparam("chat_id")
    )


def _save_state(dialect: str) -> Any:
    stmt = _insert_for(dialect)(ChatStateRow).values(
        channel=bindparam("channel"),
        chat_id=bindparam("chat_id"),
        pending_choices=bindparam("pending_choices", type_=_STATE.pending_choices.type),
        last_entry_id=bindparam("last_entry_id"),
        pending_question=bindparam("pending_question"),
        updated_at=bindparam("now", type_=_STATE.updated_at.type),
    )
    return stmt.on_conflict_do_update(
        index_elements=[ChatStateRow.channel, ChatStateRow.chat_id],
        set_={name: stmt.excluded[name] for name in _STATE_FIELDS},
    )


def _log() -> Any:
    values = {name: bindparam(f"m_{name}", type_=_MESSAGE[name].type) for name in _MESSAGE_FIELDS}
    return insert(Message).values(**values).returning(Message.id)


@cache
def statements(dialect: str) -> dict[str, Executable]:
    """The prebuilt statements for one dialect (built on first use, then reused)."""
    if dialect == "postgresql":
        return {
            "begin": _read_state().add_cte(_touch(dialect).cte("touched")),
            "finish": _log(),
            "finish_with_state": _log().add_cte(_save_state(dialect).cte("saved")),
        }
    return {
        "touch": _touch(dialect),
        "read_state": _read_state(),
        "save_state": _save_state(dialect),
        "finish": _log(),
    }


def begin(
    db: Database,
    channel: str,
    user_id: str,
    chat_id: str,
    display_name: str | None,
    now: datetime,
) -> ChatState | None:
    """Touch the user (a user who writes is reachable again) and read the chat's state."""
    sql = statements(db.backend)
    params = {
        "channel": channel,
        "user_id": user_id,
        "chat_id": chat_id,
        "display_name": display_name,
        "now": now,
    }
    if "begin" in sql:
        rows = db.run_single(sql["begin"], params)
        row = rows[0] if rows else None
    else:

        def work(conn: Connection) -> Any:
            conn.execute(sql["touch"], params)
            return conn.execute(sql["read_state"], params).first()

        row = db.run_core(work, write=True)
    if row is None:
        return None
    choices, last_entry_id, question, updated_at = row
    return ChatState(channel, chat_id, tuple(choices or ()), last_entry_id, question, updated_at)


def finish(
    db: Database,
    message: NewMessage,
    created_at: datetime,
    state: ChatState | None,
    now: datetime,
) -> int:
    """Save the chat's state (when given) and log the exchange; returns the message id."""
    sql = statements(db.backend)
    params: dict[str, Any] = {f"m_{name}": getattr(message, name) for name in _MESSAGE_FIELDS}
    params["m_created_at"] = created_at
    if state is not None:
        params.update(
            channel=state.channel,
            chat_id=state.chat_id,
            pending_choices=list(state.pending_choices) or None,
            last_entry_id=state.last_entry_id,
            pending_question=state.pending_question,
            now=now,
        )
    if "begin" in sql:  # PostgreSQL: one statement
        statement = sql["finish"] if state is None else sql["finish_with_state"]
        return int(db.run_single(statement, params)[0][0])

    def work(conn: Connection) -> int:
        if state is not None:
            conn.execute(sql["save_state"], params)
        return int(conn.execute(sql["finish"], params).scalar_one())

    return db.run_core(work, write=True)
