"""The engine's own threads: how many answer at once, shared by the server's channels."""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time

import pytest

from cchc_bot.channels.engine_threads import EngineThreads, engine_threads
from cchc_bot.messages import Incoming, Reply
from tests.channels.conftest import Running
from tests.fakes import telegram_updates as tg

CHAT = 222
REQUEST = contextvars.ContextVar("request", default="-")


class SlowEngine:
    """Stands in for `Engine`: answers after a pause, noting how many answer at once."""

    def __init__(self, pause: float) -> None:
        self.pause = pause
        self.lock = threading.Lock()
        self.running = self.most = 0
        self.threads: set[str] = set()

    def handle(self, incoming: Incoming) -> Reply:
        with self.lock:
            self.running += 1
            self.most = max(self.most, self.running)
            self.threads.add(threading.current_thread().name)
        time.sleep(self.pause)
        with self.lock:
            self.running -= 1
        return Reply(f"{incoming.text} ({REQUEST.get()})")


def message(text: str) -> Incoming:
    return Incoming("test", "c1", "u1", text)


@pytest.mark.parametrize("threads", [1, 3])
async def test_no_more_answers_run_at_once_than_there_are_threads(threads: int) -> None:
    engine = SlowEngine(pause=0.05)
    pool = EngineThreads(engine, threads)  # type: ignore[arg-type]
    try:
        replies = await asyncio.gather(*(pool.handle(message(str(i))) for i in range(8)))
    finally:
        pool.shutdown()
    assert [r.text.split()[0] for r in replies] == [str(i) for i in range(8)]
    assert engine.most == threads
    assert len(engine.threads) == threads
    assert all(name.startswith("cchc-engine") for name in engine.threads)


async def test_the_callers_context_goes_along() -> None:
    pool = EngineThreads(SlowEngine(pause=0), 1)  # type: ignore[arg-type]
    REQUEST.set("update 42")
    try:
        reply = await pool.handle(message("hỏi"))
    finally:
        pool.shutdown()
    assert reply.text == "hỏi (update 42)"


def test_a_pool_needs_a_thread_and_is_reused_when_given() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        EngineThreads(SlowEngine(0), 0)  # type: ignore[arg-type]
    shared = EngineThreads(SlowEngine(0), 2)  # type: ignore[arg-type]
    assert engine_threads(shared) is shared
    own = engine_threads(SlowEngine(0))  # type: ignore[arg-type]
    assert own is not shared and own.threads == 2
    shared.shutdown()
    own.shutdown()


@pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)
async def test_the_server_answers_on_its_shared_engine_threads(start_bot) -> None:
    bot: Running = await start_bot(CCHC_ENGINE_THREADS="3")
    server = bot.server
    assert server.engine.threads == 3
    assert server.telegram is not None and server.telegram.citizen.engine is server.engine
    bot.fake.push(tg.text_update(bot.next_id(), CHAT, "/start"))
    (greeting,) = await bot.replies(CHAT)
    assert "Xin chào" in greeting
    names = {t.name for t in threading.enumerate()}
    assert any(name.startswith("cchc-engine") for name in names)
