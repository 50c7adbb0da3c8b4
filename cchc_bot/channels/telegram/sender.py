"""Sending to Telegram within its limits, and classifying what goes wrong.

- every message waits for the `SendLimiter` (per chat and overall);
- 429 `retry_after`: pause all sends that long, then try again;
- 403 (blocked, deactivated) and 400 "chat not found": the chat is gone → `on_gone(chat)`
  (the server marks the user unreachable) and `RecipientGone`;
- 400 "message is too long": split smaller and send the pieces;
- 400 "can't parse entities": send the same text as plain text.

`TelegramNotifier` adapts this to the hotline's synchronous `Notifier` protocol, for the
outbox dispatcher that runs `deliver_pending` in a worker thread.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import Any

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, Message
from telegram.constants import ChatAction
from telegram.error import BadRequest, ChatMigrated, Forbidden, NetworkError, RetryAfter, TimedOut

from cchc_bot.channels.limits import SendLimiter
from cchc_bot.channels.telegram.render import Part, render, split_text
from cchc_bot.hotline import DeliveryError, RecipientGone
from cchc_bot.messages import Reply

log = logging.getLogger(__name__)

MAX_RETRY_AFTER = 300.0  # seconds: beyond this a send fails instead of waiting
MAX_ATTEMPTS = 5
_GONE = ("chat not found", "user is deactivated", "bot was blocked", "bot was kicked")
GONE_REASONS = _GONE  # 400/403 descriptions meaning the chat is gone (also for broadcasts)

GoneHook = Callable[[str], Awaitable[None]]


def retry_seconds(exc: RetryAfter) -> float:
    """`retry_after` in seconds, whatever PTB_TIMEDELTA says (and without its warning)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value: Any = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def keyboard(rows: tuple[tuple[tuple[str, str], ...], ...]) -> InlineKeyboardMarkup | None:
    """Inline keyboard from rows of (label, callback data) — data already ≤ 64 bytes."""
    if not rows:
        return None
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(label, callback_data=data) for label, data in row] for row in rows]
    )


class TelegramSender:
    def __init__(self, bot: Bot, limiter: SendLimiter, *, on_gone: GoneHook | None = None) -> None:
        self.bot = bot
        self.limiter = limiter
        self.on_gone = on_gone

    async def send_part(self, chat_id: int | str, part: Part, markup: Any = None) -> list[Message]:
        """Send one rendered part, with the fallbacks; returns the messages sent."""
        try:
            return [await self._send(chat_id, part.text, part.parse_mode, markup)]
        except BadRequest as exc:
            reason = exc.message.lower()
            if "parse entities" in reason or "can't find end" in reason:
                log.warning("chat %s: Telegram could not parse our HTML; sending plain", chat_id)
                return await self.send_part(chat_id, Part(part.plain, None, part.plain), markup)
            if "too long" in reason:
                pieces = split_text(part.plain, max(100, len(part.plain) // 2))
                log.warning("chat %s: message too long; sending %d parts", chat_id, len(pieces))
                sent: list[Message] = []
                for i, piece in enumerate(pieces):
                    last = i == len(pieces) - 1
                    sent += await self.send_part(
                        chat_id, Part(piece, None, piece), markup if last else None
                    )
                return sent
            if any(g in reason for g in _GONE):
                raise await self._gone(chat_id, exc) from exc
            raise

    async def send_text(
        self, chat_id: int | str, text: str, *, html: bool = False, markup: Any = None
    ) -> Message:
        part = Part(text, "HTML" if html else None, text)
        return (await self.send_part(chat_id, part, markup))[-1]

    async def typing(self, chat_id: int | str) -> None:
        """The typing indicator (not a message: only a 429 pause applies); never raises."""
        try:
            await self.limiter.wait_if_paused()
            await self.bot.send_chat_action(chat_id, ChatAction.TYPING)
        except Exception as exc:  # a cosmetic call: its failure must not stop the answer
            log.debug("typing indicator failed for chat %s: %s", chat_id, type(exc).__name__)

    async def call(self, chat_id: int | str | None, make: Callable[[], Awaitable[Any]]) -> Any:
        """Run one API call within the limits, waiting out 429s and retrying network errors."""
        key = None if chat_id is None else str(chat_id)
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.limiter.acquire(key)
            try:
                return await make()
            except RetryAfter as exc:
                seconds = retry_seconds(exc)
                self.limiter.pause(seconds)
                log.warning("Telegram flood limit: pausing sends for %.1f s", seconds)
                if seconds > MAX_RETRY_AFTER or attempt == MAX_ATTEMPTS:
                    raise DeliveryError(f"flood limit, retry after {seconds:.0f} s") from exc
            except Forbidden as exc:
                if key is None:
                    raise
                raise await self._gone(key, exc) from exc
            except TimedOut:
                raise  # the message may have gone out: do not risk sending it twice
            except ChatMigrated:
                raise
            except NetworkError as exc:
                if isinstance(exc, BadRequest) or attempt == MAX_ATTEMPTS:
                    raise
                await asyncio.sleep(0.2 * 2**attempt)
        raise DeliveryError("unreachable")  # pragma: no cover

    async def _send(
        self, chat_id: int | str, text: str, parse_mode: str | None, markup: Any
    ) -> Message:
        return await self.call(
            chat_id,
            lambda: self.bot.send_message(
                chat_id, text, parse_mode=parse_mode, reply_markup=markup
            ),
        )

    async def _gone(self, chat_id: int | str, exc: Exception) -> RecipientGone:
        log.info("chat %s is unreachable (%s)", chat_id, type(exc).__name__)
        if self.on_gone is not None:
            try:
                await self.on_gone(str(chat_id))
            except Exception:
                log.exception("could not mark chat %s unreachable", chat_id)
        return RecipientGone(getattr(exc, "message", type(exc).__name__))


class TelegramNotifier:
    """The hotline's `Notifier` for Telegram: a blocking `send` for the outbox thread."""

    channel = "telegram"

    def __init__(
        self, sender: TelegramSender, loop: asyncio.AbstractEventLoop, timeout: float = 60.0
    ) -> None:
        self.sender = sender
        self.loop = loop
        self.timeout = timeout

    def send(self, chat_id: str, text: str) -> None:
        future = asyncio.run_coroutine_threadsafe(self._send_all(chat_id, text), self.loop)
        try:
            future.result(self.timeout)
        except RecipientGone:
            raise
        except TimeoutError as exc:
            future.cancel()
            raise DeliveryError("timed out") from exc
        except DeliveryError:
            raise
        except Exception as exc:
            raise DeliveryError(f"{type(exc).__name__}: {getattr(exc, 'message', '')}") from exc

    async def _send_all(self, chat_id: str, text: str) -> None:
        for part in render(Reply(text)):
            await self.sender.send_part(chat_id, part)
