"""A lean HTTP/1.1 keep-alive client for bulk `sendMessage` calls (broadcasts).

python-telegram-bot costs about 2.5 ms of CPU per `send_message` on the project machine
(request building, httpx/httpcore, parsing the returned `Message`): at most ~400 messages/s
for a whole core. A broadcast needs neither the parsed message nor httpx's features, so it
uses this client: one JSON POST per message over a few persistent connections (HTTPS to
Telegram, plain HTTP to a local Bot API server or a test server), about 0.15 ms each.

It also tells exactly when a request has left: `post(..., on_wire)` calls `on_wire()` once
every byte of the request is in the kernel's socket buffer (a SIGKILL after that cannot
stop it reaching the server), and not at all if writing failed.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IDLE_REUSE = 5.0  # seconds: an older idle connection may have been closed by the server
_HEAD_LIMIT = 64 * 1024


class NotSent(Exception):
    """The request never left (connect or write failed): safe to send again."""


class NoAnswer(Exception):
    """The request left but no complete answer came (timeout, connection lost)."""


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    used_at: float

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class BulkClient:
    """POST JSON to one origin over reusable connections; `(status, parsed body)` back."""

    def __init__(self, base_url: str, *, timeout: float = 15.0) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "localhost"
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        self.path = parts.path.rstrip("/")
        self.timeout = timeout
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if self.tls else None

    async def post(
        self, path: str, payload: dict[str, Any], on_wire: Callable[[], None] | None = None
    ) -> tuple[int, dict[str, Any]]:
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        head = (
            f"POST {self.path}{path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
        ).encode("ascii")
        conn = await self._connection()
        try:
            conn.writer.write(head + body)
            if conn.writer.transport.get_write_buffer_size():
                async with asyncio.timeout(self.timeout):
                    while conn.writer.transport.get_write_buffer_size():
                        await conn.writer.drain()
        except Exception as exc:
            conn.close()
            raise NotSent(f"{type(exc).__name__}: {exc}") from exc
        if on_wire is not None:
            on_wire()
        try:
            async with asyncio.timeout(self.timeout):
                status, data, keep = await _response(conn.reader)
        except Exception as exc:
            conn.close()
            raise NoAnswer(f"{type(exc).__name__}: {exc}") from exc
        if keep:
            conn.used_at = time.monotonic()
            self._idle.append(conn)
        else:
            conn.close()
        try:
            parsed = json.loads(data) if data else {}
        except ValueError:
            parsed = {"description": data[:200].decode("utf-8", "replace")}
        return status, parsed if isinstance(parsed, dict) else {}

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
            with contextlib.suppress(Exception):
                await conn.writer.wait_closed()

    async def _connection(self) -> _Connection:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if now - conn.used_at < IDLE_REUSE and not conn.reader.at_eof():
                return conn
            conn.close()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=self._ssl, limit=_HEAD_LIMIT * 4),
                self.timeout,
            )
        except Exception as exc:
            raise NotSent(f"connect: {type(exc).__name__}: {exc}") from exc
        return _Connection(reader, writer, now)


async def _response(reader: asyncio.StreamReader) -> tuple[int, bytes, bool]:
    """Status, body and whether the connection may be reused."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _chunked(reader)
    else:
        body = await reader.readexactly(int(headers.get("content-length") or 0))
    keep = headers.get("connection", "").lower() != "close"
    return status, body, keep


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            await reader.readline()
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readline()
