"""Load test of the Zalo Bot channel in webhook mode against the fake Zalo Bot API server.

    python benchmarks/zalo_load.py [--users 200] [--per-user 10] [--rate 300] [--workers 1]
                                   [--database-url URL] [--knowledge knowledge]

`cchc-bot run` runs as child process(es) (benchmarks/telegram_serve.py: `cchc-bot run` with
CPU timers) in Zalo webhook mode, with the shipped knowledge base and PostgreSQL (by default
a fresh schema on 127.0.0.1:5432/test, dropped afterwards). This process plays Zalo: it
POSTs USERS × PER_USER `message.text.received` events (flat envelope, the
`X-Bot-Api-Secret-Token` header) to the webhook at RATE events/s, open loop, users
interleaved, over 40 keep-alive connections, and serves the Zalo Bot API (the fake from
tests/fakes) that receives the replies. Latency = event POSTed → its reply received by the
fake (sendMessage). The mix: knowledge/golden.yaml questions (75 %), commands (10 %), entry
codes typed as text (10 %) and /hotline tickets (5 %), kept to replies of one Zalo message
(≤ 1,900 characters) so that a chat's k-th message is the reply to its k-th event.

With `--workers N`, N servers share the database and each chat is sent to one of them
(sticky, as a reverse proxy hashing the chat would), to see whether more processes help.

Printed: throughput, p50/p90/p99 latency, lost and duplicated replies, and the CPU split of
the bot process(es) (matching, database, engine logic, HTTP + event loop). Outgoing rate
limits are off (CCHC_ZALO_MAX_RATE=0, …_CHAT_RATE=0).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from telegram_load import (  # noqa: E402
    HOTLINE_TOPICS,
    drop_schema,
    free_port,
    fresh_database,
    percentile,
    rss_mb,
    wait_http,
)
from webhook_load import post_webhooks, webhook_head  # noqa: E402

from tests.fakes import zalo_updates as zu  # noqa: E402
from tests.fakes.zalo_server import TOKEN, FakeZaloBot  # noqa: E402

SECRET = "bench_zalo-secret-0123456789"
PATH = "/zalo/hook"


def question_pool(knowledge: Path) -> tuple[list[str], list[str]]:
    """Golden questions and entry codes whose reply is one Zalo message."""
    from zoneinfo import ZoneInfo

    import yaml

    from cchc_bot import texts
    from cchc_bot.answers import render_entry
    from cchc_bot.channels.capabilities import ZALO_BOT
    from cchc_bot.channels.render import plain_parts
    from cchc_bot.engine import Engine
    from cchc_bot.kb_service import KnowledgeService
    from cchc_bot.matching import Thresholds
    from cchc_bot.messages import Reply

    service = KnowledgeService(knowledge, Thresholds())
    engine = Engine(service, None, timezone=ZoneInfo("Asia/Ho_Chi_Minh"))
    golden = yaml.safe_load((knowledge / "golden.yaml").read_text(encoding="utf-8"))
    questions = [g["q"] for g in golden if g.get("expect")]
    single = [q for q in questions if len(plain_parts(engine.preview(q)[1], ZALO_BOT)) == 1]
    kb = service.current.knowledge
    rating = ((texts.RATE_UP_LABEL, "/danhgia up"), (texts.RATE_DOWN_LABEL, "/danhgia down"))
    codes = [
        f"/a {e.id}"
        for e in kb.entries
        if len(plain_parts(Reply(render_entry(e, kb, None), choices=rating), ZALO_BOT)) == 1
    ]
    return single, codes


def build_events(users: int, per_user: int, knowledge: Path) -> list[dict]:
    rng = random.Random(7)
    questions, codes = question_pool(knowledge)
    commands = ["/start", "/menu", "/help", "/thutuc"]
    out = []
    n = 1
    for i in range(per_user):
        for u in range(users):
            chat, roll = f"zu-{100_000 + u}", rng.random()
            if roll < 0.75:
                words = rng.choice(questions)
            elif roll < 0.85:
                words = rng.choice(commands)
            elif roll < 0.95:
                words = rng.choice(codes)
            else:
                words = f"/hotline {rng.choice(HOTLINE_TOPICS)} (người hỏi {u}, lần {i})"
            out.append(zu.text(chat, words, f"bench-{n}", date=int(time.time() * 1000)))
            n += 1
    return out


async def post_all(
    ports: list[int], events: list[dict], rate: float, connections: int
) -> list[float]:
    """POST Zalo events to the webhook(s); returns the send times."""
    head = webhook_head(PATH, "X-Bot-Api-Secret-Token", SECRET)
    return await post_webhooks(ports, events, rate, connections, head=head, chat=chat_of)


def machine_cpu() -> dict[str, float]:
    """CPU seconds so far: the whole machine (busy), PostgreSQL's processes, this process."""
    tick = os.sysconf("SC_CLK_TCK")
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    busy = sum(int(f) for i, f in enumerate(fields) if i not in (3, 4)) / tick  # not idle/iowait
    postgres = 0.0
    for proc in Path("/proc").iterdir():
        try:
            if proc.name.isdigit() and (proc / "comm").read_text().strip() == "postgres":
                stat = (proc / "stat").read_text().rsplit(")", 1)[1].split()
                postgres += sum(int(v) for v in stat[11:15]) / tick  # + reaped children
        except OSError:
            continue
    own = os.times()
    return {"busy": busy, "postgres": postgres, "load": own.user + own.system, "wall": own.elapsed}


def chat_of(event: dict) -> str:
    return str(event["message"]["chat"]["id"])


def bot_env(fake: FakeZaloBot, database_url: str, knowledge: Path, port: int) -> dict:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(
        CCHC_DATABASE_URL=database_url,
        CCHC_KNOWLEDGE_DIR=str(knowledge),
        CCHC_ZALO_BOT_TOKEN=TOKEN,
        CCHC_ZALO_BOT_API_URL=fake.base_url,
        CCHC_ZALO_BOT_WEBHOOK_URL=f"https://bench.example.vn{PATH}",
        CCHC_ZALO_BOT_WEBHOOK_SECRET=SECRET,
        CCHC_ZALO_MAX_RATE="0",
        CCHC_ZALO_CHAT_RATE="0",
        CCHC_HTTP_PORT=str(port),
        CCHC_LOG_LEVEL="WARNING",
    )
    return env


def run_load(args: argparse.Namespace, database_url: str) -> dict:
    """Start the bot(s), warm up, send the load; returns what was measured."""
    events = build_events(args.users, args.per_user, args.knowledge)
    fake = FakeZaloBot().start()
    ports = [free_port() for _ in range(args.workers)]
    stats_dir = Path(tempfile.mkdtemp())
    serve = Path(__file__).with_name("telegram_serve.py")  # `cchc-bot run` with CPU timers
    bots = []
    for i, port in enumerate(ports):
        if i == 1:  # the first worker migrated the database; start the others after it
            wait_http(f"http://127.0.0.1:{ports[0]}/healthz")
        env = bot_env(fake, database_url, args.knowledge, port)
        stats = stats_dir / f"stats-{i}.json"
        bots.append((subprocess.Popen([sys.executable, str(serve), str(stats)], env=env), stats))

    def cpu() -> dict:
        totals: dict[str, float] = {}
        for process, stats in bots:
            stats.unlink(missing_ok=True)
            process.send_signal(signal.SIGUSR1)
        for _process, stats in bots:
            deadline = time.monotonic() + 10
            while not stats.exists() and time.monotonic() < deadline:
                time.sleep(0.01)
            time.sleep(0.05)
            for key, value in json.loads(stats.read_text()).items():
                totals[key] = totals.get(key, 0.0) + value
        return totals

    try:
        for port in ports:
            wait_http(f"http://127.0.0.1:{port}/healthz")
        fake.wait_for(lambda: len(fake.calls_to("setwebhook")) >= len(ports), timeout=30)
        warm = [zu.text(f"warm-{i % 10}", "/help", f"warm-{i}") for i in range(100)]
        asyncio.run(post_all(ports, warm, 200, args.connections))
        fake.wait_for(lambda: len(fake.calls_to("sendmessage")) >= len(warm), timeout=60)
        baseline = len(fake.calls)
        before = cpu()
        machine_before = machine_cpu()
        sent_at = asyncio.run(post_all(ports, events, args.rate, args.connections))

        def replied() -> int:
            return sum(1 for c in fake.calls[baseline:] if c.method == "sendmessage")

        with contextlib.suppress(AssertionError):
            fake.wait_for(lambda: replied() >= len(events), timeout=180)
        machine = {k: v - machine_before[k] for k, v in machine_cpu().items()}
        time.sleep(1.0)  # a duplicate would show up by now
        after = cpu()
        rss = [rss_mb(process.pid)[0] for process, _ in bots]
    finally:
        codes = []
        for process, _ in bots:
            process.send_signal(signal.SIGTERM)
        for process, _ in bots:
            codes.append(process.wait(timeout=60))
        fake.stop()
    typing = sum(1 for c in fake.calls[baseline:] if c.method == "sendchataction")
    replies: dict[str, list[float]] = {}
    for call in fake.calls[baseline:]:
        if call.method == "sendmessage" and call.chat_id is not None:
            replies.setdefault(call.chat_id, []).append(call.at)
    used = {k: after[k] - before.get(k, 0.0) for k in after}
    return {"events": events, "sent_at": sent_at, "replies": replies, "cpu": used,
            "rss": rss, "exit": codes, "machine": machine, "typing": typing}  # fmt: skip


def report(args: argparse.Namespace, run: dict) -> int:
    events, sent_at, replies, cpu = run["events"], run["sent_at"], run["replies"], run["cpu"]
    per_chat: dict[str, list[int]] = {}
    for index, event in enumerate(events):
        per_chat.setdefault(chat_of(event), []).append(index)
    latencies, lost, duplicated = [], 0, 0
    for chat, indexes in per_chat.items():
        got = replies.get(chat, [])
        lost += max(0, len(indexes) - len(got))
        duplicated += max(0, len(got) - len(indexes))
        latencies += [(t - sent_at[i]) * 1000 for i, t in zip(indexes, got, strict=False)]
    span = max(t for ts in replies.values() for t in ts) - min(sent_at)
    n = len(events)
    print(
        f"events: {n} from {args.users} users, offered at {args.rate:g}/s "
        f"(webhook, {args.workers} worker(s), PostgreSQL)"
    )
    print(f"throughput: {len(latencies) / span:.0f} events/s end to end (event in → reply sent)")
    print(
        f"latency ms: p50 {percentile(latencies, 0.5):.1f}  p90 {percentile(latencies, 0.9):.1f}"
        f"  p99 {percentile(latencies, 0.99):.1f}  max {max(latencies):.1f}"
    )
    print(f"lost: {lost}  duplicated: {duplicated}  bot exit code(s): {run['exit']}")
    print(f"typing indicators sent: {run['typing']} (an answer taking over 0.5 s)")
    total = cpu["process"]
    share, per_event = total / span, total / n * 1000
    print(f"bot CPU: {total:.2f} s = {share:.0%} of one core, {per_event:.2f} ms/event")
    logic = cpu["engine"] - cpu["matching"] - cpu["database_engine"]
    shares = (
        ("matching (Matcher.match)", cpu["matching"]),
        ("database, engine (Database.run*)", cpu["database_engine"]),
        ("database, inbox (store, mark handled)", cpu["database_edge"]),
        ("engine logic (rest of Engine.handle)", logic),
        ("HTTP + event loop (uvicorn, HTTP client)", total - cpu["engine"] - cpu["database_edge"]),
    )
    for name, value in shares:
        print(f"  {name:<42}{value / total:6.1%}  {value / n * 1000:5.2f} ms/event")
    print("RSS of the loaded server(s): " + ", ".join(f"{r:.0f} MB" for r in run["rss"]))
    machine, cores = run["machine"], os.cpu_count() or 1
    busy, wall = machine["busy"], machine["wall"]
    other = busy - total - machine["postgres"] - machine["load"]
    print(
        f"machine: {busy / wall:.2f} of {cores} cores busy during the run — bot(s) "
        f"{total / busy:.0%}, PostgreSQL {machine['postgres'] / busy:.0%}, fake Zalo + load "
        f"generator {machine['load'] / busy:.0%}, other processes {other / busy:.0%}"
    )
    return 0 if not lost and not duplicated else 1


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--users", type=int, default=200)
    parser.add_argument("--per-user", type=int, default=10)
    parser.add_argument("--rate", type=float, default=300.0, help="events per second offered")
    parser.add_argument("--workers", type=int, default=1, help="cchc-bot run processes")
    parser.add_argument("--connections", type=int, default=40)
    parser.add_argument("--database-url", help="default: a fresh schema on the test server")
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
