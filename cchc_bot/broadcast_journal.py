"""The send journal: what left this process, written before the database hears of it.

Exactly once needs to know, after a crash, whether a claimed delivery reached the platform.
The database is updated in batches (a commit per message would cap the rate), so each
sending process also appends two lines per message part to its own journal file:

    W <delivery id> <part> <unix time>            just before the request is written out
    D <delivery id> <part> <outcome> <unix time>  when the platform answered (or failed)

Each line is one `os.write` on an `O_APPEND` descriptor: a SIGKILL cannot tear it, and
the kernel keeps it even though the process is gone (a power cut may lose the last lines:
see `resolve`). The file is deleted once every row the process claimed is in the database.

`resolve` turns a dead owner's rows into outcomes: a part never written out is sent again,
a part written out but never answered counts as sent (unconfirmed) and is never repeated.
"""

from __future__ import annotations

import os
import socket
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from uuid import uuid4

from cchc_bot.storage import ClaimedDelivery, DeliveryResult

OK, GONE, RETRY, REJECTED, ERROR, UNKNOWN = "ok", "gone", "retry", "rejected", "error", "unknown"
_SENT = (OK, UNKNOWN)
_HOST = socket.gethostname()
_OPEN: set[str] = set()  # owners of this process whose runs are still going


def new_owner() -> str:
    """A sending process's id: host, pid and a random part (a new one per run)."""
    return f"{_HOST}:{os.getpid()}:{uuid4().hex[:8]}"


def is_local(owner: str) -> bool:
    return owner.partition(":")[0] == _HOST


def owner_dead(owner: str) -> bool:
    """True when `owner` ran on this host and its run or its process is over."""
    host, _, rest = owner.partition(":")
    pid = rest.partition(":")[0]
    if host != _HOST or not pid.isdigit():
        return False
    if int(pid) == os.getpid():
        return owner not in _OPEN
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False
    return False


def journal_path(folder: Path, owner: str) -> Path:
    return folder / f"{owner.replace(':', '_')}.log"


class Journal:
    """Append-only W/D lines of one owner (one sending run)."""

    def __init__(self, folder: str | Path, owner: str) -> None:
        self.owner = owner
        self.path = journal_path(Path(folder), owner)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._fd: int | None = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
        _OPEN.add(owner)

    def wire(self, delivery_id: int, part: int) -> None:
        self._write(f"W {delivery_id} {part} {time.time():.3f}\n")

    def done(self, delivery_id: int, part: int, outcome: str) -> None:
        self._write(f"D {delivery_id} {part} {outcome} {time.time():.3f}\n")

    def _write(self, line: str) -> None:
        if self._fd is not None:
            os.write(self._fd, line.encode("ascii"))

    def close(self, *, remove: bool) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None
        _OPEN.discard(self.owner)
        if remove:
            self.path.unlink(missing_ok=True)


@dataclass
class PartLog:
    wired_at: float | None = None
    outcome: str | None = None
    at: float | None = None


@dataclass
class RowLog:
    parts: dict[int, PartLog] = field(default_factory=lambda: defaultdict(PartLog))


def read_journal(folder: str | Path, owner: str) -> dict[int, RowLog] | None:
    """The journal of `owner` by delivery id; None when there is no such file here."""
    path = journal_path(Path(folder), owner)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None
    rows: dict[int, RowLog] = defaultdict(RowLog)
    for line in raw.decode("ascii", "replace").splitlines():
        fields = line.split()
        if len(fields) < 4 or not fields[1].isdigit() or not fields[2].isdigit():
            continue  # a torn last line (power cut): as if never written
        part = rows[int(fields[1])].parts[int(fields[2])]
        if fields[0] == "W":
            part.wired_at, part.outcome, part.at = float(fields[3]), None, None
        elif fields[0] == "D" and len(fields) >= 5:
            part.outcome, part.at = fields[3], float(fields[4])
    return dict(rows)


def resolve(row: ClaimedDelivery, log: RowLog | None, total_parts: int) -> DeliveryResult:
    """What became of a dead owner's claimed row, from its journal lines.

    Parts are taken in order from `row.parts_sent`: answered ok → delivered; written out
    but never answered → delivered, unconfirmed (the platform may have it: never resent);
    refused (gone, rejected) → the row ends there; not written out, or refused with a
    retry → the row goes back to pending from that part.
    """
    done, confirmed, last = row.parts_sent, True, None
    parts = log.parts if log is not None else {}
    for part in range(row.parts_sent, total_parts):
        entry = parts.get(part)
        if entry is None or entry.wired_at is None:
            break
        outcome = entry.outcome or UNKNOWN
        if outcome in (GONE, REJECTED):
            status = "blocked" if outcome == GONE else "failed"
            return _result(row, status, f"{outcome}: recovered from the journal", done)
        if outcome not in _SENT:
            break
        confirmed = confirmed and outcome == OK
        last = entry.at or entry.wired_at
        done += 1
    if done >= total_parts:
        sent_at = datetime.fromtimestamp(last, UTC) if last else None
        error = None if confirmed else "unconfirmed: interrupted after the request left"
        return _result(row, "sent", error, done, confirmed, sent_at)
    return _result(row, "pending", None, done)


def unknown(row: ClaimedDelivery, owner: str) -> DeliveryResult:
    """A row of an owner whose journal is not here: delivery unknown, never resent."""
    return _result(row, "failed", f"interrupted: delivery unknown (no journal of {owner})")


def _result(
    row: ClaimedDelivery,
    status: str,
    error: str | None,
    parts: int | None = None,
    confirmed: bool = False,
    sent_at: datetime | None = None,
) -> DeliveryResult:
    return DeliveryResult(
        row.id,
        status,
        error,
        row.parts_sent if parts is None else parts,
        confirmed,
        0,
        sent_at,
        row.channel,
        row.chat_id,
    )
