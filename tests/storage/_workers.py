"""Work done in child processes (spawned, so it must live in an importable module)."""

from __future__ import annotations

import traceback
from datetime import UTC, datetime
from typing import Any

from cchc_bot.storage import Database, NewTicket, Repository

NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)


def create_tickets(url: str, worker: int, count: int, barrier: Any, results: Any) -> None:
    """Create ``count`` tickets through a fresh Database; put ``(worker, numbers)`` on results.

    Every worker connects first and then waits at ``barrier``, so the writes really overlap.
    A failure is reported as ``(worker, traceback_text)``.
    """
    try:
        with Database(url) as database:
            repository = Repository(database)
            assert database.ping()
            barrier.wait(timeout=30)
            numbers = [
                repository.create_ticket(
                    NewTicket("console", f"proc-{worker}", f"proc-{worker}", f"câu hỏi {i}"),
                    now=NOW,
                ).number
                for i in range(count)
            ]
        results.put((worker, numbers))
    except BaseException:
        results.put((worker, traceback.format_exc()))
