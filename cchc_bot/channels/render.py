"""Rendering a Reply for channels without buttons: choices become numbered lines."""

from __future__ import annotations

from cchc_bot import texts
from cchc_bot.messages import Reply

HOTLINE_CODE = "/hotline"


def _numbers_phrase(count: int) -> str:
    numbers = [str(i) for i in range(1, count + 1)]
    if len(numbers) == 1:
        return numbers[0]
    return ", ".join(numbers[:-1]) + " hoặc " + numbers[-1]


def numbered(reply: Reply) -> str:
    """The reply text followed by '1. …', '2. …' and how to answer; the hotline choice is 0."""
    if not reply.choices:
        return reply.text
    lines = [reply.text, ""]
    picks = [(label, code) for label, code in reply.choices if code != HOTLINE_CODE]
    lines.extend(f"{i}. {label}" for i, (label, _) in enumerate(picks, 1))
    has_hotline = len(picks) != len(reply.choices)
    if has_hotline:
        lines.append(f"0. {texts.CHOICE_NONE_LABEL}")
        lines.append("")
        lines.append(texts.CHOICES_HINT.format(numbers=_numbers_phrase(len(picks))))
    elif len(picks) > 1:
        lines.append("")
        lines.append(texts.PICK_HINT.format(numbers=_numbers_phrase(len(picks))))
    else:
        lines.append("")
        lines.append(texts.PICK_ONE_HINT)
    return "\n".join(lines)
