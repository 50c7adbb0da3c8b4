"""The Zalo channels: Zalo Bot Platform (`ZaloBotChannel`) and Zalo Official Account
(`ZaloOaChannel`), on our own small httpx clients (no third-party Zalo SDK)."""

from cchc_bot.channels.zalo.bot_channel import SECRET_HEADER, ZaloBotChannel
from cchc_bot.channels.zalo.config import ZaloBotConfig, ZaloOaConfig
from cchc_bot.channels.zalo.oa_channel import ZaloOaChannel

__all__ = ["SECRET_HEADER", "ZaloBotChannel", "ZaloBotConfig", "ZaloOaChannel", "ZaloOaConfig"]
