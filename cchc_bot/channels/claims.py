"""Which server process handles a stored update, when several share one database.

Every update a server stores is claimed by it ("host/pid/random"); while it works it renews
its claims every `RENEW_EVERY` seconds. Another server (starting up, or every
`RENEW_EVERY` seconds while running) takes over only what nobody holds: never claimed,
released by a server that stopped, or not renewed for `STALE_AFTER` seconds (its server
died). A claim by a process of this host that no longer exists (a crash, then a restart on
the same machine) is taken at once. So a second worker never answers what the first one has
in hand, and nothing acknowledged is lost when a worker dies.
"""

from __future__ import annotations

import os
import socket
import uuid

RENEW_EVERY = 10.0  # seconds between renewals (and take-overs) of a running server
STALE_AFTER = 30.0  # a claim not renewed for this long: its server is gone


def new_owner() -> str:
    """A claim owner unique to this server process: ``host/pid/random``."""
    return f"{socket.gethostname()}/{os.getpid()}/{uuid.uuid4().hex[:8]}"


def dead_here(owner: str) -> bool:
    """Whether `owner` was a process of this host that no longer runs (pid reuse only ever
    makes it look alive: its updates then wait for `STALE_AFTER`)."""
    host, _, rest = owner.partition("/")
    pid_text = rest.partition("/")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except OSError:  # exists under another user, or cannot be asked: alive as far as we know
        return False
    return False
