"""Staff queries at scale: `queue list --overdue` and the monthly report (target < 2 s each).

    python benchmarks/reports.py [--messages 100000] [--tickets 10000] [--postgres URL]
                                 [--no-postgres] [--month 2026-10]

Fills a fresh SQLite file and a fresh PostgreSQL schema with a year (2026, Vietnam time) of
synthetic traffic: messages with realistic decisions and a skewed choice of 300 entries,
tickets in every state (some overdue) over 20 topics, 👍/👎 ratings and answered surveys.
Rows are bulk-inserted through the storage models (PostgreSQL then gets ``ANALYZE``, as
autovacuum would do). Then it times, first call and best of five:

- ``HotlineRepository.list_tickets(overdue_at=now)`` (the first 100, as the CLI shows) and
  the same with no limit;
- ``monthly_report(…, month)`` (which also computes the previous month for comparison);

and end to end, as staff run them (a new process: settings, knowledge base, database, the
query and the printing), ``cchc-bot queue list --overdue`` and ``cchc-bot report --month``
(Markdown and HTML) against the same database, first run and best of three.
"""

from __future__ import annotations

import argparse
import os
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import insert, text
from tickets import postgres_server, postgres_target, sqlite_target

from cchc_bot.reports import monthly_report
from cchc_bot.storage import Database, HotlineRepository, ReportQueries, ticket_number
from cchc_bot.storage.models import (
    Message,
    Rating,
    Survey,
    Ticket,
    TicketCounter,
)

YEAR_START = datetime(2025, 12, 31, 17, 0, tzinfo=UTC)  # 1 Jan 2026 00:00 in Hà Nội
NOW = datetime(2026, 12, 15, 3, 0, tzinfo=UTC)
SPAN = (NOW - YEAR_START).total_seconds()
TARGET_S = 2.0
KNOWLEDGE = Path(__file__).resolve().parent.parent / "knowledge"
DECISIONS = [
    ("answer", 45),
    ("choices", 12),
    ("pick", 8),
    ("ticket", 8),
    ("unknown", 2),
    ("greeting", 10),
    ("help", 5),
    ("track", 3),
    ("thanks", 5),
    ("menu", 2),
]
ENTRIES = [f"entry-{i:03d}" for i in range(300)]
TOPICS = [f"procedures/topic-{i:02d}" for i in range(20)]


def _moment(rng: random.Random) -> datetime:
    return YEAR_START + timedelta(seconds=rng.uniform(0, SPAN))


def _entry(rng: random.Random) -> str:
    return ENTRIES[min(int(rng.paretovariate(1.2)) - 1, len(ENTRIES) - 1)]


def messages(count: int, rng: random.Random) -> list[dict[str, Any]]:
    names, weights = zip(*DECISIONS, strict=True)
    rows = []
    for decision in rng.choices(names, weights, k=count):
        with_entry = decision in ("answer", "pick")
        rows.append(
            {
                "created_at": _moment(rng),
                "channel": rng.choice(("telegram", "zalo")),
                "chat_id": str(rng.randrange(20_000)),
                "user_id": str(rng.randrange(20_000)),
                "text": "Cho em hỏi thủ tục cấp bản sao bằng tốt nghiệp ạ",
                "decision": decision,
                "entry_id": _entry(rng) if with_entry else None,
                "score": rng.random() if with_entry else None,
                "aspect": None,
                "latency_ms": rng.uniform(1, 20),
                "reply_text": "Trả lời …",
            }
        )
    return rows


def tickets(count: int, rng: random.Random) -> list[dict[str, Any]]:
    created = sorted(_moment(rng) for _ in range(count))
    rows = []
    for seq, at in enumerate(created, 1):
        kind = "complaint" if rng.random() < 0.15 else "question"
        due = at + timedelta(days=14 if kind == "complaint" else 4)
        fate = rng.random()
        answered = at + timedelta(hours=rng.uniform(0.5, 120)) if fate < 0.75 else None
        if answered and answered > NOW:
            answered = None
        closed = answered + timedelta(days=1) if answered and fate < 0.6 else None
        if closed and closed > NOW:
            closed = None
        status = "closed" if closed else "answered" if answered else "open"
        rejected = answered is None and 0.75 <= fate < 0.8
        if rejected:
            status, closed = "rejected", at + timedelta(hours=2)
        elif status == "open" and rng.random() < 0.5:
            status = "assigned"
        rows.append(
            {
                "number": ticket_number(2026, seq),
                "year": 2026,
                "seq": seq,
                "channel": "zalo",
                "chat_id": str(rng.randrange(20_000)),
                "user_id": "u",
                "display_name": None,
                "text": "Câu hỏi của người dân",
                "candidates": [],
                "kind": kind,
                "category": rng.choice(TOPICS) if rng.random() < 0.9 else None,
                "status": status,
                "assignee": "Lan" if status != "open" else None,
                "answer": "Trả lời" if answered else None,
                "reject_reason": "Không thuộc thẩm quyền" if rejected else None,
                "created_at": at,
                "updated_at": closed or answered or at,
                "due_at": due,
                "answered_at": answered,
                "closed_at": closed,
                "answered_by": "Lan" if answered else None,
            }
        )
    return rows


def fill(database: Database, n_messages: int, n_tickets: int) -> None:
    rng = random.Random(20261001)
    ticket_rows = tickets(n_tickets, rng)
    closed = [i + 1 for i, t in enumerate(ticket_rows) if t["status"] == "closed"]
    ratings = [
        {
            "created_at": _moment(rng),
            "channel": "zalo",
            "chat_id": "c",
            "user_id": "u",
            "entry_id": _entry(rng),
            "ticket_id": None,
            "value": rng.choice((1, 1, 1, -1)),
        }
        for _ in range(n_messages // 5)
    ]
    surveys = []
    for ticket_id in closed[: n_tickets // 2]:
        asked = ticket_rows[ticket_id - 1]["closed_at"]
        scores = [rng.choice((3, 4, 4, 5, 5)) for _ in range(4)] if rng.random() < 0.6 else None
        surveys.append(
            {
                "ticket_id": ticket_id,
                "channel": "zalo",
                "chat_id": "c",
                "asked_at": asked,
                "answered_at": asked + timedelta(hours=3) if scores else None,
                **dict(
                    zip(
                        ("ease", "speed", "helpfulness", "attitude"),
                        scores or [None] * 4,
                        strict=True,
                    )
                ),
                "comment": "Cán bộ nhiệt tình" if scores else None,
            }
        )
    tables = [(Message, messages(n_messages, rng)), (Ticket, ticket_rows)]
    tables += [(Rating, ratings), (Survey, surveys)]
    for model, rows in tables:
        for start in range(0, len(rows), 5000):
            chunk = rows[start : start + 5000]
            database.run(lambda s, m=model, c=chunk: s.execute(insert(m), c), write=True)
    database.run(
        lambda s: s.execute(insert(TicketCounter).values(year=2026, last_seq=n_tickets)),
        write=True,
    )
    if database.backend == "postgresql":
        database.run(lambda s: s.execute(text("ANALYZE")), write=True)


def timed(work: Callable[[], Any], repeat: int = 5) -> tuple[float, float, Any]:
    """(first call, best of ``repeat``) in seconds, and the last result."""
    times, result = [], None
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    return times[0], min(times), result


def cli(url: str, *argv: str) -> Callable[[], str]:
    """`cchc-bot ARGV` in a new process on ``url``; returns its output (fails on an error)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env |= {"CCHC_DATABASE_URL": url, "CCHC_KNOWLEDGE_DIR": str(KNOWLEDGE)}

    def work() -> str:
        done = subprocess.run(
            [sys.executable, "-m", "cchc_bot", *argv], env=env, capture_output=True, text=True
        )
        if done.returncode != 0:
            raise RuntimeError(f"cchc-bot {' '.join(argv)}: {done.stderr.strip()[-500:]}")
        return done.stdout

    return work


def run(name: str, url: str, args: argparse.Namespace) -> bool:
    with Database(url) as database:
        database.upgrade()
        started = time.perf_counter()
        fill(database, args.messages, args.tickets)
        filled = time.perf_counter() - started
        hotline, queries = HotlineRepository(database), ReportQueries(database)
        checks = [
            ("queue list --overdue (100)", lambda: hotline.list_tickets(overdue_at=NOW)),
            (
                "queue list --overdue (all)",
                lambda: hotline.list_tickets(overdue_at=NOW, limit=args.tickets),
            ),
            (f"report --month {args.month}", lambda: monthly_report(queries, args.month, now=NOW)),
        ]
        end_to_end = [
            ("cchc-bot queue list --overdue", cli(url, "queue", "list", "--overdue")),
            (f"cchc-bot report --month {args.month}", cli(url, "report", "--month", args.month)),
            (
                "  … --format html",
                cli(url, "report", "--month", args.month, "--format", "html"),
            ),
        ]
        print(
            f"{name}: filled {args.messages:,} messages, {args.tickets:,} tickets in {filled:.1f} s"
        )
        ok = True
        for label, work in checks:
            first, best, result = timed(work)
            size = f"{len(result)} rows" if isinstance(result, list) else ""
            if not isinstance(result, list):
                h = result.headline
                size = f"{h.questions:,} questions, {h.tickets_opened} tickets"
            verdict = "OK" if first < TARGET_S else "SLOW"
            ok &= first < TARGET_S
            print(
                f"  {label:<34} first {first * 1000:7.1f} ms  best {best * 1000:7.1f} ms  "
                f"({size})  {verdict}"
            )
        print("  end to end (a new process each time):")
        for label, work in end_to_end:
            first, best, output = timed(work, repeat=3)
            verdict = "OK" if first < TARGET_S else "SLOW"
            ok &= first < TARGET_S
            print(
                f"  {label:<34} first {first * 1000:7.1f} ms  best {best * 1000:7.1f} ms  "
                f"({len(output.splitlines()):,} lines)  {verdict}"
            )
    return ok


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--tickets", type=int, default=10_000)
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--postgres", help="server URL (default: CCHC_TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true")
    args = parser.parse_args()
    ok = True
    with sqlite_target() as url:
        ok &= run("SQLite", url, args)
    server = None if args.no_postgres else postgres_server(args.postgres)
    if server:
        with postgres_target(server) as url:
            ok &= run("PostgreSQL", url, args)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
