"""Shared helpers of the hotline repository tests: a settable clock and ticket makers."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from cchc_bot.storage import NewOutbox, NewTicket, Repository, TicketRecord

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


class Clock:
    """A settable clock."""

    def __init__(self, now: datetime = T0) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def tick(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def ticket(
    repository: Repository,
    chat: str = "c1",
    *,
    kind: str = "question",
    at: datetime = T0,
    due: datetime | None = None,
    text: str = "Xin hỏi thủ tục cấp bản sao bằng tốt nghiệp?",
) -> TicketRecord:
    new = NewTicket("telegram", chat, f"u-{chat}", text, kind=kind, due_at=due)  # type: ignore[arg-type]
    return repository.create_ticket(new, now=at)


def to_citizen(t: TicketRecord) -> NewOutbox:
    return NewOutbox(t.channel, t.chat_id, "ticket_answer", f"Trả lời {t.number}", t.id)
