"""What the hotline sends citizens and what comes back: the outbox, ratings and surveys.

Queued messages (answers, refusals, surveys) leave through the channels' notifiers; after an
answer arrives the chat is offered a rating (1 / 2), and a closed ticket's satisfaction survey
is answered or skipped. :class:`cchc_bot.hotline.HotlineService` hands it out as ``outbox``.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Protocol

from cchc_bot.storage import (
    ChatState,
    HotlineRepository,
    OutboxRecord,
    Repository,
    StorageError,
)

log = logging.getLogger(__name__)

_SCORES = re.compile(
    r"^\s*([1-5])[\s,;/.-]+([1-5])[\s,;/.-]+([1-5])[\s,;/.-]+([1-5])\b\s*(.*)$", re.S
)


class RecipientGone(Exception):
    """The citizen blocked the bot or the chat no longer exists."""


class DeliveryError(Exception):
    """Sending failed for a reason that may pass (network, rate limit …)."""


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
            for item in self.tickets.pending_outbox(channel=channel, chat_id=chat_id, limit=limit):
                self._deliver(item, notifier, report)
        return report

    def _deliver(self, item: OutboxRecord, notifier: Notifier, report: DeliveryReport) -> None:
        try:
            notifier.send(item.chat_id, item.text)
        except RecipientGone as exc:
            self.tickets.mark_failed(item.id, str(exc) or "recipient gone", gone=True)
            report.gone += 1
            return
        except DeliveryError as exc:
            self.tickets.mark_failed(item.id, str(exc))
            report.failed += 1
            report.errors.append(str(exc))
            return
        self.tickets.mark_sent(item.id)
        report.sent += 1
        if item.kind == "ticket_answer" and item.ticket_id is not None:
            self._offer_rating(item)

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
