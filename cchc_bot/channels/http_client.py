"""A lean HTTP/1.1 keep-alive client for bot API calls (POST, one origin, stdlib only).

httpx costs 1.5–3 ms of CPU per request on the project machine (httpcore's pool, anyio,
h11), more than the rest of a citizen's answer but matching; bot API calls need none of
its features. This client sends one POST per call over persistent connections (HTTPS, or
plain HTTP to a local server or a test server), about 0.2 ms each. It serves broadcasts
(`telegram/bulk.py`), the Zalo Bot API (`zalo/api.py`) and python-telegram-bot's requests
(`telegram/lean_request.py`). Behind an HTTP(S) proxy (`HTTPS_PROXY` …, which it does not
speak) the callers keep httpx: see `proxied`.

It tells exactly when a request has left: `on_wire()` is called once every byte of the
request is in the kernel's socket buffer (a SIGKILL after that cannot stop it reaching the
server), and not at all if writing failed. Failures are `NotSent` (connect or write failed:
safe to send again) or `NoAnswer` (the request left; `timed_out` says whether the time ran
out).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import ssl
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

IDLE_REUSE = 5.0  # seconds: an older idle connection may have been closed by the server
_HEAD_LIMIT = 64 * 1024


class NotSent(Exception):
    """The request never left (connect or write failed): safe to send again."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


class NoAnswer(Exception):
    """The request left but no complete answer came (timeout, connection lost)."""

    def __init__(self, message: str, *, timed_out: bool = False) -> None:
        super().__init__(message)
        self.timed_out = timed_out


def proxied(url: str) -> bool:
    """True when the environment routes `url` through a proxy (this client cannot)."""
    parts = urlsplit(url)
    proxies = urllib.request.getproxies()
    if not (proxies.get(parts.scheme) or proxies.get("all")):
        return False
    return not urllib.request.proxy_bypass(parts.hostname or "")


@dataclass(frozen=True)
class Answer:
    status: int
    headers: dict[str, str]  # names in lower case
    body: bytes


@dataclass
class _Connection:
    reader: asyncio.StreamReader
    writer: asyncio.StreamWriter
    used_at: float

    def close(self) -> None:
        with contextlib.suppress(Exception):
            self.writer.close()


class BulkClient:
    """POST to one origin over reusable connections (at most `max_connections` at once)."""

    def __init__(
        self,
        base_url: str,
        *,
        timeout: float = 15.0,
        max_connections: int | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        parts = urlsplit(base_url)
        self.host = parts.hostname or "localhost"
        self.tls = parts.scheme == "https"
        self.port = parts.port or (443 if self.tls else 80)
        self.path = parts.path.rstrip("/")
        self.timeout = timeout
        self._idle: list[_Connection] = []
        self._ssl = ssl.create_default_context() if self.tls else None
        self._slots = asyncio.Semaphore(max_connections) if max_connections else None
        self._extra = "".join(f"{name}: {value}\r\n" for name, value in (headers or {}).items())

    async def post(
        self, path: str, payload: dict[str, Any], on_wire: Callable[[], None] | None = None
    ) -> tuple[int, dict[str, Any]]:
        """POST `payload` as JSON; `(status, parsed JSON object or {})` back."""
        body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
        answer = await self.request(path, body, on_wire=on_wire)
        try:
            parsed = json.loads(answer.body) if answer.body else {}
        except ValueError:
            parsed = {"description": answer.body[:200].decode("utf-8", "replace")}
        return answer.status, parsed if isinstance(parsed, dict) else {}

    async def request(
        self,
        path: str,
        body: bytes,
        *,
        content_type: str = "application/json",
        timeout: float | None = None,
        on_wire: Callable[[], None] | None = None,
    ) -> Answer:
        """POST `body` to `path` (below the base URL's path); the raw answer back."""
        if self._slots is None:
            return await self._request(path, body, content_type, timeout or self.timeout, on_wire)
        async with self._slots:
            return await self._request(path, body, content_type, timeout or self.timeout, on_wire)

    async def _request(
        self,
        path: str,
        body: bytes,
        content_type: str,
        timeout: float,
        on_wire: Callable[[], None] | None,
    ) -> Answer:
        head = (
            f"POST {self.path}{path} HTTP/1.1\r\nHost: {self.host}\r\n"
            f"Content-Type: {content_type}\r\nContent-Length: {len(body)}\r\n{self._extra}\r\n"
        ).encode("ascii")
        conn = await self._connection(timeout)
        keep = False
        try:
            try:
                conn.writer.write(head + body)
                if conn.writer.transport.get_write_buffer_size():
                    async with asyncio.timeout(timeout):
                        while conn.writer.transport.get_write_buffer_size():
                            await conn.writer.drain()
            except Exception as exc:
                raise NotSent(f"{type(exc).__name__}: {exc}") from exc
            if on_wire is not None:
                on_wire()
            try:
                async with asyncio.timeout(timeout):
                    answer, keep = await _response(conn.reader)
            except Exception as exc:
                timed_out = isinstance(exc, TimeoutError)
                raise NoAnswer(f"{type(exc).__name__}: {exc}", timed_out=timed_out) from exc
        finally:  # also when cancelled: a connection in an unknown state is never reused
            if keep:
                conn.used_at = time.monotonic()
                self._idle.append(conn)
            else:
                conn.close()
        return answer

    async def close(self) -> None:
        idle, self._idle = self._idle, []
        for conn in idle:
            conn.close()
            with contextlib.suppress(Exception):
                await conn.writer.wait_closed()

    async def _connection(self, timeout: float) -> _Connection:
        now = time.monotonic()
        while self._idle:
            conn = self._idle.pop()
            if now - conn.used_at < IDLE_REUSE and not conn.reader.at_eof():
                return conn
            conn.close()
        try:
            reader, writer = await asyncio.wait_for(
                asyncio.open_connection(self.host, self.port, ssl=self._ssl, limit=_HEAD_LIMIT * 4),
                timeout,
            )
        except Exception as exc:
            timed_out = isinstance(exc, TimeoutError)
            raise NotSent(f"connect: {type(exc).__name__}: {exc}", timed_out=timed_out) from exc
        return _Connection(reader, writer, now)


async def _response(reader: asyncio.StreamReader) -> tuple[Answer, bool]:
    """The answer and whether the connection may be reused."""
    head = await reader.readuntil(b"\r\n\r\n")
    lines = head.decode("latin-1").split("\r\n")
    status = int(lines[0].split(" ", 2)[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    keep = headers.get("connection", "").lower() != "close"
    if headers.get("transfer-encoding", "").lower() == "chunked":
        body = await _chunked(reader)
    elif "content-length" in headers:
        body = await reader.readexactly(int(headers["content-length"] or 0))
    elif status in (204, 304) or 100 <= status < 200:
        body = b""
    else:  # delimited by the server closing the connection
        body, keep = await reader.read(), False
    return Answer(status, headers, body), keep


async def _chunked(reader: asyncio.StreamReader) -> bytes:
    chunks = []
    while True:
        size = int((await reader.readline()).split(b";")[0].strip() or b"0", 16)
        if size == 0:
            await reader.readline()
            return b"".join(chunks)
        chunks.append(await reader.readexactly(size))
        await reader.readline()
