"""Notices: the file format and its errors, month-end and "last" scheduling across time
zones and leap years, syncing files (an edit sends an approved notice back to draft), and
the status flow staff drive (a draft is never sent)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.broadcast_notices import NoticeError, parse_at, planned_time
from cchc_bot.knowledge import check_notices, load_notices
from cchc_bot.storage import Database, Repository
from tests.broadcast_helpers import NOTICE_YAML, Parts, notice_folder, parts_for

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
SHIPPED = Path(__file__).resolve().parent.parent / "knowledge"
pytestmark = pytest.mark.parametrize("db_target", ["sqlite"], indirect=True)


@pytest.fixture
def bc(repository: Repository, database: Database, tmp_path: Path) -> Parts:
    return parts_for(database, notice_folder(tmp_path), HANOI)


# -- the files -------------------------------------------------------------------------------


def test_the_shipped_plan_loads(db_target: object) -> None:
    notices = load_notices(SHIPPED)
    assert [n.month for n in notices] == list(range(1, 13))
    assert {n.day for n in notices} >= {15, "last", 1}
    assert all(n.source and n.source.file == "notices/2022.yaml" for n in notices)


def test_errors_name_the_file_line_and_id(tmp_path: Path, db_target: object) -> None:
    broken = NOTICE_YAML.replace("day: 15", "day: 31").replace('time: "07:30"', 'time: "7h30"')
    broken = broken.replace("topics: [cchc]", "topics: [cchc, hoc-phi]")
    broken += "  - id: cchc-2027-01\n    month: 13\n    day: 1\n    time: '08:00'\n"
    broken += "    topics: [cchc]\n    title: t\n    text: x\n    colour: red\n"
    report = check_notices(notice_folder(tmp_path, broken))
    shown = [str(p) for p in report.errors]
    assert report.notices == ()
    assert any("notices/2027.yaml:6 [cchc-2027-01]" in p and "'day'" in p for p in shown)
    assert any("hoc-phi" in p for p in shown)
    assert any("7h30" in p and "[thi-cu-2027-06]" in p for p in shown)
    assert any("'month'" in p and "13" in p for p in shown)
    assert any("colour" in p for p in shown)
    assert any("trùng id" in p for p in shown)


def test_a_text_over_1800_characters_is_an_error(tmp_path: Path, db_target: object) -> None:
    body = NOTICE_YAML.replace("text: Phúc khảo và bản sao văn bằng.", f"text: {'x' * 1801}")
    (problem,) = check_notices(notice_folder(tmp_path, body)).errors
    assert "1801" in str(problem) and "thi-cu-2027-06" in str(problem)


# -- when -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "month", "day", "hhmm", "zone", "expected_utc"),
    [
        (2024, 2, "last", "08:00", "Asia/Ho_Chi_Minh", datetime(2024, 2, 29, 1, 0)),  # leap
        (2023, 2, "last", "08:00", "Asia/Ho_Chi_Minh", datetime(2023, 2, 28, 1, 0)),
        (2100, 2, "last", "08:00", "Asia/Ho_Chi_Minh", datetime(2100, 2, 28, 1, 0)),  # no leap
        (2000, 2, "last", "08:00", "Asia/Ho_Chi_Minh", datetime(2000, 2, 29, 1, 0)),  # leap
        (2027, 4, "last", "23:30", "Asia/Ho_Chi_Minh", datetime(2027, 4, 30, 16, 30)),
        (2027, 12, "last", "08:00", "Asia/Ho_Chi_Minh", datetime(2027, 12, 31, 1, 0)),
        # 1 January 00:30 in Hà Nội is still the previous year in UTC
        (2027, 1, 1, "00:30", "Asia/Ho_Chi_Minh", datetime(2026, 12, 31, 17, 30)),
        (2027, 3, 28, "08:00", "Asia/Ho_Chi_Minh", datetime(2027, 3, 28, 1, 0)),
        # a zone with daylight saving: the same wall-clock time, another UTC offset
        (2027, 1, "last", "08:00", "Europe/Berlin", datetime(2027, 1, 31, 7, 0)),
        (2027, 7, "last", "08:00", "Europe/Berlin", datetime(2027, 7, 31, 6, 0)),
        (2027, 3, "last", "08:00", "America/New_York", datetime(2027, 3, 31, 12, 0)),
    ],
)
def test_planned_time_month_end_leap_years_and_zones(
    year: int,
    month: int,
    day: int | str,
    hhmm: str,
    zone: str,
    expected_utc: datetime,
    db_target: object,
) -> None:
    moment = planned_time(year, month, day, hhmm, ZoneInfo(zone))
    assert moment == expected_utc.replace(tzinfo=UTC)


def test_parse_at(db_target: object) -> None:
    assert parse_at("2028-02-last 08:00", HANOI) == datetime(2028, 2, 29, 1, 0, tzinfo=UTC)
    assert parse_at("2027-06-01T7:05", HANOI) == datetime(2027, 6, 1, 0, 5, tzinfo=UTC)
    for bad in ("2027-02-29 08:00", "2027-13-01 08:00", "mai 8 giờ", "2027-01-01 24:00"):
        with pytest.raises(ValueError, match="không hợp lệ"):
            parse_at(bad, HANOI)


# -- sync and statuses ---------------------------------------------------------------------


def test_sync_creates_drafts_with_their_planned_time(bc: Parts) -> None:
    changes = bc.service.sync()
    assert {c.change for c in changes} == {"new"}
    notice = bc.service.get("thi-cu-2027-06")
    assert notice.status == "draft" and notice.topics == ("thi-cu", "van-bang")
    assert notice.planned_at == datetime(2027, 6, 30, 0, 30, tzinfo=UTC)
    assert notice.text.endswith("Cổng dịch vụ công: https://dichvucong.gov.vn")
    assert notice.source == "notices/2027.yaml:14"
    assert bc.service.sync() == []  # nothing changed


def test_a_draft_cannot_be_scheduled_or_sent(bc: Parts) -> None:
    bc.service.sync()
    for action in (
        lambda: bc.service.schedule("cchc-2027-01", "2030-01-15 08:00", "Lan"),
        lambda: bc.service.send_soon("cchc-2027-01", "Lan"),
    ):
        with pytest.raises(NoticeError, match="nháp"):
            action()
    with pytest.raises(NoticeError, match="Không có bản tin"):
        bc.service.approve("khong-co", "Lan")


def test_approve_schedule_and_an_edit_back_to_draft(bc: Parts, tmp_path: Path) -> None:
    bc.service.sync()
    approved = bc.service.approve("cchc-2027-01", "Trưởng phòng")
    assert (approved.status, approved.approved_by) == ("approved", "Trưởng phòng")
    scheduled = bc.service.schedule("cchc-2027-01", "2030-02-last 08:00", "Lan")
    assert scheduled.scheduled_at == datetime(2030, 2, 28, 1, 0, tzinfo=UTC)
    edited = NOTICE_YAML.replace("Nội dung bản tin tháng Một.", "Nội dung đã sửa.")
    notice_folder(tmp_path, edited)
    assert [(c.notice_id, c.change) for c in bc.service.sync()] == [
        ("cchc-2027-01", "back_to_draft")
    ]
    back = bc.service.get("cchc-2027-01")
    assert back.status == "draft" and back.approved_by is None and back.scheduled_at is None
    assert "Nội dung đã sửa." in back.text and back.note
    actions = [e.action for e in bc.notices.events("cchc-2027-01")]
    assert actions == ["create", "approve", "schedule", "back_to_draft"]


def test_past_times_are_refused_and_missed_notices_are_marked(bc: Parts) -> None:
    bc.service.sync()
    bc.service.approve("cchc-2027-01", "Lan")
    with pytest.raises(NoticeError, match="đã qua"):
        bc.service.schedule("cchc-2027-01", "2020-01-15 08:00", "Lan")
    bc.service.send_soon("cchc-2027-01", "Lan")
    old = datetime.now(UTC) - timedelta(days=4)
    bc.notices.update("cchc-2027-01", None, {"scheduled_at": old}, "test", "backdate")
    (missed,) = bc.notices.mark_missed(timedelta(days=3), "too late")
    assert missed.id == "cchc-2027-01" and missed.status == "missed"
    rescheduled = bc.service.schedule("cchc-2027-01", "2031-01-15 08:00", "Lan")
    assert rescheduled.status == "scheduled"


def test_cli_notices_and_cancel(bc: Parts) -> None:
    added = bc.service.add("tb-nghi-le", "Lịch nghỉ lễ", "Sở nghỉ lễ 2/9.", ["cchc"], "Lan")
    assert (added.status, added.source) == ("draft", "cli")
    bc.service.approve("tb-nghi-le", "Trưởng phòng")
    again = bc.service.add("tb-nghi-le", "Lịch nghỉ lễ", "Sở nghỉ lễ 1–2/9.", ["cchc"], "Lan")
    assert again.status == "draft" and again.approved_by is None  # edited after approval
    bc.service.sync()
    with pytest.raises(NoticeError, match="trong tệp"):
        bc.service.add("cchc-2027-01", "x", "y", ["cchc"], "Lan")
    assert bc.service.cancel("tb-nghi-le", "Lan").status == "cancelled"
    with pytest.raises(NoticeError, match="đã hủy"):
        bc.service.approve("tb-nghi-le", "Lan")
