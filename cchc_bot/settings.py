"""Settings from `CCHC_*` environment variables (and an optional `.env`), declared once as data."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from cchc_bot import settings_parsers as parse
from cchc_bot.redact import mask_url_password

PREFIX = "CCHC_"


class SettingsError(Exception):
    """One or more settings are missing or invalid; the message lists every problem."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = tuple(problems)
        lines = "\n".join(f"  - {p}" for p in problems)
        super().__init__(f"Cấu hình không hợp lệ ({len(problems)} lỗi):\n{lines}")


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
        parse.database_url,
        "sqlite:///data/cchc.db",
        "Database URL: SQLite file (default) or postgresql://user:pass@host/db",
        secret=True,
    ),
    Spec("knowledge_dir", Path, "knowledge", "Folder with agency.yaml, faq/, procedures/ …"),
    Spec("timezone", parse.timezone, "Asia/Ho_Chi_Minh", "Time zone for dates shown to people"),
    Spec(
        "answer_threshold",
        parse.float_0_1,
        "0.70",
        "Match score (0–1) from which the bot answers directly",
    ),
    Spec(
        "choice_threshold",
        parse.float_0_1,
        "0.10",
        "Match score (0–1) from which the bot offers a short choice instead of the hotline",
    ),
    Spec(
        "answer_margin",
        parse.float_0_1,
        "0.10",
        "How far (0–1) the best entry must be ahead of the next one to be answered directly",
    ),
    Spec(
        "review_max_age_days",
        parse.positive_int,
        "365",
        "`kb check` warns about entries whose `reviewed` date is older than this",
    ),
    Spec("log_level", parse.log_level, "INFO", "Logging level (DEBUG, INFO, WARNING, ERROR)"),
    Spec(
        "work_hours",
        parse.work_hours,
        "07:00-11:00,13:00-17:00",
        "Working hours on Monday–Friday (holidays come from knowledge/holidays.yaml)",
    ),
    Spec(
        "question_due_days",
        parse.positive_float,
        "3",
        "Working days staff have to answer a question handed to the hotline",
    ),
    Spec(
        "complaint_due_days",
        parse.positive_float,
        "10",
        "Working days staff have to answer a complaint (phản ánh, kiến nghị)",
    ),
    Spec("staff_name", str, "", "Name recorded for `queue` commands run without --by"),
    # --- the server (`cchc-bot run`) and the Telegram channel ---------------------------
    Spec(
        "telegram_token",
        parse.telegram_token,
        "",
        "Telegram bot token from @BotFather (empty: Telegram is off)",
        secret=True,
    ),
    Spec(
        "telegram_api_url",
        parse.http_url,
        "https://api.telegram.org/bot",
        "Bot API base URL (a self-hosted Bot API server or a test server)",
    ),
    Spec(
        "telegram_webhook_url",
        parse.http_url,
        "",
        "Public HTTPS URL Telegram posts updates to (empty: long polling)",
    ),
    Spec(
        "telegram_webhook_secret",
        parse.webhook_secret,
        "",
        "Secret Telegram sends in X-Telegram-Bot-Api-Secret-Token (required with a webhook)",
        secret=True,
    ),
    Spec(
        "staff_chat_id", parse.chat_id, "", "Telegram group where staff see and answer new tickets"
    ),
    Spec(
        "staff_telegram_ids",
        parse.id_list,
        "",
        "Telegram user ids (comma-separated) allowed to act on tickets from Telegram",
    ),
    Spec("http_host", str, "127.0.0.1", "Address the HTTP server (webhooks, /healthz) listens on"),
    Spec("http_port", parse.port, "8080", "Port of the HTTP server"),
    Spec("flood_limit", parse.positive_int, "20", "Messages per minute one citizen may send"),
    Spec(
        "telegram_max_rate",
        parse.rate,
        "30",
        "Messages per second the bot sends in all chats together (0 = no limit)",
    ),
    Spec(
        "telegram_chat_rate",
        parse.rate,
        "1",
        "Messages per second the bot sends to one chat (0 = no limit)",
    ),
    # --- the Zalo channels: Zalo Bot Platform and Zalo Official Account ------------------
    Spec(
        "zalo_bot_token",
        parse.opaque,
        "",
        "Zalo Bot Platform token from Zalo Bot Creator (empty: the Zalo bot is off)",
        secret=True,
    ),
    Spec(
        "zalo_bot_api_url",
        parse.http_url,
        "https://bot-api.zaloplatforms.com/bot",
        "Zalo Bot API base URL; `<token>/<method>` is appended (a test server: change this)",
    ),
    Spec(
        "zalo_bot_webhook_url",
        parse.http_url,
        "",
        "Public HTTPS URL Zalo posts bot events to (empty: long polling, development only)",
    ),
    Spec(
        "zalo_bot_webhook_secret",
        parse.zalo_secret,
        "",
        "Secret Zalo sends in X-Bot-Api-Secret-Token (8–256 characters; required with a webhook)",
        secret=True,
    ),
    Spec(
        "zalo_oa_app_id",
        parse.opaque,
        "",
        "Zalo Official Account: the app id in Zalo for Developers (empty: the OA is off)",
    ),
    Spec(
        "zalo_oa_secret",
        parse.opaque,
        "",
        "The app's secret key (token refresh; also checks webhook signatures)",
        secret=True,
    ),
    Spec(
        "zalo_oa_webhook_secret",
        parse.opaque,
        "",
        "The webhook page's OA Secret Key, if it differs from CCHC_ZALO_OA_SECRET",
        secret=True,
    ),
    Spec(
        "zalo_oa_access_token",
        parse.opaque,
        "",
        "Initial OA access token (later ones are refreshed and kept in the database)",
        secret=True,
    ),
    Spec(
        "zalo_oa_refresh_token",
        parse.opaque,
        "",
        "Initial OA refresh token (single-use; rotated ones are kept in the database)",
        secret=True,
    ),
    Spec("zalo_oa_api_url", parse.http_url, "https://openapi.zalo.me", "Zalo OA API base URL"),
    Spec(
        "zalo_oa_oauth_url",
        parse.http_url,
        "https://oauth.zaloapp.com/v4/oa",
        "Zalo OA OAuth base URL (the token endpoint is its /access_token)",
    ),
    Spec(
        "zalo_oa_webhook_path",
        parse.url_path,
        "/zalo/oa/webhook",
        "Path the server answers OA events on (the webhook URL set in Zalo for Developers)",
    ),
    Spec(
        "zalo_oa_webhook_max_age",
        parse.positive_int,
        "900",
        "OA events whose signed timestamp is older (or newer) than this many seconds are refused",
    ),
    Spec(
        "zalo_oa_reply_window_hours",
        parse.positive_float,
        "48",
        "Hours after a citizen's last message in which the OA may reply for free",
    ),
    Spec(
        "zalo_oa_window_replies",
        parse.positive_int,
        "8",
        "Free replies the OA may send in that window",
    ),
    Spec(
        "zalo_oa_paid_route",
        parse.paid_route,
        "off",
        "Outside the window: off (hold until the citizen writes), transaction or promotion",
    ),
    Spec(
        "zalo_max_rate",
        parse.rate,
        "10",
        "Messages per second each Zalo channel sends in all chats together (0 = no limit)",
    ),
    Spec(
        "zalo_chat_rate",
        parse.rate,
        "1",
        "Messages per second a Zalo channel sends to one chat (0 = no limit)",
    ),
    # --- broadcasts: monthly notices to subscribers ---------------------------------------
    Spec(
        "broadcast_telegram_rate",
        parse.rate,
        "25",
        "Broadcasts: messages per second to Telegram in all chats together (0 = no limit)",
    ),
    Spec(
        "broadcast_zalo_rate",
        parse.rate,
        "5",
        "Broadcasts: messages per second to each Zalo channel (0 = no limit)",
    ),
    Spec(
        "broadcast_chat_rate",
        parse.rate,
        "1",
        "Broadcasts: messages per second to one chat (a notice in several parts)",
    ),
    Spec(
        "broadcast_zalo_quota",
        parse.positive_int,
        "3000",
        "Zalo Bot plan: messages a month, both directions; a notice that would pass it is skipped",
    ),
    Spec(
        "broadcast_catchup_days",
        parse.positive_float,
        "3",
        "After downtime, notices due at most this many days ago are still sent (older: missed)",
    ),
    Spec(
        "broadcast_interval",
        parse.positive_float,
        "60",
        "Seconds between the broadcast scheduler's wake-ups in `cchc-bot run`",
    ),
    Spec(
        "broadcast_journal_dir",
        Path,
        "data/broadcast-journal",
        "Folder of the send journals (crash recovery without duplicates; a persistent disk)",
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
    zalo_bot_token: str
    zalo_bot_api_url: str
    zalo_bot_webhook_url: str
    zalo_bot_webhook_secret: str
    zalo_oa_app_id: str
    zalo_oa_secret: str
    zalo_oa_webhook_secret: str
    zalo_oa_access_token: str
    zalo_oa_refresh_token: str
    zalo_oa_api_url: str
    zalo_oa_oauth_url: str
    zalo_oa_webhook_path: str
    zalo_oa_webhook_max_age: int
    zalo_oa_reply_window_hours: float
    zalo_oa_window_replies: int
    zalo_oa_paid_route: str
    zalo_max_rate: float
    zalo_chat_rate: float
    broadcast_telegram_rate: float
    broadcast_zalo_rate: float
    broadcast_chat_rate: float
    broadcast_zalo_quota: int
    broadcast_catchup_days: float
    broadcast_interval: float
    broadcast_journal_dir: Path

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
        if not problems:
            problems += _zalo_problems(parsed)
        if problems:
            raise SettingsError(problems)
        return cls(**parsed)


def _zalo_problems(parsed: dict[str, Any]) -> list[str]:
    """Settings that only make sense together (a webhook needs its secret …)."""
    problems = []
    if parsed["zalo_bot_webhook_url"] and not parsed["zalo_bot_webhook_secret"]:
        problems.append(
            "CCHC_ZALO_BOT_WEBHOOK_SECRET: bắt buộc khi đặt CCHC_ZALO_BOT_WEBHOOK_URL "
            "(8–256 ký tự A-Z a-z 0-9 _ -, ví dụ tạo bằng: openssl rand -hex 32)"
        )
    if parsed["zalo_oa_app_id"]:
        for name in ("zalo_oa_secret", "zalo_oa_refresh_token"):
            if not parsed[name]:
                problems.append(f"CCHC_{name.upper()}: bắt buộc khi đặt CCHC_ZALO_OA_APP_ID")
    return problems


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
