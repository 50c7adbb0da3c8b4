"""The threads that answer messages: where every channel runs the blocking `Engine.handle`.

`Engine.handle` matches (pure Python, holding the GIL) and waits for the database twice. A
few threads are enough: one matches while another waits for the database, and more only
take turns on the GIL, which slows every message down. Measured with
`benchmarks/telegram_load.py` (one worker, 300 updates/s, PostgreSQL on the same host):
asyncio's default pool (6 threads on 2 cores) p99 153–346 ms, 2 threads 122–205 ms with 2 %
less CPU. A database further away (each message waits two round trips) wants more:
`CCHC_ENGINE_THREADS`.

The pool is the engine's own, apart from asyncio's default executor, so the webhook's short
storage calls (an update is stored before it is acknowledged) never queue behind answers.
"""

from __future__ import annotations

import asyncio
import contextvars
import functools
from concurrent.futures import ThreadPoolExecutor

from cchc_bot.engine import Engine
from cchc_bot.messages import Incoming, Reply

DEFAULT_THREADS = 2


class EngineThreads:
    """`Engine.handle` for coroutines, on a pool of `threads` threads (created lazily)."""

    def __init__(self, engine: Engine, threads: int = DEFAULT_THREADS) -> None:
        if threads < 1:
            raise ValueError(f"threads must be at least 1, got {threads}")
        self.engine = engine
        self.threads = threads
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="cchc-engine")

    async def handle(self, incoming: Incoming) -> Reply:
        context = contextvars.copy_context()  # as asyncio.to_thread does
        call = functools.partial(context.run, self.engine.handle, incoming)
        return await asyncio.get_running_loop().run_in_executor(self._pool, call)

    def shutdown(self) -> None:
        """Let running answers finish, accept no new ones."""
        self._pool.shutdown(wait=True)


def engine_threads(engine: Engine | EngineThreads) -> EngineThreads:
    """What a channel runs messages on: the server's shared pool, or a pool of its own."""
    return engine if isinstance(engine, EngineThreads) else EngineThreads(engine)
