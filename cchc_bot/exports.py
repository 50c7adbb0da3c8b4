"""Ticket exports for staff (``queue export``): CSV or an Excel workbook.

The citizen's words, the staff answer and the reason of a rejection are masked (phone,
CCCD/CMND, e-mail) with :func:`cchc_bot.redact.mask_personal` (an answer often repeats the
number it calls back); the ticket itself keeps them for the staff who answer.
Times are local (Vietnam by default). Cells that a spreadsheet would run as a formula
(``=…``, ``+…``, ``-…``, ``@…``) are neutralised: CSV gets a leading ``'``, the workbook stores
them as plain text. This is the only module that imports ``openpyxl``.
"""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Mapping
from datetime import datetime, tzinfo
from typing import IO, Any, Literal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from cchc_bot import report_texts as t
from cchc_bot.redact import mask_personal
from cchc_bot.storage import TicketRecord, vietnam_tz

ExportFormat = Literal["csv", "xlsx"]
EXPORT_FORMATS: tuple[str, ...] = ("csv", "xlsx")
CSV_TIME = "%Y-%m-%d %H:%M"
XLSX_TIME = "dd/mm/yyyy hh:mm"
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_WIDE = {10: 60, 11: 60, 12: 40}  # text, answer, reject reason (0-based column index)
_MAX_WIDTH = 40

Target = str | os.PathLike[str] | IO[Any]


def ticket_row(
    ticket: TicketRecord, timezone: tzinfo, topic_titles: Mapping[str, str] | None = None
) -> list[Any]:
    """One export row: strings, ints and local (naive) datetimes, in ``EXPORT_HEADERS`` order."""

    def local(moment: datetime | None) -> datetime | None:
        return moment.astimezone(timezone).replace(tzinfo=None) if moment else None

    category = ticket.category
    if category and topic_titles:
        category = topic_titles.get(category, category)
    return [
        ticket.number,
        local(ticket.created_at),
        t.KIND_LABELS.get(ticket.kind, ticket.kind),
        category or "",
        t.STATUS_LABELS.get(ticket.status, ticket.status),
        ticket.assignee or "",
        local(ticket.due_at),
        local(ticket.answered_at),
        local(ticket.closed_at),
        t.CHANNEL_LABELS.get(ticket.channel, ticket.channel),
        mask_personal(ticket.text),
        mask_personal(ticket.answer or ""),
        mask_personal(ticket.reject_reason or ""),
    ]


def export_tickets(
    tickets: Iterable[TicketRecord],
    target: Target,
    format: ExportFormat | str = "csv",
    *,
    timezone: tzinfo | None = None,
    topic_titles: Mapping[str, str] | None = None,
) -> int:
    """Write ``tickets`` to a path or an open stream; returns the number of tickets written.

    CSV: UTF-8 with a byte-order mark when writing a file or a binary stream (Excel then
    reads Vietnamese correctly), plain text to a text stream. XLSX: a path or a binary stream.
    """
    if format not in EXPORT_FORMATS:
        raise ValueError(t.BAD_FORMAT.format(value=format, choices=", ".join(EXPORT_FORMATS)))
    zone = timezone or vietnam_tz()
    rows = [ticket_row(ticket, zone, topic_titles) for ticket in tickets]
    if format == "xlsx":
        _write_xlsx(rows, target)
    else:
        _write_csv(rows, target)
    return len(rows)


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime(CSV_TIME)
    text = str(value)
    return "'" + text if text.startswith(_FORMULA_START) else text


def _write_csv(rows: list[list[Any]], target: Target) -> None:
    def write(stream: IO[str]) -> None:
        writer = csv.writer(stream, lineterminator="\r\n")
        writer.writerow(t.EXPORT_HEADERS)
        writer.writerows([_csv_cell(v) for v in row] for row in rows)

    if isinstance(target, str | os.PathLike):
        with open(target, "w", encoding="utf-8-sig", newline="") as stream:
            write(stream)
    elif isinstance(target, io.TextIOBase) or hasattr(target, "encoding"):
        write(target)
    else:
        wrapper = io.TextIOWrapper(target, encoding="utf-8-sig", newline="")
        try:
            write(wrapper)
        finally:
            wrapper.detach()  # leave the caller's stream open


def _write_xlsx(rows: list[list[Any]], target: Target) -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = t.EXPORT_SHEET
    sheet.append(list(t.EXPORT_HEADERS))
    header_fill = PatternFill("solid", start_color="DDE6F0")
    for cell in sheet[1]:
        cell.font = Font(bold=True)
        cell.fill = header_fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
    widths = [len(h) for h in t.EXPORT_HEADERS]
    for row in rows:
        sheet.append([None if v == "" else v for v in row])
        for index, value in enumerate(row):
            cell = sheet.cell(row=sheet.max_row, column=index + 1)
            if isinstance(value, datetime):
                cell.number_format = XLSX_TIME
                widths[index] = max(widths[index], 16)
            elif isinstance(value, str):
                if value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                if index in _WIDE:
                    cell.alignment = Alignment(wrap_text=True, vertical="top")
                widths[index] = max(widths[index], len(value))
    for index, width in enumerate(widths):
        limit = _WIDE.get(index, _MAX_WIDTH)
        sheet.column_dimensions[get_column_letter(index + 1)].width = min(width + 2, limit)
    sheet.freeze_panes = "A2"
    sheet.auto_filter.ref = sheet.dimensions
    if isinstance(target, str | os.PathLike):
        workbook.save(os.fspath(target))
    else:
        workbook.save(target)
