"""The Telegram channel (python-telegram-bot 22): citizens, the staff group, the webhook."""

from cchc_bot.channels.telegram.channel import (
    DEFAULT_API_URL,
    TelegramChannel,
    TelegramConfig,
    build_application,
)

__all__ = ["DEFAULT_API_URL", "TelegramChannel", "TelegramConfig", "build_application"]
