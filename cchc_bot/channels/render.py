"""Rendering shared by the channels: splitting long texts, and, for channels without
buttons, choices as numbered lines ("Trả lời 1, 2 hoặc 3").

`plain_parts(reply, caps)` is the whole rendering for a plain-text channel (Zalo, console):
numbered choices, HTML reduced to text, parts cut at paragraph, then line, then word
boundaries within the channel's `max_text`.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace

from cchc_bot import texts
from cchc_bot.channels.capabilities import Capabilities
from cchc_bot.messages import Reply

HOTLINE_CODE = "/hotline"
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


def plain_parts(reply: Reply, caps: Capabilities) -> list[str]:
    """The messages for one reply on a channel without buttons or HTML.

    The numbered choices and the "Trả lời …" hint stay together at the end of the last
    part (or make a part of their own when they do not fit there).
    """
    body = strip_tags(reply.text) if reply.format == "html" and not caps.html else reply.text
    parts = split_text(body, caps.max_text) if body.strip() else []
    if reply.choices:
        block = numbered(replace(reply, text="")).strip()
        if parts and units(f"{parts[-1]}\n\n{block}") <= caps.max_text:
            parts[-1] = f"{parts[-1]}\n\n{block}"
        else:
            parts += split_text(block, caps.max_text)
    return parts or [body.strip() or "…"]


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
