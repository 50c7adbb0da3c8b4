"""Channels adapt platforms (console, Telegram, Zalo) to the engine's Incoming/Reply."""
