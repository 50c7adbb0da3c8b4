"""Sending as a Zalo Official Account: consultation messages, and the paid route if enabled.

- a refused access token (-216 …, HTTP 401): refresh it (rotated in the database) and
  send once more;
- -32 / -100 / 5xx: pause and try again;
- a window code (not a follower, no recent interaction, night curfew …): `Refused`, the
  chat is held until the citizen writes again (curfew: until 06:00);
- every consultation message sent is counted, for the 8-replies-per-window rule;
- a consultation message names the citizen's last message (`recipient.message_id`, known
  from the webhook or the stored contact, `remember`): Zalo counts a reply as one only
  then, one naming just the `user_id` as proactive (quota or paid; channels.md §6). Without
  a known message id it falls back to the user id.

`PaidSender` sends the same text as a `transaction` or `promotion` message (a template with
a header and the text), the department's paid or quota route outside the window.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
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
REMEMBERED_CHATS = 20_000  # chats whose last message id is kept in memory (the DB has all)


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
    reply_to: dict[str, str] = field(default_factory=dict)  # chat → citizen's last message

    def remember(self, chat_id: str, message_id: str | None) -> None:
        """The citizen's latest message in the chat, which replies will name."""
        if not message_id:
            return
        self.reply_to.pop(chat_id, None)  # newest last, so the oldest go first
        self.reply_to[chat_id] = message_id
        while len(self.reply_to) > REMEMBERED_CHATS:
            del self.reply_to[next(iter(self.reply_to))]

    async def send_text(self, chat_id: str, text: str) -> None:
        await self._post(chat_id, self._body(chat_id, text))
        if self.on_sent is not None:
            await self.on_sent(chat_id)

    async def typing(self, chat_id: str) -> None:
        return None  # the OA API has no typing indicator

    def _body(self, chat_id: str, text: str) -> dict[str, Any]:
        message_id = self.reply_to.get(chat_id)
        recipient = {"message_id": message_id} if message_id else {"user_id": chat_id}
        return {"recipient": recipient, "message": {"text": text}}

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
