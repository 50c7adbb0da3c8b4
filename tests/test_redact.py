"""Personal data in citizens' messages is masked wherever it leaves the ticket."""

from __future__ import annotations

import pytest

from cchc_bot.redact import mask_personal, mask_url_password


@pytest.mark.parametrize(
    ("text", "hidden", "shown"),
    [
        ("gọi 0912345678 giúp em", "0912345678", "09******78"),
        ("sđt 0912 345 678", "345", "09******78"),
        ("+84912345678", "912345", "+84"),
        ("CCCD 001203004589", "001203004589", "0012******89"),
        ("cmnd 365123456", "365123456", "36*****56"),
        ("mail an.nguyen@gmail.com", "an.nguyen", "a***@gmail.com"),
    ],
)
def test_masked(text: str, hidden: str, shown: str) -> None:
    out = mask_personal(text)
    assert hidden not in out
    assert shown in out


@pytest.mark.parametrize(
    "text", ["năm 2025 lớp 12", "phiếu HD-2026-00042", "Thông tư 21/2019/TT-BGDĐT", "mã 1.005142"]
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_personal(text) == text


def test_url_password() -> None:
    assert mask_url_password("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert mask_url_password("sqlite:///data/x.db") == "sqlite:///data/x.db"
