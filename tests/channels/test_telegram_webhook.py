"""Webhook mode: setWebhook, the secret header, store-then-acknowledge, dedup, restart."""

from __future__ import annotations

import asyncio
import json

import httpx

from cchc_bot.storage import ChannelRepository, Database, StoredUpdate
from tests.channels.conftest import SECRET, WEBHOOK_PATH, Running, until
from tests.fakes import telegram_updates as tg
from tests.fakes.telegram_server import FakeTelegram

CHAT = 333
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def _url(bot: Running) -> str:
    return f"http://127.0.0.1:{bot.server.http.port}{WEBHOOK_PATH}"


async def _post(bot: Running, update: object, secret: str | None = SECRET, **kw) -> int:
    headers = {"Content-Type": "application/json"}
    if secret is not None:
        headers[HEADER] = secret
    content = kw.pop("content", None) or json.dumps(update).encode()
    async with httpx.AsyncClient() as client:
        response = await client.post(_url(bot), content=content, headers=headers)
    return response.status_code


def _stored(bot: Running) -> int:
    from sqlalchemy import text

    query = text("SELECT count(*) FROM inbound_updates")
    return int(bot.app.database.run(lambda s: s.execute(query).scalar_one()))


async def test_start_up_sets_the_webhook_with_the_secret(hook_bot: Running) -> None:
    (call,) = hook_bot.fake.calls_to("setwebhook")
    assert call.params["url"] == f"https://bot.example.vn{WEBHOOK_PATH}"
    assert call.params["secret_token"] == SECRET
    assert set(call.params["allowed_updates"]) == {"message", "callback_query", "my_chat_member"}
    assert not hook_bot.fake.calls_to("getupdates")


async def test_updates_pushed_by_telegram_are_answered(hook_bot: Running) -> None:
    fake = hook_bot.fake
    fake.push(tg.text_update(hook_bot.next_id(), CHAT, "/start"))
    fake.push(tg.callback_update(hook_bot.next_id(), CHAT, "/a ban-sao-van-bang"))
    texts = await hook_bot.replies(CHAT, 2)
    assert "Xin chào" in texts[0] and texts[1].startswith("Cấp bản sao văn bằng")
    assert fake.webhook_responses == [200, 200]
    assert fake.calls_to("answercallbackquery")


async def test_a_missing_or_wrong_secret_gets_403_and_nothing_is_processed(
    hook_bot: Running,
) -> None:
    update = tg.text_update(hook_bot.next_id(), CHAT, "/start")
    assert await _post(hook_bot, update, secret=None) == 403
    assert await _post(hook_bot, update, secret="wrong-secret") == 403
    assert await _post(hook_bot, update, secret=SECRET[:-1]) == 403
    await asyncio.sleep(0.2)
    assert _stored(hook_bot) == 0 and hook_bot.fake.sent(CHAT) == []


async def test_a_body_that_is_no_update_is_acknowledged_and_dropped(
    hook_bot: Running, caplog
) -> None:
    """Telegram retries non-2xx for a day (the chat's later updates wait behind it)."""
    assert await _post(hook_bot, None, content=b"not json") == 200
    assert await _post(hook_bot, {"message": {"text": "b\u00ed m\u1eadt"}}) == 200
    assert await _post(hook_bot, {"update_id": "12", "message": {}}) == 200
    assert _stored(hook_bot) == 0
    dropped = [r.getMessage() for r in caplog.records if "unusable body" in r.getMessage()]
    assert len(dropped) == 3 and not any("mật" in line for line in dropped)
    update = tg.text_update(hook_bot.next_id(), CHAT, "/help")
    assert await _post(hook_bot, update) == 200  # the webhook still works
    await hook_bot.replies(CHAT)


async def test_a_repeated_delivery_is_acknowledged_but_answered_once(hook_bot: Running) -> None:
    update = tg.text_update(hook_bot.next_id(), CHAT, "/help")
    statuses = await asyncio.gather(*(_post(hook_bot, update) for _ in range(3)))
    assert statuses == [200, 200, 200]
    await hook_bot.replies(CHAT)
    await hook_bot.settle()
    assert await _post(hook_bot, update) == 200  # Telegram retrying later
    await hook_bot.settle()
    assert len(hook_bot.fake.sent(CHAT)) == 1 and _stored(hook_bot) == 1


async def test_the_charset_in_the_content_type_is_accepted(hook_bot: Running) -> None:
    update = tg.text_update(hook_bot.next_id(), CHAT, "/help")
    async with httpx.AsyncClient() as client:
        response = await client.post(
            _url(hook_bot),
            content=json.dumps(update).encode(),
            headers={"Content-Type": "application/json; charset=utf-8", HEADER: SECRET},
        )
    assert response.status_code == 200
    await hook_bot.replies(CHAT)


async def test_acknowledged_updates_left_unhandled_are_handled_at_start(
    start_bot, database_url: str, fake: FakeTelegram
) -> None:
    """As after a crash between '200 OK' and the answer: stored, never processed."""
    database = Database(database_url)
    try:
        database.upgrade()
        update = tg.text_update(9001, CHAT, "/a ban-sao-van-bang")
        ChannelRepository(database).store_updates(
            "telegram", [StoredUpdate("9001", json.dumps(update))]
        )
    finally:
        database.close()
    bot = await start_bot(webhook=True)
    (reply,) = await bot.replies(CHAT)
    assert reply.startswith("Cấp bản sao văn bằng")
    repository = ChannelRepository(bot.app.database)
    await until(lambda: repository.is_processed("telegram", "9001"))


async def test_healthz_reports_database_and_knowledge(hook_bot: Running) -> None:
    async with httpx.AsyncClient() as client:
        response = await client.get(f"http://127.0.0.1:{hook_bot.server.http.port}/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok" and body["database"] == "ok"
    assert body["knowledge_entries"] == 11 and body["telegram"] == "webhook"
