"""Turning a `Reply` into Telegram messages: `render_for` with Telegram's capabilities.

Pure functions (no network). Telegram allows 4,096 characters per message after entity
parsing, counted in UTF-16 code units; parts are cut at paragraph, then line, then word
boundaries below `MAX_CHARS` (`capabilities.TELEGRAM.max_text`), HTML-escaped, and the
choices go as button rows on the last part — because `TELEGRAM` says `html` and `buttons`;
the rendering itself is shared with the other channels (`channels/render.py`).
"""

from __future__ import annotations

from dataclasses import replace

from cchc_bot.channels.capabilities import TELEGRAM
from cchc_bot.channels.render import (
    RATING_PREFIX,
    Part,
    button_rows,
    render_for,
    split_text,
    strip_tags,
    units,
)
from cchc_bot.messages import Reply

MAX_CHARS = TELEGRAM.max_text  # below Telegram's 4,096, so entities or emoji never push us over
CALLBACK_MAX_BYTES = 64
__all__ = [
    "MAX_CHARS",
    "RATING_PREFIX",
    "Part",
    "button_rows",
    "render",
    "split_text",
    "strip_tags",
    "units",
]


def render(reply: Reply, limit: int = MAX_CHARS) -> list[Part]:
    """The messages for one reply: escaped HTML parts, buttons on the last one."""
    caps = TELEGRAM if limit == TELEGRAM.max_text else replace(TELEGRAM, max_text=limit)
    return render_for(reply, caps)


def fits_callback(code: str) -> bool:
    return 0 < len(code.encode("utf-8")) <= CALLBACK_MAX_BYTES
