"""Ticket numbers: format, per-year sequences, Vietnam-time years, gap-free under concurrency."""

from __future__ import annotations

import multiprocessing
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cchc_bot.storage import Candidate, NewTicket, Repository, StorageError, ticket_number
from tests.storage import _workers

MARCH = datetime(2026, 3, 2, 1, 0, tzinfo=UTC)


def new_ticket(chat_id: str = "c1", **fields: object) -> NewTicket:
    return NewTicket("telegram", chat_id, "u1", "Tôi muốn hỏi về học bạ", **fields)  # type: ignore[arg-type]


def seqs(numbers: list[str], year: int) -> list[int]:
    prefix = f"HD-{year}-"
    assert all(n.startswith(prefix) and len(n) == len(prefix) + 5 for n in numbers)
    return sorted(int(n.removeprefix(prefix)) for n in numbers)


def test_ticket_number_format() -> None:
    assert ticket_number(2026, 42) == "HD-2026-00042"


def test_ticket_fields_round_trip(repository: Repository) -> None:
    due = datetime(2026, 3, 9, 17, 0, tzinfo=timezone(timedelta(hours=7)))
    created = repository.create_ticket(
        new_ticket(
            display_name="Trần Thị Bình",
            kind="complaint",
            category="văn bằng",
            candidates=[Candidate("cap-ban-sao", "Cấp bản sao văn bằng", 0.42)],
            due_at=due,
        ),
        now=MARCH,
    )
    assert created.number == "HD-2026-00001"
    assert (created.year, created.seq, created.status) == (2026, 1, "open")
    assert created.candidates == (Candidate("cap-ban-sao", "Cấp bản sao văn bằng", 0.42),)
    loaded = repository.get_ticket("HD-2026-00001")
    assert loaded == created
    assert loaded is not None
    assert (loaded.kind, loaded.category, loaded.display_name) == (
        "complaint",
        "văn bằng",
        "Trần Thị Bình",
    )
    assert loaded.created_at == loaded.updated_at == MARCH
    assert loaded.due_at == due and loaded.due_at.tzinfo is UTC
    assert loaded.created_at.tzinfo is UTC
    assert (loaded.answered_at, loaded.closed_at, loaded.assignee, loaded.answer) == (None,) * 4
    assert repository.get_ticket(" hd-2026-00001 ") == created
    assert repository.get_ticket("HD-2026-00002") is None


def test_numbers_are_sequential_and_restart_each_year(repository: Repository) -> None:
    numbers = [repository.create_ticket(new_ticket(), now=MARCH).number for _ in range(3)]
    assert numbers == ["HD-2026-00001", "HD-2026-00002", "HD-2026-00003"]
    next_year = MARCH.replace(year=2027)
    assert repository.create_ticket(new_ticket(), now=next_year).number == "HD-2027-00001"
    assert repository.create_ticket(new_ticket(), now=MARCH).number == "HD-2026-00004"
    assert repository.create_ticket(new_ticket(), now=next_year).number == "HD-2027-00002"


@pytest.mark.parametrize(
    ("utc_moment", "number"),
    [
        (datetime(2026, 12, 31, 16, 59, 59, tzinfo=UTC), "HD-2026-00001"),  # 23:59:59 in Hà Nội
        (datetime(2026, 12, 31, 17, 0, 0, tzinfo=UTC), "HD-2027-00001"),  # 00:00 on 1 January
        (datetime(2026, 12, 31, 23, 30, tzinfo=UTC), "HD-2027-00001"),
    ],
)
def test_year_is_the_year_in_vietnam(
    repository: Repository, utc_moment: datetime, number: str
) -> None:
    ticket = repository.create_ticket(new_ticket(), now=utc_moment)
    assert ticket.number == number
    assert ticket.created_at == utc_moment


def test_a_failed_insert_does_not_consume_a_number(repository: Repository) -> None:
    with pytest.raises(StorageError):
        repository.create_ticket(new_ticket(kind="bogus"), now=MARCH)  # CHECK constraint
    assert repository.create_ticket(new_ticket(), now=MARCH).number == "HD-2026-00001"


def test_naive_now_is_refused(repository: Repository) -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        repository.create_ticket(new_ticket(), now=datetime(2026, 3, 2))


def test_list_tickets_and_tickets_for_chat(repository: Repository) -> None:
    for i, chat in enumerate(["a", "b", "a"]):
        repository.create_ticket(new_ticket(chat), now=MARCH + timedelta(minutes=i))
    assert [t.number for t in repository.list_tickets()] == [
        "HD-2026-00003",
        "HD-2026-00002",
        "HD-2026-00001",
    ]
    assert len(repository.list_tickets(limit=2)) == 2
    assert len(repository.list_tickets(status="open")) == 3
    assert repository.list_tickets(status="closed") == []
    assert [t.number for t in repository.tickets_for_chat("telegram", "a")] == [
        "HD-2026-00003",
        "HD-2026-00001",
    ]
    assert repository.tickets_for_chat("zalo", "a") == []


def test_concurrent_threads_get_unique_gap_free_numbers(repository: Repository) -> None:
    threads, per_thread = 8, 50

    def work(worker: int) -> list[str]:
        return [
            repository.create_ticket(new_ticket(f"t{worker}"), now=MARCH).number
            for _ in range(per_thread)
        ]

    with ThreadPoolExecutor(threads) as pool:
        numbers = [n for batch in pool.map(work, range(threads)) for n in batch]
    assert len(set(numbers)) == threads * per_thread
    assert seqs(numbers, 2026) == list(range(1, threads * per_thread + 1))


def test_concurrent_processes_get_unique_gap_free_numbers(
    repository: Repository, database_url: str
) -> None:
    processes, per_process = 2, 100
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(processes)
    results = context.Queue()
    children = [
        context.Process(
            target=_workers.create_tickets,
            args=(database_url, worker, per_process, barrier, results),
        )
        for worker in range(processes)
    ]
    for child in children:
        child.start()
    try:
        outcomes = dict(results.get(timeout=60) for _ in children)
    finally:
        for child in children:
            child.join(timeout=30)
            child.close()
        results.close()
        results.join_thread()
    failures = {w: out for w, out in outcomes.items() if isinstance(out, str)}
    assert not failures, failures
    numbers = [n for batch in outcomes.values() for n in batch]
    assert len(set(numbers)) == processes * per_process
    assert seqs(numbers, _workers.NOW.year) == list(range(1, processes * per_process + 1))
    # The parent sees the same counter: the next number follows on.
    assert repository.create_ticket(new_ticket(), now=_workers.NOW).seq == 201
