"""The Starlette app of `cchc-bot run`: `/healthz` and one POST route per channel webhook.

A webhook request must carry the channel's secret header; a missing or wrong one gets 403
before the body is read (compared in constant time). A webhook signed over its body (Zalo
OA) gives a `verify(headers, body)` instead: the raw bytes are checked before anything
parses them, and a wrong signature gets 403. The body goes to the channel's `accept`, which
stores the update and says which status to answer: 200 only once the update is safely
stored, 503 when it could not be (the platform delivers it again).
"""

from __future__ import annotations

import hmac
import logging
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

log = logging.getLogger(__name__)

MAX_BODY = 1_000_000  # bytes; a Telegram update is a few kilobytes


@dataclass(frozen=True)
class Health:
    ok: bool
    details: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Webhook:
    path: str
    secret: str = field(repr=False)
    accept: Callable[[bytes], Awaitable[int]] = field(repr=False)
    header: str = "X-Telegram-Bot-Api-Secret-Token"
    verify: Callable[[Mapping[str, str], bytes], bool] | None = field(default=None, repr=False)


def _webhook_endpoint(hook: Webhook) -> Callable[[Request], Awaitable[Response]]:
    expected = hook.secret.encode("utf-8")

    async def endpoint(request: Request) -> Response:
        if hook.verify is None:
            given = request.headers.get(hook.header, "").encode("utf-8")
            if not expected or not hmac.compare_digest(given, expected):
                log.warning("webhook %s: request with a missing or wrong secret refused", hook.path)
                return Response(status_code=403)
        length = request.headers.get("content-length")
        if length is not None and (not length.isdigit() or int(length) > MAX_BODY):
            return Response(status_code=413)
        body = await request.body()
        if len(body) > MAX_BODY:
            return Response(status_code=413)
        if hook.verify is not None and not hook.verify(request.headers, body):
            return Response(status_code=403)
        status = await hook.accept(body)
        headers = {"Retry-After": "5"} if status == 503 else None
        return Response(status_code=status, headers=headers)

    return endpoint


def create_app(
    health: Callable[[], Awaitable[Health]], webhooks: Sequence[Webhook] = ()
) -> Starlette:
    async def healthz(request: Request) -> Response:
        result = await health()
        body = {"status": "ok" if result.ok else "unavailable", **result.details}
        return JSONResponse(body, status_code=200 if result.ok else 503)

    routes = [Route("/healthz", healthz, methods=["GET"])]
    routes += [Route(h.path, _webhook_endpoint(h), methods=["POST"]) for h in webhooks]
    return Starlette(routes=routes)
