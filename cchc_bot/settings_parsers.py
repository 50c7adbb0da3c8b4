"""Parsers of setting values: text in, typed value out, ValueError (in Vietnamese) if invalid.

Each is named in `settings_specs.SPECS`; the messages end up in `SettingsError`'s list.
"""

from __future__ import annotations

import re
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cchc_bot import config_texts
from cchc_bot.workcalendar import parse_periods

_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
_ZALO_SECRET = re.compile(r"[A-Za-z0-9_-]{8,256}")
_PAID_ROUTES = ("off", "transaction", "promotion")


def float_0_1(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(config_texts.NOT_A_NUMBER_06) from None
    if not 0.0 <= value <= 1.0:
        raise ValueError(config_texts.NOT_IN_0_1)
    return value


def positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(config_texts.NOT_AN_INTEGER) from None
    if value <= 0:
        raise ValueError(config_texts.NOT_POSITIVE_INT)
    return value


def optional_positive_int(raw: str) -> int | None:
    """Empty: not set (the caller falls back to its own default)."""
    return positive_int(raw) if raw else None


def timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(config_texts.UNKNOWN_TIMEZONE.format(value=raw)) from exc


def positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(config_texts.NOT_A_NUMBER_3) from None
    if value <= 0:
        raise ValueError(config_texts.NOT_POSITIVE)
    return value


def work_hours(raw: str) -> str:
    parse_periods(raw)
    return raw


def log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError(config_texts.BAD_LOG_LEVEL)
    return level


_DATABASE_SCHEMES = ("sqlite", "postgresql", "postgres")


def database_url(raw: str) -> str:
    """A SQLite or PostgreSQL URL (`postgresql+psycopg://` and the like are accepted)."""
    scheme, sep, _ = raw.partition("://")
    if not sep or scheme.partition("+")[0].lower() not in _DATABASE_SCHEMES:
        raise ValueError(config_texts.BAD_DATABASE_URL)
    return raw


def telegram_token(raw: str) -> str:
    if raw and not _TOKEN.fullmatch(raw):
        raise ValueError(config_texts.BAD_TELEGRAM_TOKEN)
    return raw


def http_url(raw: str) -> str:
    if raw and not raw.startswith(("http://", "https://")):
        raise ValueError(config_texts.BAD_HTTP_URL)
    return raw


def webhook_secret(raw: str) -> str:
    if raw and not _SECRET.fullmatch(raw):
        raise ValueError(config_texts.BAD_WEBHOOK_SECRET)
    return raw


def opaque(raw: str) -> str:
    """A token or key copied from a console: any characters but spaces and slashes."""
    if raw and re.search(r"[\s/]", raw):
        raise ValueError(config_texts.BAD_OPAQUE)
    return raw


def zalo_secret(raw: str) -> str:
    if raw and not _ZALO_SECRET.fullmatch(raw):
        raise ValueError(config_texts.BAD_ZALO_SECRET)
    return raw


def url_path(raw: str) -> str:
    if not raw.startswith("/") or re.search(r"[\s?#]", raw):
        raise ValueError(config_texts.BAD_URL_PATH)
    return raw


def paid_route(raw: str) -> str:
    value = raw.lower()
    if value not in _PAID_ROUTES:
        raise ValueError(config_texts.BAD_PAID_ROUTE)
    return value


def chat_id(raw: str) -> str:
    if raw and not re.fullmatch(r"-?\d+", raw):
        raise ValueError(config_texts.BAD_CHAT_ID)
    return raw


def id_list(raw: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not all(re.fullmatch(r"\d+", p) for p in parts):
        raise ValueError(config_texts.BAD_ID_LIST)
    return tuple(int(p) for p in parts)


def port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(config_texts.NOT_A_PORT) from None
    if not 0 <= value <= 65535:
        raise ValueError(config_texts.PORT_OUT_OF_RANGE)
    return value


def rate(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError(config_texts.NOT_A_RATE) from None
    if value < 0:
        raise ValueError(config_texts.NEGATIVE)
    return value
