"""Sending as a Zalo Official Account: consultation messages, and the paid route if enabled.

- a refused access token (-216 …, HTTP 401): refresh it (rotated in the database) and
  send once more;
- -32 / -100 / 5xx: pause and try again;
- a window code (not a follower, no recent interaction, night curfew …): `Refused`, the
  chat is held until the citizen writes again (curfew: until 06:00);
- every consultation message sent is counted, for the 8-replies-per-window rule.

`PaidSender` sends the same text as a `transaction` or `promotion` message (a template with
a header and the text), the department's paid or quota route outside the window.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from cchc_bot import texts
from cchc_bot.channels.capabilities import Capabilities
from cchc_bot.channels.limits import SendLimiter
from cchc_bot.channels.zalo.events import OA_CHANNEL
from cchc_bot.channels.zalo.oa_api import CURFEW, OaApi, OaError, OaNetworkError
from cchc_bot.channels.zalo.oa_tokens import OaTokens
from cchc_bot.channels.zalo.transport import MAX_ATTEMPTS, Refused, RefusedHook, backoff
from cchc_bot.hotline import DeliveryError

log = logging.getLogger(__name__)

VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
TEMPLATE_TYPES = {"transaction": "transaction_education", "promotion": "promotion"}
Counter = Callable[[str], Awaitable[None]]


def after_curfew(now: datetime) -> datetime:
    """06:00 Vietnam time after `now` (Zalo holds OA messages 22:00–06:00)."""
    local = now.astimezone(VIETNAM)
    morning = datetime.combine(local.date(), time(6), VIETNAM)
    return morning if local < morning else morning + timedelta(days=1)


@dataclass
class OaSender:
    api: OaApi
    tokens: OaTokens
    limiter: SendLimiter
    caps: Capabilities
    on_refused: RefusedHook | None = None
    on_sent: Counter | None = None
    kind: str = "cs"
    channel: str = OA_CHANNEL

    async def send_text(self, chat_id: str, text: str) -> None:
        await self._post(chat_id, self._body(chat_id, text))
        if self.on_sent is not None:
            await self.on_sent(chat_id)

    async def typing(self, chat_id: str) -> None:
        return None  # the OA API has no typing indicator

    def _body(self, chat_id: str, text: str) -> dict[str, Any]:
        return {"recipient": {"user_id": chat_id}, "message": {"text": text}}

    async def _post(self, chat_id: str, body: dict[str, Any]) -> None:
        refreshed = False
        for attempt in range(1, MAX_ATTEMPTS + 1):
            await self.limiter.acquire(chat_id)
            token = await self._access()
            try:
                await self.api.send(self.kind, token, body)
                return
            except OaError as exc:
                if exc.token and not refreshed:
                    refreshed = True
                    await self._refresh(token)
                    continue
                if exc.window:
                    raise await self._refused(chat_id, exc) from exc
                if exc.retry and attempt < MAX_ATTEMPTS:
                    self.limiter.pause(1.0)
                    await backoff(attempt)
                    continue
                raise DeliveryError(f"Zalo OA refused the message ({exc.code})") from exc
            except OaNetworkError as exc:
                log.warning("Zalo OA send to %s: %s (attempt %d)", chat_id, exc, attempt)
                if exc.maybe_sent or attempt == MAX_ATTEMPTS:
                    raise DeliveryError(f"Zalo OA unreachable ({exc})") from exc
                await backoff(attempt)
        raise DeliveryError("Zalo OA: too many attempts")

    async def _access(self) -> str:
        try:
            return await self.tokens.access()
        except OaError as exc:
            log.critical("Zalo OA token refresh failed (%s): check the app's tokens", exc.code)
            raise DeliveryError("Zalo OA token refresh failed") from exc

    async def _refresh(self, stale: str) -> None:
        try:
            await self.tokens.refresh(stale)
        except OaError as exc:
            log.critical("Zalo OA token refresh failed (%s): check the app's tokens", exc.code)
            raise DeliveryError("Zalo OA token refresh failed") from exc

    async def _refused(self, chat_id: str, exc: OaError) -> Refused:
        reopen = after_curfew(datetime.now(VIETNAM)) if exc.code == CURFEW else None
        reason = f"{exc.code} {exc.message}".strip()[:200]
        log.info("Zalo OA refused a message to %s (%s): held", chat_id, exc.code)
        if self.on_refused is not None:
            try:
                await self.on_refused(chat_id, reason, reopen)
            except Exception:
                log.exception("could not record that Zalo OA chat %s refuses messages", chat_id)
        return Refused(reason, reopen)


class PaidSender(OaSender):
    """The OA's paid or quota route (`transaction` / `promotion` template messages)."""

    def _body(self, chat_id: str, text: str) -> dict[str, Any]:
        return template_body(chat_id, text, self.kind, texts.ZALO_OA_PAID_TITLE)


def template_body(chat_id: str, text: str, kind: str, title: str) -> dict[str, Any]:
    """A `transaction` / `promotion` template message: a header line and the text."""
    payload = {
        "template_type": TEMPLATE_TYPES.get(kind, kind),
        "language": "VI",
        "elements": [
            {"type": "header", "content": title, "align": "left"},
            {"type": "text", "content": text, "align": "left"},
        ],
    }
    return {
        "recipient": {"user_id": chat_id},
        "message": {"attachment": {"type": "template", "payload": payload}},
    }
