"""What the hotline sends citizens and what comes back: the outbox, ratings and surveys.

Queued messages (answers, refusals, surveys) leave through the channels' notifiers; after an
answer arrives the chat is offered a rating (1 / 2), and a closed ticket's satisfaction survey
is answered or skipped. :class:`cchc_bot.hotline.HotlineService` hands it out as ``outbox``.

Within one chat messages go in order: once one is not sent (`Deferred`: the chat takes no
messages now; `DeliveryError`: this try failed) the chat's later ones wait for the next
round. A deferral is no attempt (Zalo's message window can stay closed for weeks); a
failure is, and after `DEFAULT_MAX_ATTEMPTS` the message is `failed`. A message that ends
`failed` or `gone` is written to its ticket's history and listed in the report (`finals`),
so the caller can tell the staff group (`staff_notices`).
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from cchc_bot import texts
from cchc_bot.storage import (
    ChatState,
    HotlineRepository,
    NewOutbox,
    OutboxRecord,
    Repository,
    StorageError,
)

log = logging.getLogger(__name__)

STAFF_CHANNEL = "telegram"  # where the staff group lives

_SCORES = re.compile(
    r"^\s*([1-5])[\s,;/.-]+([1-5])[\s,;/.-]+([1-5])[\s,;/.-]+([1-5])\b\s*(.*)$", re.S
)


class RecipientGone(Exception):
    """The citizen blocked the bot or the chat no longer exists."""


class DeliveryError(Exception):
    """Sending failed for a reason that may pass (network, rate limit …): an attempt."""


class Deferred(Exception):
    """Not sent, and not an attempt: the chat takes no messages now (a closed message window,
    Zalo refused it until the citizen writes). `reason` names why (a key of
    `texts.ZALO_HELD_REASONS`); the message waits, and so do the chat's later ones."""

    def __init__(self, reason: str, detail: str = "") -> None:
        super().__init__(detail or reason)
        self.reason = reason


class Notifier(Protocol):
    """Delivers a text to a chat on one channel; channels implement it."""

    channel: str

    def send(self, chat_id: str, text: str) -> None: ...


@dataclass
class DeliveryReport:
    sent: int = 0
    failed: int = 0
    gone: int = 0
    skipped: int = 0
    errors: list[str] = field(default_factory=list)
    deferred: list[tuple[int, str]] = field(default_factory=list)  # (outbox id, reason)
    finals: list[OutboxRecord] = field(default_factory=list)  # became failed or gone now


class HotlineOutbox:
    """Delivery of one hotline's queued messages, the rating offer, the survey answers."""

    def __init__(self, repository: Repository, tickets: HotlineRepository) -> None:
        self.repository = repository
        self.tickets = tickets

    def deliver_pending(
        self,
        notifiers: Mapping[str, Notifier],
        *,
        chat_id: str | None = None,
        limit: int = 100,
    ) -> DeliveryReport:
        """Send queued messages through the notifiers we have; others wait for their channel."""
        report = DeliveryReport()
        for channel, notifier in notifiers.items():
            waiting: dict[str, str] = {}  # chat → why its later messages wait this round
            for item in self.tickets.pending_outbox(channel=channel, chat_id=chat_id, limit=limit):
                if item.chat_id in waiting:  # in order: not before the one that waits
                    report.skipped += 1
                    report.deferred.append((item.id, waiting[item.chat_id]))
                    continue
                why = self._deliver(item, notifier, report)
                if why is not None:
                    waiting[item.chat_id] = why
        return report

    def _deliver(
        self, item: OutboxRecord, notifier: Notifier, report: DeliveryReport
    ) -> str | None:
        """Send one message; None when it is done (sent, or gone), else why the chat waits."""
        try:
            notifier.send(item.chat_id, item.text)
        except RecipientGone as exc:
            record = self.tickets.mark_failed(item.id, str(exc) or "recipient gone", gone=True)
            report.gone += 1
            self._final(record, report)
            return None
        except Deferred as exc:
            report.skipped += 1
            report.deferred.append((item.id, exc.reason))
            return exc.reason
        except DeliveryError as exc:
            record = self.tickets.mark_failed(item.id, str(exc))
            report.failed += 1
            report.errors.append(str(exc))
            if record.status == "failed":
                self._final(record, report)
            return "failed"
        self.tickets.mark_sent(item.id)
        report.sent += 1
        if item.kind == "ticket_answer" and item.ticket_id is not None:
            self._offer_rating(item)

    def _final(self, record: OutboxRecord, report: DeliveryReport) -> None:
        """A message that will never go out: logged, in its ticket's history, reported."""
        report.finals.append(record)
        log.error(
            "outbox message %d (%s, %s chat %s) %s after %d attempt(s)",
            record.id,
            record.kind,
            record.channel,
            record.chat_id,
            record.status,
            record.attempts,
        )
        ticket = self.tickets.ticket_by_id(record.ticket_id) if record.ticket_id else None
        if ticket is None or record.kind == "staff_notice":
            return
        detail = texts.OUTBOX_FINAL_AUDIT.format(
            what=texts.ZALO_OUTBOX_KINDS.get(record.kind, record.kind),
            reason=_final_reason(record),
        )
        try:
            self.tickets.record_audit(record.channel, record.status, ticket.number, detail)
        except StorageError as exc:
            log.warning("could not note the undelivered message on %s: %s", ticket.number, exc)

    def staff_notices(self, finals: list[OutboxRecord], staff_chat: str | None) -> int:
        """Tell the staff group about messages that will never go out; returns how many."""
        if not staff_chat:
            return 0
        told = 0
        for record in finals:
            if record.kind == "staff_notice":  # the group itself is unreachable: logged
                continue
            ticket = self.tickets.ticket_by_id(record.ticket_id) if record.ticket_id else None
            notice = texts.OUTBOX_FINAL_STAFF.format(
                number=ticket.number if ticket else "-",
                what=texts.ZALO_OUTBOX_KINDS.get(record.kind, record.kind),
                channel=texts.CHANNEL_NAMES.get(record.channel, record.channel),
                reason=_final_reason(record),
            )
            try:
                self.tickets.enqueue(NewOutbox(STAFF_CHANNEL, staff_chat, "staff_notice", notice))
            except StorageError as exc:
                log.warning("could not tell the staff group about message %d: %s", record.id, exc)
                continue
            told += 1
        return told

    def _offer_rating(self, item: OutboxRecord) -> None:
        """After an answer arrives, '1'/'2' rate it (as the message says)."""
        ticket = self.tickets.ticket_by_id(item.ticket_id)
        if ticket is None:
            return
        codes = (f"/danhgia t:{ticket.number} up", f"/danhgia t:{ticket.number} down")
        try:
            self.repository.save_chat_state(
                ChatState(item.channel, item.chat_id, pending_choices=codes)
            )
        except StorageError as exc:
            log.warning("could not offer a rating for %s: %s", ticket.number, exc)

    # --- the satisfaction survey -----------------------------------------------------------

    def pending_survey(self, channel: str, chat_id: str):  # -> SurveyRecord | None
        return self.tickets.pending_survey(channel, chat_id)

    def answer_survey(self, channel: str, chat_id: str, text: str) -> bool:
        """Store '5 4 5 5 comment' for the chat's pending survey; False if not parsable."""
        survey = self.tickets.pending_survey(channel, chat_id)
        found = _SCORES.match(text)
        if survey is None or found is None:
            return False
        ease, speed, helpful, attitude = (int(found.group(i)) for i in range(1, 5))
        comment = found.group(5).strip() or None
        self.tickets.answer_survey(survey.id, ease, speed, helpful, attitude, comment)
        return True

    def skip_survey(self, channel: str, chat_id: str) -> None:
        survey = self.tickets.pending_survey(channel, chat_id)
        if survey is not None:
            self.tickets.answer_survey(survey.id, None, None, None, None, None)


def _final_reason(record: OutboxRecord) -> str:
    if record.status == "gone":
        return texts.OUTBOX_FINAL_GONE
    return texts.OUTBOX_FINAL_FAILED.format(attempts=record.attempts)
