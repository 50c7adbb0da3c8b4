"""`cchc-bot run` with thread-CPU timers, the child process of benchmarks/telegram_load.py.

    python benchmarks/telegram_serve.py STATS_FILE      (settings from CCHC_* variables)

Timers (time.thread_time, so waiting is not counted) wrap Matcher.match, Database.run,
Database.run_core, Database.run_single and Engine.handle; SIGUSR1 writes the totals and the
process CPU (os.times) to STATS_FILE.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from pathlib import Path


def serve(stats_file: str) -> int:
    """`cchc-bot run` with thread-CPU timers; SIGUSR1 writes a snapshot to `stats_file`."""
    from cchc_bot import cli
    from cchc_bot.engine import Engine
    from cchc_bot.matching.matcher import Matcher
    from cchc_bot.storage.db import Database

    totals = {"matching": 0.0, "database_engine": 0.0, "database_edge": 0.0, "engine": 0.0}
    lock = threading.Lock()
    local = threading.local()

    def timed(name, fn):
        def wrapper(*args, **kwargs):
            start = time.thread_time()
            try:
                return fn(*args, **kwargs)
            finally:
                spent = time.thread_time() - start
                key = name
                if name == "database":
                    inside = getattr(local, "in_engine", False)
                    key = "database_engine" if inside else "database_edge"
                with lock:
                    totals[key] += spent

        return wrapper

    def handle(fn):
        inner = timed("engine", fn)

        def wrapper(*args, **kwargs):
            local.in_engine = True
            try:
                return inner(*args, **kwargs)
            finally:
                local.in_engine = False

        return wrapper

    Matcher.match = timed("matching", Matcher.match)
    Database.run = timed("database", Database.run)
    Database.run_core = timed("database", Database.run_core)
    Database.run_single = timed("database", Database.run_single)
    Engine.handle = handle(Engine.handle)

    def snapshot(*_: object) -> None:
        times = os.times()
        with lock:
            data = dict(totals, process=times.user + times.system)
        Path(stats_file).write_text(json.dumps(data))

    signal.signal(signal.SIGUSR1, snapshot)
    return cli.main(["run"])


if __name__ == "__main__":
    raise SystemExit(serve(sys.argv[1]))
