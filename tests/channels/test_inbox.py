"""The inbox on its own: group commit, dedup, per-chat order, drain, backlog at start."""

from __future__ import annotations

import asyncio
import json

from cchc_bot.channels.inbox import Batcher, Inbox
from cchc_bot.storage import ChannelRepository, Repository, StoredUpdate


async def test_the_batcher_commits_concurrent_items_together() -> None:
    batches: list[list[int]] = []

    async def flush(items: list[int]) -> int:
        batches.append(items)
        await asyncio.sleep(0.01)
        return len(items)

    batcher: Batcher[int, int] = Batcher(flush)
    first = asyncio.create_task(batcher.submit(0))
    await asyncio.sleep(0.001)  # the first flush is under way
    rest = await asyncio.gather(*(batcher.submit(i) for i in range(1, 10)))
    assert batches == [[0], list(range(1, 10))]
    assert await first == 1 and rest == [9] * 9
    await batcher.idle()


async def test_updates_of_one_chat_run_in_order_and_duplicates_once(
    repository: Repository,
) -> None:
    seen: list[tuple[str, int]] = []

    async def handle(data: dict) -> None:
        await asyncio.sleep(0.01 if data["n"] % 2 else 0.0)
        seen.append((data["chat"], data["n"]))

    store = ChannelRepository(repository.database)
    inbox = Inbox(store, "test", handle, lambda d: d["chat"])
    await inbox.start()
    updates = [{"chat": c, "n": n} for n in range(5) for c in ("a", "b")]
    news = await asyncio.gather(
        *(inbox.accept(f"{u['chat']}{u['n']}", json.dumps(u), u) for u in updates),
        inbox.accept("a0", "{}", {"chat": "a", "n": 0}),  # a duplicate
    )
    assert news.count(True) == 10
    assert await inbox.drain(5)
    assert [n for c, n in seen if c == "a"] == list(range(5))
    assert [n for c, n in seen if c == "b"] == list(range(5))
    assert store.unprocessed_updates("test") == []


async def test_stored_but_unhandled_updates_run_at_start_and_errors_do_not_stop_it(
    repository: Repository,
) -> None:
    store = ChannelRepository(repository.database)
    store.store_updates("test", [StoredUpdate("1", '{"chat": "a", "n": 1}')])
    handled: list[int] = []

    async def handle(data: dict) -> None:
        handled.append(data["n"])
        if data["n"] == 2:
            raise RuntimeError("a bad update")

    inbox = Inbox(store, "test", handle, lambda d: d["chat"])
    assert await inbox.accept("2", '{"chat": "a", "n": 2}', {"chat": "a", "n": 2})  # deferred
    assert handled == []
    assert await inbox.start() == 2  # "1" from before and "2" (stored before start)
    await inbox.drain(5)
    assert sorted(handled) == [1, 2]
    assert store.unprocessed_updates("test") == []  # a failing update is not retried forever


async def test_drain_cuts_off_what_takes_too_long_and_leaves_it_for_next_time(
    repository: Repository,
) -> None:
    store = ChannelRepository(repository.database)

    async def handle(data: dict) -> None:
        await asyncio.sleep(10)

    inbox = Inbox(store, "test", handle, lambda d: None)
    await inbox.start()
    await inbox.accept("slow", "{}", {})
    assert await inbox.drain(0.1) is False
    assert [u.key for u in store.unprocessed_updates("test")] == ["slow"]
    assert await inbox.accept("late", "{}", {}) is True  # stored, but not run after drain
    assert inbox.in_flight == 0
