"""The monthly report as tables, then Markdown or CSV (one section per table).

The printable HTML page is built from the same tables in :mod:`cchc_bot.report_html`.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from cchc_bot import report_texts as t
from cchc_bot.broadcast_report import month_total
from cchc_bot.reports import Headline, MonthlyReport, last_day


class Pct(float):
    """A fraction shown as a percentage."""


class Hours(float):
    """Hours, shown with one decimal."""


class Mean(float):
    """A 1–5 mean score, shown with two decimals."""


Cell = str | int | float | None


@dataclass(frozen=True)
class Table:
    key: str  # the CSV section name
    title: str
    headers: tuple[str, ...]
    rows: tuple[tuple[Cell, ...], ...]


def human(cell: Cell) -> str:
    """A cell for people: Vietnamese number formats, ``–`` for missing values."""
    if cell is None:
        return t.NOT_AVAILABLE
    if isinstance(cell, Pct):
        return t.percent(cell)
    if isinstance(cell, Mean):
        return t.decimal(cell, 2)
    if isinstance(cell, float):
        return t.decimal(cell, 1)
    if isinstance(cell, int):
        return t.integer(cell)
    return cell


def human_change(cell: Cell) -> str:
    """A month-to-month change: ``+12``, ``-3``, ``+4,2%``."""
    shown = human(cell)
    return "+" + shown if isinstance(cell, int | float) and cell > 0 else shown


def human_row(table: Table, row: tuple[Cell, ...]) -> list[str]:
    if table.key == "overview":
        return [*(human(c) for c in row[:3]), human_change(row[3])]
    return [human(c) for c in row]


def machine(cell: Cell) -> str:
    """A cell for spreadsheets: plain ``1234.5``, empty for missing values."""
    if cell is None:
        return ""
    if isinstance(cell, float):
        return f"{float(cell):.4f}".rstrip("0").rstrip(".")
    return str(cell)


_KINDS: dict[str, type] = {
    "bot_share": Pct,
    "median_hours": Hours,
    "p90_hours": Hours,
    "satisfaction_mean": Mean,
    "satisfaction_share": Pct,
}
_HEADLINE_ROWS = tuple((name, _KINDS.get(name)) for name in t.HEADLINE_LABELS)


def _value(headline: Headline, name: str, kind: type | None) -> Cell:
    value = getattr(headline, name)
    return kind(value) if kind is not None and value is not None else value


def tables(report: MonthlyReport) -> list[Table]:
    """The report's tables, in order."""
    overview = []
    for name, kind in _HEADLINE_ROWS:
        now, before = _value(report.headline, name, kind), _value(report.previous, name, kind)
        change: Cell = None
        if now is not None and before is not None:
            change = (kind or int)(now - before)  # type: ignore[operator]
        overview.append((t.HEADLINE_LABELS[name], now, before, change))
    criteria = [
        (t.CRITERIA[s.criterion], None if s.mean is None else Mean(s.mean), s.count, _pct(s))
        for s in report.satisfaction
        if any(score.count for score in report.satisfaction)
    ]
    return [
        Table(
            "overview",
            t.SECTION_OVERVIEW,
            (t.COL_INDICATOR, t.COL_THIS_MONTH, t.COL_PREVIOUS, t.COL_CHANGE),
            tuple(overview),
        ),
        Table(
            "decisions",
            t.SECTION_DECISIONS,
            (t.COL_DECISION, t.COL_COUNT),
            tuple((t.DECISION_LABELS.get(d, d), n) for d, n in report.decisions),
        ),
        Table(
            "topics",
            t.SECTION_TOPICS,
            (t.COL_TOPIC, t.COL_TICKETS),
            tuple((r.title, r.count) for r in report.topics),
        ),
        Table(
            "entries",
            t.SECTION_ENTRIES,
            (t.COL_ENTRY_ID, t.COL_TITLE, t.COL_ANSWERS),
            tuple((r.entry_id, r.title, r.count) for r in report.entries),
        ),
        Table(
            "ratings",
            t.SECTION_RATINGS,
            (t.COL_CONTENT, t.COL_UP, t.COL_DOWN, t.COL_UP_SHARE),
            tuple(
                (r.title, r.up, r.down, None if r.up_share is None else Pct(r.up_share))
                for r in report.ratings
            ),
        ),
        Table(
            "satisfaction",
            t.SECTION_SATISFACTION,
            (t.COL_CRITERION, t.COL_MEAN, t.COL_RESPONSES, t.COL_GOOD_SHARE),
            tuple(criteria),
        ),
        Table(
            "comments",
            t.SECTION_COMMENTS,
            (t.COL_NUMBER, t.COL_COMMENT),
            tuple((i, c) for i, c in enumerate(report.comments, 1)),
        ),
        _broadcast_table(report),
    ]


def _broadcast_table(report: MonthlyReport) -> Table:
    rows: list[tuple[Cell, ...]] = [
        (
            n.title,
            t.NOTICE_STATUS_LABELS.get(n.status, n.status),
            n.recipients,
            n.sent,
            n.failed,
            n.blocked,
            n.skipped,
            t.reasons(n.skipped_reasons),
            t.reasons(n.failed_reasons),
            n.duration_s,
            n.rate,
        )
        for n in report.broadcasts
    ]
    if len(rows) > 1:
        total = month_total(report.broadcasts)
        counts = (total.recipients, total.sent, total.failed, total.blocked, total.skipped)
        rows.append(
            (
                t.TOTAL,
                None,
                *counts,
                t.reasons(total.skipped_reasons),
                t.reasons(total.failed_reasons),
                total.duration_s,
                total.rate,
            )
        )
    return Table(
        "broadcasts",
        t.SECTION_BROADCASTS,
        (
            t.COL_NOTICE,
            t.COL_STATUS,
            t.COL_RECIPIENTS,
            t.COL_SENT,
            t.COL_FAILED,
            t.COL_BLOCKED,
            t.COL_SKIPPED,
            t.COL_SKIPPED_REASONS,
            t.COL_FAILED_REASONS,
            t.COL_DURATION,
            t.COL_RATE,
        ),
        tuple(rows),
    )


def _pct(score: object) -> Cell:
    share = getattr(score, "good_share", None)
    return None if share is None else Pct(share)


def period_text(report: MonthlyReport) -> str:
    year, month = report.year_month
    return t.PERIOD.format(
        month=month,
        year=year,
        start=report.start.strftime(t.DATE),
        last=last_day(report).strftime(t.DATE),
    )


def previous_text(report: MonthlyReport) -> str:
    year, month = (int(p) for p in report.previous_month.split("-"))
    return t.PREVIOUS.format(month=month, year=year)


# -- Markdown ---------------------------------------------------------------------------------


def _md_cell(shown: str) -> str:
    return shown.replace("|", "\\|").replace("\n", " ")


def render_markdown(report: MonthlyReport, *, agency: str | None = None) -> str:
    """The report as GitHub-flavoured Markdown."""
    lines = [f"# {t.TITLE}", ""]
    if agency:
        lines += [f"**{agency}**", ""]
    lines += [
        period_text(report),
        "",
        t.GENERATED.format(when=t.when(report.generated_at), tz=report.timezone),
        "",
    ]
    for table in tables(report):
        lines += [f"## {table.title}", ""]
        if table.key == "overview":
            lines += [previous_text(report), ""]
        if not table.rows:
            lines += [t.NO_DATA, ""]
            continue
        lines.append("| " + " | ".join(table.headers) + " |")
        lines.append("|" + "|".join("---" for _ in table.headers) + "|")
        lines += [
            "| " + " | ".join(_md_cell(c) for c in human_row(table, row)) + " |"
            for row in table.rows
        ]
        lines.append("")
    lines += [f"## {t.SECTION_NOTES}", ""] + [f"- {note}" for note in t.NOTES]
    return "\n".join(lines) + "\n"


# -- CSV --------------------------------------------------------------------------------------


def render_csv(report: MonthlyReport) -> str:
    """One section per table: a ``# key`` line with the title, the header row, the rows.

    Numbers are plain (``1234.5``, fractions for percentages) so spreadsheets can use them;
    sections are separated by an empty line.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([f"# report {report.month}", t.TITLE])
    writer.writerow([])
    for table in tables(report):
        writer.writerow([f"# {table.key}", table.title])
        writer.writerow(table.headers)
        writer.writerows([machine(c) for c in row] for row in table.rows)
        writer.writerow([])
    return out.getvalue()
