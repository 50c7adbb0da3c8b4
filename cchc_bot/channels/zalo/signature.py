"""The Zalo OA webhook signature, checked on the raw bytes before anything is parsed.

`X-ZEvent-Signature: mac=<hex sha256(app_id + raw_body + timestamp + oa_secret_key)>`, a
plain SHA-256 of the concatenation, not an HMAC (channels.md §6, chatwoot). `timestamp` is
the event's `timestamp` field; a few implementations read an `X-ZEvent-Timestamp` header
instead, so both are tried. The body is not JSON-decoded here: the candidate timestamps are
found with a pattern on the raw bytes, and only the one the MAC proves signed counts. A
signed timestamp further than `max_age` seconds from now is refused (a replay).
"""

from __future__ import annotations

import hashlib
import hmac
import re
from collections.abc import Iterable, Mapping

SIGNATURE_HEADER = "x-zevent-signature"
TIMESTAMP_HEADER = "x-zevent-timestamp"
_TIMESTAMP = re.compile(rb'(?<!\\)"timestamp"\s*:\s*"?(\d{9,16})"?')
_MAX_CANDIDATES = 4


def mac(app_id: str, body: bytes, timestamp: str, key: str) -> str:
    """The hex digest Zalo sends after `mac=`."""
    data = app_id.encode() + body + timestamp.encode() + key.encode()
    return hashlib.sha256(data).hexdigest()


def _candidates(headers: Mapping[str, str], body: bytes) -> list[str]:
    found = [headers.get(TIMESTAMP_HEADER, "").strip()]
    found += [m.group(1).decode() for m in _TIMESTAMP.finditer(body)]
    unique = [t for i, t in enumerate(found) if t.isdigit() and t not in found[:i]]
    return unique[:_MAX_CANDIDATES]


def _seconds(timestamp: str) -> float:
    value = int(timestamp)
    return value / 1000 if value >= 100_000_000_000 else float(value)


def verify(
    headers: Mapping[str, str],
    body: bytes,
    *,
    app_id: str,
    keys: Iterable[str],
    now: float,
    max_age: float,
) -> bool:
    """True when the signature is right for one of `keys` and its timestamp is fresh."""
    given = headers.get(SIGNATURE_HEADER, "").strip()
    if given[:4].lower() == "mac=":
        given = given[4:]
    given = given.strip().lower()
    secrets = [k for k in keys if k]
    if not given or not secrets or not app_id:
        return False
    for timestamp in _candidates(headers, body):
        for key in secrets:
            if hmac.compare_digest(mac(app_id, body, timestamp, key), given):
                return abs(now - _seconds(timestamp)) <= max_age
    return False
