"""Personal data in citizens' messages is masked wherever it leaves the ticket."""

from __future__ import annotations

import pytest

from cchc_bot.redact import has_personal_data, mask_personal, mask_url_password


@pytest.mark.parametrize(
    ("text", "hidden", "shown"),
    [
        ("gọi 0912345678 giúp em", "0912345678", "09******78"),
        ("sđt 0912 345 678", "345", "09******78"),
        ("+84912345678", "912345", "+84"),
        ("CCCD 001203004589", "001203004589", "0012******89"),
        ("cmnd 365123456", "365123456", "36*****56"),
        ("mail an.nguyen@gmail.com", "an.nguyen", "a***@gmail.com"),
        ("CCCD 079 123 456 789", "456", "0791******89"),
        ("số 079.123.456.789, cảm ơn", "123.456", "0791******89, cảm ơn"),
        ("CCCD 0791-2345-6789.", "2345", "0791******89."),
        ("cmnd 365 123 456", "123", "36*****56"),
        ("mail ánh@gmail.com", "ánh@", "á***@gmail.com"),
        ("thư nguyễn.thị.ánh@trường.edu.vn", "nguyễn", "n***@trường.edu.vn"),
        ("079 123 456 789 0912345678", "0912345678", "0791******89 09******78"),
    ],
)
def test_masked(text: str, hidden: str, shown: str) -> None:
    out = mask_personal(text)
    assert hidden not in out
    assert shown in out


@pytest.mark.parametrize(
    "text",
    [
        "năm 2025 lớp 12",
        "phiếu HD-2026-00042",
        "Thông tư 21/2019/TT-BGDĐT",
        "mã 1.005142",
        "năm học 2025 - 2026",
        "5 4 5 5 cảm ơn",
        "lệ phí 3.000 đồng",
    ],
)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_personal(text) == text


def test_url_password() -> None:
    assert mask_url_password("postgresql://u:secret@h/db") == "postgresql://u:***@h/db"
    assert mask_url_password("sqlite:///data/x.db") == "sqlite:///data/x.db"


@pytest.mark.parametrize(
    ("text", "personal"),
    [
        ("Hồ sơ của tôi số HD123 nộp ngày 5/11", True),
        ("tra cứu phiếu HD-2026-00042", True),
        ("mã hồ sơ 000.00.15.H12-241105-0001", True),
        ("gọi 0912345678", True),
        ("CCCD 079 123 456 789", True),
        ("ánh@gmail.com", True),
        ("chuyển trường lớp 6 cần gì", False),
        ("theo Thông tư 21/2019/TT-BGDĐT", False),
    ],
)
def test_personal_data_is_recognised(text: str, personal: bool) -> None:
    assert has_personal_data(text) is personal
