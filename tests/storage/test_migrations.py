"""Migration 0002 (hotline): up from 0001 with data in it, down again, and up from empty."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text

from cchc_bot.storage import Database, HotlineRepository, NewTicket, Repository

NEW_TABLES = ("ticket_notes", "audit_log", "ratings", "surveys", "outbox")
ROW_0001 = {
    "number": "HD-2026-00007",
    "year": 2026,
    "seq": 7,
    "channel": "zalo",
    "chat_id": "c",
    "user_id": "u",
    "text": "Hỏi về học bạ",
    "candidates": "[]",
    "kind": "question",
    "status": "open",
}
# Raw SQL, as stored by each backend: naive UTC text on SQLite, timestamptz on PostgreSQL.
STORED_TIME = {"sqlite": "2026-09-01 01:00:00.000000", "postgresql": "2026-09-01 01:00:00+00"}


def _tables(database: Database) -> set[str]:
    def work(session: object) -> set[str]:
        from sqlalchemy import inspect

        return set(inspect(session.connection()).get_table_names())  # type: ignore[attr-defined]

    return database.run(work)


def test_0001_to_0002_keeps_tickets_and_counters(database: Database) -> None:
    database.upgrade("0001")
    assert not set(NEW_TABLES) & _tables(database)
    row = ROW_0001 | dict.fromkeys(("created_at", "updated_at"), STORED_TIME[database.backend])
    columns = ", ".join(row)
    params = ", ".join(f":{name}" for name in row)
    if database.backend == "postgresql":
        params = params.replace(":created_at", "CAST(:created_at AS timestamptz)")
        params = params.replace(":updated_at", "CAST(:updated_at AS timestamptz)")
    database.run(
        lambda s: (
            s.execute(text(f"INSERT INTO tickets ({columns}) VALUES ({params})"), row),
            s.execute(text("INSERT INTO ticket_counters (year, last_seq) VALUES (2026, 7)")),
        ),
        write=True,
    )

    database.upgrade()
    database.check_schema()
    assert set(NEW_TABLES) <= _tables(database)
    repository = Repository(database)
    old = repository.get_ticket("HD-2026-00007")
    assert old is not None
    assert (old.text, old.group_id, old.answered_by, old.status) == (
        "Hỏi về học bạ",
        None,
        None,
        "open",
    )
    assert old.created_at == datetime(2026, 9, 1, 1, 0, tzinfo=UTC)
    fresh = repository.create_ticket(NewTicket("zalo", "c", "u", "mới"), now=old.created_at)
    assert fresh.number == "HD-2026-00008"
    hotline = HotlineRepository(database)
    grouped = hotline.update_ticket(
        fresh.number, expected=["open"], changes={"group_id": old.id}, actor="a", action="group"
    )
    assert grouped.group_id == old.id

    database.downgrade("0001")
    assert not set(NEW_TABLES) & _tables(database)
    count = database.run(lambda s: s.execute(text("SELECT count(*) FROM tickets")).scalar_one())
    assert count == 2
    database.upgrade()
    database.check_schema()
    assert repository.get_ticket(fresh.number).group_id is None  # type: ignore[union-attr]
