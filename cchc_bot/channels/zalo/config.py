"""The settings of the two Zalo channels, as frozen values (secrets never in `repr`)."""

from __future__ import annotations

from dataclasses import dataclass, fields
from typing import Any
from urllib.parse import urlsplit

from cchc_bot.settings import Settings

DEFAULT_BOT_API_URL = "https://bot-api.zaloplatforms.com/bot"
DEFAULT_OA_API_URL = "https://openapi.zalo.me"
DEFAULT_OA_OAUTH_URL = "https://oauth.zaloapp.com/v4/oa"
_SECRETS = {"token", "webhook_secret", "secret", "access_token", "refresh_token"}


def _repr(value: object) -> str:
    shown = [
        f"{f.name}={getattr(value, f.name)!r}"
        for f in fields(value)  # type: ignore[arg-type]
        if f.name not in _SECRETS
    ]
    return f"{type(value).__name__}({', '.join(shown)})"


def staff_chat(settings: Settings) -> str | None:
    """The Telegram staff group, when the Telegram channel runs to reach it."""
    return settings.staff_chat_id if settings.telegram_token and settings.staff_chat_id else None


@dataclass(frozen=True, repr=False)
class ZaloBotConfig:
    token: str
    api_url: str = DEFAULT_BOT_API_URL
    webhook_url: str = ""
    webhook_secret: str = ""
    flood_limit: int = 20
    max_rate: float = 10.0
    chat_rate: float = 1.0
    staff_chat: str | None = None
    typing_delay: float = 0.5  # show "typing…" only when an answer takes longer than this
    poll_timeout: int = 30
    drain_timeout: float = 25.0
    concurrency: int = 64

    __repr__ = _repr

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> ZaloBotConfig:
        values: dict[str, Any] = {
            "token": settings.zalo_bot_token,
            "api_url": settings.zalo_bot_api_url,
            "webhook_url": settings.zalo_bot_webhook_url,
            "webhook_secret": settings.zalo_bot_webhook_secret,
            "flood_limit": settings.flood_limit,
            "max_rate": settings.zalo_max_rate,
            "chat_rate": settings.zalo_chat_rate,
            "staff_chat": staff_chat(settings),
        }
        return cls(**(values | overrides))

    @property
    def webhook_path(self) -> str:
        """The route the HTTP server serves: the path of the public webhook URL."""
        return urlsplit(self.webhook_url).path or "/"


@dataclass(frozen=True, repr=False)
class ZaloOaConfig:
    app_id: str
    secret: str
    refresh_token: str
    access_token: str = ""
    webhook_secret: str = ""
    api_url: str = DEFAULT_OA_API_URL
    oauth_url: str = DEFAULT_OA_OAUTH_URL
    webhook_path: str = "/zalo/oa/webhook"
    max_age: float = 900.0
    window_hours: float = 48.0
    window_replies: int = 8
    paid_route: str = "off"
    flood_limit: int = 20
    max_rate: float = 10.0
    chat_rate: float = 1.0
    staff_chat: str | None = None
    drain_timeout: float = 25.0
    concurrency: int = 64

    __repr__ = _repr

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> ZaloOaConfig:
        values: dict[str, Any] = {
            "app_id": settings.zalo_oa_app_id,
            "secret": settings.zalo_oa_secret,
            "refresh_token": settings.zalo_oa_refresh_token,
            "access_token": settings.zalo_oa_access_token,
            "webhook_secret": settings.zalo_oa_webhook_secret,
            "api_url": settings.zalo_oa_api_url,
            "oauth_url": settings.zalo_oa_oauth_url,
            "webhook_path": settings.zalo_oa_webhook_path,
            "max_age": float(settings.zalo_oa_webhook_max_age),
            "window_hours": settings.zalo_oa_reply_window_hours,
            "window_replies": settings.zalo_oa_window_replies,
            "paid_route": settings.zalo_oa_paid_route,
            "flood_limit": settings.flood_limit,
            "max_rate": settings.zalo_max_rate,
            "chat_rate": settings.zalo_chat_rate,
            "staff_chat": staff_chat(settings),
        }
        return cls(**(values | overrides))

    @property
    def signature_keys(self) -> tuple[str, ...]:
        """Keys a webhook signature may be made with (the webhook page's, the app's)."""
        return tuple(k for k in (self.webhook_secret, self.secret) if k)
