"""The hotline queue: tickets from citizens, staff actions (delivery of answers, ratings and
surveys: :mod:`cchc_bot.hotline_outbox`).

One use-case module for every front end (engine, CLI, later channels and the web admin).
Status flow: open → assigned → answered → closed, or open/assigned → rejected (with a
reason). Every change is one transaction with its audit row and the messages it sends.

Groups: a new question near-identical to an open one from another chat joins its group
(never when the two texts hold different numbers, or personal data such as a phone, ID,
e-mail or a ticket/dossier code). Answering or closing a lead does the same to its members;
a rejected lead hands its open members on to the first of them; ``ungroup`` takes one out.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from cchc_bot import cli_texts, texts
from cchc_bot.hotline_outbox import DeliveryError as DeliveryError
from cchc_bot.hotline_outbox import DeliveryReport, HotlineOutbox, Notifier
from cchc_bot.hotline_outbox import RecipientGone as RecipientGone
from cchc_bot.hotline_rules import (
    ALLOWED_MOVES,
    Opened,
    TicketView,
    TransitionError,
    canonical_number,
    may_group,
    same_numbers,
    working_days,
)
from cchc_bot.hotline_rules import Policy as Policy
from cchc_bot.hotline_rules import looks_like_complaint as looks_like_complaint
from cchc_bot.kb_service import KnowledgeService, Loaded
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
        service = cls(repository, tickets, knowledge, calendar, clock=clock)
        knowledge.on_reload(service.follow_holidays)
        return service

    def follow_holidays(self, loaded: Loaded) -> None:
        """Use the holidays of a reloaded knowledge base (due times of new tickets)."""
        holidays = frozenset(h.day for h in loaded.knowledge.holidays)
        if holidays != self.calendar.holidays:
            self.calendar = replace(self.calendar, holidays=holidays)
            log.info("working calendar: %d holidays", len(holidays))

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
        """'trong 03 ngày làm việc': the time staff have, from the policy (the settings)."""
        return texts.QUESTION_RESPONSE.format(days=working_days(self.due_days(kind)))

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
            found = self._similar_open(channel, chat_id, text, now)
            if isinstance(found, Opened):
                return found
            lead = found
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

    def _similar_open(
        self, channel: str, chat_id: str, text: str, now: datetime
    ) -> Opened | TicketRecord | None:
        """The same citizen's open ticket asking this (``Opened``), else the lead of another
        chat's group to join, else None. Members count too: a grouped citizen asking again
        gets the ticket they have, not a second ticket and a second answer later."""
        normalizer = self.knowledge.current.matcher.normalizer
        candidates = self.tickets.open_questions_for_grouping(now - _GROUP_WINDOW)
        join: TicketRecord | None = None
        for other in candidates:
            mine = (other.channel, other.chat_id) == (channel, chat_id)
            if not (same_numbers(text, other.text) if mine else may_group(text, other.text)):
                continue
            if mine or join is None:
                if similar_questions(normalizer, text, other.text) < _GROUP_SIMILARITY:
                    continue
                if mine:
                    return Opened(other, existing=True)
                join = other
        if join is None or join.group_id is None:
            return join
        by_id = {t.id: t for t in candidates}
        return by_id.get(join.group_id) or self.tickets.ticket_by_id(join.group_id)

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

    def _refusal(self, number: str, action: str, exc: TicketStateConflict) -> TransitionError:
        status = texts.TICKET_STATUS_NAMES.get(exc.current_status, exc.current_status)
        action_name = cli_texts.STAFF_ACTIONS[action]
        return TransitionError(
            cli_texts.STAFF_BAD_TRANSITION.format(number=number, action=action_name, status=status)
        )

    def _change(
        self,
        action: str,
        number: str,
        actor: str,
        changes: Mapping[str, object],
        detail: str = "",
        outbox: Sequence[NewOutbox] = (),
        leave_group: bool = False,
    ) -> TicketRecord:
        try:
            return self.tickets.update_ticket(
                number,
                expected=ALLOWED_MOVES[action],
                changes=changes,
                actor=actor,
                action=action,
                detail=detail,
                outbox=outbox,
                leave_group=leave_group,
            )
        except TicketNotFound:
            raise TransitionError(cli_texts.STAFF_NO_TICKET.format(number=number)) from None
        except TicketStateConflict as exc:
            raise self._refusal(number, action, exc) from None

    def assign(self, number: str, who: str, actor: str) -> TicketRecord:
        number = canonical_number(number)
        return self._change("assign", number, actor, {"status": "assigned", "assignee": who}, who)

    def answer(self, number: str, text: str, actor: str) -> list[TicketRecord]:
        """Answer a ticket (and every ticket grouped under it); the citizens get it."""
        text = text.strip()
        if not text:
            raise TransitionError(cli_texts.STAFF_EMPTY_ANSWER)
        lead_number = self._lead_number(self.show(number).ticket)
        try:
            return self.tickets.answer_group(
                lead_number,
                answer=text,
                actor=actor,
                now=self.clock(),
                expected=ALLOWED_MOVES["answer"],
                outbox_for=lambda t: NewOutbox(
                    channel=t.channel,
                    chat_id=t.chat_id,
                    kind="ticket_answer",
                    text=texts.TICKET_ANSWERED.format(number=t.number, answer=text),
                    ticket_id=t.id,
                ),
            )
        except TicketStateConflict as exc:
            raise self._refusal(canonical_number(number), "answer", exc) from None

    def _lead_number(self, ticket: TicketRecord) -> str:
        """The number to act on for a group: its lead (a member's own number otherwise)."""
        if ticket.group_id is None or ticket.group_id == ticket.id:
            return ticket.number
        lead = self.tickets.ticket_by_id(ticket.group_id)
        return lead.number if lead else ticket.number

    def note(self, number: str, text: str, actor: str):  # -> NoteRecord
        if not text.strip():
            raise TransitionError(cli_texts.STAFF_EMPTY_NOTE)
        ticket = self.show(number).ticket
        return self.tickets.add_note(ticket.number, actor, text.strip())

    def close(self, number: str, actor: str) -> list[TicketRecord]:
        """Close an answered ticket and its answered members; each citizen gets the survey.

        The status, the audit rows, the surveys and the messages asking them are one
        transaction. Returns the ticket first, then the members closed with it.
        """
        ticket = self.show(number).ticket
        try:
            return self.tickets.close_group(
                ticket.number,
                actor=actor,
                outbox_for=lambda t: NewOutbox(
                    channel=t.channel,
                    chat_id=t.chat_id,
                    kind="survey",
                    text=texts.SURVEY_ASK.format(number=t.number),
                    ticket_id=t.id,
                ),
            )
        except TicketStateConflict as exc:
            raise self._refusal(ticket.number, "close", exc) from None

    def reject(self, number: str, reason: str, actor: str) -> TicketRecord:
        """Refuse a ticket with a reason; it leaves its group (a lead hands its open members
        on to the first of them, so they can still be answered)."""
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
        return self._change(
            "reject", ticket.number, actor, changes, reason, (notice,), leave_group=True
        )

    def ungroup(self, number: str, actor: str) -> list[TicketRecord]:
        """Take a ticket out of its group (audited); a lead hands its members on."""
        ticket = self.show(number).ticket
        changed = self.tickets.ungroup(ticket.number, actor=actor)
        if not changed:
            raise TransitionError(cli_texts.STAFF_NOT_GROUPED.format(number=ticket.number))
        return changed

    def show(self, number: str) -> TicketView:
        number = canonical_number(number)
        ticket = self.repository.get_ticket(number)
        if ticket is None:
            raise TransitionError(cli_texts.STAFF_NO_TICKET.format(number=number))
        return TicketView(
            ticket,
            tuple(self.tickets.notes(ticket.number)),
            tuple(self.tickets.audit_trail(ticket.number)),
            tuple(self.tickets.group_members(ticket.id)),
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
