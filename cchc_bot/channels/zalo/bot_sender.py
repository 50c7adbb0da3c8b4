"""Sending on the Zalo Bot Platform within limits, and classifying what goes wrong.

Zalo's error bodies for a blocked user, a bad chat, an over-quota plan or a closed window
are undocumented (channels.md §8), so the classes are deliberately coarse and safe:
- 429: pause every send for `retry_after` (default 1 s), then try again;
- 5xx or no answer: try again with backoff, except after a read timeout (the message may
  have gone out: not sent twice);
- 401: the token is wrong (logged loudly) → `DeliveryError`, the outbox retries;
- 400 naming a length: split smaller and send the pieces;
- any other refusal: `Refused` → the chat is held until the citizen writes again, so an
  answer is delayed, never lost, if Zalo only lets bots write to recently active chats.
"""

from __future__ import annotations

import asyncio
import logging
import re

from cchc_bot.channels.capabilities import ZALO_BOT, Capabilities
from cchc_bot.channels.limits import SendLimiter
from cchc_bot.channels.render import split_text
from cchc_bot.channels.zalo.api import ZaloApiError, ZaloBotApi, ZaloNetworkError
from cchc_bot.channels.zalo.events import BOT_CHANNEL
from cchc_bot.channels.zalo.transport import (
    MAX_ATTEMPTS,
    MAX_RETRY_AFTER,
    Refused,
    RefusedHook,
    backoff,
)
from cchc_bot.hotline import DeliveryError

log = logging.getLogger(__name__)

_TOO_LONG = re.compile(r"too long|length|exceed|2000|dài", re.IGNORECASE)


class BotSender:
    channel = BOT_CHANNEL

    def __init__(
        self,
        api: ZaloBotApi,
        limiter: SendLimiter,
        *,
        caps: Capabilities = ZALO_BOT,
        on_refused: RefusedHook | None = None,
    ) -> None:
        self.api = api
        self.limiter = limiter
        self.caps = caps
        self.on_refused = on_refused

    async def send_text(self, chat_id: str, text: str) -> None:
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.limiter.acquire(chat_id)
            try:
                await self.api.send_message(chat_id, text)
                return
            except ZaloApiError as exc:
                if exc.flood:
                    seconds = exc.retry_after or 1.0
                    self.limiter.pause(seconds)
                    log.warning("Zalo rate limit: pausing sends for %.1f s", seconds)
                    if seconds > MAX_RETRY_AFTER or attempt == MAX_ATTEMPTS:
                        raise DeliveryError(
                            f"Zalo rate limit, retry after {seconds:.0f} s"
                        ) from exc
                    continue
                if exc.server and attempt < MAX_ATTEMPTS:
                    await backoff(attempt)
                    continue
                if exc.server:
                    raise DeliveryError(f"Zalo server error {exc.status}") from exc
                if exc.auth:
                    log.critical("Zalo refused the bot token (CCHC_ZALO_BOT_TOKEN)")
                    raise DeliveryError("Zalo refused the bot token") from exc
                if len(text) > 100 and _TOO_LONG.search(exc.description):
                    await self._send_smaller(chat_id, text)
                    return
                raise await self._refused(chat_id, exc) from exc
            except ZaloNetworkError as exc:
                log.warning("Zalo send to chat %s: %s (attempt %d)", chat_id, exc, attempt)
                if exc.maybe_sent or attempt == MAX_ATTEMPTS:
                    raise DeliveryError(f"Zalo unreachable ({exc})") from exc
                await backoff(attempt)
        raise DeliveryError("unreachable")  # pragma: no cover

    async def typing(self, chat_id: str) -> None:
        """The typing indicator (cosmetic: waits out a rate-limit pause, never raises)."""
        try:
            await self.limiter.wait_if_paused()
            await self.api.send_chat_action(chat_id, "typing")
        except Exception as exc:
            log.debug("Zalo typing indicator failed for %s: %s", chat_id, type(exc).__name__)

    async def _send_smaller(self, chat_id: str, text: str) -> None:
        pieces = split_text(text, max(100, len(text) // 2))
        log.warning("Zalo chat %s: message too long; sending %d parts", chat_id, len(pieces))
        for piece in pieces:
            await self.send_text(chat_id, piece)
            await asyncio.sleep(0)

    async def _refused(self, chat_id: str, exc: ZaloApiError) -> Refused:
        reason = f"{exc.status} {exc.description}".strip()[:200]
        log.info("Zalo refused a message to chat %s (%s): held", chat_id, exc.status)
        if self.on_refused is not None:
            try:
                await self.on_refused(chat_id, reason, None)
            except Exception:
                log.exception("could not record that Zalo chat %s refuses messages", chat_id)
        return Refused(reason)
