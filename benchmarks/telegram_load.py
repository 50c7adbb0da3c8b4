"""Load test of the Telegram channel in webhook mode against the fake Bot API server.

    python benchmarks/telegram_load.py [--users 200] [--per-user 10] [--rate 300] [--workers 1]
                                       [--threads N] [--spread]
                                       [--database-url URL] [--knowledge knowledge]

`cchc-bot run` runs as child process(es) (benchmarks/telegram_serve.py: with CPU timers) in
webhook mode, with the shipped knowledge base and PostgreSQL (by default a fresh schema on
127.0.0.1:5432/test, dropped afterwards). This process plays Telegram: it POSTs
USERS × PER_USER updates to the webhook at RATE updates/s (open loop, users interleaved, 40
keep-alive connections like Telegram's max_connections) and serves the Bot API (the fake
from tests/fakes) that receives the replies. Latency = update POSTed → its reply received
by the fake (sendMessage). The mix: questions from knowledge/golden.yaml (75 %), commands
(10 %), button presses (10 %) and /hotline tickets (5 %), kept to replies of one message so
that the k-th message a chat receives is the reply to its k-th update.

With `--workers N`, N servers (each on its own port) share the database and each chat is sent
to one of them (sticky, as a reverse proxy hashing the chat would); the CPU is summed over them.
`--spread` sends each update to any worker instead (a round-robin proxy): lost and duplicated
replies still count exactly, latencies pair a chat's k-th reply with its k-th update, so a
chat's replies that overtake each other blur them a little.

Printed: throughput, p50/p90/p99 latency, lost and duplicated replies, typing indicators
(sent when an answer takes over 0.5 s: a sign of overload, and extra work), the bot process(es)'
CPU split (matching, database, engine logic, HTTP + event loop: thread-CPU timers around
Matcher.match, Database.run* and Engine.handle, the rest of the process CPU is HTTP), and
the resident memory of each loaded process and of a plain `cchc-bot run` with the shipped
knowledge base. Outgoing rate limits are off (CCHC_TELEGRAM_MAX_RATE=0, …_CHAT_RATE=0):
with Telegram's own 30 messages/s the bot cannot reply faster than that by design.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from webhook_load import post_webhooks, webhook_head  # noqa: E402

from tests.fakes import telegram_updates as tg  # noqa: E402
from tests.fakes.telegram_server import TOKEN, FakeTelegram  # noqa: E402

SECRET = "bench_secret-0123456789"
PATH = "/tg/hook"
PG_SERVER = "postgresql://postgres@127.0.0.1:5432/test"
HOTLINE_TOPICS = (
    "Vé xe buýt đi Phú Quốc giá bao nhiêu",
    "Trường con tôi thu tiền quỹ lớp quá cao",
    "Xin hỏi lịch nghỉ hè của học sinh tiểu học",
    "Giáo viên hợp đồng có được xét nâng lương không",
    "Con tôi bị bạn bắt nạt ở trường phải báo ai",
)

# --- Telegram's side (this process) -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def question_pool(knowledge: Path) -> tuple[list[str], list[str]]:
    """Golden questions and button codes whose reply is one Telegram message."""
    from zoneinfo import ZoneInfo

    import yaml

    from cchc_bot.answers import render_entry
    from cchc_bot.channels.telegram.render import render
    from cchc_bot.engine import Engine
    from cchc_bot.kb_service import KnowledgeService
    from cchc_bot.matching import Thresholds
    from cchc_bot.messages import Reply

    service = KnowledgeService(knowledge, Thresholds())
    engine = Engine(service, None, timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
    golden = yaml.safe_load((knowledge / "golden.yaml").read_text(encoding="utf-8"))
    questions = [g["q"] for g in golden if g.get("expect")]
    single = [q for q in questions if len(render(engine.preview(q)[1])) == 1]
    kb = service.current.knowledge
    codes = [
        f"/a {e.id}"
        for e in kb.entries
        if len(render(Reply(render_entry(e, kb, None)))) == 1 and len(f"/a {e.id}") <= 64
    ]
    return single, codes


def build_updates(users: int, per_user: int, knowledge: Path) -> list[dict]:
    rng = random.Random(7)
    questions, codes = question_pool(knowledge)
    commands = ["/start", "/menu", "/help", "/thutuc"]
    out = []
    n = 1
    for i in range(per_user):
        for u in range(users):
            chat, roll = 100_000 + u, rng.random()
            if roll < 0.75:
                update = tg.text_update(n, chat, rng.choice(questions))
            elif roll < 0.85:
                update = tg.text_update(n, chat, rng.choice(commands))
            elif roll < 0.95:
                update = tg.callback_update(n, chat, rng.choice(codes))
            else:
                topic = rng.choice(HOTLINE_TOPICS)
                update = tg.text_update(n, chat, f"/hotline {topic} (người hỏi {u}, lần {i})")
            out.append(update)
            n += 1
    return out


async def post_all(
    ports: list[int], updates: list[dict], rate: float, connections: int, spread: bool = False
) -> list[float]:
    """POST Telegram updates to the webhook(s), each chat to one worker (or, `spread`, each
    update to any worker, as a round-robin proxy would); returns the send times."""
    head = webhook_head(PATH, "X-Telegram-Bot-Api-Secret-Token", SECRET)
    route = (lambda update: update["update_id"]) if spread else chat_of
    return await post_webhooks(ports, updates, rate, connections, head=head, chat=route)


def rss_mb(pid: int) -> tuple[float, float]:
    """(VmRSS, VmHWM) of a process in MB."""
    found = {}
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(("VmRSS:", "VmHWM:")):
            found[line.split(":")[0]] = int(line.split()[1]) / 1024
    return found["VmRSS"], found["VmHWM"]


def wait_http(url: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def bot_env(fake: FakeTelegram, database_url: str, knowledge: Path, **extra: str) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(
        CCHC_DATABASE_URL=database_url,
        CCHC_KNOWLEDGE_DIR=str(knowledge),
        CCHC_TELEGRAM_TOKEN=TOKEN,
        CCHC_TELEGRAM_API_URL=fake.base_url,
        CCHC_LOG_LEVEL="WARNING",
        **extra,
    )
    return env


def plain_rss(knowledge: Path) -> tuple[float, float]:
    """RSS of an unmodified `cchc-bot run` (polling, SQLite) after answering 30 messages."""
    fake = FakeTelegram()
    fake.max_poll_wait = 0.2
    fake.start()
    with tempfile.TemporaryDirectory() as tmp:
        env = bot_env(fake, f"sqlite:///{tmp}/cchc.db", knowledge, CCHC_HTTP_PORT="0")
        script = Path(sys.executable).with_name("cchc-bot")  # the installed entry point
        command = [str(script), "run"] if script.exists() else [sys.executable, "-m", "cchc_bot"]
        process = subprocess.Popen(
            command if script.exists() else [*command, "run"], env=env, cwd=tmp
        )
        try:
            fake.wait_for(lambda: fake.calls_to("getupdates"), timeout=60)
            questions, _ = question_pool(knowledge)
            fake.push(*(tg.text_update(i + 1, 500 + i % 5, questions[i]) for i in range(30)))
            fake.wait_for(lambda: len(fake.sent()) >= 30, timeout=60)
            return rss_mb(process.pid)
        finally:
            process.send_signal(signal.SIGTERM)
            process.wait(timeout=30)
            fake.stop()


def fresh_database(url: str | None) -> tuple[str, str | None]:
    """The database URL to use and the schema to drop afterwards (None: keep)."""
    if url is not None:
        return url, None
    import psycopg

    schema = f"bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(PG_SERVER, autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
    return f"{PG_SERVER}?options=-csearch_path%3D{schema}", schema


def drop_schema(schema: str | None) -> None:
    if schema is not None:
        import psycopg

        with psycopg.connect(PG_SERVER, autocommit=True) as conn:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')


def chat_of(update: dict) -> int:
    body = update.get("message") or update["callback_query"]["message"]
    return int(body["chat"]["id"])


def py_spy(pid: int) -> subprocess.Popen | None:
    """Developer aid: BENCH_PYSPY=FILE records a py-spy profile of the bot under load."""
    output = os.environ.get("BENCH_PYSPY")
    if not output:
        return None
    command = ["py-spy", "record", "--pid", str(pid), "--format", "raw", "--rate", "250", "--gil"]
    spy = subprocess.Popen([*command, "--output", output, "--nonblocking"])
    time.sleep(1)
    return spy


def run_load(args: argparse.Namespace, database_url: str) -> dict:
    """Start the bot(s), warm up, send the load; returns what was measured."""
    updates = build_updates(args.users, args.per_user, args.knowledge)
    fake = FakeTelegram().start()
    ports = [free_port() for _ in range(args.workers)]
    serve, stats_dir = Path(__file__).with_name("telegram_serve.py"), Path(tempfile.mkdtemp())
    env = bot_env(
        fake,
        database_url,
        args.knowledge,
        CCHC_TELEGRAM_WEBHOOK_URL=f"https://bench.example.vn{PATH}",
        CCHC_TELEGRAM_WEBHOOK_SECRET=SECRET,
        CCHC_TELEGRAM_MAX_RATE="0",
        CCHC_TELEGRAM_CHAT_RATE="0",
        **({"CCHC_THREADS": str(args.threads)} if args.threads else {}),
    )
    bots = []
    for i, port in enumerate(ports):  # the same settings, each on its own port
        if i == 1:  # the first worker migrated the database; start the others after it
            wait_http(f"http://127.0.0.1:{ports[0]}/healthz")
        stats, command = stats_dir / f"stats-{i}.json", [sys.executable, str(serve)]
        process = subprocess.Popen([*command, str(stats)], env=env | {"CCHC_HTTP_PORT": str(port)})
        bots.append((process, stats))

    def cpu() -> dict:
        """The CPU timers of every worker, summed."""
        for process, stats in bots:
            stats.unlink(missing_ok=True)
            process.send_signal(signal.SIGUSR1)
        deadline = time.monotonic() + 10
        while not all(stats.exists() for _, stats in bots) and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(0.05)
        snapshots = [json.loads(stats.read_text()) for _, stats in bots]
        return {key: sum(each[key] for each in snapshots) for key in snapshots[0]}

    try:
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        fake.wait_for(lambda: len(fake.calls_to("setwebhook")) >= len(ports), timeout=30)
        warm = [tg.text_update(900_000 + i, 90 + i % 10, "/help") for i in range(100)]
        asyncio.run(post_all(ports, warm, 200, args.connections))
        fake.wait_for(lambda: len(fake.sent()) >= len(warm), timeout=60)
        baseline = len(fake.calls)
        before = cpu()
        spy = py_spy(bots[0][0].pid)  # worker 0 only
        sent_at = asyncio.run(post_all(ports, updates, args.rate, args.connections, args.spread))

        def replied() -> int:
            return sum(1 for c in fake.calls[baseline:] if c.method == "sendmessage")

        with contextlib.suppress(AssertionError):
            fake.wait_for(lambda: replied() >= len(updates), timeout=120)
        time.sleep(1.0)  # a duplicate would show up by now
        after = cpu()
        if spy is not None:
            spy.send_signal(signal.SIGINT)
            spy.wait(timeout=30)
        rss = [rss_mb(process.pid) for process, _ in bots]
    finally:
        for process, _ in bots:
            process.send_signal(signal.SIGTERM)
        codes = [process.wait(timeout=60) for process, _ in bots]
        fake.stop()
    replies: dict[int, list[float]] = {}
    typing = sum(1 for c in fake.calls[baseline:] if c.method == "sendchataction")
    for call in fake.calls[baseline:]:
        if call.method == "sendmessage" and call.chat_id is not None:
            replies.setdefault(call.chat_id, []).append(call.at)
    cpu = {k: after[k] - before[k] for k in after}
    return {"updates": updates, "sent_at": sent_at, "replies": replies, "cpu": cpu,
            "rss": rss, "exit": codes, "typing": typing}  # fmt: skip


def report(args: argparse.Namespace, run: dict) -> int:
    updates, sent_at, replies, cpu = run["updates"], run["sent_at"], run["replies"], run["cpu"]
    per_chat: dict[int, list[int]] = {}
    for index, update in enumerate(updates):
        per_chat.setdefault(chat_of(update), []).append(index)
    latencies, lost, duplicated = [], 0, 0
    for chat, indexes in per_chat.items():
        got = replies.get(chat, [])
        lost += max(0, len(indexes) - len(got))
        duplicated += max(0, len(got) - len(indexes))
        latencies += [(t - sent_at[i]) * 1000 for i, t in zip(indexes, got, strict=False)]
    span = max(t for ts in replies.values() for t in ts) - min(sent_at)
    n = len(updates)
    workers, offered = f"{args.workers} worker(s)", f"{n} from {args.users} users"
    print(f"updates: {offered}, offered at {args.rate:g}/s (webhook mode, {workers})")
    print(f"throughput: {len(latencies) / span:.0f} updates/s end to end (update in → reply sent)")
    print(
        f"latency ms: p50 {percentile(latencies, 0.5):.1f}  p90 {percentile(latencies, 0.9):.1f}"
        f"  p99 {percentile(latencies, 0.99):.1f}  max {max(latencies):.1f}"
    )
    print(f"lost: {lost}  duplicated: {duplicated}  bot exit code(s): {run['exit']}")
    print(f"typing indicators sent (answers slower than 0.5 s): {run['typing']}")
    total = cpu["process"]
    share = f"{total / span:.0%} of one core, {total / n * 1000:.2f} ms/update"
    print(f"bot CPU (sum over {workers}): {total:.2f} s = {share}")
    logic = cpu["engine"] - cpu["matching"] - cpu["database_engine"]
    shares = (
        ("matching (Matcher.match)", cpu["matching"]),
        ("database, engine (Database.run*)", cpu["database_engine"]),
        ("database, inbox (store, mark handled)", cpu["database_edge"]),
        ("engine logic (rest of Engine.handle)", logic),
        ("HTTP + event loop (uvicorn, PTB, client)", total - cpu["engine"] - cpu["database_edge"]),
    )
    for name, value in shares:
        print(f"  {name:<42}{value / total:6.1%}  {value / n * 1000:5.2f} ms/update")
    each = ", ".join(f"{rss:.0f} MB (peak {hwm:.0f} MB)" for rss, hwm in run["rss"])
    print(f"RSS of the loaded server(s): {each}; sum {sum(r for r, _ in run['rss']):.0f} MB")
    plain, peak = plain_rss(args.knowledge)
    print(f"RSS of a plain `cchc-bot run`, shipped knowledge: {plain:.0f} MB (peak {peak:.0f})")
    return 0 if not lost and not duplicated else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--rate", type=float, default=300.0, help="updates per second offered")
    parser.add_argument("--workers", type=int, default=1, help="cchc-bot run processes")
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--threads", type=int, help="CCHC_THREADS of the bot(s)")
    parser.add_argument(
        "--spread",
        action="store_true",
        help="send each update to any worker (round robin), not each chat to one worker",
    )
    parser.add_argument("--database-url", help="default: a fresh schema on " + PG_SERVER)
    parser.add_argument("--knowledge", type=Path, default=ROOT / "knowledge")
    args = parser.parse_args()
    database_url, schema = fresh_database(args.database_url)
    try:
        run = run_load(args, database_url)
    finally:
        drop_schema(schema)
    return report(args, run)


if __name__ == "__main__":
    raise SystemExit(main())
