"""The Starlette app alone: /healthz and the webhook route's secret check (ASGI client)."""

from __future__ import annotations

import httpx

from cchc_bot.web import Health, Webhook, create_app

SECRET = "abc_DEF-123"


def _app(ok: bool = True, status: int = 200):
    received: list[bytes] = []

    async def health() -> Health:
        return Health(ok, {"database": "ok" if ok else "unreachable", "knowledge_entries": 3})

    async def accept(body: bytes) -> int:
        received.append(body)
        return status

    return create_app(health, [Webhook("/tg/hook", SECRET, accept)]), received


def _client(app) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://test")


async def test_healthz_is_200_when_healthy_and_503_when_not() -> None:
    for ok, code in ((True, 200), (False, 503)):
        app, _ = _app(ok)
        async with _client(app) as client:
            response = await client.get("/healthz")
        assert response.status_code == code
        assert response.json()["status"] == ("ok" if ok else "unavailable")
        assert response.json()["knowledge_entries"] == 3


async def test_the_secret_is_checked_before_the_body_is_read() -> None:
    app, received = _app()
    async with _client(app) as client:
        missing = await client.post("/tg/hook", content=b"{}")
        wrong = await client.post(
            "/tg/hook", content=b"{}", headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
        )
        good = await client.post(
            "/tg/hook",
            content=b'{"update_id": 1}',
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
        get = await client.get("/tg/hook")
    assert (missing.status_code, wrong.status_code, good.status_code) == (403, 403, 200)
    assert get.status_code == 405
    assert received == [b'{"update_id": 1}']


async def test_a_storage_failure_asks_telegram_to_retry() -> None:
    app, _ = _app(status=503)
    async with _client(app) as client:
        response = await client.post(
            "/tg/hook", content=b"{}", headers={"X-Telegram-Bot-Api-Secret-Token": SECRET}
        )
    assert response.status_code == 503 and response.headers["retry-after"] == "5"


async def test_oversized_bodies_are_refused() -> None:
    app, received = _app()
    async with _client(app) as client:
        response = await client.post(
            "/tg/hook",
            content=b"x" * 1_000_001,
            headers={"X-Telegram-Bot-Api-Secret-Token": SECRET},
        )
    assert response.status_code == 413 and received == []
