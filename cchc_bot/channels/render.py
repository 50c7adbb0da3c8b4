"""Rendering shared by the channels: splitting long texts, and, for channels without
buttons, choices as numbered lines ("Trả lời 1, 2 hoặc 3").

`render_for(reply, caps)` is the one rendering every channel uses; what it does is decided
by the channel's `Capabilities`, not by which channel asks:
- `caps.html`: text HTML-escaped (our own HTML kept) with a plain fallback per part, else
  plain text (our HTML reduced to text);
- `caps.buttons`: the choices as button rows on the last part, else numbered lines at its
  end (or a part of their own when they do not fit);
- parts cut at paragraph, then line, then word boundaries within `caps.max_text`.
`plain_parts(reply, caps)` is the same as plain texts (Zalo, benchmarks).
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, replace

from cchc_bot import texts
from cchc_bot.channels.capabilities import Capabilities
from cchc_bot.messages import Reply

HOTLINE_CODE = "/hotline"
RATING_PREFIX = "/danhgia"
ButtonRows = tuple[tuple[tuple[str, str], ...], ...]  # rows of (label, code)
_TAG = re.compile(r"<[^>]+>")
_SEPARATORS = ("\n\n", "\n", " ")


def units(text: str) -> int:
    """Length in UTF-16 code units (as Telegram counts; never less than Zalo's count)."""
    return len(text.encode("utf-16-le")) // 2


def split_text(text: str, limit: int) -> list[str]:
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
    """HTML as plain text."""
    return html.unescape(_TAG.sub("", markup))


@dataclass(frozen=True)
class Part:
    """One message to send: `text` in `parse_mode` ("HTML" or None) and its plain fallback."""

    text: str
    parse_mode: str | None
    plain: str
    buttons: ButtonRows = ()


def button_rows(choices: tuple[tuple[str, str], ...]) -> ButtonRows:
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


def render_for(reply: Reply, caps: Capabilities) -> list[Part]:
    """The messages for one reply on a channel that can do what `caps` says."""
    plain = reply.format != "html"
    text = reply.text if plain or caps.html else strip_tags(reply.text)
    chunks = split_text(text, caps.max_text) if text.strip() else []
    if reply.choices and not caps.buttons:  # numbered lines, kept together at the end
        block = numbered(replace(reply, text="")).strip()
        block = html.escape(block, quote=False) if caps.html and not plain else block
        if chunks and units(f"{chunks[-1]}\n\n{block}") <= caps.max_text:
            chunks[-1] = f"{chunks[-1]}\n\n{block}"
        else:
            chunks += split_text(block, caps.max_text)
    chunks = chunks or [text.strip() or "…"]
    if not caps.html:
        parts = [Part(c, None, c) for c in chunks]
    elif plain:
        parts = [Part(html.escape(c, quote=False), "HTML", c) for c in chunks]
    else:
        parts = [Part(c, "HTML", strip_tags(c)) for c in chunks]
    if reply.choices and caps.buttons:
        last = parts[-1]
        parts[-1] = Part(last.text, last.parse_mode, last.plain, button_rows(reply.choices))
    return parts


def plain_parts(reply: Reply, caps: Capabilities) -> list[str]:
    """The messages for one reply as plain texts (`render_for` on a channel without HTML).

    The numbered choices and the "Trả lời …" hint stay together at the end of the last
    part (or make a part of their own when they do not fit there).
    """
    return [part.plain for part in render_for(reply, replace(caps, html=False))]


def _numbers_phrase(count: int) -> str:
    numbers = [str(i) for i in range(1, count + 1)]
    if len(numbers) == 1:
        return numbers[0]
    return ", ".join(numbers[:-1]) + texts.CHOICE_OR + numbers[-1]


def numbered(reply: Reply) -> str:
    """The reply text followed by '1. …', '2. …' and how to answer; the hotline choice is 0."""
    if not reply.choices:
        return reply.text
    lines = [reply.text, ""]
    picks = [(label, code) for label, code in reply.choices if code != HOTLINE_CODE]
    lines.extend(f"{i}. {label}" for i, (label, _) in enumerate(picks, 1))
    hotline = [label for label, code in reply.choices if code == HOTLINE_CODE]
    if hotline:
        lines.append(f"0. {hotline[0]}")
        lines.append("")
        if picks:
            lines.append(texts.CHOICES_HINT.format(numbers=_numbers_phrase(len(picks))))
        else:  # only "send to staff" (after a 👎): nothing to number from 1
            lines.append(texts.HOTLINE_ONLY_HINT)
    elif len(picks) > 1:
        lines.append("")
        lines.append(texts.PICK_HINT.format(numbers=_numbers_phrase(len(picks))))
    else:
        lines.append("")
        lines.append(texts.PICK_ONE_HINT)
    return "\n".join(lines)


def notice_parts(text: str, caps: Capabilities) -> list[str]:
    """A broadcast notice as the messages a channel sends (plain text, cut at its limit)."""
    text = text.strip()
    return split_text(text, caps.max_text) or [text or "…"]
