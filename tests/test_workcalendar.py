"""Due-time arithmetic in working hours: weekends, the noon break, holidays."""

from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.workcalendar import WorkCalendar, parse_periods

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
