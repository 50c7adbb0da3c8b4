"""The hotline outbox on Zalo: deliver what Zalo accepts now, hold the rest, tell staff.

A Zalo OA may answer for free only within `reply_window_hours` of the citizen's last
message, at most `window_replies` times; the Zalo Bot Platform documents no window, but
may refuse a chat (then the chat is closed until the citizen writes). Each dispatcher round
(`run`) looks at the channel's pending messages, chat by chat:
- the chat is open → `HotlineService.deliver_pending` sends them (the usual bookkeeping:
  sent, failed with retries, rating offered after an answer), as many as the window's
  replies left allow, counted per message part (an answer in 2 parts takes 2);
- it is outside the window and the department enabled a paid route → sent that way;
- otherwise the message stays pending (never dropped; a deferral is no delivery attempt)
  and, once per message, the refusal is written to the ticket's history (`cchc-bot queue
  show`), logged, and posted to the staff group if there is one. When the citizen next
  writes, `deliver_chat` sends it right after the bot's reply.
A message that does fail for good (`failed` after repeated errors, `gone`) is in its
ticket's history and posted to the staff group too.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from cchc_bot import texts
from cchc_bot.channels.render import render_for
from cchc_bot.channels.zalo.transport import Refused, Transport
from cchc_bot.hotline import DeliveryError, HotlineService, RecipientGone
from cchc_bot.hotline_outbox import Deferred, DeliveryReport
from cchc_bot.messages import Reply
from cchc_bot.storage import ContactRecord, HeldMessage, NewOutbox, ZaloRepository

log = logging.getLogger(__name__)

STAFF_CHANNEL = "telegram"  # where the staff group lives


class ZaloNotifier:
    """The hotline's `Notifier` for a Zalo transport: a blocking send for the outbox thread."""

    def __init__(
        self,
        transport: Transport,
        loop: asyncio.AbstractEventLoop,
        timeout: float = 60.0,
        *,
        held: Callable[[str], bool] = lambda chat: False,
    ) -> None:
        self.channel = transport.channel
        self.transport = transport
        self.loop = loop
        self.timeout = timeout
        self.held = held
        self.budget: dict[str, int] = {}  # chat → messages the window still allows

    def send(self, chat_id: str, text: str) -> None:
        if self.held(chat_id):  # Zalo refused this chat a moment ago: do not insist
            raise Deferred("refused", "the chat refuses messages until the citizen writes")
        parts = [p.text for p in render_for(Reply(text), self.transport.caps)]
        left = self.budget.get(chat_id)
        if left is not None:
            if len(parts) > left:  # the free replies left do not cover every part
                raise Deferred("replies", f"{len(parts)} part(s), {left} free repl(ies) left")
            self.budget[chat_id] = left - len(parts)
        future = asyncio.run_coroutine_threadsafe(self._send_all(chat_id, parts), self.loop)
        try:
            future.result(self.timeout)
        except (RecipientGone, DeliveryError):
            raise
        except Refused as exc:
            raise Deferred("refused", exc.reason) from exc
        except TimeoutError as exc:
            future.cancel()
            raise DeliveryError("timed out") from exc
        except Exception as exc:
            raise DeliveryError(type(exc).__name__) from exc

    async def _send_all(self, chat_id: str, parts: list[str]) -> None:
        for part in parts:
            await self.transport.send_text(chat_id, part)


class OutboxGate:
    def __init__(
        self,
        transport: Transport,
        hotline: HotlineService,
        repository: ZaloRepository,
        *,
        paid: Transport | None = None,
        staff_chat: str | None = None,
        on_contact: Callable[[ContactRecord], None] = lambda contact: None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.transport = transport
        self.channel = transport.channel
        self.caps = transport.caps
        self.hotline = hotline
        self.repository = repository
        self.paid = paid
        self.staff_chat = staff_chat
        self.on_contact = on_contact  # the OA: the citizen's last message id, for replies
        self.clock = clock
        self.pending: set[str] = set()  # chats with messages waiting (as of the last round)
        self.closed: set[str] = set()  # chats Zalo refused (as of the last round)
        self.busy: set[str] = set()  # chats whose citizen's message is being answered
        self._wrote: dict[str, datetime] = {}  # when the citizen of a busy chat wrote
        self._notifiers: dict[str, ZaloNotifier] = {}
        self._lock = asyncio.Lock()

    def attach(self, loop: asyncio.AbstractEventLoop) -> None:
        """Bind the blocking notifiers to the event loop the transports run on."""

        def held(chat: str) -> bool:
            return chat in self.closed

        self._notifiers["free"] = ZaloNotifier(self.transport, loop, held=held)
        if self.paid is not None:
            self._notifiers["paid"] = ZaloNotifier(self.paid, loop, held=held)

    # -- the window ------------------------------------------------------------------------

    def verdict(self, contact: ContactRecord | None, now: datetime) -> str | None:
        """None when Zalo should accept a message to this chat now, else why not."""
        if contact is not None and contact.closed_at is not None:
            held = contact.reopen_at is None or now < contact.reopen_at
            return "refused" if held else self._window(contact, now)
        return self._window(contact, now)

    def _window(self, contact: ContactRecord | None, now: datetime) -> str | None:
        if self.caps.can_initiate:
            return None
        if contact is None or contact.last_inbound_at is None:
            return "unknown"
        window = timedelta(hours=self.caps.reply_window_hours or 0)
        if now - contact.last_inbound_at >= window:
            return "window"
        if self.caps.window_replies is not None and contact.replies >= self.caps.window_replies:
            return "replies"
        return None

    async def on_refused(self, chat_id: str, reason: str, reopen_at: datetime | None) -> None:
        """Zalo refused a send to the chat: hold its messages until the citizen writes."""
        await asyncio.to_thread(
            self.repository.close_chat, self.channel, chat_id, reason, reopen_at
        )
        self.closed.add(chat_id)

    # -- rounds ----------------------------------------------------------------------------

    async def run(self) -> None:
        """The dispatcher's job: every pending message of the channel."""
        async with self._lock:
            held = await asyncio.to_thread(self.repository.held_outbox, self.channel)
            chats: dict[str, list[HeldMessage]] = {}
            for item in held:
                chats.setdefault(item.chat_id, []).append(item)
            self.pending = set(chats)
            await self._deliver({c: m for c, m in chats.items() if c not in self.busy})
            self.closed = await asyncio.to_thread(self.repository.closed_chats, self.channel)

    def answering(self, chat_id: str) -> bool:
        """The citizen wrote: the chat is open again (True if Zalo had refused it), and
        rounds leave it alone until `deliver_chat` (after the reply), so what waited for
        it comes after the reply, not before."""
        self.busy.add(chat_id)
        self._wrote[chat_id] = self.clock()
        if chat_id in self.closed:
            self.closed.discard(chat_id)
            return True
        return False

    async def deliver_chat(self, chat_id: str) -> None:
        """After the citizen wrote (and got the reply): what waited for this chat."""
        self.busy.discard(chat_id)
        wrote = self._wrote.pop(chat_id, None)
        if chat_id not in self.pending:
            return
        async with self._lock:
            if wrote is not None:  # a refusal older than the citizen's message is over
                await asyncio.to_thread(self.repository.reopen_chat, self.channel, chat_id, wrote)
            held = await asyncio.to_thread(self.repository.held_outbox, self.channel, chat_id)
            await self._deliver({chat_id: held} if held else {})
            self.pending.discard(chat_id)

    async def _deliver(self, chats: dict[str, list[HeldMessage]]) -> None:
        if not chats:
            return
        contacts = await asyncio.to_thread(self.repository.contacts, self.channel, list(chats))
        now = self.clock()
        for chat, items in chats.items():
            contact = contacts.get(chat)
            if contact is not None:
                self.on_contact(contact)
            reason = self.verdict(contact, now)
            route = "free" if reason is None else None
            if reason not in (None, "refused") and "paid" in self._notifiers:
                route = "paid"  # outside the window; a chat Zalo refuses waits for the citizen
            if route is None:
                await self._hold(items, reason or "refused")
                continue
            report = await self._send(route, chat, self._replies_left(contact, route))
            finals = list(report.finals)
            if "paid" in self._notifiers and any(r == "replies" for _, r in report.deferred):
                report = await self._send("paid", chat, None)  # the rest by the paid route
                finals += report.finals
            deferred = dict(report.deferred)  # held: Zalo would not take them now
            for why in sorted({r for r in deferred.values() if r in texts.ZALO_HELD_REASONS}):
                await self._hold([i for i in items if deferred.get(i.outbox_id) == why], why)
            if finals:
                await asyncio.to_thread(self.hotline.outbox.staff_notices, finals, self.staff_chat)
            if report.failed or report.gone:
                log.warning(
                    "%s outbox for chat %s: %d sent, %d failed, %d unreachable",
                    self.channel,
                    chat,
                    report.sent,
                    report.failed,
                    report.gone,
                )

    def _replies_left(self, contact: ContactRecord | None, route: str) -> int | None:
        """Free replies the window still allows (None: no limit, or the paid route)."""
        limit = self.caps.window_replies
        if route != "free" or self.caps.can_initiate or limit is None:
            return None
        return max(0, limit - (contact.replies if contact is not None else 0))

    async def _send(self, route: str, chat: str, left: int | None) -> DeliveryReport:
        notifier = self._notifiers[route]
        notifier.budget = {} if left is None else {chat: left}
        return await asyncio.to_thread(
            self.hotline.deliver_pending, {self.channel: notifier}, chat_id=chat
        )

    async def _hold(self, items: list[HeldMessage], reason: str) -> None:
        pairs = [(item.outbox_id, reason) for item in items]
        new = await asyncio.to_thread(self.repository.record_deferrals, pairs)
        for item in items:
            if item.outbox_id in new:
                log.warning(
                    "%s: message %d for chat %s held (%s); it is sent when the citizen writes",
                    self.channel,
                    item.outbox_id,
                    item.chat_id,
                    reason,
                )
                await asyncio.to_thread(self._tell_staff, item, reason)

    def _tell_staff(self, item: HeldMessage, reason: str) -> None:
        why = texts.ZALO_HELD_REASONS[reason].format(
            hours=f"{self.caps.reply_window_hours or 0:g}", limit=self.caps.window_replies
        )
        what = texts.ZALO_OUTBOX_KINDS.get(item.kind, item.kind)
        if item.ticket_number:
            detail = texts.ZALO_HELD_AUDIT.format(what=what, reason=why)
            self.hotline.tickets.record_audit(self.channel, "held", item.ticket_number, detail)
        if self.staff_chat:
            notice = texts.ZALO_STAFF_HELD.format(
                number=item.ticket_number or "-",
                what=what,
                channel=texts.ZALO_CHANNEL_NAMES.get(self.channel, self.channel),
                reason=why,
            )
            self.hotline.tickets.enqueue(
                NewOutbox(STAFF_CHANNEL, self.staff_chat, "staff_notice", notice)
            )
