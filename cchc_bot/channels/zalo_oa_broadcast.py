"""The Zalo Official Account `Sender` of broadcasts.

An OA may write to a follower for free only inside the follower's window (48 h after their
last message, 8 messages; channels.md §6). `QuotaGuard` skips (and reports) followers
outside it — unless the department enabled a paid route (`CCHC_ZALO_OA_PAID_ROUTE`): then
`admit` marks those followers and their notice goes as a `transaction` / `promotion`
template message instead. Consultation messages sent are counted towards the window.

Zalo's error codes are not documented in full (channels.md §8), so the classes stay coarse
and safe: a refused token is refreshed (rotated in the database) and the send tried once
more; `-32`/`-100`/429 → `RetryLater`; 5xx or a request that never left → `Transient`; a
window code (not a follower, blocked, no recent interaction, night curfew …) → `Rejected`
with reason `window` (reported as such, never retried, never unsubscribes on a guess);
anything else → `Rejected`.
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime
from typing import Any

from cchc_bot import texts
from cchc_bot.broadcast import ChannelDown, Rejected, RetryLater, Transient
from cchc_bot.broadcast_quota import Quota, Window, decide
from cchc_bot.channels.capabilities import ZALO_OA, Capabilities
from cchc_bot.channels.render import notice_parts
from cchc_bot.channels.zalo.events import OA_CHANNEL
from cchc_bot.channels.zalo.oa_api import OaApi, OaError, OaNetworkError
from cchc_bot.channels.zalo.oa_sender import template_body
from cchc_bot.channels.zalo.oa_tokens import OaTokens
from cchc_bot.storage import ZaloRepository


def follower_windows(zalo: ZaloRepository, chat_ids: Sequence[str]) -> dict[str, Window]:
    """Each follower's last message and the consultation messages sent since."""
    contacts = zalo.contacts(OA_CHANNEL, chat_ids)
    return {c: Window(r.last_inbound_at, r.replies) for c, r in contacts.items()}


class ZaloOaBroadcastSender:
    channel = OA_CHANNEL

    def __init__(
        self,
        api: OaApi,
        tokens: OaTokens,
        zalo: ZaloRepository,
        *,
        caps: Capabilities = ZALO_OA,
        paid_route: str = "off",
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.api = api
        self.tokens = tokens
        self.zalo = zalo
        self.caps = caps
        self.paid_kind = None if paid_route == "off" else paid_route
        self.clock = clock
        self._paid: set[str] = set()  # followers outside their window: the paid route

    @property
    def applies_window(self) -> bool:
        """Whether `QuotaGuard` must skip followers outside their window (no paid route)."""
        return self.paid_kind is None

    def parts(self, text: str) -> list[str]:
        return notice_parts(text, self.caps)

    async def admit(self, chat_ids: Sequence[str], parts: int) -> Mapping[str, str]:
        if self.paid_kind is None:
            return {}
        windows = await asyncio.to_thread(follower_windows, self.zalo, chat_ids)
        quota = Quota(None, self.caps.reply_window_hours, self.caps.window_replies)
        self._paid |= set(decide(chat_ids, parts, quota, windows, self.clock()))
        return {}

    async def send(self, chat_id: str, text: str, on_wire: Callable[[], None]) -> None:
        paid = chat_id in self._paid
        kind = self.paid_kind if paid and self.paid_kind else "cs"
        title = texts.ZALO_OA_NOTICE_TITLE
        body = template_body(chat_id, text, kind, title) if paid else _text(chat_id, text)
        token = await self._access()
        for refreshed in (False, True):
            on_wire()
            try:
                await self.api.send(kind, token, body)
                break
            except OaError as exc:
                if exc.token and not refreshed:
                    token = await self._refresh(token)
                    continue
                raise _classify(exc) from exc
            except OaNetworkError as exc:
                if exc.maybe_sent:
                    raise  # it may have reached Zalo: counted as sent, never repeated
                raise Transient(f"Zalo OA unreachable ({exc})") from exc
        if kind == "cs":
            await asyncio.to_thread(self.zalo.count_replies, OA_CHANNEL, {chat_id: 1})

    async def _access(self) -> str:
        try:
            return await self.tokens.access()
        except OaError as exc:
            raise ChannelDown(f"Zalo OA token refresh failed ({exc.code})") from exc

    async def _refresh(self, stale: str) -> str:
        try:
            return await self.tokens.refresh(stale)
        except OaError as exc:
            raise ChannelDown(f"Zalo OA token refresh failed ({exc.code})") from exc

    async def close(self) -> None:
        await self.api.close()


def _classify(exc: OaError) -> Exception:
    if exc.token:
        return ChannelDown(f"Zalo OA refused a fresh access token ({exc.code})")
    if exc.code in (-32,) or exc.status == 429:
        return RetryLater(1.0, f"Zalo OA rate limit ({exc.code})")
    if exc.retry:
        return Transient(f"Zalo OA temporary failure ({exc.code}, HTTP {exc.status})")
    if exc.window:
        return Rejected(f"{exc.code} {exc.message}".strip(), reason="window")
    return Rejected(f"{exc.code} {exc.message}".strip())


def _text(chat_id: str, text: str) -> dict[str, Any]:
    return {"recipient": {"user_id": chat_id}, "message": {"text": text}}
