"""The two types every channel shares with the engine: what came in and what goes out."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

ReplyFormat = Literal["plain", "html"]


@dataclass(frozen=True)
class Incoming:
    """A citizen's message as any channel sees it (ids are strings on every platform)."""

    channel: str
    chat_id: str
    user_id: str
    text: str
    message_id: str | None = None
    display_name: str | None = None


@dataclass(frozen=True)
class Reply:
    """What the bot says back.

    `choices` are (label, code) pairs: Telegram shows them as buttons whose callback data is
    the code; Zalo and the console show numbered lines, and a number typed back selects the
    choice with that position. Codes are short ASCII commands such as `/a ban-sao-van-bang`.
    The remaining fields describe the decision, for logs, tests and `--json` output.
    """

    text: str
    choices: tuple[tuple[str, str], ...] = ()
    format: ReplyFormat = "plain"
    decision: str = "answer"
    entry_id: str | None = None
    aspect: str | None = None
    score: float | None = None
    ticket_number: str | None = None
    candidates: tuple[tuple[str, str, float], ...] = field(default=())  # (id, title, score)
