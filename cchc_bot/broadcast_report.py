"""Broadcast figures: per notice and per month (recipients, sent, failed, blocked, skipped
by reason, duration, achieved rate), for `notices report` and the monthly `cchc-bot report`.

- *recipients*: delivery rows (subscribers of the notice's topics when sending started);
- *sent*: delivered (platform answered ok), plus *unconfirmed* ones: the request left but no
  answer came (a crash or a timeout); they are never sent again;
- *failed*: refused for good or still failing after retries; *blocked*: the chat blocked
  the bot or is gone (unsubscribed); *skipped*: not sent on purpose (quota, unsubscribed
  meanwhile, cancelled, channel not configured), by reason;
- *duration*: from the start of sending to its end (or the last message so far);
- *rate*: messages sent per second between the first and the last one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from cchc_bot.storage import DeliveryCounts, DeliveryRepository, NoticeRecord, NoticeRepository


@dataclass(frozen=True)
class NoticeFigures:
    notice_id: str
    title: str
    status: str
    scheduled_at: datetime | None
    started_at: datetime | None
    finished_at: datetime | None
    recipients: int
    sent: int
    unconfirmed: int
    failed: int
    blocked: int
    skipped: int
    pending: int
    reasons: dict[str, int]  # skipped and failed rows by reason
    duration_s: float | None
    rate: float | None

    def as_dict(self) -> dict[str, object]:
        return {
            "id": self.notice_id,
            "title": self.title,
            "status": self.status,
            "scheduled_at": _iso(self.scheduled_at),
            "started_at": _iso(self.started_at),
            "finished_at": _iso(self.finished_at),
            "recipients": self.recipients,
            "sent": self.sent,
            "unconfirmed": self.unconfirmed,
            "failed": self.failed,
            "blocked": self.blocked,
            "skipped": self.skipped,
            "pending": self.pending,
            "reasons": dict(sorted(self.reasons.items())),
            "duration_s": None if self.duration_s is None else round(self.duration_s, 3),
            "rate": None if self.rate is None else round(self.rate, 2),
        }


@dataclass(frozen=True)
class BroadcastMonth:
    notices: tuple[NoticeFigures, ...]

    def total(self, name: str) -> int:
        return sum(int(getattr(n, name)) for n in self.notices)

    @property
    def reasons(self) -> dict[str, int]:
        out: dict[str, int] = {}
        for notice in self.notices:
            for reason, count in notice.reasons.items():
                out[reason] = out.get(reason, 0) + count
        return dict(sorted(out.items()))


def figures(notice: NoticeRecord, counts: DeliveryCounts) -> NoticeFigures:
    end = notice.finished_at or counts.last_sent
    duration = (end - notice.started_at).total_seconds() if end and notice.started_at else None
    rate = None
    if counts.first_sent and counts.last_sent and counts["sent"] > 1:
        span = (counts.last_sent - counts.first_sent).total_seconds()
        rate = (counts["sent"] - 1) / span if span > 0 else None
    return NoticeFigures(
        notice_id=notice.id,
        title=notice.title,
        status=notice.status,
        scheduled_at=notice.scheduled_at,
        started_at=notice.started_at,
        finished_at=notice.finished_at,
        recipients=counts.recipients,
        sent=counts["sent"],
        unconfirmed=counts.unconfirmed,
        failed=counts["failed"],
        blocked=counts["blocked"],
        skipped=counts["skipped"],
        pending=counts["pending"] + counts["sending"],
        reasons=dict(counts.reasons),
        duration_s=max(duration, 0.0) if duration is not None else None,
        rate=rate,
    )


def notice_report(notice: NoticeRecord, deliveries: DeliveryRepository) -> NoticeFigures:
    return figures(notice, deliveries.counts([notice.id])[notice.id])


def month_report(
    notices: NoticeRepository, deliveries: DeliveryRepository, start: datetime, end: datetime
) -> BroadcastMonth:
    """The notices sent (or due and not sent) in [start, end)."""
    found = notices.in_period(start, end)
    counts = deliveries.counts([n.id for n in found])
    return BroadcastMonth(tuple(figures(n, counts[n.id]) for n in found))


def _iso(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment is not None else None
