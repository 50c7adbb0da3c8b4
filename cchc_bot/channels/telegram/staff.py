"""Staff in a Telegram group: new tickets posted there, answered by replying to the post.

- every new open ticket is posted to the staff chat (number, kind, due time, the bot's
  candidates) with buttons "Nhận xử lý" (assign to me) and "Đóng phiếu" (close);
- a staff member replies to that post, or writes `/tl HD-… nội dung`, and the answer goes
  to the citizen through `HotlineService.answer` (the outbox dispatcher delivers it);
- `/hangdoi` lists open and overdue tickets.

Only user ids in CCHC_STAFF_TELEGRAM_IDS may act; anyone else is refused and nothing
changes. Tickets are found by polling (`post_new_tickets`, run by the dispatcher and woken
right after the bot files one), so tickets from every channel — and those filed while the
server was down — reach the group once: each post is recorded in `staff_posts`.
"""

from __future__ import annotations

import asyncio
import html
import logging
import re
from collections.abc import Callable
from datetime import datetime, timedelta

from telegram import Message, Update, User
from telegram.ext import ContextTypes

from cchc_bot import texts
from cchc_bot.channels.telegram.sender import TelegramSender, keyboard
from cchc_bot.channels.telegram.updates import CHANNEL
from cchc_bot.desk import TICKET_NUMBER, ticket_number
from cchc_bot.hotline import HotlineService, TransitionError
from cchc_bot.storage import ChannelRepository, TicketRecord

log = logging.getLogger(__name__)

Context = ContextTypes.DEFAULT_TYPE
POST_WINDOW = timedelta(days=7)  # older unposted tickets are left to `cchc-bot queue`
QUEUE_LINES = 20
_CALLBACK = re.compile(r"^st:(as|cl):(HD-\d{4}-\d{5})$")


def actor_name(user: User) -> str:
    """How a staff member appears in the audit trail."""
    return f"{user.full_name} (tg:{user.id})"


class StaffDesk:
    def __init__(
        self,
        hotline: HotlineService,
        repository: ChannelRepository,
        sender: TelegramSender,
        *,
        chat_id: int | None,
        staff_ids: frozenset[int],
        wake: Callable[[], None] = lambda: None,
    ) -> None:
        self.hotline = hotline
        self.repository = repository
        self.sender = sender
        self.chat_id = chat_id
        self.staff_ids = staff_ids
        self.wake = wake
        self._posting = asyncio.Lock()

    def is_staff(self, user: User | None) -> bool:
        return user is not None and user.id in self.staff_ids

    # -- posting new tickets ---------------------------------------------------------------

    async def post_new_tickets(self) -> int:
        """Post every open ticket the staff chat has not seen yet; returns how many."""
        if self.chat_id is None:
            return 0
        async with self._posting:
            since = self.hotline.clock() - POST_WINDOW
            chat = str(self.chat_id)
            tickets = await asyncio.to_thread(
                self.repository.unposted_tickets, CHANNEL, chat, since
            )
            for ticket in tickets:
                text = await asyncio.to_thread(self._post_text, ticket)
                sent = await self.sender.send_text(
                    self.chat_id, text, html=True, markup=_ticket_buttons(ticket.number)
                )
                await asyncio.to_thread(
                    self.repository.record_staff_post,
                    CHANNEL,
                    chat,
                    str(sent.message_id),
                    ticket.number,
                )
            return len(tickets)

    def _post_text(self, ticket: TicketRecord) -> str:
        candidates = "\n".join(
            texts.TG_STAFF_CANDIDATE.format(title=html.escape(c.title), score=c.score)
            for c in ticket.candidates
        )
        text = texts.TG_STAFF_TICKET.format(
            number=ticket.number,
            kind=texts.KIND_NAMES.get(ticket.kind, ticket.kind),
            due=self.hotline.format_due(ticket),
            who=html.escape(ticket.display_name or texts.TG_STAFF_ANONYMOUS),
            channel=ticket.channel,
            text=html.escape(ticket.text),
            candidates=candidates or texts.TG_STAFF_NO_CANDIDATES,
        )
        if ticket.group_id is not None and ticket.group_id != ticket.id:
            lead = self.hotline.tickets.ticket_by_id(ticket.group_id)
            if lead is not None:
                text += "\n" + texts.TG_STAFF_GROUPED.format(lead=lead.number)
        return text

    # -- staff actions ---------------------------------------------------------------------

    async def on_reply(self, update: Update, context: Context) -> None:
        """A message in the staff chat replying to a ticket post answers that ticket."""
        message = update.message
        if message is None or message.reply_to_message is None or not message.text:
            return
        number = await asyncio.to_thread(
            self.repository.ticket_for_staff_post,
            CHANNEL,
            str(message.chat.id),
            str(message.reply_to_message.message_id),
        )
        if number is None:
            replied = message.reply_to_message.from_user
            if (
                replied is not None
                and replied.id == context.bot.id
                and self.is_staff(message.from_user)
            ):
                await self._say(message, texts.TG_STAFF_REPLY_UNKNOWN)
            return
        if not self.is_staff(message.from_user):
            await self._say(message, texts.TG_STAFF_REFUSED)
            return
        await self._answer(message, number, message.text)

    async def on_answer_command(self, update: Update, context: Context) -> None:
        """/tl HD-2026-00042 nội dung trả lời"""
        message = update.message
        if message is None:
            return
        if not self.is_staff(message.from_user):
            await self._say(message, texts.TG_STAFF_REFUSED)
            return
        _, _, rest = (message.text or "").partition(" ")
        found = TICKET_NUMBER.match(rest.strip())
        answer = rest.strip()[found.end() :].strip() if found else ""
        if found is None or not answer:
            await self._say(message, texts.TG_STAFF_TL_USAGE)
            return
        await self._answer(message, ticket_number(found), answer)

    async def on_queue_command(self, update: Update, context: Context) -> None:
        """/hangdoi: open and overdue tickets, most urgent first."""
        message = update.message
        if message is None:
            return
        if not self.is_staff(message.from_user):
            await self._say(message, texts.TG_STAFF_REFUSED)
            return
        text = await asyncio.to_thread(self._queue_text)
        await self.sender.send_text(message.chat.id, text, html=True)

    async def on_callback(self, update: Update, context: Context) -> None:
        """The "Nhận xử lý" / "Đóng phiếu" buttons under a ticket post."""
        query = update.callback_query
        if query is None:
            return
        found = _CALLBACK.match(query.data or "")
        if not self.is_staff(query.from_user):
            await self.sender.call(
                None, lambda: query.answer(texts.TG_STAFF_REFUSED, show_alert=True)
            )
            return
        if found is None:
            await self.sender.call(None, query.answer)
            return
        action, number = found.groups()
        who = actor_name(query.from_user)
        try:
            if action == "as":
                await asyncio.to_thread(self.hotline.assign, number, who, who)
                done = texts.STAFF_DONE["assign"].format(number=number, who=who)
            else:
                await asyncio.to_thread(self.hotline.close, number, who)
                done = texts.STAFF_DONE["close"].format(number=number)
                self.wake()  # the survey goes out through the outbox
        except TransitionError as exc:
            refusal = str(exc)
            await self.sender.call(None, lambda: query.answer(refusal, show_alert=True))
            return
        await self.sender.call(None, lambda: query.answer(done))
        if query.message is not None:
            await self.sender.send_text(query.message.chat.id, done)

    # -- helpers ---------------------------------------------------------------------------

    async def _answer(self, message: Message, number: str, answer: str) -> None:
        who = actor_name(message.from_user) if message.from_user else "telegram"
        try:
            answered = await asyncio.to_thread(self.hotline.answer, number, answer, who)
        except TransitionError as exc:
            await self._say(message, str(exc))
            return
        self.wake()
        group = ""
        if len(answered) > 1:
            group = texts.STAFF_GROUP_SUFFIX.format(count=len(answered) - 1)
        done = texts.STAFF_DONE["answer"].format(number=number, group=group)
        await self._say(message, texts.TG_STAFF_DONE_BY.format(done=done, who=who))

    async def _say(self, message: Message, text: str) -> None:
        await self.sender.send_text(message.chat.id, text)

    def _queue_text(self) -> str:
        tickets = self.hotline.tickets.list_tickets(status=("open", "assigned"), limit=500)
        if not tickets:
            return texts.TG_STAFF_QUEUE_EMPTY
        far = datetime.max.replace(tzinfo=self.hotline.clock().tzinfo)
        tickets.sort(key=lambda t: (t.due_at or far, t.id))
        overdue = [t for t in tickets if self.hotline.is_overdue(t)]
        lines = [texts.TG_STAFF_QUEUE_HEAD.format(open=len(tickets), overdue=len(overdue))]
        for ticket in tickets[:QUEUE_LINES]:
            status = texts.TICKET_STATUS_NAMES.get(ticket.status, ticket.status)
            if ticket.assignee:
                status += f" ({ticket.assignee})"
            lines.append(
                texts.TG_STAFF_QUEUE_LINE.format(
                    mark="⏰" if self.hotline.is_overdue(ticket) else "•",
                    number=ticket.number,
                    kind=texts.KIND_NAMES.get(ticket.kind, ticket.kind),
                    due=self.hotline.format_due(ticket),
                    status=html.escape(status),
                    text=html.escape(_shorten(ticket.text, 120)),
                )
            )
        if len(tickets) > QUEUE_LINES:
            lines.append(texts.TG_STAFF_QUEUE_MORE.format(count=len(tickets) - QUEUE_LINES))
        return "\n".join(lines)


def _ticket_buttons(number: str):
    return keyboard(
        (
            (
                (texts.TG_STAFF_ASSIGN_LABEL, f"st:as:{number}"),
                (texts.TG_STAFF_CLOSE_LABEL, f"st:cl:{number}"),
            ),
        )
    )


def _shorten(text: str, limit: int) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
