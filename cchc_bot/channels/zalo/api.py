"""A small async client for the Zalo Bot Platform API (httpx; no third-party Zalo SDK).

`POST {api_url}{token}/{method}` with a JSON body (channels.md C.2: JSON is what every
maintained client sends; whether form bodies work is unverified). Answers are
`{"ok": true, "result": …}` or `{"ok": false, "error_code": N, "description": "…"}`; the
HTTP status usually equals the code. Errors never carry the URL (the token is in its path)
and httpx's own request log is silenced by the server.

Calls go over the lean keep-alive client (`channels/http_client.py`, ~0.2 ms of CPU a call
against httpx's 1.5–3 ms); httpx is kept when the environment sets a proxy for the API's
URL (the lean client speaks none) or when a client is passed in.
"""

from __future__ import annotations

import json
import logging
from typing import Any

import httpx

from cchc_bot.channels.http_client import BulkClient, NoAnswer, NotSent, proxied

log = logging.getLogger(__name__)

IDLE_POLL = 408  # getUpdates: nothing arrived during the long poll (normal, not an error)
MAX_CONNECTIONS = 32  # lean client: at most this many calls at once (the rest wait)


class ZaloApiError(Exception):
    """The Bot API answered with an error (`status` HTTP, `code` from the body)."""

    def __init__(
        self, status: int, code: int | None, description: str, retry_after: float | None = None
    ) -> None:
        super().__init__(f"{status} {code}: {description}")
        self.status = status
        self.code = code
        self.description = description
        self.retry_after = retry_after

    @property
    def flood(self) -> bool:
        return self.status == 429 or self.code == 429

    @property
    def auth(self) -> bool:
        return self.status == 401 or self.code == 401

    @property
    def server(self) -> bool:
        return self.status >= 500 or (self.code or 0) >= 500


class ZaloNetworkError(Exception):
    """No usable answer; `maybe_sent` when the request may have reached Zalo (a read timeout)."""

    def __init__(self, kind: str, *, maybe_sent: bool) -> None:
        super().__init__(kind)
        self.maybe_sent = maybe_sent


def _retry_after(body: dict[str, Any], header: str | None) -> float | None:
    params = body.get("parameters")
    value = params.get("retry_after") if isinstance(params, dict) else None
    value = value if value is not None else header
    try:
        return float(value) if value is not None else None
    except (TypeError, ValueError):
        return None


class ZaloBotApi:
    def __init__(
        self,
        token: str,
        api_url: str,
        *,
        timeout: float = 15.0,
        client: httpx.AsyncClient | None = None,
    ) -> None:
        self._token = token
        self._base = api_url
        self._timeout = timeout
        self._lean: BulkClient | None = None
        self._client: httpx.AsyncClient | None = client
        if client is None and not proxied(api_url):
            self._lean = BulkClient(
                f"{api_url}{token}", timeout=timeout, max_connections=MAX_CONNECTIONS
            )
        elif client is None:
            # Every connection kept alive (no churn), and few of them: httpcore scans its
            # whole pool on each request, and a Bot API call takes milliseconds.
            limits = httpx.Limits(max_connections=8, max_keepalive_connections=8)
            self._client = httpx.AsyncClient(timeout=timeout, limits=limits)

    def __repr__(self) -> str:
        return f"ZaloBotApi({self._base!r})"

    async def close(self) -> None:
        if self._lean is not None:
            await self._lean.close()
        if self._client is not None:
            await self._client.aclose()

    async def call(
        self, method: str, params: dict[str, Any] | None = None, *, timeout: float | None = None
    ) -> Any:
        """One API call; returns `result` or raises ZaloApiError / ZaloNetworkError."""
        if self._lean is not None:
            status, raw, retry_header = await self._post_lean(method, params or {}, timeout)
        else:
            status, raw, retry_header = await self._post_httpx(method, params or {}, timeout)
        try:
            body = json.loads(raw)
        except ValueError:
            body = None
        if not isinstance(body, dict):
            raise ZaloApiError(status, None, "not a JSON object")
        if body.get("ok") is True and status < 400:
            return body.get("result")
        code = body.get("error_code")
        raise ZaloApiError(
            status,
            code if isinstance(code, int) else None,
            str(body.get("description") or body.get("message") or ""),
            _retry_after(body, retry_header),
        )

    async def _post_lean(
        self, method: str, params: dict[str, Any], timeout: float | None
    ) -> tuple[int, bytes, str | None]:
        assert self._lean is not None
        body = json.dumps(params, ensure_ascii=False).encode("utf-8")
        try:
            answer = await self._lean.request(f"/{method}", body, timeout=timeout)
        except NotSent as exc:  # never left us
            kind = "ConnectTimeout" if exc.timed_out else "ConnectError"
            raise ZaloNetworkError(kind, maybe_sent=False) from None
        except NoAnswer as exc:  # it may have reached Zalo: never sent twice
            kind = "ReadTimeout" if exc.timed_out else "ReadError"
            raise ZaloNetworkError(kind, maybe_sent=True) from None
        return answer.status, answer.body, answer.headers.get("retry-after")

    async def _post_httpx(
        self, method: str, params: dict[str, Any], timeout: float | None
    ) -> tuple[int, bytes, str | None]:
        assert self._client is not None
        url = f"{self._base}{self._token}/{method}"
        try:
            response = await self._client.post(url, json=params, timeout=timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:
            raise ZaloNetworkError(type(exc).__name__, maybe_sent=False) from None  # never left us
        except httpx.HTTPError as exc:  # it may have reached Zalo: never sent twice
            raise ZaloNetworkError(type(exc).__name__, maybe_sent=True) from None
        return response.status_code, response.content, response.headers.get("retry-after")

    async def get_me(self) -> dict[str, Any]:
        result = await self.call("getMe")
        return result if isinstance(result, dict) else {}

    async def get_updates(self, timeout: int) -> list[dict[str, Any]]:
        """One long poll: Zalo returns one update (or, some say, a list); 408 = none."""
        try:
            result = await self.call(
                "getUpdates", {"timeout": str(timeout)}, timeout=timeout + self._timeout
            )
        except ZaloApiError as exc:
            if IDLE_POLL in (exc.status, exc.code) or (exc.status == 200 and exc.code is None):
                return []  # idle (python-zalo-bot reads 200 + ok:false as "no update" too)
            raise
        if isinstance(result, list):
            return [u for u in result if isinstance(u, dict)]
        return [result] if isinstance(result, dict) and result else []

    async def send_message(self, chat_id: str, text: str) -> dict[str, Any]:
        result = await self.call("sendMessage", {"chat_id": chat_id, "text": text})
        return result if isinstance(result, dict) else {}

    async def send_chat_action(self, chat_id: str, action: str = "typing") -> None:
        await self.call("sendChatAction", {"chat_id": chat_id, "action": action})

    async def set_webhook(self, url: str, secret: str) -> None:
        await self.call("setWebhook", {"url": url, "secret_token": secret})

    async def delete_webhook(self) -> None:
        await self.call("deleteWebhook")

    async def get_webhook_info(self) -> dict[str, Any] | None:
        """The webhook as Zalo has it; None when none is set (Zalo answers 404 then)."""
        try:
            result = await self.call("getWebhookInfo")
        except ZaloApiError as exc:
            if exc.status == 404:
                return None
            raise
        return result if isinstance(result, dict) and result.get("url") else None
