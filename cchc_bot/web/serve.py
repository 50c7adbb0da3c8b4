"""uvicorn inside our own event loop, without its signal handling (the server owns SIGTERM).

When installed (the `fast` extra), httptools parses HTTP (uvicorn's "auto") and uvloop runs
the event loop (`loop_factory`); without them, h11 and asyncio's own loop do the same work
at a higher CPU cost per request.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import socket
from collections.abc import Callable, Generator

import uvicorn
from starlette.types import ASGIApp

log = logging.getLogger(__name__)


def loop_factory() -> Callable[[], asyncio.AbstractEventLoop]:
    """uvloop's event loop when it is installed, else asyncio's."""
    try:
        import uvloop
    except ImportError:
        return asyncio.new_event_loop
    return uvloop.new_event_loop


class _Server(uvicorn.Server):
    @contextlib.contextmanager
    def capture_signals(self) -> Generator[None, None, None]:
        yield  # `cchc-bot run` installs its own SIGTERM/SIGINT handlers


class HttpServer:
    def __init__(self, app: ASGIApp, host: str, port: int, *, grace: float = 10.0) -> None:
        self.config = uvicorn.Config(
            app,
            host=host,
            port=port,
            loop="none",
            http="auto",  # httptools when installed, else h11
            lifespan="off",
            access_log=False,
            log_level="warning",
            timeout_graceful_shutdown=int(grace),
            log_config=None,
        )
        self._server = _Server(self.config)
        self._socket: socket.socket | None = None
        self._task: asyncio.Task[None] | None = None

    @property
    def port(self) -> int:
        if self._socket is None:
            return self.config.port
        return int(self._socket.getsockname()[1])

    async def start(self) -> None:
        """Bind (port 0 = any free port) and serve in the background; OSError if taken."""
        self._socket = self.config.bind_socket()
        self._task = asyncio.create_task(self._server.serve(sockets=[self._socket]))
        while not self._server.started:
            if self._task.done():
                self._task.result()  # startup failed: raise its error
                raise OSError(f"HTTP server on {self.config.host}:{self.port} did not start")
            await asyncio.sleep(0.01)
        log.info("HTTP server on http://%s:%d", self.config.host, self.port)

    async def stop(self) -> None:
        """Stop accepting connections, let requests in progress finish."""
        if self._task is None:
            return
        self._server.should_exit = True
        await self._task
        self._task = None
        if self._socket is not None:
            self._socket.close()
