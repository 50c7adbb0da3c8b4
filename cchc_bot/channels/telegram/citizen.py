"""Citizens on Telegram: messages, buttons, non-text, groups, flood limit → the engine."""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from telegram import ChatMemberUpdated, Message, Update, User
from telegram.ext import ContextTypes

from cchc_bot import texts
from cchc_bot.channels.limits import FloodGuard
from cchc_bot.channels.telegram.render import RATING_PREFIX, fits_callback, render
from cchc_bot.channels.telegram.sender import TelegramSender, keyboard
from cchc_bot.channels.telegram.updates import CHANNEL, addressed_text, incoming
from cchc_bot.engine import Engine
from cchc_bot.messages import Incoming, Reply
from cchc_bot.storage import ChannelRepository

log = logging.getLogger(__name__)

TICKET_DECISIONS = ("ticket", "complaint")
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]
_TOKEN_PREFIX = "~"
Context = ContextTypes.DEFAULT_TYPE


class CallbackCodes:
    """Button codes as callback data: short codes as they are, long ones behind a token."""

    def __init__(self, repository: ChannelRepository) -> None:
        self.repository = repository
        self._known: dict[str, str] = {}

    async def data_for(self, code: str) -> str:
        if fits_callback(code) and not code.startswith(_TOKEN_PREFIX):
            return code
        token = _TOKEN_PREFIX + hashlib.sha256(code.encode("utf-8")).hexdigest()[:32]
        if token not in self._known:
            await asyncio.to_thread(self.repository.save_callback_code, token, code)
            self._known[token] = code
        return token

    async def code_for(self, data: str) -> str | None:
        if not data.startswith(_TOKEN_PREFIX):
            return data
        if data not in self._known:
            code = await asyncio.to_thread(self.repository.callback_code, data)
            if code is None:
                return None
            self._known[data] = code
        return self._known[data]


class CitizenHandlers:
    def __init__(
        self,
        engine: Engine,
        sender: TelegramSender,
        codes: CallbackCodes,
        flood: FloodGuard,
        *,
        staff_chat_id: int | None = None,
        staff_ids: frozenset[int] = frozenset(),
        on_ticket: Callable[[], None] = lambda: None,
        on_gone: Callable[[str], Awaitable[None]] | None = None,
        typing_delay: float = 0.5,
    ) -> None:
        self.engine = engine
        self.sender = sender
        self.codes = codes
        self.flood = flood
        self.staff_chat_id = staff_chat_id
        self.staff_ids = staff_ids
        self.on_ticket = on_ticket
        self.on_gone = on_gone
        self.typing_delay = typing_delay

    # -- handlers (python-telegram-bot callbacks) ------------------------------------------

    async def on_message(self, update: Update, context: Context) -> None:
        message = update.message
        if message is None or message.from_user is None or self._is_staff_chat(message):
            return
        text = addressed_text(message, context.bot.id, context.bot.username)
        if text is None or not await self._admit(message.chat.id, message.from_user):
            return
        await self.converse(message.chat.id, incoming(message, text))

    async def on_subscribe(self, update: Update, context: Context) -> None:
        """/dangky and /huy: the engine answers (topics as buttons), like any message."""
        await self.on_message(update, context)

    async def on_other(self, update: Update, context: Context) -> None:
        """Photos, stickers, voice, files, locations …: a polite explanation."""
        message = update.message
        if message is None or message.from_user is None or self._is_staff_chat(message):
            return
        if message.chat.type != "private":
            replied = message.reply_to_message
            if (
                replied is None
                or replied.from_user is None
                or replied.from_user.id != context.bot.id
            ):
                return
        if await self._admit(message.chat.id, message.from_user):
            await self.send_reply(message.chat.id, Reply(texts.TG_UNSUPPORTED))

    async def on_callback(self, update: Update, context: Context) -> None:
        """A button: answer the callback, then feed its code to the engine as the text."""
        query = update.callback_query
        if query is None:
            return
        message = query.message
        if message is None or query.data is None:
            await self.sender.call(None, query.answer)
            return
        chat_id = message.chat.id
        if not await self._admit(chat_id, query.from_user):
            await self.sender.call(None, query.answer)
            return
        await self.sender.call(None, query.answer)
        code = await self.codes.code_for(query.data)
        if code is None:
            await self.send_reply(chat_id, Reply(texts.CHOICE_EXPIRED))
            return
        if code.startswith(RATING_PREFIX):  # rate once: take the 👍/👎 buttons away
            await self._drop_buttons(chat_id, message.message_id)
        else:  # the message shows what was picked, and its buttons go
            await self._mark_choice(message, query.data)
        await self.converse(chat_id, _incoming_from_button(message, code, query.from_user))

    async def on_member(self, update: Update, context: Context) -> None:
        """A private user blocked (or unblocked) the bot."""
        change: ChatMemberUpdated | None = update.my_chat_member
        if change is None or change.chat.type != "private":
            return
        if change.new_chat_member.status in ("kicked", "left") and self.on_gone is not None:
            await self.on_gone(str(change.chat.id))

    # -- the conversation ------------------------------------------------------------------

    async def converse(self, chat_id: int, message: Incoming) -> Reply:
        """Ask the engine (typing indicator if it takes a while) and send its reply."""
        typing = asyncio.create_task(self._typing(chat_id))
        try:
            reply = await asyncio.to_thread(self.engine.handle, message)
        finally:
            typing.cancel()
        await self.send_reply(chat_id, reply)
        if reply.decision in TICKET_DECISIONS and reply.ticket_number:
            self.on_ticket()
        return reply

    async def send_reply(self, chat_id: int | str, reply: Reply) -> list[Message]:
        parts = render(reply)
        sent: list[Message] = []
        for i, part in enumerate(parts):
            markup = None
            if part.buttons:
                markup = keyboard(await self._callback_rows(part.buttons))
            sent += await self.sender.send_part(chat_id, part, markup)
            if i < len(parts) - 1:
                await asyncio.sleep(0)
        return sent

    # -- helpers ---------------------------------------------------------------------------

    async def _callback_rows(self, rows: ButtonRows) -> ButtonRows:
        """The same rows with each code as callback data (long codes become tokens)."""
        out = []
        for row in rows:
            out.append(tuple([(label, await self.codes.data_for(code)) for label, code in row]))
        return tuple(out)

    def _is_staff_chat(self, message: Message) -> bool:
        return self.staff_chat_id is not None and message.chat.id == self.staff_chat_id

    async def _admit(self, chat_id: int, user: User) -> bool:
        """The flood limit: False to drop the message (after one notice)."""
        if user.id in self.staff_ids:
            return True
        verdict = self.flood.check(str(user.id))
        if verdict == "notice":
            log.info("flood limit reached by a user in chat %s", chat_id)
            await self.send_reply(chat_id, Reply(texts.TG_FLOOD))
        return verdict == "ok"

    async def _typing(self, chat_id: int) -> None:
        await asyncio.sleep(self.typing_delay)
        while True:
            await self.sender.typing(chat_id)
            await asyncio.sleep(4.5)  # Telegram shows it for 5 s

    async def _mark_choice(self, message: Any, data: str) -> None:
        """Edit the message whose button was pressed: its text, "Đã chọn: …", no keyboard.

        Only while it still shows the button (a second tap finds the keyboard gone); the
        text is the message's own HTML, so its formatting stays. When the text cannot be
        rebuilt (a message Telegram no longer shows, or the edit is refused) the keyboard
        alone is removed. Cosmetic: a failure never stops the answer.
        """
        label = _label_of(message, data)
        if label is None:
            return
        chat_id, message_id = message.chat.id, message.message_id
        bot = self.sender.bot
        try:
            text = f"{message.text_html}\n\n" if getattr(message, "text", None) else ""
        except Exception:  # entities PTB cannot turn back into HTML
            text = ""
        if text:
            done = text + texts.TG_CHOICE_DONE.format(label=html.escape(label, quote=False))
            try:
                await self.sender.call(
                    None,
                    lambda: bot.edit_message_text(
                        done, chat_id, message_id, parse_mode="HTML", reply_markup=None
                    ),
                )
                return
            except Exception as exc:
                log.debug("could not edit the choice in chat %s: %s", chat_id, type(exc).__name__)
        await self._drop_buttons(chat_id, message_id)

    async def _drop_buttons(self, chat_id: int, message_id: int) -> None:
        bot = self.sender.bot
        try:
            await self.sender.call(
                None, lambda: bot.edit_message_reply_markup(chat_id, message_id, reply_markup=None)
            )
        except Exception as exc:  # cosmetic: the rating itself still counts
            log.debug("could not remove buttons in chat %s: %s", chat_id, type(exc).__name__)


def _label_of(message: Any, data: str) -> str | None:
    """The label of the message's button carrying `data` (None: no such button now)."""
    markup = getattr(message, "reply_markup", None)
    for row in getattr(markup, "inline_keyboard", None) or ():
        for button in row:
            if button.callback_data == data:
                return str(button.text)
    return None


def _incoming_from_button(message: Any, code: str, user: User) -> Incoming:
    return Incoming(
        channel=CHANNEL,
        chat_id=str(message.chat.id),
        user_id=str(user.id),
        text=code,
        message_id=str(message.message_id),
        display_name=user.full_name,
    )
