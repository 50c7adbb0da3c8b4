"""The `CCHC_*` settings as data: one :class:`Spec` per variable (parser, default, help line).

:mod:`cchc_bot.settings` reads them into :class:`~cchc_bot.settings.Settings`; the README's
table of variables is checked against :data:`SPECS`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cchc_bot import settings_parsers as parse

PREFIX = "CCHC_"


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
        "0.47",
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
        "threads",
        parse.positive_int,
        "3",
        "Threads of `cchc-bot run` for blocking work: answers and database calls",
    ),
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
        parse.optional_positive_int,
        "",
        "Zalo Bot plan: messages a month, both directions (empty: the plan quota the Zalo"
        " channel reports, 3,000 Basic); a notice that would pass it is skipped",
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
