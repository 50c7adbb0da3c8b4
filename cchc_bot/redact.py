"""Hiding secrets before text reaches logs, screens or files."""

from __future__ import annotations

import re

_PASSWORD_IN_URL = re.compile(r"(?P<head>://[^:/?#@]*:)[^@/?#]*@")


def mask_url_password(url: str) -> str:
    """`postgresql://u:secret@h/db` → `postgresql://u:***@h/db`; URLs without one stay."""
    return _PASSWORD_IN_URL.sub(r"\g<head>***@", url)
