"""What the conversation and the outbox need from a Zalo transport (Bot Platform or OA).

`send_text` sends one part (already within `caps.max_text`) and raises:
- `Refused` when Zalo will not deliver to this chat now (outside the message window, not a
  follower, an error we cannot classify): the chat's messages are held until the citizen
  writes again (`reopen_at`: or until then), nothing is dropped;
- `cchc_bot.hotline.DeliveryError` for what may pass (network, rate limit, a bad token).
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Protocol

from cchc_bot.channels.capabilities import Capabilities

RefusedHook = Callable[[str, str, datetime | None], Awaitable[None]]
MAX_ATTEMPTS = 4
MAX_RETRY_AFTER = 120.0


class Refused(Exception):
    """Zalo refuses to deliver to this chat for now; hold its messages."""

    def __init__(self, reason: str, reopen_at: datetime | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.reopen_at = reopen_at


class Transport(Protocol):
    channel: str
    caps: Capabilities

    async def send_text(self, chat_id: str, text: str) -> None: ...

    async def typing(self, chat_id: str) -> None: ...


async def backoff(attempt: int) -> None:
    await asyncio.sleep(0.2 * 2**attempt)
