"""Settings from `CCHC_*` environment variables (and an optional `.env`), declared once as data."""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from cchc_bot.redact import mask_url_password
from cchc_bot.workcalendar import parse_periods

PREFIX = "CCHC_"
_TOKEN = re.compile(r"\d+:[A-Za-z0-9_-]+")
_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")


class SettingsError(Exception):
    """One or more settings are missing or invalid; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Cấu hình không hợp lệ ({len(problems)} lỗi):\n{lines}")


def _float_0_1(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("phải là một số, ví dụ 0.6") from None
    if not 0.0 <= value <= 1.0:
        raise ValueError("phải nằm trong khoảng 0 đến 1")
    return value


def _positive_int(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("phải là số nguyên, ví dụ 30") from None
    if value <= 0:
        raise ValueError("phải là số nguyên dương")
    return value


def _timezone(raw: str) -> ZoneInfo:
    try:
        return ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise ValueError(f"không biết múi giờ '{raw}'") from exc


def _positive_float(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("phải là một số, ví dụ 3") from None
    if value <= 0:
        raise ValueError("phải lớn hơn 0")
    return value


def _work_hours(raw: str) -> str:
    parse_periods(raw)
    return raw


def _log_level(raw: str) -> str:
    level = raw.upper()
    if level not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
        raise ValueError("phải là DEBUG, INFO, WARNING, ERROR hoặc CRITICAL")
    return level


def _database_url(raw: str) -> str:
    if "://" not in raw:
        raise ValueError("phải là URL, ví dụ sqlite:///data/cchc.db hoặc postgresql://…")
    return raw


def _telegram_token(raw: str) -> str:
    if raw and not _TOKEN.fullmatch(raw):
        raise ValueError("không đúng dạng mã bot của @BotFather (123456:ABC…)")
    return raw


def _http_url(raw: str) -> str:
    if raw and not raw.startswith(("http://", "https://")):
        raise ValueError("phải là URL bắt đầu bằng http:// hoặc https://")
    return raw


def _webhook_secret(raw: str) -> str:
    if raw and not _SECRET.fullmatch(raw):
        raise ValueError("1–256 ký tự, chỉ gồm A-Z a-z 0-9 _ -")
    return raw


def _chat_id(raw: str) -> str:
    if raw and not re.fullmatch(r"-?\d+", raw):
        raise ValueError("phải là số (mã nhóm Telegram, ví dụ -1001234567890)")
    return raw


def _id_list(raw: str) -> tuple[int, ...]:
    parts = [p.strip() for p in raw.split(",") if p.strip()]
    if not all(re.fullmatch(r"\d+", p) for p in parts):
        raise ValueError("phải là các mã số người dùng cách nhau bằng dấu phẩy, ví dụ 111,222")
    return tuple(int(p) for p in parts)


def _port(raw: str) -> int:
    try:
        value = int(raw)
    except ValueError:
        raise ValueError("phải là số cổng, ví dụ 8080") from None
    if not 0 <= value <= 65535:
        raise ValueError("phải nằm trong khoảng 0–65535")
    return value


def _rate(raw: str) -> float:
    try:
        value = float(raw)
    except ValueError:
        raise ValueError("phải là một số, ví dụ 30 (0 = không giới hạn)") from None
    if value < 0:
        raise ValueError("không được âm")
    return value


@dataclass(frozen=True)
class Spec:
    """One setting: its field name, parser, default (as text), help line, and secrecy."""

    field: str
    parse: Callable[[str], Any]
    default: str
    help: str
    secret: bool = False

    @property
    def env(self) -> str:
        return PREFIX + self.field.upper()


SPECS: tuple[Spec, ...] = (
    Spec(
        "database_url",
        _database_url,
        "sqlite:///data/cchc.db",
        "Database URL: SQLite file (default) or postgresql://user:pass@host/db",
        secret=True,
    ),
    Spec("knowledge_dir", Path, "knowledge", "Folder with agency.yaml, faq/, procedures/ …"),
    Spec("timezone", _timezone, "Asia/Ho_Chi_Minh", "Time zone for dates shown to people"),
    Spec(
        "answer_threshold",
        _float_0_1,
        "0.70",
        "Match score (0–1) from which the bot answers directly",
    ),
    Spec(
        "choice_threshold",
        _float_0_1,
        "0.10",
        "Match score (0–1) from which the bot offers a short choice instead of the hotline",
    ),
    Spec(
        "answer_margin",
        _float_0_1,
        "0.10",
        "How far (0–1) the best entry must be ahead of the next one to be answered directly",
    ),
    Spec(
        "review_max_age_days",
        _positive_int,
        "365",
        "`kb check` warns about entries whose `reviewed` date is older than this",
    ),
    Spec("log_level", _log_level, "INFO", "Logging level (DEBUG, INFO, WARNING, ERROR)"),
    Spec(
        "work_hours",
        _work_hours,
        "07:00-11:00,13:00-17:00",
        "Working hours on Monday–Friday (holidays come from knowledge/holidays.yaml)",
    ),
    Spec(
        "question_due_days",
        _positive_float,
        "3",
        "Working days staff have to answer a question handed to the hotline",
    ),
    Spec(
        "complaint_due_days",
        _positive_float,
        "10",
        "Working days staff have to answer a complaint (phản ánh, kiến nghị)",
    ),
    Spec("staff_name", str, "", "Name recorded for `queue` commands run without --by"),
    # --- the server (`cchc-bot run`) and the Telegram channel ---------------------------
    Spec(
        "telegram_token",
        _telegram_token,
        "",
        "Telegram bot token from @BotFather (empty: Telegram is off)",
        secret=True,
    ),
    Spec(
        "telegram_api_url",
        _http_url,
        "https://api.telegram.org/bot",
        "Bot API base URL (a self-hosted Bot API server or a test server)",
    ),
    Spec(
        "telegram_webhook_url",
        _http_url,
        "",
        "Public HTTPS URL Telegram posts updates to (empty: long polling)",
    ),
    Spec(
        "telegram_webhook_secret",
        _webhook_secret,
        "",
        "Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (required with a webhook)",
        secret=True,
    ),
    Spec("staff_chat_id", _chat_id, "", "Telegram group where staff see and answer new tickets"),
    Spec(
        "staff_telegram_ids",
        _id_list,
        "",
        "Telegram user ids (comma-separated) allowed to act on tickets from Telegram",
    ),
    Spec("http_host", str, "127.0.0.1", "Address the HTTP server (webhooks, /healthz) listens on"),
    Spec("http_port", _port, "8080", "Port of the HTTP server"),
    Spec("flood_limit", _positive_int, "20", "Messages per minute one citizen may send"),
    Spec(
        "telegram_max_rate",
        _rate,
        "30",
        "Messages per second the bot sends in all chats together (0 = no limit)",
    ),
    Spec(
        "telegram_chat_rate",
        _rate,
        "1",
        "Messages per second the bot sends to one chat (0 = no limit)",
    ),
)


@dataclass(frozen=True)
class Settings:
    database_url: str
    knowledge_dir: Path
    timezone: ZoneInfo
    answer_threshold: float
    choice_threshold: float
    answer_margin: float
    review_max_age_days: int
    log_level: str
    work_hours: str
    question_due_days: float
    complaint_due_days: float
    staff_name: str
    telegram_token: str
    telegram_api_url: str
    telegram_webhook_url: str
    telegram_webhook_secret: str
    staff_chat_id: str
    staff_telegram_ids: tuple[int, ...]
    http_host: str
    http_port: int
    flood_limit: int
    telegram_max_rate: float
    telegram_chat_rate: float

    def __repr__(self) -> str:
        secret = {s.field for s in SPECS if s.secret}
        parts = []
        for f in fields(self):
            value = getattr(self, f.name)
            shown = _masked(str(value)) if f.name in secret else repr(value)
            parts.append(f"{f.name}={shown}")
        return f"Settings({', '.join(parts)})"

    @classmethod
    def load(
        cls,
        environ: Mapping[str, str] | None = None,
        env_file: str | Path | None = ".env",
        **overrides: Any,
    ) -> Settings:
        """Build settings: explicit overrides > environment > `.env` file > defaults."""
        values = dict(read_env_file(env_file)) if env_file else {}
        values.update(os.environ if environ is None else environ)
        parsed: dict[str, Any] = {}
        problems: list[str] = []
        for spec in SPECS:
            if overrides.get(spec.field) is not None:
                parsed[spec.field] = overrides[spec.field]
                continue
            raw = values.get(spec.env, spec.default).strip()
            try:
                parsed[spec.field] = spec.parse(raw)
            except ValueError as exc:
                shown = "***" if spec.secret else repr(raw)
                problems.append(f"{spec.env}={shown}: {exc}")
        if not problems and parsed["choice_threshold"] > parsed["answer_threshold"]:
            problems.append(
                "CCHC_CHOICE_THRESHOLD phải nhỏ hơn hoặc bằng CCHC_ANSWER_THRESHOLD "
                f"({parsed['choice_threshold']} > {parsed['answer_threshold']})"
            )
        if (
            not problems
            and parsed["telegram_webhook_url"]
            and not parsed["telegram_webhook_secret"]
        ):
            problems.append(
                "CCHC_TELEGRAM_WEBHOOK_SECRET: bắt buộc khi đặt CCHC_TELEGRAM_WEBHOOK_URL "
                "(chuỗi ngẫu nhiên A-Z a-z 0-9 _ -, ví dụ tạo bằng: openssl rand -hex 32)"
            )
        if problems:
            raise SettingsError(problems)
        return cls(**parsed)


def _masked(value: str) -> str:
    """A secret for display: a URL keeps all but its password, anything else is `***`."""
    if "://" in value:
        return mask_url_password(value)
    return "'***'" if value else "''"


def read_env_file(path: str | Path) -> dict[str, str]:
    """`KEY=value` lines of a `.env` file (missing file = nothing); `#` starts a comment."""
    file = Path(path)
    if not file.is_file():
        return {}
    out: dict[str, str] = {}
    for line in file.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        out[key.strip().removeprefix("export ").strip()] = value
    return out
