"""The one error handler of the Telegram channel: log with context, alert the staff chat.

What is logged: the update id, the chat id, the exception types and the traceback frames.
What is never logged: message texts, exception messages (a database error can quote the
SQL parameters, i.e. a citizen's words) and the token (httpx's own INFO log line holds it;
the server silences that logger and filters the token out of every log record).
"""

from __future__ import annotations

import logging
import traceback

from telegram import Update
from telegram.ext import ContextTypes

from cchc_bot import texts
from cchc_bot.channels.alerts import AlertThrottle, describe, suppressed_note
from cchc_bot.channels.telegram.render import Part
from cchc_bot.channels.telegram.sender import TelegramSender
from cchc_bot.hotline import RecipientGone

log = logging.getLogger(__name__)
__all__ = ["ErrorReporter", "describe"]


class ErrorReporter:
    def __init__(
        self,
        sender: TelegramSender,
        staff_chat_id: int | None,
        *,
        throttle: AlertThrottle | None = None,
    ) -> None:
        self.sender = sender
        self.staff_chat_id = staff_chat_id
        self.throttle = throttle or AlertThrottle()  # shared with the other channels

    async def __call__(self, update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
        error = context.error
        if error is None:
            return
        update_id = update.update_id if isinstance(update, Update) else None
        chat = update.effective_chat if isinstance(update, Update) else None
        chat_id = chat.id if chat is not None else None
        if isinstance(error, RecipientGone):
            log.info("update %s: chat %s is gone (blocked the bot)", update_id, chat_id)
            return
        frames = "".join(traceback.format_tb(error.__traceback__))
        log.error(
            "Telegram update %s (chat %s) failed: %s\n%s",
            update_id,
            chat_id,
            describe(error),
            frames.rstrip(),
        )
        if chat is not None and chat.type == "private":
            await self._quietly(chat.id, texts.TG_SORRY)
        await self._alert(update_id, chat_id, type(error).__name__)

    async def _alert(self, update_id: int | None, chat_id: int | None, error: str) -> None:
        if self.staff_chat_id is None:
            return
        held = self.throttle.take()
        if held is None:
            return
        text = texts.TG_STAFF_ALERT.format(update_id=update_id, chat_id=chat_id, error=error)
        await self._quietly(self.staff_chat_id, text + suppressed_note(held))

    async def _quietly(self, chat_id: int, text: str) -> None:
        try:
            await self.sender.send_part(chat_id, Part(text, None, text))
        except Exception as exc:  # the error handler itself must never raise
            log.warning("could not tell chat %s about an error: %s", chat_id, describe(exc))
