"""The monthly report against a known fixture (SQLite and PostgreSQL), and its renderings.

October 2026 in Vietnam time runs from 2026-09-30 17:00 UTC to 2026-10-31 17:00 UTC; every
figure below is counted by hand from the fixture.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, timedelta, timezone

import pytest

from cchc_bot.report_html import render_html
from cchc_bot.report_render import render_csv, render_markdown, tables
from cchc_bot.reports import (
    MonthlyReport,
    month_bounds,
    monthly_report,
    parse_month,
    percentile,
)
from cchc_bot.storage import (
    CriterionScore,
    Database,
    HotlineRepository,
    NewMessage,
    NewRating,
    NewTicket,
    ReportQueries,
    Repository,
    vietnam_tz,
)

VN = timezone(timedelta(hours=7))
NOW = datetime(2026, 11, 15, 3, 0, tzinfo=UTC)


def vn(month: int, day: int, hour: int = 8, minute: int = 0) -> datetime:
    return datetime(2026, month, day, hour, minute, tzinfo=VN)


class Clock:
    def __init__(self) -> None:
        self.now = NOW

    def __call__(self) -> datetime:
        return self.now


def fill(repository: Repository, hotline: HotlineRepository, clock: Clock) -> None:
    """The known month (see the module docstring for the boundaries)."""
    october_1_0030 = datetime(2026, 9, 30, 17, 30, tzinfo=UTC)  # 1 Oct 00:30 in Hà Nội
    november_1_0030 = datetime(2026, 10, 31, 17, 30, tzinfo=UTC)  # 1 Nov 00:30 in Hà Nội
    messages = [
        (vn(10, 2), "answer", "e1"),
        (vn(10, 10), "answer", "e1"),
        (datetime(2026, 10, 31, 16, 59, tzinfo=UTC), "answer", "e1"),  # 31 Oct 23:59
        (vn(10, 3), "answer", "e2"),
        (october_1_0030, "answer", "e3"),
        (vn(10, 4), "pick", "e2"),
        (vn(10, 5), "pick", "e2"),
        (vn(10, 5), "pick", None),  # "7" typed with nothing offered: not a question
        (vn(10, 6), "choices", None),
        (vn(10, 6), "choice_pick", "e2"),  # a suggestion picked: answered, no new question
        (vn(10, 7), "choices", None),
        (vn(10, 8), "ticket", None),
        (vn(10, 8), "handoff", None),  # "0" after the choices: handed off, no new question
        (vn(10, 8), "complaint", None),  # a complaint the bot filed: received and handed off
        (vn(10, 9), "detail", "e1"),  # the full procedure after an answer: counted nowhere
        (vn(10, 9), "ticket", None),
        (vn(10, 9), "unknown", None),
        (vn(10, 9), "greeting", None),
        (vn(10, 9), "help", None),
        (vn(10, 9), "track", None),
        (november_1_0030, "answer", "e1"),  # November in Vietnam
        (datetime(2026, 9, 30, 16, 30, tzinfo=UTC), "answer", "e1"),  # 30 Sep 23:30: September
    ]
    for at, decision, entry in messages:
        repository.log_message(
            NewMessage("zalo", "c", "u", "hỏi", decision, 3.0, entry_id=entry, created_at=at)
        )

    def new(chat: str, kind: str, category: str | None, at: datetime, due: datetime) -> str:
        ticket = NewTicket(
            "zalo", chat, "u", f"Hỏi {chat}", kind=kind, category=category, due_at=due
        )  # type: ignore[arg-type]
        return repository.create_ticket(ticket, now=at).number

    def change(number: str, at: datetime, **changes: object) -> None:
        clock.now = at
        hotline.update_ticket(
            number, expected=["open", "answered"], changes=changes, actor="Lan", action="x"
        )

    t1 = new("t1", "question", "van-bang", vn(10, 1, 9), vn(10, 6, 17))
    change(t1, vn(10, 1, 13), status="answered", answer="a", answered_at=vn(10, 1, 13))
    change(t1, vn(10, 2), status="closed", closed_at=vn(10, 2))
    t2 = new("t2", "question", "van-bang", vn(10, 5), vn(10, 8))
    change(t2, vn(10, 8, 14), status="answered", answer="a", answered_at=vn(10, 8, 14))  # 6 h late
    t3 = new("t3", "complaint", "thi-cu", vn(10, 10), vn(10, 24))
    change(t3, vn(10, 11), status="rejected", reject_reason="r", closed_at=vn(10, 11))
    new("t4", "question", None, vn(10, 20), vn(10, 23))  # still open: overdue
    new("t5", "question", "van-bang", vn(10, 28), vn(11, 2))  # due in November
    t6 = new("t6", "question", "hoc-ba", vn(9, 28), vn(10, 1))  # opened in September
    change(t6, vn(10, 2), status="answered", answer="a", answered_at=vn(10, 2))  # 96 h, late
    new("t7", "question", "van-bang", november_1_0030, vn(11, 5))  # November

    ids = {t.chat_id: t.id for t in hotline.list_tickets(limit=50)}
    for value, entry, ticket_id, at in [
        (1, "e1", None, vn(10, 3)),
        (1, "e1", None, vn(10, 4)),
        (-1, "e1", None, vn(10, 5)),
        (-1, "e2", None, vn(10, 6)),
        (1, None, ids["t1"], vn(10, 2)),
        (1, "e1", None, november_1_0030),
    ]:
        hotline.record_rating(NewRating("zalo", "c", "u", value, entry, ticket_id, at))

    def survey(chat: str, asked: datetime, answered: datetime | None, *scores: object) -> None:
        clock.now = asked
        record = hotline.create_survey(ids[chat], "zalo", chat)
        if answered is not None:
            clock.now = answered
            hotline.answer_survey(record.id, *scores)  # type: ignore[arg-type]

    survey("t1", vn(10, 2), vn(10, 3), 5, 4, 5, 5, "Rất tốt, gọi tôi 0912345678")
    survey("t3", vn(10, 11), vn(10, 12), 3, 2, None, 4, "email an.nguyen@gmail.com")
    survey("t2", vn(10, 9), vn(10, 10), None, None, None, None, None)  # skipped
    survey("t6", vn(10, 3), None)
    clock.now = NOW


def known_report(repository: Repository, database: Database) -> MonthlyReport:
    """The known month filled into `database` and reported (also used by tests/web)."""
    clock = Clock()
    fill(repository, HotlineRepository(database, clock=clock), clock)
    return monthly_report(
        ReportQueries(database),
        "2026-10",
        vietnam_tz(),
        entry_titles={"e1": "Cấp bản sao văn bằng", "e2": "Chuyển trường"},
        topic_titles={"van-bang": "Văn bằng, chứng chỉ"},
        now=NOW,
    )


@pytest.fixture
def report(repository: Repository, database: Database) -> MonthlyReport:
    return known_report(repository, database)


def test_monthly_figures(report: MonthlyReport) -> None:
    h = report.headline
    assert (report.month, report.previous_month) == ("2026-10", "2026-09")
    assert report.start == datetime(2026, 9, 30, 17, 0, tzinfo=UTC)
    assert report.end == datetime(2026, 10, 31, 17, 0, tzinfo=UTC)
    assert (h.questions, h.answered_by_bot, h.handed_off) == (13, 8, 4)
    assert h.bot_share == pytest.approx(8 / 13)
    assert (h.tickets_opened, h.tickets_questions, h.tickets_complaints) == (5, 4, 1)
    assert (h.tickets_answered, h.tickets_closed, h.tickets_rejected) == (3, 1, 1)
    assert h.tickets_overdue == 3  # t2 answered late, t4 still open, t6 answered late
    assert h.median_hours == pytest.approx(78.0)  # 4 h, 78 h, 96 h
    assert h.p90_hours == pytest.approx(92.4)
    assert (h.surveys_asked, h.surveys_answered) == (4, 2)
    assert h.satisfaction_mean == pytest.approx(28 / 7)
    assert h.satisfaction_share == pytest.approx(5 / 7)
    assert report.decisions == (
        ("answer", 5),
        ("choices", 2),
        ("pick", 2),
        ("ticket", 2),
        ("choice_pick", 1),
        ("complaint", 1),
        ("handoff", 1),
        ("unknown", 1),
    )
    assert [(r.category, r.title, r.count) for r in report.topics] == [
        ("van-bang", "Văn bằng, chứng chỉ", 3),
        ("thi-cu", "thi-cu", 1),
        (None, "(chưa phân loại)", 1),
    ]
    assert [(e.entry_id, e.title, e.count) for e in report.entries] == [
        ("e2", "Chuyển trường", 4),
        ("e1", "Cấp bản sao văn bằng", 3),
        ("e3", "e3", 1),
    ]
    assert [(r.entry_id, r.title, r.up, r.down) for r in report.ratings] == [
        ("e1", "Cấp bản sao văn bằng", 2, 1),
        ("e2", "Chuyển trường", 0, 1),
        (None, "Trả lời của cán bộ đường dây nóng", 1, 0),
    ]
    assert report.satisfaction == (
        CriterionScore("ease", 2, pytest.approx(4.0), 1),  # type: ignore[arg-type]
        CriterionScore("speed", 2, pytest.approx(3.0), 1),  # type: ignore[arg-type]
        CriterionScore("helpfulness", 1, pytest.approx(5.0), 1),  # type: ignore[arg-type]
        CriterionScore("attitude", 2, pytest.approx(4.5), 2),  # type: ignore[arg-type]
    )
    assert report.satisfaction[0].good_share == 0.5
    assert report.comments == ("Rất tốt, gọi tôi 09******78", "email a***@gmail.com")


def test_previous_month_and_other_months(report: MonthlyReport, database: Database) -> None:
    p = report.previous
    assert (p.questions, p.answered_by_bot, p.tickets_opened, p.tickets_answered) == (1, 1, 1, 0)
    assert (p.median_hours, p.satisfaction_mean, p.bot_share) == (None, None, 1.0)
    queries = ReportQueries(database)
    november = monthly_report(queries, "2026-11", now=NOW).headline
    # t5 (due 2 Nov) and t7 (due 5 Nov) are still open on 15 Nov
    assert (november.questions, november.tickets_opened, november.tickets_overdue) == (1, 1, 2)
    empty = monthly_report(queries, "2025-01", now=NOW)
    assert empty.headline.questions == 0 and empty.headline.bot_share is None
    assert empty.previous_month == "2024-12"
    assert empty.topics == empty.entries == empty.ratings == empty.comments == ()


def test_overdue_counts_only_due_times_already_passed(
    report: MonthlyReport, database: Database
) -> None:
    mid_month = monthly_report(ReportQueries(database), "2026-10", now=vn(10, 20, 12))
    assert mid_month.headline.tickets_overdue == 2  # t4 is due on the 23rd


def test_month_helpers() -> None:
    assert parse_month(" 2026-10 ") == (2026, 10)
    for bad in ("2026-13", "2026-1", "10/2026", ""):
        with pytest.raises(ValueError, match="YYYY-MM"):
            parse_month(bad)
    start, end = month_bounds(2026, 12, VN)
    assert (start.isoformat(), end.isoformat()) == (
        "2026-12-01T00:00:00+07:00",
        "2027-01-01T00:00:00+07:00",
    )
    assert percentile([], 0.5) is None
    assert percentile([3.0], 0.9) == 3.0
    assert percentile([1.0, 2.0, 3.0, 4.0], 0.5) == 2.5


# -- renderings -----------------------------------------------------------------------------


def test_markdown(report: MonthlyReport) -> None:
    text = render_markdown(report, agency="Sở Giáo dục và Đào tạo")
    assert text.startswith("# Báo cáo kết quả chuyên mục Hỏi – đáp")
    assert "Tháng 10/2026 (từ 01/10/2026 đến hết 31/10/2026)" in text
    assert "| Câu hỏi tiếp nhận qua bot | 13 | 1 | +12 |" in text
    assert "| Tỷ lệ bot trả lời được | 61,5% | 100,0% | -38,5% |" in text
    assert "| Chuyển đường dây nóng | 4 | 0 | +4 |" in text
    assert "| Phản ánh, kiến nghị chuyển đường dây nóng | 1 |" in text
    assert "| Thời gian trả lời trung vị (giờ) | 78,0 | – | – |" in text
    assert "| Thái độ phục vụ | 4,50 | 2 | 100,0% |" in text
    assert "0912345678" not in text and "an.nguyen" not in text
    assert "09******78" in text


def test_csv_has_one_section_per_table(report: MonthlyReport) -> None:
    rows = list(csv.reader(io.StringIO(render_csv(report))))
    sections = [row[0][2:] for row in rows if row and row[0].startswith("# ")]
    assert sections == ["report 2026-10", *[t.key for t in tables(report)]]
    start = rows.index(["# overview", "1. Tổng hợp kết quả"])
    assert rows[start + 1] == ["Chỉ tiêu", "Tháng này", "Tháng trước", "Chênh lệch"]
    assert rows[start + 2] == ["Câu hỏi tiếp nhận qua bot", "13", "1", "12"]
    assert ["Tỷ lệ bot trả lời được", "0.6154", "1", "-0.3846"] in rows
    assert ["e1", "Cấp bản sao văn bằng", "3"] in rows
    assert "0912345678" not in render_csv(report)


def test_html_is_self_contained_and_printable(report: MonthlyReport) -> None:
    page = render_html(report, agency="Sở Giáo dục và Đào tạo")
    assert page.startswith("<!DOCTYPE html>") and '<html lang="vi">' in page
    assert page.count("<svg") >= 5
    assert "@media print" in page and "@page" in page
    lowered = page.lower()
    for forbidden in ("http", "<script", "@import", "<link", "@font-face", "url("):
        assert forbidden not in lowered, forbidden
    assert "Đo lường sự hài lòng" in page and "Thái độ phục vụ" in page
    assert "0912345678" not in page and "09******78" in page
    assert "<td>Cấp bản sao văn bằng</td>" in page


def test_html_escapes_what_it_shows(repository: Repository, database: Database) -> None:
    repository.log_message(
        NewMessage("zalo", "c", "u", "x", "answer", 1.0, entry_id="<b>e</b>", created_at=vn(10, 2))
    )
    report = monthly_report(ReportQueries(database), "2026-10", now=NOW)
    page = render_html(report)
    assert "<b>e</b>" not in page and "&lt;b&gt;e&lt;/b&gt;" in page
    # topics, ratings, satisfaction, comments, broadcasts
    assert render_markdown(report).count("Không có dữ liệu trong tháng.") == 5
