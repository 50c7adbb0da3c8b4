"""Citizens on Zalo (both transports): addressing in groups, flood limit, engine, reply.

The same experience as on Telegram, rendered for a channel without buttons or HTML:
choices and the 👍/👎 rating as numbered lines ("Trả lời 1, 2 hoặc 3"; a number typed back
picks that choice in the engine), answers split within `caps.max_text` on paragraph
boundaries, photos, stickers, voice and unreadable events answered politely. After the
reply, whatever staff sent that was held for this chat (outside the message window) goes
out (`after_reply`).
"""

from __future__ import annotations

import asyncio
import logging
import re
import traceback
from collections.abc import Awaitable, Callable, Sequence

from cchc_bot import texts
from cchc_bot.channels.alerts import describe
from cchc_bot.channels.limits import FloodGuard
from cchc_bot.channels.render import render_for
from cchc_bot.channels.zalo.events import ZaloEvent
from cchc_bot.channels.zalo.transport import Refused, Transport
from cchc_bot.engine import Engine
from cchc_bot.hotline import DeliveryError, RecipientGone
from cchc_bot.messages import Reply

log = logging.getLogger(__name__)

TICKET_DECISIONS = ("ticket", "complaint")
ChatHook = Callable[[str], Awaitable[None]]
EventHook = Callable[[ZaloEvent], Awaitable[None]]
ErrorHook = Callable[[ZaloEvent, BaseException], Awaitable[None]]


async def _nothing(_: object) -> None:
    return None


def addressed(text: str, names: Sequence[str]) -> str | None:
    """A group message's text without the bot's @mention; None when it does not mention it."""
    for name in sorted((n for n in names if n), key=len, reverse=True):
        pattern = re.compile(rf"@{re.escape(name)}\b[\s,:]*", re.IGNORECASE)
        if pattern.search(text):
            return " ".join(pattern.sub(" ", text).split())
    return None


class Conversation:
    def __init__(
        self,
        engine: Engine,
        transport: Transport,
        flood: FloodGuard,
        *,
        names: Callable[[], Sequence[str]] = tuple,
        on_inbound: EventHook = _nothing,
        after_reply: ChatHook = _nothing,
        on_ticket: Callable[[], None] = lambda: None,
        on_error: ErrorHook | None = None,
        typing_delay: float = 0.5,
    ) -> None:
        self.engine = engine
        self.transport = transport
        self.flood = flood
        self.names = names
        self.on_inbound = on_inbound
        self.after_reply = after_reply
        self.on_ticket = on_ticket
        self.on_error = on_error
        self.typing_delay = typing_delay

    async def handle(self, event: ZaloEvent) -> None:
        """One citizen event, start to finish (called by the inbox, in order per chat)."""
        text = event.text
        if event.group:
            mentioned = addressed(event.text, self.names())
            if mentioned is None:
                return  # in groups the bot answers only when addressed
            text = mentioned
        await self.on_inbound(event)
        try:
            await self._answer(event, text)
        finally:
            await self.after_reply(event.chat_id)

    async def _answer(self, event: ZaloEvent, text: str) -> None:
        verdict = self.flood.check(event.user_id)
        if verdict == "notice":
            log.info("flood limit reached by a user in Zalo chat %s", event.chat_id)
            await self._say(event.chat_id, Reply(texts.ZALO_FLOOD))
        if verdict != "ok":
            return
        try:
            if event.kind == "text":
                await self.converse(event, text)
            else:
                await self.send_reply(event.chat_id, Reply(_polite(event)))
        except (Refused, RecipientGone, DeliveryError) as exc:
            log.warning("Zalo chat %s: reply not delivered (%s)", event.chat_id, type(exc).__name__)
        except Exception as exc:
            frames = "".join(traceback.format_tb(exc.__traceback__)).rstrip()
            log.error(  # types and frames only: an exception message may quote the citizen
                "Zalo %s %s (chat %s) failed: %s\n%s",
                event.channel,
                event.dedup_key,
                event.chat_id,
                describe(exc),
                frames,
            )
            await self._say(event.chat_id, Reply(texts.ZALO_SORRY))
            if self.on_error is not None:  # the staff group, at most once a minute
                await self.on_error(event, exc)

    async def converse(self, event: ZaloEvent, text: str) -> Reply:
        """Ask the engine (typing indicator if it takes a while) and send its reply."""
        typing = asyncio.create_task(self._typing(event.chat_id))
        try:
            reply = await asyncio.to_thread(self.engine.handle, event.incoming(text))
        finally:
            typing.cancel()
        await self.send_reply(event.chat_id, reply)
        if reply.decision in TICKET_DECISIONS and reply.ticket_number:
            self.on_ticket()
        return reply

    async def send_reply(self, chat_id: str, reply: Reply) -> None:
        for part in render_for(reply, self.transport.caps):  # plain: Zalo caps have no HTML
            await self.transport.send_text(chat_id, part.text)

    async def _say(self, chat_id: str, reply: Reply) -> None:
        try:
            await self.send_reply(chat_id, reply)
        except Exception as exc:  # a notice that cannot go out is no reason to fail
            log.info("Zalo chat %s: notice not delivered (%s)", chat_id, type(exc).__name__)

    async def _typing(self, chat_id: str) -> None:
        await asyncio.sleep(self.typing_delay)
        while True:
            await self.transport.typing(chat_id)
            await asyncio.sleep(4.5)


def _polite(event: ZaloEvent) -> str:
    if event.kind == "unsupported":
        return texts.ZALO_UNREADABLE
    return texts.ZALO_UNSUPPORTED
