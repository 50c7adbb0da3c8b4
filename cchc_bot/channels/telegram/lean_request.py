"""python-telegram-bot's requests over the lean keep-alive client instead of httpx.

PTB builds every Bot API call, maps status codes to its errors and parses the answers;
only the transport (`BaseRequest.do_request`) changes: a JSON POST (the Bot API takes
`application/json` for everything but uploads) over
`cchc_bot.channels.http_client.BulkClient` (~0.2 ms of CPU a call against httpx's 1.5–3 ms).
JSON rather than the form body PTB's own `HTTPXRequest` sends: `urlencode` escapes
Vietnamese text byte by byte in Python (~60 µs an answer, 2 % of a message's CPU under load),
`json.dumps` in C. Uploads (multipart), GET requests (file downloads) and
anything else go to a regular `HTTPXRequest`. Failures map like PTB's: a time-out →
`TimedOut` (the message may have gone out: `TelegramSender` does not retry it), anything
else → `NetworkError`.
"""

from __future__ import annotations

import json
from typing import Any
from urllib.parse import urlsplit

from telegram.error import NetworkError, TimedOut
from telegram.request import BaseRequest, HTTPXRequest, RequestData

from cchc_bot.channels.http_client import BulkClient, NoAnswer, NotSent

_JSON = "application/json"


def _json_body(parameters: dict[str, Any]) -> bytes:
    return json.dumps(parameters, ensure_ascii=False, separators=(",", ":")).encode()


class LeanRequest(BaseRequest):
    def __init__(
        self,
        *,
        read_timeout: float = 15.0,
        max_connections: int = 32,
        fallback: BaseRequest | None = None,
    ) -> None:
        self._read_timeout = read_timeout
        self._max_connections = max_connections
        self._clients: dict[tuple[str, str], BulkClient] = {}
        self.fallback = fallback or HTTPXRequest(read_timeout=read_timeout)

    @property
    def read_timeout(self) -> float | None:
        return self._read_timeout

    async def initialize(self) -> None:
        await self.fallback.initialize()

    async def shutdown(self) -> None:
        clients, self._clients = list(self._clients.values()), {}
        for client in clients:
            await client.close()
        await self.fallback.shutdown()

    async def do_request(
        self,
        url: str,
        method: str,
        request_data: RequestData | None = None,
        read_timeout: Any = BaseRequest.DEFAULT_NONE,
        write_timeout: Any = BaseRequest.DEFAULT_NONE,
        connect_timeout: Any = BaseRequest.DEFAULT_NONE,
        pool_timeout: Any = BaseRequest.DEFAULT_NONE,
    ) -> tuple[int, bytes]:
        if method != "POST" or (request_data is not None and request_data.contains_files):
            return await self.fallback.do_request(
                url, method, request_data, read_timeout, write_timeout, connect_timeout,
                pool_timeout,
            )  # fmt: skip
        parts = urlsplit(url)
        origin = (parts.scheme, parts.netloc)
        client = self._clients.get(origin)
        if client is None:
            client = BulkClient(
                f"{parts.scheme}://{parts.netloc}",
                timeout=self._read_timeout,
                max_connections=self._max_connections,
                headers={"User-Agent": self.USER_AGENT},
            )
            self._clients[origin] = client
        path = parts.path + (f"?{parts.query}" if parts.query else "")
        body = _json_body(request_data.parameters) if request_data else b"{}"
        timeout = read_timeout if isinstance(read_timeout, int | float) else None
        try:
            answer = await client.request(path, body, content_type=_JSON, timeout=timeout)
        except (NotSent, NoAnswer) as exc:
            if exc.timed_out:
                raise TimedOut from exc
            raise NetworkError(f"lean.{type(exc).__name__}: {exc}") from exc
        return answer.status, answer.body
