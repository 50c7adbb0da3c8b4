"""Hiding secrets and personal data before text reaches logs, screens, exports or reports."""

from __future__ import annotations

import re

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/?#@]*:)[^@/?#]*@")
# E-mail addresses, Vietnamese letters included ("ánh@gmail.com"): the first character stays.
_EMAIL = re.compile(r"(?<![\w.%+-])([^\W_])[\w.%+-]*(@[\w-]+(?:\.[\w-]+)*\.[^\W\d_]{2,})")
# Vietnamese phone numbers: 0xx… or +84/84 followed by 9 digits, with optional separators.
_PHONE = re.compile(r"(?<!\d)(?:\+?84|0)(?:[\s.\-]?\d){9,10}(?!\d)")
# Citizen ID (CCCD, 12 digits) and the older ID card (CMND, 9 digits), written in one run or
# in groups ("079 123 456 789", "079.123.456.789", "0791-2345-6789").
_ID_NUMBER = re.compile(
    r"(?<!\d)(?<!\d[.,])(?:\d{12}|\d{9}|\d{2,4}(?:[ .\-]\d{2,4})+)(?!\d|[.,]\d)"
)
_ID_LENGTHS = {12: 4, 9: 2}  # digits → how many stay visible at the start
_CODE_TRIM = "()[]{}<>,;:!?\"'«»“”"


def mask_url_password(url: str) -> str:
    """`postgresql://u:secret@h/db` → `postgresql://u:***@h/db`; URLs without one stay."""
    return _PASSWORD_IN_URL.sub(r"\g<head>***@", url)


def _keep_ends(digits: str, head: int, tail: int) -> str:
    return digits[:head] + "*" * (len(digits) - head - tail) + digits[-tail:]


def _mask_phone(match: re.Match[str]) -> str:
    digits = re.sub(r"\D", "", match.group(0))
    prefix = "+" if match.group(0).startswith("+") else ""
    return prefix + _keep_ends(digits, 2, 2)


def _mask_id(match: re.Match[str]) -> str:
    """A 12- or 9-digit number, or the longest run of its first groups that is one."""
    groups = re.split(r"[ .\-]", match.group(0))
    for end in range(len(groups), 0, -1):
        digits = "".join(groups[:end])
        if len(digits) in _ID_LENGTHS and (end == len(groups) or end > 1):
            masked = _keep_ends(digits, _ID_LENGTHS[len(digits)], 2)
            rest = match.group(0)[len(" ".join(groups[:end])) :]
            return masked + rest
    return match.group(0)


def mask_personal(text: str) -> str:
    """Mask phone numbers, CCCD/CMND numbers and e-mail addresses in a citizen's text.

    '0912 345 678' → '09******78', '001203004589' or '001 203 004 589' → '0012******89' …
    enough stays visible for staff to recognise a number they already know, nothing that
    identifies a person.
    """
    text = _EMAIL.sub(lambda m: f"{m.group(1)}***{m.group(2)}", text)
    text = _PHONE.sub(_mask_phone, text)
    return _ID_NUMBER.sub(_mask_id, text)


def _is_code(token: str) -> bool:
    """A ticket or dossier code ('HD123', 'HD-2026-00042', '000.00.15.H12-241105-0001')."""
    token = token.strip(_CODE_TRIM)
    digits = sum(c.isdigit() for c in token)
    return "/" not in token and digits >= 2 and any(c.isalpha() for c in token)


def has_personal_data(text: str) -> bool:
    """Whether the text carries something about one person: a phone, CCCD/CMND or e-mail, or
    a ticket or dossier code (letters and digits together, legal references like
    '21/2019/TT-BGDĐT' aside)."""
    return mask_personal(text) != text or any(_is_code(t) for t in text.split())
