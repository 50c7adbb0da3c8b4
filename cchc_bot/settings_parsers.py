"""Parsers of setting values: text in, typed value out, ValueError (in Vietnamese) if invalid.

Each is named in `settings_specs.SPECS`; the messages end up in `SettingsError`'s list.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cchc_bot.workcalendar import parse_periods

_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
_PAID_ROUTES = ("off", "transaction", "promotion")


def float_0_1(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("phải là một số, ví dụ 0.6") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError("phải nằm trong khoảng 0 đến 1")
    return value


def positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("phải là số nguyên, ví dụ 30") from None
    if value <= 0:
        raise ValueError("phải là số nguyên dương")
    return value


def timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"không biết múi giờ '{raw}'") from exc


def positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("phải là một số, ví dụ 3") from None
    if value <= 0:
        raise ValueError("phải lớn hơn 0")
    return value


def work_hours(raw: str) -> str:
    parse_periods(raw)
    return raw


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("phải là DEBUG, INFO, WARNING, ERROR hoặc CRITICAL")
    return level


def database_url(raw: str) -> str:
    if "://" not in raw:
        raise ValueError("phải là URL, ví dụ sqlite:///data/cchc.db hoặc postgresql://…")
    return raw


def telegram_token(raw: str) -> str:
    if raw and not _TOKEN.fullmatch(raw):
        raise ValueError("không đúng dạng mã bot của @BotFather (123456:ABC…)")
    return raw


def http_url(raw: str) -> str:
    if raw and not raw.startswith(("http://", "https://")):
        raise ValueError("phải là URL bắt đầu bằng http:// hoặc https://")
    return raw


def webhook_secret(raw: str) -> str:
    if raw and not _SECRET.fullmatch(raw):
        raise ValueError("1–256 ký tự, chỉ gồm A-Z a-z 0-9 _ -")
    return raw


def opaque(raw: str) -> str:
    """A token or key copied from a console: any characters but spaces and slashes."""
    if raw and re.search(r"[\s/]", raw):
        raise ValueError("không được chứa khoảng trắng hoặc dấu /")
    return raw


def zalo_secret(raw: str) -> str:
    if raw and not _ZALO_SECRET.fullmatch(raw):
        raise ValueError("8–256 ký tự, chỉ gồm A-Z a-z 0-9 _ -")
    return raw


def url_path(raw: str) -> str:
    if not raw.startswith("/") or re.search(r"[\s?#]", raw):
        raise ValueError("phải là đường dẫn bắt đầu bằng /, ví dụ /zalo/oa/webhook")
    return raw


def paid_route(raw: str) -> str:
    value = raw.lower()
    if value not in _PAID_ROUTES:
        raise ValueError("phải là off, transaction hoặc promotion")
    return value


def chat_id(raw: str) -> str:
    if raw and not re.fullmatch(r"-?\d+", raw):
        raise ValueError("phải là số (mã nhóm Telegram, ví dụ -1001234567890)")
    return raw


def id_list(raw: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not all(re.fullmatch(r"\d+", p) for p in parts):
        raise ValueError("phải là các mã số người dùng cách nhau bằng dấu phẩy, ví dụ 111,222")
    return tuple(int(p) for p in parts)


def port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("phải là số cổng, ví dụ 8080") from None
    if not 0 <= value <= 65535:
        raise ValueError("phải nằm trong khoảng 0–65535")
    return value


def rate(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("phải là một số, ví dụ 30 (0 = không giới hạn)") from None
    if value < 0:
        raise ValueError("không được âm")
    return value
