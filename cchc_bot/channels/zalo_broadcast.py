"""The Zalo Bot `Sender` of broadcasts, on the Zalo channel's own API client (`ZaloBotApi`).

Parts are cut under Zalo's 2,000 characters (`ZALO_BOT.max_text`). Zalo's error bodies are
undocumented (channels.md §8), so the classes are coarse: 429 → `RetryLater`; 403, or a
description naming a block or a missing chat → `RecipientGone` (unsubscribed); 401 →
`ChannelDown`; 5xx, or a request that never reached Zalo → `Transient`; any other refusal
→ `Rejected`. httpx does not say when a request has left, so `on_wire()` is called just
before it is handed over: a crash at that moment counts the message as sent (unconfirmed)
rather than risk sending it twice. The plan's monthly quota is applied by `QuotaGuard`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from cchc_bot.broadcast import ChannelDown, RecipientGone, Rejected, RetryLater, Transient
from cchc_bot.channels.capabilities import ZALO_BOT, Capabilities
from cchc_bot.channels.render import notice_parts
from cchc_bot.channels.zalo.api import ZaloApiError, ZaloBotApi, ZaloNetworkError

_GONE = re.compile(r"block|chặn|not found|không tồn tại|not exist|unfollow", re.IGNORECASE)


class ZaloBotBroadcastSender:
    channel = ZALO_BOT.name

    def __init__(self, api: ZaloBotApi, caps: Capabilities = ZALO_BOT) -> None:
        self.api = api
        self.caps = caps

    def parts(self, text: str) -> list[str]:
        return notice_parts(text, self.caps)

    async def admit(self, chat_ids: Sequence[str], parts: int) -> Mapping[str, str]:
        return {}  # the plan quota: see QuotaGuard

    async def send(self, chat_id: str, text: str, on_wire: Callable[[], None]) -> None:
        on_wire()
        try:
            await self.api.send_message(chat_id, text)
        except ZaloNetworkError as exc:
            if exc.maybe_sent:
                raise
            raise Transient(f"Zalo unreachable ({exc})") from exc
        except ZaloApiError as exc:
            raise classify(exc) from exc

    async def close(self) -> None:
        await self.api.close()


def classify(exc: ZaloApiError) -> Exception:
    if exc.flood:
        return RetryLater(exc.retry_after or 1.0, exc.description or "rate limited")
    if exc.auth:
        return ChannelDown("Zalo refused the bot token (CCHC_ZALO_BOT_TOKEN)")
    if exc.server:
        return Transient(f"Zalo server error {exc.status}")
    if exc.status == 403 or exc.code == 403 or _GONE.search(exc.description):
        return RecipientGone(exc.description or str(exc.status))
    return Rejected(f"{exc.status} {exc.description}".strip())
