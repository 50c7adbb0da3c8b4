"""Broadcast benchmark against the fake Telegram Bot API server.

    python benchmarks/broadcast.py [--n 20000] [--rate 1000] [--strict-n 750]
                                   [--strict-rate 25] [--database-url URL]

Three scenarios, each on a fresh database (SQLite file by default) with N subscribers and
one approved notice, sent by `cchc-bot notices send ID --now` as a child process:

1. throughput: N subscribers at CCHC_BROADCAST_TELEGRAM_RATE=rate;
2. the limit: strict-n subscribers at strict-rate; no one-second window of the fake
   server's arrival times may hold more than strict-rate messages;
3. crash: N subscribers at rate, SIGKILL once the fake server has seen half of them, then
   the same command again; the fake server's record must show every subscriber exactly once.

Everything is measured on the fake server's record (arrival times of accepted sendMessage
calls), not on our own tables. The fake runs in this process (threads) and answers with
TCP_NODELAY, as production HTTP servers do (without it every answer waits ~40 ms for a
delayed ACK). Printed: achieved rate, wall time against the ideal N/rate, the worst
one-second window, duplicates and missed chats, and the sending process's CPU time and
peak memory (ru_maxrss).
"""

from __future__ import annotations

import argparse
import bisect
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from cchc_bot.broadcast_notices import NoticeService  # noqa: E402
from cchc_bot.storage import (  # noqa: E402
    Database,
    DeliveryRepository,
    NoticeRepository,
    SubscriptionRepository,
)
from tests.broadcast_helpers import notice_folder  # noqa: E402
from tests.fakes.telegram_server import TOKEN, FakeTelegram  # noqa: E402

NOTICE = "cchc-2027-01"
FIRST_CHAT = 1_000_000


def fake_server() -> FakeTelegram:
    fake = FakeTelegram()
    fake._server.RequestHandlerClass.disable_nagle_algorithm = True  # type: ignore[attr-defined]
    fake._server.socket.listen(256)  # room for the sender's connections at once
    return fake.start()


def prepare(url: str, knowledge: Path, n: int) -> None:
    with Database(url) as database:
        database.upgrade()
        chats = [("telegram", str(FIRST_CHAT + i), ()) for i in range(n)]
        subscriptions = SubscriptionRepository(database)
        for start in range(0, n, 5000):
            subscriptions.add_active(chats[start : start + 5000])
        service = NoticeService(
            NoticeRepository(database),
            DeliveryRepository(database),
            knowledge,
            ZoneInfo("Asia/Ho_Chi_Minh"),
        )
        service.sync()
        service.approve(NOTICE, "benchmark")


def send(url: str, knowledge: Path, work: Path, fake: FakeTelegram, rate: int) -> subprocess.Popen:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(
        CCHC_DATABASE_URL=url,
        CCHC_KNOWLEDGE_DIR=str(knowledge),
        CCHC_TELEGRAM_TOKEN=TOKEN,
        CCHC_TELEGRAM_API_URL=fake.base_url,
        CCHC_BROADCAST_TELEGRAM_RATE=str(rate),
        CCHC_BROADCAST_JOURNAL_DIR=str(work / "journal"),
    )
    return subprocess.Popen(
        [sys.executable, "-m", "cchc_bot.cli", "notices", "send", NOTICE, "--now"],
        cwd=work,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )


def finish(process: subprocess.Popen) -> tuple[int, float, float]:
    """Exit code, CPU seconds and peak RSS (MB) of a child (os.wait4: its own rusage)."""
    assert process.stderr is not None
    err = process.stderr.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode not in (0, -signal.SIGKILL):
        print(err[-2000:], file=sys.stderr)
    return process.returncode, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024


def arrivals(fake: FakeTelegram) -> tuple[list[float], Counter[int | None]]:
    calls = [c for c in fake.sent() if c.result is not None]
    return sorted(c.at for c in calls), Counter(c.chat_id for c in calls)


def worst_window(times: list[float], width: float = 1.0) -> int:
    """The most arrivals in any half-open window [t, t + width)."""
    return max((bisect.bisect_left(times, t + width) - i for i, t in enumerate(times)), default=0)


def scenario(name: str, args: argparse.Namespace, n: int, rate: int, kill: bool = False) -> bool:
    work = Path(tempfile.mkdtemp(prefix="cchc-broadcast-"))
    knowledge = notice_folder(work / "knowledge")
    shutil.copy(ROOT / "knowledge" / "agency.yaml", knowledge / "agency.yaml")
    url, schema = database_url(args, work)
    fake = fake_server()
    try:
        prepare(url, knowledge, n)
        started = time.monotonic()
        process = send(url, knowledge, work, fake, rate)
        cpu = rss = 0.0
        if kill:
            fake.wait_for(lambda: len(fake.sent()) >= n // 2, timeout=600)
            process.send_signal(signal.SIGKILL)
            _, cpu, rss = finish(process)
            killed_at = len(arrivals(fake)[0])
            process = send(url, knowledge, work, fake, rate)
        code, cpu2, rss2 = finish(process)
        wall = time.monotonic() - started
        times, per_chat = arrivals(fake)
        expected = {FIRST_CHAT + i for i in range(n)}
        duplicates = sum(c - 1 for c in per_chat.values() if c > 1)
        missed = len(expected - set(per_chat))
        achieved = (len(times) - 1) / (times[-1] - times[0]) if len(times) > 1 else 0.0
        print(f"\n== {name}: {n} subscribers at {rate}/s ==")
        print(f"  achieved rate     {achieved:8.1f} msg/s (fake server arrivals, first → last)")
        ideal = n / rate
        print(f"  wall time         {wall:8.1f} s   (ideal N/rate {ideal:.1f} s; with start-up)")
        print(f"  worst 1 s window  {worst_window(times):8d} messages")
        print(f"  duplicates        {duplicates:8d}   missed {missed}")
        if kill:
            print(f"  SIGKILL after     {killed_at:8d} messages had arrived, then restarted")
        peak = max(rss, rss2)
        print(f"  sender CPU        {cpu + cpu2:8.1f} s   peak RSS {peak:.0f} MB   exit {code}")
        ok = code == 0 and duplicates == 0 and missed == 0
        if name == "throughput":
            ok = ok and achieved >= 0.95 * rate
        if name == "limit":
            ok = ok and worst_window(times) <= rate
        print(f"  {'PASS' if ok else 'FAIL'}")
        return ok
    finally:
        fake.stop()
        drop_schema(args, schema)
        shutil.rmtree(work, ignore_errors=True)


def database_url(args: argparse.Namespace, work: Path) -> tuple[str, str | None]:
    if not args.database_url:
        return f"sqlite:///{work / 'cchc.db'}", None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    sep = "&" if "?" in args.database_url else "?"
    return f"{args.database_url}{sep}options=-csearch_path%3D{schema}", schema


def drop_schema(args: argparse.Namespace, schema: str | None) -> None:
    if schema is None:
        return
    import psycopg

    with psycopg.connect(args.database_url, autocommit=True) as conn:
        conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=20_000)
    parser.add_argument("--rate", type=int, default=1000)
    parser.add_argument("--strict-n", type=int, default=750)
    parser.add_argument("--strict-rate", type=int, default=25)
    parser.add_argument("--database-url", help="PostgreSQL server (default: a SQLite file)")
    parser.add_argument("--only", choices=("throughput", "limit", "crash"))
    args = parser.parse_args()
    runs = {
        "throughput": lambda: scenario("throughput", args, args.n, args.rate),
        "limit": lambda: scenario("limit", args, args.strict_n, args.strict_rate),
        "crash": lambda: scenario("crash", args, args.n, args.rate, kill=True),
    }
    results = [run() for name, run in runs.items() if args.only in (None, name)]
    return 0 if all(results) else 1


if __name__ == "__main__":
    raise SystemExit(main())
