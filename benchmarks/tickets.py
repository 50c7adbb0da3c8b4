"""No ticket lost: 10,000 tickets from concurrent writers on SQLite and PostgreSQL.

    python benchmarks/tickets.py [--count 10000] [--threads 8] [--postgres URL] [--no-postgres]
                                 [--repository-share 0.1]

Tickets are filed the way the bot files them, through ``HotlineService.open_ticket`` (the
grouping scan of open questions, the lead's row lock, the ticket and its ``open`` audit row in
one transaction); a small share first goes through ``Repository.create_ticket`` alone, to
show what the production path costs on top. Per database, three phases write into the same
year, so together they must give one gap-free sequence:

0. ``--repository-share`` of the tickets through the repository, from ``--threads`` threads;
1. half of the rest through the service from ``--threads`` threads of one process;
2. the other half from two processes, each with half as many threads (own engines, own
   knowledge base).

Each writer (one chat) asks questions of its own and, halfway through, one every other writer
asks too (grouped under the first one filed). Then every number the writers got back is
checked against the table: each ticket stored once, numbers unique, sequence 1…N without
gaps, one ``open`` audit row per service ticket, groups one level deep. Throughput
(tickets/s) is printed per phase. SQLite is a file in a temporary directory (WAL);
PostgreSQL gets a fresh schema on the server at ``--postgres`` (default
``CCHC_TEST_POSTGRES_URL`` or the local test server), dropped afterwards. Exit status 1 when
a check fails.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from cchc_bot.hotline import HotlineService
from cchc_bot.kb_service import KnowledgeService
from cchc_bot.matching import Thresholds
from cchc_bot.storage import Database, NewTicket, Repository

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
NOW = datetime(2026, 6, 1, 3, 0, tzinfo=UTC)
KNOWLEDGE = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "knowledge_small"
SHARED = "Vé xe buýt đi Phú Quốc giá bao nhiêu"  # asked by every writer: grouped
VN = ZoneInfo("Asia/Ho_Chi_Minh")


# -- database targets (also used by benchmarks/reports.py) ------------------------------------


def _libpq(url: str, **params: str) -> str:
    parts = urlsplit(url)
    query = urlencode([*parse_qsl(parts.query), *params.items()])
    return urlunsplit(("postgresql", parts.netloc, parts.path, query, ""))


@contextmanager
def sqlite_target() -> Iterator[str]:
    """A SQLite file URL in a temporary directory, removed afterwards."""
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as folder:
        yield f"sqlite:///{Path(folder) / 'bench.db'}"


@contextmanager
def postgres_target(server: str) -> Iterator[str]:
    """A URL whose ``search_path`` is a fresh schema on ``server``, dropped afterwards."""
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(_libpq(server), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    parts = urlsplit(server)
    query = urlencode([*parse_qsl(parts.query), ("options", f"-csearch_path={schema}")])
    try:
        yield urlunsplit((parts.scheme, parts.netloc, parts.path, query, ""))
    finally:
        with psycopg.connect(_libpq(server), autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def postgres_server(url: str | None) -> str | None:
    """The PostgreSQL server URL when it answers, else None (with a note on stderr)."""
    import psycopg

    url = url or os.environ.get("CCHC_TEST_POSTGRES_URL") or DEFAULT_POSTGRES
    try:
        with psycopg.connect(_libpq(url), connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except psycopg.Error as exc:
        print(f"PostgreSQL skipped: {str(exc).strip().splitlines()[0]}", file=sys.stderr)
        return None
    return url


# -- writers -------------------------------------------------------------------------------

Writer = Callable[[str, int], list[str]]


def repository_writer(repository: Repository) -> Writer:
    def write(tag: str, count: int) -> list[str]:
        return [
            repository.create_ticket(NewTicket("console", tag, tag, f"câu hỏi {i}"), now=NOW).number
            for i in range(count)
        ]

    return write


def service(database: Database) -> HotlineService:
    knowledge = KnowledgeService(KNOWLEDGE, Thresholds())
    return HotlineService.for_repository(Repository(database), knowledge, VN, clock=lambda: NOW)


def service_writer(hotline: HotlineService) -> Writer:
    """Files tickets as the bot does: the writer's own questions, and halfway through the
    shared one (by then the writers have drifted apart, as citizens do: two identical
    questions filed in the same millisecond each find no open ticket to join yet)."""

    def write(tag: str, count: int) -> list[str]:
        numbers = []
        for i in range(count):
            own = f"Hỏi về hồ sơ lượt {i} của người hỏi {tag}"
            text = SHARED if i == count // 2 else own
            opened = hotline.open_ticket(channel="console", chat_id=tag, user_id=tag, text=text)
            if opened.existing:  # never: each text of a chat differs
                raise RuntimeError(f"{tag}: {text!r} was taken for an earlier ticket")
            numbers.append(opened.ticket.number)
        return numbers

    return write


def _threads(write: Writer, prefix: str, threads: int, total: int) -> list[str]:
    shares = [total // threads + (1 if i < total % threads else 0) for i in range(threads)]
    with ThreadPoolExecutor(threads) as pool:
        batches = pool.map(lambda i: write(f"{prefix}{i}", shares[i]), range(threads))
        return [number for batch in batches for number in batch]


def _process(url: str, worker: int, threads: int, count: int, barrier: Any, out: Any) -> None:
    try:
        with Database(url) as database:
            write = service_writer(service(database))
            database.ping()
            barrier.wait(timeout=60)
            out.put((worker, _threads(write, f"p{worker}-", threads, count)))
    except BaseException as exc:  # reported to the parent, which fails the run
        out.put((worker, f"{type(exc).__name__}: {exc}"))


def _two_processes(url: str, threads: int, total: int) -> tuple[list[str], float]:
    """Numbers handed out, and seconds from the moment both children were connected."""
    context = multiprocessing.get_context("spawn")
    barrier, out = context.Barrier(3), context.Queue()
    per_process = [total // 2, total - total // 2]
    children = [
        context.Process(
            target=_process, args=(url, i, max(1, threads // 2), per_process[i], barrier, out)
        )
        for i in range(2)
    ]
    for child in children:
        child.start()
    barrier.wait(timeout=120)  # both children connected: the clock starts with them
    started = time.perf_counter()
    results = dict(out.get(timeout=1800) for _ in children)
    elapsed = time.perf_counter() - started
    for child in children:
        child.join(timeout=60)
    failures = [r for r in results.values() if isinstance(r, str)]
    if failures:
        raise RuntimeError("; ".join(failures))
    return [number for batch in results.values() for number in batch], elapsed


def _check(database: Database, numbers: list[str], total: int, by_service: int) -> list[str]:
    """Problems found (empty when every ticket is stored once, gap-free, audited, grouped
    one level deep)."""
    from sqlalchemy import text

    def read(session: Any) -> tuple[list[Any], int, int]:
        rows = list(session.execute(text("SELECT number, seq, id, group_id FROM tickets")))
        audits = session.scalar(text("SELECT count(*) FROM audit_log WHERE action = 'open'"))
        deep = session.scalar(
            text(
                "SELECT count(*) FROM tickets m JOIN tickets l ON m.group_id = l.id "
                "WHERE l.group_id IS NOT NULL"
            )
        )
        return rows, int(audits or 0), int(deep or 0)

    stored, audits, deep = database.run(read)
    problems = []
    if len(numbers) != total or len(set(numbers)) != total:
        problems.append(f"writers got {len(numbers)} numbers, {len(set(numbers))} distinct")
    if len(stored) != total:
        problems.append(f"{len(stored)} tickets stored, expected {total}")
    if {r.number for r in stored} != set(numbers):
        problems.append("stored numbers differ from those handed out")
    if sorted(r.seq for r in stored) != list(range(1, total + 1)):
        problems.append("sequence is not 1…N without gaps")
    if audits != by_service:
        problems.append(f"{audits} 'open' audit rows for {by_service} tickets filed")
    if deep:
        problems.append(f"{deep} tickets grouped under a member")
    grouped = sum(1 for r in stored if r.group_id is not None)
    if by_service and not grouped:
        problems.append("the shared question was never grouped")
    return problems


def run(name: str, url: str, count: int, threads: int, repository_share: float) -> bool:
    with Database(url) as database:
        database.upgrade()
        direct = int(count * repository_share)
        started = time.perf_counter()
        numbers = _threads(repository_writer(Repository(database)), "r", threads, direct)
        repo_s = time.perf_counter() - started
        rest = count - direct
        half = rest // 2
        write = service_writer(service(database))
        started = time.perf_counter()
        numbers += _threads(write, "t", threads, half)
        threaded = time.perf_counter() - started
        more, processes = _two_processes(url, threads, rest - half)
        numbers += more
        problems = _check(database, numbers, count, rest)
    per_process = max(1, threads // 2)
    repo_rate = f"{direct / repo_s:>7.0f}/s" if direct else "      -"
    print(
        f"{name:<11} repository only: {direct:>5} tickets, {threads} threads: {repo_rate}   "
        f"HotlineService: {half:>5} tickets, {threads} threads: {half / threaded:>6.0f}/s   "
        f"{rest - half:>5} tickets, 2 processes × {per_process} threads: "
        f"{(rest - half) / processes:>6.0f}/s   "
        + (
            "OK: stored once, unique, gap-free, audited, grouped one level deep"
            if not problems
            else "FAIL: " + "; ".join(problems)
        )
    )
    return not problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--postgres", help="server URL (default: CCHC_TEST_POSTGRES_URL)")
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--repository-share", type=float, default=0.1)
    args = parser.parse_args()
    ok = True
    with sqlite_target() as url:
        ok &= run("SQLite", url, args.count, args.threads, args.repository_share)
    server = None if args.no_postgres else postgres_server(args.postgres)
    if server:
        with postgres_target(server) as url:
            ok &= run("PostgreSQL", url, args.count, args.threads, args.repository_share)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
