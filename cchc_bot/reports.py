"""The monthly CCHC report: "kết quả chuyên mục Hỏi – đáp / đường dây nóng / đo lường sự hài lòng".

A level-2 use case: it decides what the figures mean, asks :class:`ReportQueries` for them
for one calendar month in Vietnam time (and the month before, for comparison), and returns a
frozen :class:`MonthlyReport`. :mod:`cchc_bot.report_render` turns it into Markdown or CSV,
:mod:`cchc_bot.report_html` into a printable HTML page.

Definitions (also printed in the report, see ``report_texts.NOTES``):

- *questions received*: logged messages whose decision is in :data:`QUESTION_DECISIONS`
  (``answer``, ``choices``, ``unknown``, ``ticket``, ``complaint``, and ``pick`` when an
  entry was delivered from a menu): each question once, where it first reached the bot.
  Follow-ups of a question already counted are logged with their own decisions and not
  counted again: ``choice_pick`` (the citizen picked one of the suggestions), ``detail`` (the
  full procedure after an answer), ``handoff`` (sent to staff afterwards: "0", 👎 then "0",
  "gặp cán bộ"). Greetings, help, menus, ticket look-ups, thanks, empty and too-long
  messages are not questions. (Months logged before these decisions existed counted a
  picked suggestion as ``pick``, a second question.)
- *answered by the bot*: decision in :data:`BOT_ANSWER_DECISIONS` with an entry delivered.
- *handed off*: decision in :data:`HANDOFF_DECISIONS`: a ticket the bot filed for the
  hotline, a complaint filed for the hotline, or a question sent to staff as a follow-up.
- *tickets opened/answered/closed/rejected/overdue* and *time to answer*: see
  :meth:`ReportQueries.figures`; time to answer is wall-clock hours to the first answer.
- percentiles use linear interpolation between closest ranks (numpy's default).
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo

from cchc_bot import report_texts
from cchc_bot.broadcast_report import NoticeFigures
from cchc_bot.redact import mask_personal
from cchc_bot.storage import CriterionScore, Period, PeriodFigures, ReportQueries, vietnam_tz

QUESTION_DECISIONS: tuple[str, ...] = (
    "answer",
    "choices",
    "unknown",
    "ticket",
    "complaint",
    "pick",
)
BOT_ANSWER_DECISIONS: tuple[str, ...] = ("answer", "pick", "choice_pick")
HANDOFF_DECISIONS: tuple[str, ...] = ("ticket", "complaint", "handoff")
# The decisions table: every question decision, and the follow-ups that end a question.
SHOWN_DECISIONS: tuple[str, ...] = (*QUESTION_DECISIONS, "choice_pick", "handoff")
# a "pick" of a number that offered nothing is no question
_NEEDS_ENTRY = frozenset({"pick", "choice_pick"})
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")


@dataclass(frozen=True)
class Headline:
    """The figures compared month to month."""

    questions: int
    answered_by_bot: int
    handed_off: int
    tickets_opened: int
    tickets_questions: int
    tickets_complaints: int
    tickets_answered: int
    tickets_closed: int
    tickets_rejected: int
    tickets_overdue: int
    median_hours: float | None
    p90_hours: float | None
    surveys_asked: int
    surveys_answered: int
    satisfaction_mean: float | None  # over every criterion answer of the month
    satisfaction_share: float | None  # share of criterion answers that were 4 or 5

    @property
    def bot_share(self) -> float | None:
        return self.answered_by_bot / self.questions if self.questions else None


@dataclass(frozen=True)
class TopicRow:
    category: str | None
    title: str
    count: int


@dataclass(frozen=True)
class EntryRow:
    entry_id: str
    title: str
    count: int


@dataclass(frozen=True)
class RatingRow:
    entry_id: str | None  # None: answers written by hotline staff
    title: str
    up: int
    down: int

    @property
    def up_share(self) -> float | None:
        total = self.up + self.down
        return self.up / total if total else None


@dataclass(frozen=True)
class MonthlyReport:
    """Everything shown in the monthly report; times are local (``timezone``)."""

    month: str
    start: datetime
    end: datetime
    generated_at: datetime
    timezone: str
    headline: Headline
    previous_month: str
    previous: Headline
    decisions: tuple[tuple[str, int], ...]  # question decisions of the month, most first
    topics: tuple[TopicRow, ...]
    entries: tuple[EntryRow, ...]
    ratings: tuple[RatingRow, ...]
    satisfaction: tuple[CriterionScore, ...]
    comments: tuple[str, ...]  # masked
    # notices broadcast in the month (or due and missed/cancelled), see broadcast_report
    broadcasts: tuple[NoticeFigures, ...] = ()

    @property
    def year_month(self) -> tuple[int, int]:
        return self.start.year, self.start.month


def parse_month(value: str) -> tuple[int, int]:
    """``"2026-10"`` → ``(2026, 10)``; ``ValueError`` with a bilingual message otherwise."""
    found = _MONTH.match(value.strip())
    if found is None:
        raise ValueError(report_texts.BAD_MONTH.format(value=value))
    return int(found.group(1)), int(found.group(2))


def month_bounds(year: int, month: int, timezone: tzinfo) -> tuple[datetime, datetime]:
    """Local midnight on the 1st of the month and of the next month."""
    following = (year + 1, 1) if month == 12 else (year, month + 1)
    start = datetime(year, month, 1, tzinfo=timezone)
    return start, datetime(*following, 1, tzinfo=timezone)


def percentile(values: Sequence[float], q: float) -> float | None:
    """The ``q`` quantile (0–1) of sorted ``values`` by linear interpolation; None if empty."""
    if not values:
        return None
    position = q * (len(values) - 1)
    low, high = math.floor(position), math.ceil(position)
    return values[low] + (values[high] - values[low]) * (position - low)


def monthly_report(
    queries: ReportQueries,
    month: str,
    timezone: tzinfo | None = None,
    *,
    entry_titles: Mapping[str, str] | None = None,
    topic_titles: Mapping[str, str] | None = None,
    now: datetime | None = None,
    top: int = 10,
    broadcasts: Sequence[NoticeFigures] = (),
) -> MonthlyReport:
    """The report of one calendar month (``"2026-10"``) in ``timezone`` (default Vietnam).

    ``entry_titles`` / ``topic_titles`` turn entry ids and ticket categories into readable
    titles (ids are shown when missing). ``now`` (default: the current time) decides which
    due times have passed for the current month. ``broadcasts`` are the month's notices
    (:func:`cchc_bot.broadcast_report.month_report` for the same bounds).
    """
    zone = timezone or vietnam_tz()
    year, number = parse_month(month)
    start, end = month_bounds(year, number, zone)
    before = (year - 1, 12) if number == 1 else (year, number - 1)
    previous_start, _ = month_bounds(*before, zone)
    as_of = now or datetime.now(UTC)
    entries = entry_titles or {}
    topics = topic_titles or {}

    def figures(first: datetime, last: datetime) -> PeriodFigures:
        return queries.figures(
            Period(first, last), entry_decisions=BOT_ANSWER_DECISIONS, as_of=as_of, top=top
        )

    current, previous = figures(start, end), figures(previous_start, start)
    return MonthlyReport(
        month=f"{year:04d}-{number:02d}",
        start=start,
        end=end,
        generated_at=as_of.astimezone(zone),
        timezone=str(zone),
        headline=headline(current),
        previous_month=f"{before[0]:04d}-{before[1]:02d}",
        previous=headline(previous),
        decisions=_decisions(current),
        topics=tuple(
            TopicRow(c, topics.get(c, c) if c else report_texts.UNCATEGORISED, n)
            for c, n in current.tickets.categories
        ),
        entries=tuple(
            EntryRow(e.entry_id, entries.get(e.entry_id, e.entry_id), e.count)
            for e in current.top_entries
        ),
        ratings=tuple(
            RatingRow(
                r.entry_id,
                entries.get(r.entry_id, r.entry_id) if r.entry_id else report_texts.STAFF_ANSWERS,
                r.up,
                r.down,
            )
            for r in current.ratings
        ),
        satisfaction=current.satisfaction,
        comments=tuple(mask_personal(c) for c in current.comments),
        broadcasts=tuple(broadcasts),
    )


def _counts(figures: PeriodFigures, decisions: Sequence[str]) -> int:
    return sum(
        m.count
        for m in figures.messages
        if m.decision in decisions and (m.with_entry or m.decision not in _NEEDS_ENTRY)
    )


def _decisions(figures: PeriodFigures) -> tuple[tuple[str, int], ...]:
    totals = {d: _counts(figures, (d,)) for d in SHOWN_DECISIONS}
    return tuple(sorted(((d, n) for d, n in totals.items() if n), key=lambda x: (-x[1], x[0])))


def headline(figures: PeriodFigures) -> Headline:
    """The comparable figures of one period."""
    tickets = figures.tickets
    kinds = dict(tickets.opened_by_kind)
    answers = sum(s.count for s in figures.satisfaction)
    total = sum(s.mean * s.count for s in figures.satisfaction if s.mean is not None)
    good = sum(s.good for s in figures.satisfaction)
    return Headline(
        questions=_counts(figures, QUESTION_DECISIONS),
        answered_by_bot=sum(
            m.count for m in figures.messages if m.decision in BOT_ANSWER_DECISIONS and m.with_entry
        ),
        handed_off=_counts(figures, HANDOFF_DECISIONS),
        tickets_opened=tickets.opened,
        tickets_questions=kinds.get("question", 0),
        tickets_complaints=kinds.get("complaint", 0),
        tickets_answered=tickets.answered,
        tickets_closed=tickets.closed,
        tickets_rejected=tickets.rejected,
        tickets_overdue=tickets.overdue,
        median_hours=percentile(tickets.answer_hours, 0.5),
        p90_hours=percentile(tickets.answer_hours, 0.9),
        surveys_asked=figures.surveys_asked,
        surveys_answered=figures.surveys_answered,
        satisfaction_mean=total / answers if answers else None,
        satisfaction_share=good / answers if answers else None,
    )


def last_day(report: MonthlyReport) -> date:
    """The last calendar day the report covers."""
    return date.fromordinal(report.end.date().toordinal() - 1)
