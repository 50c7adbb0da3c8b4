"""The monthly report as a printable HTML page, built from :func:`report_render.tables`.

The page is self-contained: inline CSS (with ``@media print`` and A4 page rules), inline SVG
bar charts, system fonts only, no scripts, no links to anything outside it.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from cchc_bot import report_texts as t
from cchc_bot.report_render import Table, human_row, period_text, previous_text, tables
from cchc_bot.reports import MonthlyReport

BAR, UP, DOWN = "#2b6cb0", "#2f855a", "#c53030"  # SVG fills (CSS variables do not apply)

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
            for c, shown in zip(row, human_row(table, row), strict=True)
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
        f'<p class="meta">{escape(period_text(report))}<br>{escape(generated)}</p></header>',
    ]
    for table in tables(report):
        parts.append(f"<section><h2>{escape(table.title)}</h2>")
        if table.key == "overview":
            parts.append(f'<p class="meta">{escape(previous_text(report))}</p>')
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
