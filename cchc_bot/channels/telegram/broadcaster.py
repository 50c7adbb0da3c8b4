"""The Telegram `Sender` of broadcasts (`cchc_bot.broadcast.Sender`).

Notices go out as plain text (no parse mode: nothing to mis-parse), split under Telegram's
limit exactly as `parts` shows them. Answers are classified like the conversation's sender
(`sender.py`): 429 → `RetryLater(retry_after)`; 403, or 400 "chat not found" and the other
`GONE_REASONS` → `RecipientGone`; other 400s → `Rejected`; 401/404 (bad token) →
`ChannelDown`; 5xx, or a request that never left → `Transient` (retried); no answer after
the request left → the client's `NoAnswer` (counted as sent, unconfirmed).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from typing import Any

from cchc_bot.broadcast import ChannelDown, RecipientGone, Rejected, RetryLater, Transient
from cchc_bot.channels.capabilities import TELEGRAM
from cchc_bot.channels.render import notice_parts
from cchc_bot.channels.telegram.bulk import BulkClient, NotSent
from cchc_bot.channels.telegram.sender import GONE_REASONS
from cchc_bot.channels.telegram.updates import CHANNEL


class TelegramBroadcastSender:
    channel = CHANNEL

    def __init__(self, token: str, api_url: str, *, timeout: float = 15.0) -> None:
        self.client = BulkClient(f"{api_url}{token}", timeout=timeout)

    def __repr__(self) -> str:  # the token never appears
        return f"TelegramBroadcastSender({self.client.host}:{self.client.port})"

    def parts(self, text: str) -> list[str]:
        return notice_parts(text, TELEGRAM)

    async def admit(self, chat_ids: Sequence[str], parts: int) -> Mapping[str, str]:
        return {}  # Telegram has no per-user or monthly quota for bots

    async def send(self, chat_id: str, text: str, on_wire: Callable[[], None]) -> None:
        try:
            status, body = await self.client.post(
                "/sendMessage", {"chat_id": chat_id, "text": text}, on_wire
            )
        except NotSent as exc:
            raise Transient(str(exc)) from exc
        if 200 <= status < 300 and body.get("ok", True):
            return
        raise classify(status, body)

    async def close(self) -> None:
        await self.client.close()


def classify(status: int, body: dict[str, Any]) -> Exception:
    """The broadcast error for a Bot API error answer (mirrors PTB's mapping)."""
    description = str(body.get("description") or f"HTTP {status}")
    parameters = body.get("parameters") or {}
    if isinstance(parameters, dict):
        if parameters.get("migrate_to_chat_id"):
            return Rejected(f"{description} (group moved to {parameters['migrate_to_chat_id']})")
        if parameters.get("retry_after"):
            return RetryLater(float(parameters["retry_after"]), description)
    if status == 429:
        return RetryLater(1.0, description)
    reason = description.lower()
    if status == 403 or (status == 400 and any(g in reason for g in GONE_REASONS)):
        return RecipientGone(description)
    if status == 400:
        return Rejected(description)
    if status in (401, 404):
        return ChannelDown(f"Telegram refused the bot token ({status})")
    return Transient(description)
