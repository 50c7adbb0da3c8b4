"""The send journal: what left this process, written before the database hears of it.

Exactly once needs to know, after a crash, whether a claimed delivery reached the platform.
The database is updated in batches (a commit per message would cap the rate), so each
sending process also appends two lines per message part to its own journal file:

    W <delivery id> <part> <unix time>            just before the request is written out
    D <delivery id> <part> <outcome> <unix time>  when the platform answered (or failed)

Each line is one `os.write` on an `O_APPEND` descriptor: a SIGKILL cannot tear it, and
the kernel keeps it even though the process is gone (a power cut may lose the last lines:
see `resolve`). The file is deleted once every row the process claimed is in the database.

A live run holds an exclusive `flock` on its journal from the moment the file appears
(created under a temporary name, locked, then renamed): the kernel drops the lock when the
run closes it or its process dies, however it dies. That lock is the liveness test
(`owner_state`): a journal here that nobody locks belongs to a run that is over, whatever
host name or pid it recorded — containers sharing a host name, or a pid reused after a
restart, cannot fool it. An owner without a journal here ran elsewhere (or kept its
journal in another folder): only its lease can tell.

`resolve` turns a dead owner's rows into outcomes: a part never written out is sent again,
a part written out but never answered counts as sent (unconfirmed) and is never repeated;
`settle` does it for every owner that left rows in sending.
"""

from __future__ import annotations

import contextlib
import fcntl
import logging
import os
import socket
import time
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Literal
from uuid import uuid4

from cchc_bot.storage import ClaimedDelivery, DeliveryResult

log = logging.getLogger(__name__)

OK, GONE, RETRY, REJECTED, ERROR, UNKNOWN = "ok", "gone", "retry", "rejected", "error", "unknown"
_SENT = (OK, UNKNOWN)
_HOST = socket.gethostname()
State = Literal["running", "over", "elsewhere"]


def new_owner() -> str:
    """A sending run's id: host, pid and a random part (for people: liveness is the lock)."""
    return f"{_HOST}:{os.getpid()}:{uuid4().hex[:8]}"


def journal_path(folder: str | Path, owner: str) -> Path:
    return Path(folder) / f"{owner.replace(':', '_')}.log"


def owner_state(folder: str | Path, owner: str) -> State:
    """`running` (its journal is here and locked), `over` (here, unlocked: the run ended or
    its process died) or `elsewhere` (no journal here)."""
    try:
        fd = os.open(journal_path(folder, owner), os.O_RDONLY)
    except FileNotFoundError:
        return "elsewhere"
    try:
        fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
    except BlockingIOError:
        return "running"
    except OSError as exc:  # a filesystem without locks: never call a run dead on a guess
        log.warning("cannot test the lock of %s's journal (%s): taken as running", owner, exc)
        return "running"
    finally:
        os.close(fd)
    return "over"


def owner_dead(folder: str | Path, owner: str) -> bool:
    """True when `owner`'s run is known to be over (its journal is here and unlocked)."""
    return owner_state(folder, owner) == "over"


class Journal:
    """Append-only W/D lines of one owner (one sending run), locked while the run lives."""

    def __init__(self, folder: str | Path, owner: str) -> None:
        self.owner = owner
        self.path = journal_path(folder, owner)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fresh = self.path.with_name(self.path.name + ".new")
        fd = os.open(fresh, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # a new file: nobody else holds it
        os.rename(fresh, self.path)  # it appears already locked
        self._fd: int | None = fd
        self.written = False

    @property
    def open(self) -> bool:
        return self._fd is not None

    def wire(self, delivery_id: int, part: int) -> None:
        self._write(f"W {delivery_id} {part} {time.time():.3f}\n")

    def done(self, delivery_id: int, part: int, outcome: str) -> None:
        self._write(f"D {delivery_id} {part} {outcome} {time.time():.3f}\n")

    def _write(self, line: str) -> None:
        if self._fd is not None:
            os.write(self._fd, line.encode("ascii"))
            self.written = True

    def close(self, *, remove: bool) -> None:
        """Stop writing; `remove` deletes the file (first, so it is never seen unlocked)."""
        if self._fd is None:
            return
        if remove:
            self.path.unlink(missing_ok=True)
        os.close(self._fd)  # frees the lock: the run is over
        self._fd = None


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


def settle(
    folder: str | Path,
    stale: Mapping[str, Sequence[ClaimedDelivery]],
    parts: Callable[[str], int | None],
    *,
    elsewhere_over: Callable[[str], bool],
) -> dict[str, list[DeliveryResult]]:
    """Outcomes of rows other owners left in sending, by owner, for the owners that are over.

    A running owner is skipped (its run settles its rows). An owner whose run is over is
    resolved from its journal; one without a journal here only when `elsewhere_over(owner)`
    (its lease has ended), and then as `unknown` (never resent). `parts(channel)` is the
    number of parts of the notice on a channel (None: unknown, the rows are `unknown`).
    """
    out: dict[str, list[DeliveryResult]] = {}
    for owner, rows in stale.items():
        state = owner_state(folder, owner)
        if state == "running" or (state == "elsewhere" and not elsewhere_over(owner)):
            log.warning("%d rows of %s wait: its run may still be going", len(rows), owner)
            continue
        logged = read_journal(folder, owner) if state == "over" else None
        results = []
        for row in rows:
            total = parts(row.channel)
            if logged is None or total is None:
                results.append(unknown(row, owner))
            else:
                results.append(resolve(row, logged.get(row.id), total))
        out[owner] = results
    return out


def forget(folder: str | Path, owner: str) -> None:
    """Delete a settled owner's journal (every one of its rows is in the database)."""
    with contextlib.suppress(OSError):
        journal_path(folder, owner).unlink(missing_ok=True)
