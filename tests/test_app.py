"""Start-up checks of the application wiring (cchc_bot.app)."""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from cchc_bot.app import warn_holiday_gaps
from cchc_bot.knowledge.model import Holiday

TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def holidays(*days: date) -> list[Holiday]:
    return [Holiday(day=d, name="Nghỉ") for d in days]


def test_tet_missing_is_named_without_a_blank_last_date(caplog: pytest.LogCaptureFixture) -> None:
    """Bug fix: a list running past the horizon but lacking Tết logged "listed until -"."""
    today = datetime.now(TZ).date()
    far = today + timedelta(days=800)
    with caplog.at_level(logging.WARNING, logger="cchc_bot.app"):
        warn_holiday_gaps(holidays(far), TZ)
    message = caplog.records[-1].getMessage()
    assert "no Tet holidays for" in message
    assert "listed only until" not in message and " -" not in message


def test_a_short_list_says_where_it_ends(caplog: pytest.LogCaptureFixture) -> None:
    soon = datetime.now(TZ).date() + timedelta(days=3)
    with caplog.at_level(logging.WARNING, logger="cchc_bot.app"):
        warn_holiday_gaps(holidays(soon), TZ)
    assert f"holidays listed only until {soon}" in caplog.records[-1].getMessage()


def test_an_empty_list_says_so(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING, logger="cchc_bot.app"):
        warn_holiday_gaps([], TZ)
    message = caplog.records[-1].getMessage()
    assert "no holidays listed" in message and "Tet" not in message
