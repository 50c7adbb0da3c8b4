"""Due-time arithmetic in working hours: weekends, the noon break, holidays."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.knowledge import check_knowledge, load_knowledge
from cchc_bot.workcalendar import WorkCalendar, holiday_gaps, parse_periods

REPO = Path(__file__).resolve().parent.parent

VN = ZoneInfo("Asia/Ho_Chi_Minh")


def local(*args: int) -> datetime:
    return datetime(*args, tzinfo=VN)


@pytest.fixture
def calendar() -> WorkCalendar:
    # 2026-11-23 (a Monday) is made a holiday for these tests.
    return WorkCalendar.build(VN, holidays=[date(2026, 11, 23)])


def test_eight_working_hours_a_day(calendar: WorkCalendar) -> None:
    assert calendar.hours_per_day == 8


def test_within_the_morning(calendar: WorkCalendar) -> None:
    due = calendar.add_working_hours(local(2026, 11, 24, 8, 0), 2)
    assert due.astimezone(VN) == local(2026, 11, 24, 10, 0)
    assert due.tzinfo == UTC


def test_noon_break_is_skipped(calendar: WorkCalendar) -> None:
    due = calendar.add_working_hours(local(2026, 11, 24, 10, 30), 1)
    assert due.astimezone(VN) == local(2026, 11, 24, 13, 30)


def test_started_during_the_break_counts_from_13h(calendar: WorkCalendar) -> None:
    due = calendar.add_working_hours(local(2026, 11, 24, 12, 0), 1)
    assert due.astimezone(VN) == local(2026, 11, 24, 14, 0)


def test_evening_request_starts_next_morning(calendar: WorkCalendar) -> None:
    due = calendar.add_working_hours(local(2026, 11, 24, 20, 0), 1)
    assert due.astimezone(VN) == local(2026, 11, 25, 8, 0)


def test_weekend_and_holiday_are_skipped(calendar: WorkCalendar) -> None:
    # Friday 16:00 + 3 working days: Fri 1 h, (Sat, Sun, holiday Mon), Tue 8, Wed 8, Thu 7.
    due = calendar.add_working_days(local(2026, 11, 20, 16, 0), 3)
    assert due.astimezone(VN) == local(2026, 11, 26, 16, 0)


def test_without_the_holiday_it_is_one_day_earlier() -> None:
    plain = WorkCalendar.build(VN)
    due = plain.add_working_days(local(2026, 11, 20, 16, 0), 3)
    assert due.astimezone(VN) == local(2026, 11, 25, 16, 0)


def test_saturday_request(calendar: WorkCalendar) -> None:
    due = calendar.add_working_hours(local(2026, 11, 21, 9, 0), 8)
    assert due.astimezone(VN) == local(2026, 11, 24, 17, 0)


def test_hours_between_round_trips(calendar: WorkCalendar) -> None:
    start = local(2026, 11, 20, 16, 0)
    due = calendar.add_working_days(start, 3)
    assert calendar.working_hours_between(start, due) == pytest.approx(24)
    assert calendar.working_hours_between(due, start) == 0


def test_naive_start_is_refused(calendar: WorkCalendar) -> None:
    with pytest.raises(ValueError, match="aware"):
        calendar.add_working_hours(datetime(2026, 11, 24, 8), 1)


def test_custom_periods() -> None:
    custom = WorkCalendar.build(VN, "08:00-12:00,13:30-17:30")
    due = custom.add_working_hours(local(2026, 11, 24, 11, 0), 2)
    assert due.astimezone(VN) == local(2026, 11, 24, 14, 30)


@pytest.mark.parametrize("text", ["7-11", "11:00-07:00", "07:00-11:00,10:00-12:00", ""])
def test_bad_periods_are_explained(text: str) -> None:
    with pytest.raises(ValueError):
        parse_periods(text)


# --- holidays.yaml must cover the coming year -------------------------------------------------

FIXED_2027 = [date(2027, 1, 1), date(2027, 4, 30), date(2027, 5, 1), date(2027, 9, 2)]
TET_2027 = [date(2027, 2, d) for d in range(5, 11)]
NEW_YEAR_2028 = [date(2028, 1, 1)]


def test_a_list_covering_the_coming_year_has_no_gaps() -> None:
    assert holiday_gaps(FIXED_2027 + TET_2027 + NEW_YEAR_2028, date(2026, 12, 8)) is None


def test_missing_tet_and_a_short_list_are_found() -> None:
    gaps = holiday_gaps(FIXED_2027, date(2026, 12, 8))
    assert gaps is not None
    assert gaps.horizon == date(2027, 12, 8)
    assert gaps.listed_until == date(2027, 9, 2)
    assert gaps.tet_years == (2027,)
    gaps = holiday_gaps(FIXED_2027 + NEW_YEAR_2028, date(2026, 12, 8))
    assert gaps is not None and gaps.listed_until is None and gaps.tet_years == (2027,)


def test_a_tet_already_past_is_not_asked_for() -> None:
    # in March 2027 the next Tết to list is 2028's (late January 2028)
    gaps = holiday_gaps(FIXED_2027 + TET_2027 + NEW_YEAR_2028, date(2027, 3, 1))
    assert gaps is not None and gaps.tet_years == (2028,)
    assert holiday_gaps([], date(2027, 3, 1)) == holiday_gaps([], date(2027, 3, 1))
    empty = holiday_gaps([], date(2027, 3, 1))
    assert empty is not None and empty.listed_until is None and empty.tet_years == (2028,)


def _folder(tmp_path: Path, knowledge_small_dir: Path, days: list[date]) -> Path:
    folder = tmp_path / "knowledge"
    shutil.copytree(knowledge_small_dir, folder)
    lines = [f'  - {{date: {d.isoformat()}, name: "Nghỉ"}}' for d in days]
    (folder / "holidays.yaml").write_text("holidays:\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_kb_check_warns_when_holidays_do_not_cover_next_year(
    tmp_path: Path, knowledge_small_dir: Path
) -> None:
    folder = _folder(tmp_path, knowledge_small_dir, FIXED_2027)
    report = check_knowledge(folder, today=date(2026, 12, 8))
    assert report.ok  # a warning, not an error: the knowledge still loads
    found = [p for p in report.warnings if p.file == "holidays.yaml"]
    assert len(found) == 2
    assert "02/09/2027" in str(found[0]) and "08/12/2027" in str(found[0])
    assert "Tết Nguyên đán 2027" in str(found[1])
    covered = _folder(tmp_path / "b", knowledge_small_dir, FIXED_2027 + TET_2027 + NEW_YEAR_2028)
    assert not [p for p in check_knowledge(covered, today=date(2026, 12, 8)).warnings
                if p.file == "holidays.yaml"]  # fmt: skip


def test_the_shipped_holidays_are_right_for_2027() -> None:
    days = {h.day: h.name for h in load_knowledge(REPO / "knowledge").holidays}
    assert date(2027, 4, 16) in days  # Giỗ Tổ Hùng Vương, 10/3 Đinh Mùi
    assert date(2027, 5, 3) in days  # 01/05/2027 is a Saturday: the next working day off
    assert date(2027, 5, 1).weekday() == 5 and date(2027, 5, 3).weekday() == 0
    assert not any(date(2027, 1, 15) <= d <= date(2027, 2, 28) for d in days)  # not yet decided
