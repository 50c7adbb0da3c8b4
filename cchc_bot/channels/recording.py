"""A notifier that records what it would send (tests, dry runs, demos)."""

from __future__ import annotations

from dataclasses import dataclass, field

from cchc_bot.hotline import RecipientGone


@dataclass
class RecordingNotifier:
    """Keeps every (chat_id, text) it is asked to send; chats in `gone` raise RecipientGone."""

    channel: str
    sent: list[tuple[str, str]] = field(default_factory=list)
    gone: set[str] = field(default_factory=set)

    def send(self, chat_id: str, text: str) -> None:
        if chat_id in self.gone:
            raise RecipientGone(f"chat {chat_id} blocked the bot")
        self.sent.append((chat_id, text))
