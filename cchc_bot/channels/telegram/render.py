"""Turning a `Reply` into Telegram messages: HTML escaping, splitting, button rows.

Pure functions (no network). Telegram allows 4,096 characters per message after entity
parsing, counted in UTF-16 code units; parts are cut at paragraph, then line, then word
boundaries below `MAX_CHARS`, and the buttons go on the last part.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

from cchc_bot.messages import Reply

MAX_CHARS = 4000  # below Telegram's 4,096, so a few entities or emoji never push us over
CALLBACK_MAX_BYTES = 64
RATING_PREFIX = "/danhgia"
_TAG = re.compile(r"<[^>]+>")
_SEPARATORS = ("\n\n", "\n", " ")


@dataclass(frozen=True)
class Part:
    """One message to send: `text` in `parse_mode` ("HTML" or None) and its plain fallback."""

    text: str
    parse_mode: str | None
    plain: str
    buttons: tuple[tuple[tuple[str, str], ...], ...] = ()  # rows of (label, code)


def units(text: str) -> int:
    """Length as Telegram counts it (UTF-16 code units)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int = MAX_CHARS) -> list[str]:
    """Cut `text` into parts of at most `limit` units at the largest boundary that fits."""
    if units(text) <= limit:
        return [text]
    return [p for p in _split(text, limit, 0) if p.strip()]


def _split(text: str, limit: int, level: int) -> list[str]:
    if units(text) <= limit:
        return [text]
    if level >= len(_SEPARATORS):
        return _hard_cut(text, limit)
    sep = _SEPARATORS[level]
    parts: list[str] = []
    current = ""
    for piece in text.split(sep):
        candidate = f"{current}{sep}{piece}" if current else piece
        if units(candidate) <= limit:
            current = candidate
            continue
        if current:
            parts.append(current)
        if units(piece) <= limit:
            current = piece
        else:
            parts.extend(_split(piece, limit, level + 1))
            current = ""
    if current:
        parts.append(current)
    return parts


def _hard_cut(text: str, limit: int) -> list[str]:
    parts: list[str] = []
    start = size = 0
    for i, char in enumerate(text):
        width = 2 if ord(char) > 0xFFFF else 1
        if size + width > limit:
            parts.append(text[start:i])
            start, size = i, 0
        size += width
    return [*parts, text[start:]] if start < len(text) else parts


def strip_tags(markup: str) -> str:
    """HTML as plain text (for the fallback when Telegram cannot parse our markup)."""
    return html.unescape(_TAG.sub("", markup))


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
