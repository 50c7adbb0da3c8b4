"""Hiding secrets and personal data before text reaches logs, screens, exports or reports."""

from __future__ import annotations

import re

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/?#@]*:)[^@/?#]*@")
_EMAIL = re.compile(r"\b([A-Za-z0-9])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})\b")
# Vietnamese phone numbers: 0xx… or +84/84 followed by 9 digits, with optional separators.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9,10}(?!\d)")
# Citizen ID (CCCD, 12 digits) and the older ID card (CMND, 9 digits).
_ID_NUMBER = re.compile(r"(?<!\d)(?:\d{12}|\d{9})(?!\d)")


def mask_url_password(url: str) -> str:
    """`postgresql://u:secret@h/db` → `postgresql://u:***@h/db`; URLs without one stay."""
    return _PASSWORD_IN_URL.sub(r"\g<head>***@", url)


def _keep_ends(digits: str, head: int, tail: int) -> str:
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    prefix = "+" if match.group(0).startswith("+") else ""
    return prefix + _keep_ends(digits, 2, 2)


def mask_personal(text: str) -> str:
    """Mask phone numbers, CCCD/CMND numbers and e-mail addresses in a citizen's text.

    '0912 345 678' → '09******78', '001203004589' → '0012******89' … enough stays visible for
    staff to recognise a number they already know, nothing that identifies a person.
    """
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
    text = _PHONE.sub(_mask_phone, text)
    return _ID_NUMBER.sub(
        lambda m: _keep_ends(m.group(0), 4 if len(m.group(0)) == 12 else 2, 2), text
    )
