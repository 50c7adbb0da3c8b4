"""The hotline queue: tickets from citizens, staff actions (delivery of answers, ratings and
surveys: :mod:`cchc_bot.hotline_outbox`).

One use-case module for every front end (engine, CLI, later channels and the web admin).
Status flow: open → assigned → answered → closed, or open/assigned → rejected (with a
reason). Every change is one transaction with its audit row and the messages it sends.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cchc_bot import cli_texts, texts
from cchc_bot.hotline_outbox import DeliveryError as DeliveryError
from cchc_bot.hotline_outbox import DeliveryReport, HotlineOutbox, Notifier
from cchc_bot.hotline_outbox import RecipientGone as RecipientGone
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.lexicon import COMPLAINT_CUES
from cchc_bot.matching.similarity import similar_questions
from cchc_bot.storage import (
    Candidate,
    HotlineRepository,
    NewOutbox,
    NewRating,
    NewTicket,
    Repository,
    TicketNotFound,
    TicketRecord,
    TicketStateConflict,
)
from cchc_bot.workcalendar import WorkCalendar

log = logging.getLogger(__name__)

OPEN_STATES = ("open", "assigned")
_GROUP_WINDOW = timedelta(days=30)
_GROUP_SIMILARITY = 90.0  # 0–100, on normalised text: "near-identical" questions


class TransitionError(Exception):
    """A staff action that the ticket's status does not allow (message for staff)."""


@dataclass(frozen=True)
class Policy:
    question_due_days: float = 3
    # Luật Khiếu nại 2011: a complaint must be accepted (thụ lý) within 10 days of receipt;
    # the hotline promises its first substantive reply within 10 working days.
    complaint_due_days: float = 10


@dataclass(frozen=True)
class Opened:
    ticket: TicketRecord
    existing: bool  # the same citizen had already asked this and it is still open


@dataclass(frozen=True)
class TicketView:
    ticket: TicketRecord
    notes: tuple
    audit: tuple
    members: tuple[TicketRecord, ...] = ()


# Only what a transition allows: from-states per action.
_ALLOWED: dict[str, tuple[str, ...]] = {
    "assign": ("open", "assigned"),
    "answer": ("open", "assigned", "answered"),
    "close": ("answered",),
    "reject": ("open", "assigned"),
}


def looks_like_complaint(text: str, tokens: Sequence[str]) -> bool:
    """A report about how a case was handled rather than a question about a procedure."""
    joined = " " + " ".join(tokens) + " "
    return any(f" {cue} " in joined for cue in COMPLAINT_CUES)


class HotlineService:
    def __init__(
        self,
        repository: Repository,
        tickets: HotlineRepository,
        knowledge: KnowledgeService,
        calendar: WorkCalendar,
        policy: Policy | None = None,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> None:
        self.repository = repository
        self.tickets = tickets
        self.knowledge = knowledge
        self.calendar = calendar
        self.policy = policy or Policy()
        self.clock = clock

    @classmethod
    def for_repository(
        cls,
        repository: Repository,
        knowledge: KnowledgeService,
        timezone: ZoneInfo,
        clock: Callable[[], datetime] = lambda: datetime.now(UTC),
    ) -> HotlineService:
        """Defaults: standard working hours, the knowledge base's holidays, default policy."""
        holidays = [h.day for h in knowledge.current.knowledge.holidays]
        calendar = WorkCalendar.build(timezone, None, holidays)
        tickets = HotlineRepository(repository.database, clock=clock)
        return cls(repository, tickets, knowledge, calendar, clock=clock)

    @property
    def timezone(self) -> ZoneInfo:
        return self.calendar.timezone

    def due_days(self, kind: str) -> float:
        return (
            self.policy.complaint_due_days if kind == "complaint" else self.policy.question_due_days
        )

    def format_due(self, ticket: TicketRecord) -> str:
        if ticket.due_at is None:
            return "-"
        return ticket.due_at.astimezone(self.timezone).strftime(texts.DUE_FORMAT)

    def response_phrase(self, kind: str) -> str:
        days = self.due_days(kind)
        return texts.QUESTION_RESPONSE.format(days=f"{days:g}")

    # --- citizens ---------------------------------------------------------------------------

    def open_ticket(
        self,
        *,
        channel: str,
        chat_id: str,
        user_id: str,
        text: str,
        display_name: str | None = None,
        kind: str = "question",
        candidates: Sequence[Candidate] = (),
        category: str | None = None,
    ) -> Opened:
        """File a question or complaint; near-identical open questions are grouped."""
        now = self.clock()
        lead: TicketRecord | None = None
        if kind == "question":
            normalizer = self.knowledge.current.matcher.normalizer
            for other in self.tickets.open_questions_for_grouping(now - _GROUP_WINDOW):
                if similar_questions(normalizer, text, other.text) < _GROUP_SIMILARITY:
                    continue
                if (other.channel, other.chat_id) == (channel, chat_id):
                    return Opened(other, existing=True)
                lead = lead or other
        ticket, joined = self.tickets.open_ticket(
            NewTicket(
                channel=channel,
                chat_id=chat_id,
                user_id=user_id,
                text=text,
                kind=kind,  # type: ignore[arg-type]
                display_name=display_name,
                category=category,
                candidates=tuple(candidates),
                due_at=self.calendar.add_working_days(now, self.due_days(kind)),
            ),
            now=now,
            actor="bot",
            detail=f"{kind}, {channel}",
            lead_number=lead.number if lead else None,
            group_detail=cli_texts.AUDIT_GROUPED.format(lead=lead.number) if lead else "",
        )
        if lead is not None and not joined:
            # Grouping only saves staff work: a lead answered or grouped meanwhile is no error.
            log.info("ticket %s left ungrouped: %s no longer leads", ticket.number, lead.number)
        return Opened(ticket, existing=False)

    def ticket_for_citizen(self, number: str, channel: str, chat_id: str) -> TicketRecord | None:
        """The ticket, only if it belongs to this chat (nobody else may see it)."""
        ticket = self.repository.get_ticket(number)
        if ticket is None or (ticket.channel, ticket.chat_id) != (channel, chat_id):
            return None
        return ticket

    def rate(
        self,
        *,
        channel: str,
        chat_id: str,
        user_id: str,
        value: int,
        entry_id: str | None = None,
        ticket_number: str | None = None,
    ) -> None:
        ticket_id = None
        if ticket_number:
            ticket = self.ticket_for_citizen(ticket_number, channel, chat_id)
            ticket_id = ticket.id if ticket else None
        self.tickets.record_rating(
            NewRating(
                channel=channel,
                chat_id=chat_id,
                user_id=user_id,
                value=1 if value > 0 else -1,
                entry_id=entry_id,
                ticket_id=ticket_id,
            )
        )

    # --- staff ------------------------------------------------------------------------------

    def _change(
        self,
        action: str,
        number: str,
        actor: str,
        changes: Mapping[str, object],
        detail: str = "",
        outbox: Sequence[NewOutbox] = (),
    ) -> TicketRecord:
        try:
            return self.tickets.update_ticket(
                number,
                expected=_ALLOWED[action],
                changes=changes,
                actor=actor,
                action=action,
                detail=detail,
                outbox=outbox,
            )
        except TicketNotFound:
            raise TransitionError(cli_texts.STAFF_NO_TICKET.format(number=number)) from None
        except TicketStateConflict as exc:
            raise TransitionError(
                cli_texts.STAFF_BAD_TRANSITION.format(
                    number=number,
                    action=cli_texts.STAFF_ACTIONS[action],
                    status=texts.TICKET_STATUS_NAMES.get(exc.current_status, exc.current_status),
                )
            ) from None

    def assign(self, number: str, who: str, actor: str) -> TicketRecord:
        return self._change("assign", number, actor, {"status": "assigned", "assignee": who}, who)

    def answer(self, number: str, text: str, actor: str) -> list[TicketRecord]:
        """Answer a ticket (and every ticket grouped under it); the citizens get it."""
        text = text.strip()
        if not text:
            raise TransitionError(cli_texts.STAFF_EMPTY_ANSWER)
        ticket = self.show(number).ticket
        lead_number = ticket.number
        if ticket.group_id is not None and ticket.group_id != ticket.id:
            lead = self.tickets.ticket_by_id(ticket.group_id)
            lead_number = lead.number if lead else ticket.number
        now = self.clock()
        try:
            answered = self.tickets.answer_group(
                lead_number,
                answer=text,
                actor=actor,
                now=now,
                expected=_ALLOWED["answer"],
                outbox_for=lambda t: NewOutbox(
                    channel=t.channel,
                    chat_id=t.chat_id,
                    kind="ticket_answer",
                    text=texts.TICKET_ANSWERED.format(number=t.number, answer=text),
                    ticket_id=t.id,
                ),
            )
        except TicketStateConflict as exc:
            raise TransitionError(
                cli_texts.STAFF_BAD_TRANSITION.format(
                    number=number,
                    action=cli_texts.STAFF_ACTIONS["answer"],
                    status=texts.TICKET_STATUS_NAMES.get(exc.current_status, exc.current_status),
                )
            ) from None
        return answered

    def note(self, number: str, text: str, actor: str):  # -> NoteRecord
        if not text.strip():
            raise TransitionError(cli_texts.STAFF_EMPTY_NOTE)
        self.show(number)
        return self.tickets.add_note(number, actor, text.strip())

    def close(self, number: str, actor: str) -> TicketRecord:
        ticket = self.show(number).ticket
        survey = NewOutbox(
            channel=ticket.channel,
            chat_id=ticket.chat_id,
            kind="survey",
            text=texts.SURVEY_ASK.format(number=ticket.number),
            ticket_id=ticket.id,
        )
        closed = self._change(
            "close", number, actor, {"status": "closed", "closed_at": self.clock()}, "", (survey,)
        )
        self.tickets.create_survey(closed.id, closed.channel, closed.chat_id)
        return closed

    def reject(self, number: str, reason: str, actor: str) -> TicketRecord:
        reason = reason.strip()
        if not reason:
            raise TransitionError(cli_texts.STAFF_REJECT_NEEDS_REASON)
        ticket = self.show(number).ticket
        hotline = self.knowledge.current.knowledge.agency.hotline
        notice = NewOutbox(
            channel=ticket.channel,
            chat_id=ticket.chat_id,
            kind="ticket_rejected",
            text=texts.TICKET_REJECTED.format(number=ticket.number, reason=reason, hotline=hotline),
            ticket_id=ticket.id,
        )
        changes = {"status": "rejected", "reject_reason": reason, "closed_at": self.clock()}
        return self._change("reject", number, actor, changes, reason, (notice,))

    def show(self, number: str) -> TicketView:
        ticket = self.repository.get_ticket(number)
        if ticket is None:
            raise TransitionError(cli_texts.STAFF_NO_TICKET.format(number=number))
        members = tuple(self.tickets.group_members(ticket.id))
        return TicketView(
            ticket,
            tuple(self.tickets.notes(ticket.number)),
            tuple(self.tickets.audit_trail(ticket.number)),
            members,
        )

    def list(
        self,
        *,
        status: str | None = None,
        kind: str | None = None,
        assignee: str | None = None,
        overdue: bool = False,
        limit: int = 100,
    ) -> list[TicketRecord]:
        return self.tickets.list_tickets(
            status=status,
            kind=kind,
            assignee=assignee,
            overdue_at=self.clock() if overdue else None,
            limit=limit,
        )

    def is_overdue(self, ticket: TicketRecord) -> bool:
        return (
            ticket.status in OPEN_STATES
            and ticket.due_at is not None
            and ticket.due_at < self.clock()
        )

    # --- the outbox (delivery, ratings, surveys) --------------------------------------------

    @property
    def outbox(self) -> HotlineOutbox:
        """Delivery of queued messages and the survey (see :mod:`cchc_bot.hotline_outbox`)."""
        return HotlineOutbox(self.repository, self.tickets)

    def deliver_pending(
        self,
        notifiers: Mapping[str, Notifier],
        *,
        chat_id: str | None = None,
        limit: int = 100,
    ) -> DeliveryReport:
        """Send queued messages through the notifiers we have; others wait for their channel."""
        return self.outbox.deliver_pending(notifiers, chat_id=chat_id, limit=limit)
