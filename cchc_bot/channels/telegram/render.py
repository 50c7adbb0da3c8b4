"""Turning a `Reply` into Telegram messages: HTML escaping, splitting, button rows.

Pure functions (no network). Telegram allows 4,096 characters per message after entity
parsing, counted in UTF-16 code units; parts are cut at paragraph, then line, then word
boundaries below `MAX_CHARS` (`capabilities.TELEGRAM.max_text`, the splitter is shared with
the other channels in `channels/render.py`), and the buttons go on the last part.
"""

from __future__ import annotations

import html
from dataclasses import dataclass

from cchc_bot.channels.capabilities import TELEGRAM
from cchc_bot.channels.render import split_text, strip_tags, units
from cchc_bot.messages import Reply

MAX_CHARS = TELEGRAM.max_text  # below Telegram's 4,096, so entities or emoji never push us over
CALLBACK_MAX_BYTES = 64
RATING_PREFIX = "/danhgia"
__all__ = ["MAX_CHARS", "Part", "render", "split_text", "strip_tags", "units"]


@dataclass(frozen=True)
class Part:
    """One message to send: `text` in `parse_mode` ("HTML" or None) and its plain fallback."""

    text: str
    parse_mode: str | None
    plain: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()  # rows of (label, code)


def button_rows(choices: tuple[tuple[str, str], ...]) -> tuple[tuple[tuple[str, str], ...], ...]:
    """One choice per row (labels are long titles); the 👍/👎 pair shares one row."""
    rows: list[tuple[tuple[str, str], ...]] = []
    ratings = tuple(c for c in choices if c[1].startswith(RATING_PREFIX))
    for choice in choices:
        if choice[1].startswith(RATING_PREFIX):
            if choice is ratings[0]:
                rows.append(ratings)
            continue
        rows.append((choice,))
    return tuple(rows)


def render(reply: Reply, limit: int = MAX_CHARS) -> list[Part]:
    """The messages for one reply: escaped HTML parts, buttons on the last one."""
    if reply.format == "html":
        chunks = split_text(reply.text, limit)
        parts = [Part(c, "HTML", strip_tags(c)) for c in chunks]
    else:
        chunks = split_text(reply.text, limit)
        parts = [Part(html.escape(c, quote=False), "HTML", c) for c in chunks]
    if not parts:
        parts = [Part(html.escape(reply.text or "…"), "HTML", reply.text or "…")]
    if reply.choices:
        last = parts[-1]
        parts[-1] = Part(last.text, last.parse_mode, last.plain, button_rows(reply.choices))
    return parts


def fits_callback(code: str) -> bool:
    return 0 < len(code.encode("utf-8")) <= CALLBACK_MAX_BYTES
