"""The monthly report as Markdown, CSV (one section per table) or a printable HTML page.

The HTML page is self-contained: inline CSS (with ``@media print`` and A4 page rules),
inline SVG bar charts, system fonts only, no scripts, no links to anything outside it.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass
from html import escape

from cchc_bot import report_texts as t
from cchc_bot.reports import Headline, MonthlyReport, last_day

BAR, UP, DOWN = "#2b6cb0", "#2f855a", "#c53030"  # SVG fills (CSS variables do not apply)


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


def _human_row(table: Table, row: tuple[Cell, ...]) -> list[str]:
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
            t.reasons(n.reasons),
            n.duration_s,
            n.rate,
        )
        for n in report.broadcasts
    ]
    if len(rows) > 1:
        reasons: dict[str, int] = {}
        for n in report.broadcasts:
            for reason, count in n.reasons.items():
                reasons[reason] = reasons.get(reason, 0) + count
        total = [sum(int(getattr(n, k)) for n in report.broadcasts) for k in _BROADCAST_COUNTS]
        rows.append((t.TOTAL, None, *total, t.reasons(dict(sorted(reasons.items()))), None, None))
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
            t.COL_REASONS,
            t.COL_DURATION,
            t.COL_RATE,
        ),
        tuple(rows),
    )


_BROADCAST_COUNTS = ("recipients", "sent", "failed", "blocked", "skipped")


def _pct(score: object) -> Cell:
    share = getattr(score, "good_share", None)
    return None if share is None else Pct(share)


def _period(report: MonthlyReport) -> str:
    year, month = report.year_month
    return t.PERIOD.format(
        month=month,
        year=year,
        start=report.start.strftime(t.DATE),
        last=last_day(report).strftime(t.DATE),
    )


def _previous(report: MonthlyReport) -> str:
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
        _period(report),
        "",
        t.GENERATED.format(when=t.when(report.generated_at), tz=report.timezone),
        "",
    ]
    for table in tables(report):
        lines += [f"## {table.title}", ""]
        if table.key == "overview":
            lines += [_previous(report), ""]
        if not table.rows:
            lines += [t.NO_DATA, ""]
            continue
        lines.append("| " + " | ".join(table.headers) + " |")
        lines.append("|" + "|".join("---" for _ in table.headers) + "|")
        lines += [
            "| " + " | ".join(_md_cell(c) for c in _human_row(table, row)) + " |"
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


# -- HTML -------------------------------------------------------------------------------------

_CSS = """
:root { --ink: #1a202c; --muted: #4a5568; --line: #cbd5e0; --bar: #2b6cb0; }
* { box-sizing: border-box; }
body { font-family: "Segoe UI", Roboto, "Noto Sans", "Helvetica Neue", Arial, sans-serif;
       color: var(--ink); margin: 0 auto; max-width: 960px; padding: 24px; line-height: 1.45; }
header { border-bottom: 3px solid var(--bar); margin-bottom: 16px; }
h1 { font-size: 1.45rem; margin: 0 0 4px; } h2 { font-size: 1.15rem; margin: 28px 0 8px; }
.agency { text-transform: uppercase; font-weight: 600; color: var(--muted); margin: 0; }
.meta { color: var(--muted); margin: 4px 0 12px; font-size: .92rem; }
table { border-collapse: collapse; width: 100%; margin: 8px 0 12px; font-size: .92rem; }
th, td { border: 1px solid var(--line); padding: 4px 8px; text-align: left; vertical-align: top; }
th { background: #edf2f7; } td.num { text-align: right; white-space: nowrap; }
figure { margin: 8px 0 16px; } figcaption { font-size: .9rem; color: var(--muted); }
svg { width: 100%; height: auto; } svg text { font-size: 12px; fill: var(--ink); }
.empty { color: var(--muted); font-style: italic; } ul.notes { font-size: .88rem; }
@page { size: A4; margin: 14mm 12mm; }
@media print {
  body { max-width: none; padding: 0; font-size: 10.5pt; }
  section, figure, table { break-inside: avoid; page-break-inside: avoid; }
  h2 { break-after: avoid; page-break-after: avoid; }
  * { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
}
"""


def _shorten(text: str, limit: int = 38) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bar_chart(
    title: str,
    bars: Sequence[tuple[str, Sequence[tuple[float, str]], str]],
    *,
    scale: float | None = None,
) -> str:
    """Horizontal (optionally stacked) bars: ``(label, ((value, colour), …), value text)``."""
    if not bars:
        return ""
    row, label_w, bar_w = 26, 250, 380
    top = scale or max((sum(v for v, _ in parts) for _, parts, _ in bars), default=0) or 1
    height = row * len(bars) + 8
    out = [
        f'<figure><svg role="img" viewBox="0 0 {label_w + bar_w + 90} {height}" '
        f'aria-label="{escape(title)}"><title>{escape(title)}</title>'
    ]
    for i, (label, parts, shown) in enumerate(bars):
        y = 4 + i * row
        name = escape(_shorten(label))
        out.append(f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{name}</text>')
        x = float(label_w)
        for value, colour in parts:
            width = bar_w * max(value, 0) / top
            box = f'x="{x:.1f}" y="{y + 4}" width="{width:.1f}" height="{row - 8}"'
            out.append(f'<rect {box} fill="{colour}"/>')
            x += width
        out.append(f'<text x="{x + 6:.1f}" y="{y + 17}">{escape(shown)}</text>')
    out.append(f"</svg><figcaption>{escape(title)}</figcaption></figure>")
    return "".join(out)


def _charts(report: MonthlyReport) -> dict[str, str]:
    h, bar, up, down = report.headline, BAR, UP, DOWN

    def simple(
        items: Sequence[tuple[str, int]],
    ) -> list[tuple[str, Sequence[tuple[float, str]], str]]:
        return [(label, ((n, bar),), t.integer(n)) for label, n in items]

    names = t.HEADLINE_LABELS
    return {
        "overview": bar_chart(
            t.CHART_OVERVIEW,
            simple(
                [(names[k], getattr(h, k)) for k in ("questions", "answered_by_bot", "handed_off")]
            ),
        ),
        "decisions": "",
        "topics": bar_chart(t.CHART_TOPICS, simple([(r.title, r.count) for r in report.topics])),
        "entries": bar_chart(t.CHART_ENTRIES, simple([(r.title, r.count) for r in report.entries])),
        "ratings": bar_chart(
            t.CHART_RATINGS,
            [(r.title, ((r.up, up), (r.down, down)), f"{r.up} / {r.down}") for r in report.ratings],
        ),
        "satisfaction": bar_chart(
            t.CHART_SATISFACTION,
            [
                (t.CRITERIA[s.criterion], ((s.mean or 0, bar),), t.decimal(s.mean, 2))
                for s in report.satisfaction
                if s.count
            ],
            scale=5,
        ),
        "tickets": bar_chart(
            t.CHART_TICKETS,
            simple(
                [
                    (names[k], getattr(h, k))
                    for k in (
                        "tickets_opened",
                        "tickets_answered",
                        "tickets_closed",
                        "tickets_rejected",
                        "tickets_overdue",
                    )
                ]
            ),
        ),
    }


def _html_table(table: Table) -> str:
    if not table.rows:
        return f'<p class="empty">{escape(t.NO_DATA)}</p>'
    head = "".join(f"<th>{escape(h)}</th>" for h in table.headers)
    body = []
    for row in table.rows:
        cells = "".join(
            f'<td class="num">{escape(shown)}</td>'
            if isinstance(c, int | float) or c is None
            else f"<td>{escape(shown)}</td>"
            for c, shown in zip(row, _human_row(table, row), strict=True)
        )
        body.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(body)}</tbody></table>"


def render_html(report: MonthlyReport, *, agency: str | None = None) -> str:
    """A self-contained printable HTML page (Vietnamese, inline CSS and SVG, no scripts)."""
    charts = _charts(report)
    generated = t.GENERATED.format(when=t.when(report.generated_at), tz=report.timezone)
    parts = [
        '<!DOCTYPE html><html lang="vi"><head><meta charset="utf-8">',
        '<meta name="viewport" content="width=device-width, initial-scale=1">',
        f"<title>{escape(t.TITLE)} – {escape(report.month)}</title><style>{_CSS}</style></head>",
        "<body><header>",
        f'<p class="agency">{escape(agency)}</p>' if agency else "",
        f"<h1>{escape(t.TITLE)}</h1>",
        f'<p class="meta">{escape(_period(report))}<br>{escape(generated)}</p></header>',
    ]
    for table in tables(report):
        parts.append(f"<section><h2>{escape(table.title)}</h2>")
        if table.key == "overview":
            parts.append(f'<p class="meta">{escape(_previous(report))}</p>')
        parts.append(_html_table(table))
        parts.append(charts.get(table.key, ""))
        if table.key == "overview":
            parts.append(charts["tickets"])
        parts.append("</section>")
    notes = "".join(f"<li>{escape(note)}</li>" for note in t.NOTES)
    parts.append(
        f'<section><h2>{escape(t.SECTION_NOTES)}</h2><ul class="notes">{notes}</ul></section>'
    )
    parts.append("</body></html>")
    return "\n".join(p for p in parts if p) + "\n"
