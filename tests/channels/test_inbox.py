"""The inbox on its own: group commit, dedup, per-chat order, drain, backlog at start."""

from __future__ import annotations

import asyncio
import json
import os
import socket
import subprocess
from datetime import timedelta

from cchc_bot.channels import claims
from cchc_bot.channels.inbox import Batcher, Inbox
from cchc_bot.storage import ChannelRepository, Repository, StoredUpdate
from tests.channels.conftest import until
from tests.storage._hotline import Clock


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
    assert await inbox.start() == 1  # "1" from before; "2" (stored before start) runs too
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


# -- several servers on one database (claims) ------------------------------------------------


def _handler(calls: list[str], gate: asyncio.Event | None = None):
    async def handle(data: dict) -> None:
        calls.append(data["id"])
        if gate is not None:
            await gate.wait()

    return handle


async def test_a_server_starting_leaves_alone_what_another_has_in_hand(
    repository: Repository,
) -> None:
    store = ChannelRepository(repository.database)
    calls: list[str] = []
    gate = asyncio.Event()
    first = Inbox(store, "test", _handler(calls, gate), lambda d: d["id"], renew_every=0.05)
    await first.start()
    for key in ("u1", "u2"):
        await first.accept(key, json.dumps({"id": key}), {"id": key})
    second = Inbox(store, "test", _handler(calls), lambda d: d["id"], renew_every=0.05)
    assert await second.start() == 0
    await asyncio.sleep(0.3)  # several renewals and take-over rounds of both
    gate.set()
    assert await first.drain(5) and await second.drain(5)
    assert sorted(calls) == ["u1", "u2"]  # each once, by the first server
    assert store.unprocessed_updates("test") == []


async def test_a_server_that_stopped_renewing_has_its_updates_taken_over(
    repository: Repository,
) -> None:
    clock = Clock()
    store = ChannelRepository(repository.database, clock=clock)
    payload = json.dumps({"id": "lost"})
    store.store_updates("test", [StoredUpdate("lost", payload)], "elsewhere/4242/abcd1234")
    calls: list[str] = []
    inbox = Inbox(store, "test", _handler(calls), lambda d: d["id"], renew_every=0.02)
    assert await inbox.start() == 0  # the other server may still be at work
    await asyncio.sleep(0.1)
    assert calls == []
    clock.now += timedelta(seconds=claims.STALE_AFTER + 1)  # it never renewed: gone
    await until(lambda: calls == ["lost"])
    assert await inbox.drain(5)
    assert store.unprocessed_updates("test") == []


async def test_a_crashed_process_of_this_host_has_its_updates_taken_at_once(
    repository: Repository,
) -> None:
    dead_pid = _pid_of_finished()
    store = ChannelRepository(repository.database)
    owner = f"{socket.gethostname()}/{dead_pid}/00000000"
    store.store_updates("test", [StoredUpdate("cut", json.dumps({"id": "cut"}))], owner)
    alive = f"{socket.gethostname()}/{os.getpid()}/11111111"  # this very process: alive
    store.store_updates("test", [StoredUpdate("mine", json.dumps({"id": "mine"}))], alive)
    calls: list[str] = []
    inbox = Inbox(store, "test", _handler(calls), lambda d: d["id"])
    assert await inbox.start() == 1
    await until(lambda: calls == ["cut"])
    assert await inbox.drain(5)
    assert [u.key for u in store.unprocessed_updates("test")] == ["mine"]


async def test_what_drain_leaves_is_released_for_the_next_server(
    repository: Repository,
) -> None:
    store = ChannelRepository(repository.database)
    calls: list[str] = []
    stuck = Inbox(store, "test", _handler(calls, asyncio.Event()), lambda d: d["id"])
    await stuck.start()
    await stuck.accept("slow", json.dumps({"id": "slow"}), {"id": "slow"})
    assert await stuck.drain(0.1) is False
    await stuck.accept("late", json.dumps({"id": "late"}), {"id": "late"})  # after drain
    nxt = Inbox(store, "test", _handler(calls), lambda d: d["id"])
    assert await nxt.start() == 2  # at once, not after claims.STALE_AFTER
    await until(lambda: sorted(calls) == ["late", "slow", "slow"])
    assert await nxt.drain(5)


def _pid_of_finished() -> int:
    process = subprocess.Popen(["true"])
    process.wait()
    return process.pid
