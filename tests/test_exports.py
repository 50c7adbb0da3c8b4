"""Ticket exports: CSV round trip, the Excel workbook's cells and looks, masking, formulas."""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime
from pathlib import Path

import pytest
from openpyxl import load_workbook

from cchc_bot.exports import export_tickets
from cchc_bot.report_texts import EXPORT_HEADERS
from cchc_bot.storage import TicketRecord

CREATED = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)  # 1 Nov 00:30 in Hà Nội
CITIZEN = "Tôi là An, SĐT 0912345678, CCCD 001203004589, mail an.nguyen@gmail.com"
MASKED = "Tôi là An, SĐT 09******78, CCCD 0012******89, mail a***@gmail.com"


def record(number: int = 1, **fields: object) -> TicketRecord:
    values: dict[str, object] = {
        "id": number,
        "number": f"HD-2026-{number:05d}",
        "year": 2026,
        "seq": number,
        "channel": "zalo",
        "chat_id": "c",
        "user_id": "u",
        "display_name": "Nguyễn Văn An",
        "text": CITIZEN,
        "candidates": (),
        "kind": "complaint",
        "category": "procedures/van-bang",
        "status": "answered",
        "assignee": "Lan",
        "answer": "Mời anh gọi 1900 1234 trong giờ hành chính.",
        "reject_reason": None,
        "created_at": CREATED,
        "updated_at": CREATED,
        "due_at": datetime(2026, 11, 14, 10, 0, tzinfo=UTC),
        "answered_at": datetime(2026, 11, 2, 2, 15, tzinfo=UTC),
        "closed_at": None,
    }
    values.update(fields)
    return TicketRecord(**values)  # type: ignore[arg-type]


TICKETS = [
    record(1),
    record(
        2,
        kind="question",
        category=None,
        status="rejected",
        assignee=None,
        answer=None,
        reject_reason="Không thuộc thẩm quyền",
        text='=HYPERLINK("http://x","bấm") -1',
        channel="telegram",
        answered_at=None,
        closed_at=datetime(2026, 11, 3, 1, 0, tzinfo=UTC),
    ),
]
EXPECTED_CSV = [
    list(EXPORT_HEADERS),
    [
        "HD-2026-00001",
        "2026-11-01 00:30",
        "Phản ánh, kiến nghị",
        "Văn bằng, chứng chỉ",
        "Đã trả lời",
        "Lan",
        "2026-11-14 17:00",
        "2026-11-02 09:15",
        "",
        "Zalo",
        MASKED,
        "Mời anh gọi 1900 1234 trong giờ hành chính.",
        "",
    ],
    [
        "HD-2026-00002",
        "2026-11-01 00:30",
        "Câu hỏi",
        "",
        "Từ chối",
        "",
        "2026-11-14 17:00",
        "",
        "2026-11-03 08:00",
        "Telegram",
        '\'=HYPERLINK("http://x","bấm") -1',
        "",
        "Không thuộc thẩm quyền",
    ],
]
TOPICS = {"procedures/van-bang": "Văn bằng, chứng chỉ"}


def test_csv_file_round_trip(tmp_path: Path) -> None:
    path = tmp_path / "tickets.csv"
    assert export_tickets(TICKETS, path, "csv", topic_titles=TOPICS) == 2
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # BOM: Excel reads UTF-8
    with path.open(encoding="utf-8-sig", newline="") as stream:
        assert list(csv.reader(stream)) == EXPECTED_CSV


def test_csv_to_text_and_binary_streams() -> None:
    text = io.StringIO()
    export_tickets(TICKETS, text, topic_titles=TOPICS)
    assert list(csv.reader(io.StringIO(text.getvalue()))) == EXPECTED_CSV
    binary = io.BytesIO()
    export_tickets(TICKETS, binary, "csv", topic_titles=TOPICS)
    assert not binary.closed
    rows = list(csv.reader(io.StringIO(binary.getvalue().decode("utf-8-sig"))))
    assert rows == EXPECTED_CSV


def test_xlsx_cells_and_layout(tmp_path: Path) -> None:
    path = tmp_path / "tickets.xlsx"
    assert export_tickets(TICKETS, path, "xlsx", topic_titles=TOPICS) == 2
    sheet = load_workbook(path).active
    assert sheet.title == "Phiếu hỏi đáp"
    assert [c.value for c in sheet[1]] == list(EXPORT_HEADERS)
    assert all(c.font.bold for c in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.max_row == 3
    assert sheet["A2"].value == "HD-2026-00001"
    assert sheet["B2"].value == datetime(2026, 11, 1, 0, 30)  # local time, a real date cell
    assert sheet["B2"].number_format == "dd/mm/yyyy hh:mm"
    assert sheet["H2"].value == datetime(2026, 11, 2, 9, 15)
    assert sheet["I2"].value is None
    assert sheet["K2"].value == MASKED
    assert sheet["L2"].value.startswith("Mời anh gọi 1900 1234")
    assert sheet["M3"].value == "Không thuộc thẩm quyền"
    formula = sheet["K3"]
    assert formula.value == '=HYPERLINK("http://x","bấm") -1' and formula.data_type == "s"
    assert 10 < sheet.column_dimensions["A"].width <= 40
    assert sheet.column_dimensions["K"].width == 60  # long texts capped, wrapped
    assert sheet["K2"].alignment.wrap_text


def test_xlsx_to_a_stream() -> None:
    stream = io.BytesIO()
    export_tickets([record(7)], stream, "xlsx")
    stream.seek(0)
    sheet = load_workbook(stream).active
    assert sheet["A2"].value == "HD-2026-00007"
    assert sheet["D2"].value == "procedures/van-bang"  # no titles given: the key


def test_nothing_personal_leaks_and_bad_formats_are_refused(tmp_path: Path) -> None:
    out = io.StringIO()
    export_tickets([record(1)], out)
    for secret in ("0912345678", "001203004589", "an.nguyen@", "Nguyễn Văn An"):
        assert secret not in out.getvalue()
    with pytest.raises(ValueError, match="pdf"):
        export_tickets([], tmp_path / "x.pdf", "pdf")
    empty = io.StringIO()
    assert export_tickets([], empty) == 0
    assert list(csv.reader(io.StringIO(empty.getvalue()))) == [list(EXPORT_HEADERS)]


def test_answers_and_reasons_are_masked_too() -> None:
    out = io.StringIO()
    tickets = [
        record(1, answer="Cán bộ sẽ gọi lại 0912345678, mail an.nguyen@gmail.com"),
        record(2, status="rejected", answer=None, reject_reason="Trùng CCCD 079 123 456 789"),
    ]
    export_tickets(tickets, out)
    text = out.getvalue()
    for secret in ("0912345678", "an.nguyen@", "079 123 456 789"):
        assert secret not in text
    assert "09******78" in text and "0791******89" in text
