"""Broadcast figures: per notice and per month (recipients, sent, failed, blocked, skipped
by reason, duration, achieved rate), for `notices report` and the monthly `cchc-bot report`.

- *recipients*: delivery rows (subscribers of the notice's topics when sending started);
- *sent*: delivered (platform answered ok), plus *unconfirmed* ones: the request left but no
  answer came (a crash or a timeout); they are never sent again;
- *failed*: refused for good or still failing after retries; *blocked*: the chat blocked
  the bot or is gone (unsubscribed); *skipped*: not sent on purpose (quota, unsubscribed
  meanwhile, cancelled, channel not configured), by reason;
- *failed* and *skipped* are also given by reason (`failed_by_reason`,
  `skipped_by_reason`; the codes are labelled in `report_texts.BROADCAST_REASONS`);
- *duration*: from the start of sending to its end (or the last message so far);
- *rate*: recipients reached per second between the first and the last one.

The month's total (`month_total`) adds the counts and durations up; its rate is every
notice's recipients after the first over the sum of their first-to-last spans (the same
definition, weighted by each notice's length).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
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
    skipped_reasons: dict[str, int]
    failed_reasons: dict[str, int]
    duration_s: float | None
    rate: float | None
    span_s: float | None = None  # first to last message sent

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
            "skipped_by_reason": dict(sorted(self.skipped_reasons.items())),
            "failed_by_reason": dict(sorted(self.failed_reasons.items())),
            "duration_s": None if self.duration_s is None else round(self.duration_s, 3),
            "rate": None if self.rate is None else round(self.rate, 2),
        }


@dataclass(frozen=True)
class BroadcastMonth:
    notices: tuple[NoticeFigures, ...]


@dataclass(frozen=True)
class MonthTotal:
    recipients: int
    sent: int
    failed: int
    blocked: int
    skipped: int
    skipped_reasons: dict[str, int]
    failed_reasons: dict[str, int]
    duration_s: float | None
    rate: float | None


def month_total(notices: Sequence[NoticeFigures]) -> MonthTotal:
    """The month's figures added up (see the module's docstring for the rate)."""
    durations = [n.duration_s for n in notices if n.duration_s is not None]
    timed = [n for n in notices if n.rate is not None and n.span_s]
    span = sum(n.span_s or 0.0 for n in timed)
    return MonthTotal(
        recipients=sum(n.recipients for n in notices),
        sent=sum(n.sent for n in notices),
        failed=sum(n.failed for n in notices),
        blocked=sum(n.blocked for n in notices),
        skipped=sum(n.skipped for n in notices),
        skipped_reasons=_added(n.skipped_reasons for n in notices),
        failed_reasons=_added(n.failed_reasons for n in notices),
        duration_s=sum(durations) if durations else None,
        rate=sum(n.sent - 1 for n in timed) / span if span > 0 else None,
    )


def _added(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    out: dict[str, int] = {}
    for part in parts:
        for reason, count in part.items():
            out[reason] = out.get(reason, 0) + count
    return dict(sorted(out.items()))


def figures(notice: NoticeRecord, counts: DeliveryCounts) -> NoticeFigures:
    end = notice.finished_at or counts.last_sent
    duration = (end - notice.started_at).total_seconds() if end and notice.started_at else None
    rate = span = None
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
        skipped_reasons=dict(counts.skipped_reasons),
        failed_reasons=dict(counts.failed_reasons),
        duration_s=max(duration, 0.0) if duration is not None else None,
        rate=rate,
        span_s=span,
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
