"""Working hours: Monday–Friday 7:00–11:00 and 13:00–17:00 local time, minus public holidays."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

from cchc_bot import config_texts

DEFAULT_PERIODS: tuple[tuple[time, time], ...] = ((time(7), time(11)), (time(13), time(17)))
_MAX_DAYS = 3660  # ten years of calendar: any due date beyond that is a configuration error


def parse_periods(text: str) -> tuple[tuple[time, time], ...]:
    """'07:00-11:00,13:00-17:00' → ((07:00, 11:00), (13:00, 17:00)); ValueError if malformed."""
    periods = []
    for part in text.split(","):
        start, sep, end = part.strip().partition("-")
        if not sep:
            raise ValueError(config_texts.PERIOD_NO_DASH.format(period=part.strip()))
        try:
            a, b = time.fromisoformat(start.strip()), time.fromisoformat(end.strip())
        except ValueError:
            raise ValueError(config_texts.PERIOD_BAD_TIME.format(period=part.strip())) from None
        if a >= b:
            raise ValueError(config_texts.PERIOD_BACKWARDS.format(period=part.strip()))
        periods.append((a, b))
    periods.sort()
    for (_, end), (start, _) in pairwise(periods):
        if start < end:
            raise ValueError(config_texts.PERIODS_OVERLAP)
    if not periods:
        raise ValueError(config_texts.PERIODS_NONE)
    return tuple(periods)


@dataclass(frozen=True)
class WorkCalendar:
    timezone: ZoneInfo
    periods: tuple[tuple[time, time], ...] = DEFAULT_PERIODS
    holidays: frozenset[date] = field(default_factory=frozenset)
    workdays: frozenset[int] = frozenset(range(5))  # Monday = 0

    @classmethod
    def build(
        cls, timezone: ZoneInfo, periods: str | None = None, holidays: Iterable[date] = ()
    ) -> WorkCalendar:
        return cls(
            timezone,
            parse_periods(periods) if periods else DEFAULT_PERIODS,
            frozenset(holidays),
        )

    @property
    def hours_per_day(self) -> float:
        return sum(_seconds(a, b) for a, b in self.periods) / 3600

    def is_working_day(self, day: date) -> bool:
        return day.weekday() in self.workdays and day not in self.holidays

    def _windows(self, start: datetime) -> Iterable[tuple[datetime, datetime]]:
        """Working periods (local, aware) from the day of `start` onwards."""
        day = start.date()
        for _ in range(_MAX_DAYS):
            if self.is_working_day(day):
                for a, b in self.periods:
                    yield (
                        datetime.combine(day, a, self.timezone),
                        datetime.combine(day, b, self.timezone),
                    )
            day += timedelta(days=1)
        raise ValueError("no working time within ten years: check the calendar")

    def add_working_hours(self, start: datetime, hours: float) -> datetime:
        """The moment `hours` of working time after `start` (returned in UTC)."""
        if start.tzinfo is None:
            raise ValueError("start must be timezone-aware")
        local = start.astimezone(self.timezone)
        remaining = timedelta(hours=hours)
        for begin, end in self._windows(local):
            if end <= local:
                continue
            begin = max(begin, local)
            if remaining <= end - begin:
                return (begin + remaining).astimezone(UTC)
            remaining -= end - begin
        raise AssertionError("unreachable")  # _windows raises first

    def add_working_days(self, start: datetime, days: float) -> datetime:
        return self.add_working_hours(start, days * self.hours_per_day)

    def working_hours_between(self, a: datetime, b: datetime) -> float:
        """Working time between two moments (0 when b is not after a)."""
        if b <= a:
            return 0.0
        local_a, local_b = a.astimezone(self.timezone), b.astimezone(self.timezone)
        total = timedelta()
        for begin, end in self._windows(local_a):
            if begin >= local_b:
                break
            lo, hi = max(begin, local_a), min(end, local_b)
            if hi > lo:
                total += hi - lo
        return total.total_seconds() / 3600


def _seconds(a: time, b: time) -> float:
    return (datetime.combine(date.min, b) - datetime.combine(date.min, a)).total_seconds()


# Tết Nguyên đán (1st day of the lunar year) falls between 21 January and 20 February; its
# days off run from a few days before to a few days after.
_TET_FIRST, _TET_LAST = (1, 21), (2, 20)
_TET_DAYS_OFF = ((1, 15), (2, 28))


def _around_tet(year: int, day: date) -> bool:
    return date(year, *_TET_DAYS_OFF[0]) <= day <= date(year, *_TET_DAYS_OFF[1])


@dataclass(frozen=True)
class HolidayGaps:
    """What a holiday list lacks for the year after ``today`` (see :func:`holiday_gaps`)."""

    horizon: date  # today + 1 year: due times may be computed up to here
    listed_until: date | None  # the last holiday listed, when it is before the horizon
    tet_years: tuple[int, ...]  # years whose Tết falls before the horizon but is not listed


def holiday_gaps(holidays: Iterable[date], today: date) -> HolidayGaps | None:
    """None when the list covers the coming year: a holiday on or after today + 1 year, and
    some day off around every Tết before then. Otherwise what is missing."""
    days = sorted(set(holidays))
    horizon = today + timedelta(days=365)
    last = days[-1] if days else None
    missing_tet = tuple(
        year
        for year in range(today.year, horizon.year + 1)
        if date(year, *_TET_LAST) >= today
        and date(year, *_TET_FIRST) <= horizon
        and not any(
            date(year, *_TET_DAYS_OFF[0]) <= d <= date(year, *_TET_DAYS_OFF[1]) for d in days
        )
    )
    short = last is None or last < horizon
    if not short and not missing_tet:
        return None
    return HolidayGaps(horizon, last if short else None, missing_tet)
