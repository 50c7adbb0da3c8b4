"""Matching speed and memory: the public benchmark and synthetic knowledge bases up to 100k.

    python benchmarks/latency.py [--sizes 1000,10000,100000] [--queries 2000]

Each measurement runs in a fresh child process pinned to one CPU core with one BLAS thread,
so its resident memory (RSS) is its own. Per size it prints: index build time, RSS after
building, and the median / p90 / p99 time of `Matcher.match` per question. Synthetic
knowledge bases are made of questions recombined from the benchmark's vocabulary (two
questions and a short answer per entry); queries are entries' questions with words dropped,
typos and no diacritics, plus out-of-scope sentences.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
ONE_THREAD = {k: "1" for k in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}


def _rss_mb() -> float:
    with open("/proc/self/status", encoding="ascii") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def _percentiles(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def at(q: float) -> float:
        return ordered[min(len(ordered) - 1, int(q * len(ordered)))]

    return {"median_ms": at(0.5), "p90_ms": at(0.9), "p99_ms": at(0.99), "max_ms": ordered[-1]}


def _typo(word: str, rng: random.Random) -> str:
    if len(word) < 4:
        return word
    i = rng.randrange(len(word) - 1)
    return word[:i] + word[i + 1] + word[i] + word[i + 2 :]


def synthetic(size: int, seed: int = 7) -> tuple[object, list[str]]:
    """A knowledge base of `size` entries built in memory, and query texts for it.

    Built directly (not through YAML) so the figures are those of the matcher; the YAML loader
    is measured on the benchmark folder.
    """
    import vicov19

    from cchc_bot.knowledge import Agency, Entry, KnowledgeBase, Source, Topic
    from cchc_bot.vietnamese import strip_diacritics

    rng = random.Random(seed)
    rows = [json.loads(line) for line in (vicov19.DATA / "kb.jsonl").open(encoding="utf-8")]
    words = [w for row in rows for w in row["question"].split()]
    entries = []
    source = Source("faq/synthetic.yaml", 1)
    for i in range(size):
        questions = []
        for _ in range(2):
            n = rng.randint(6, 18)
            start = rng.randrange(len(words) - n)
            questions.append(" ".join(words[start : start + n]))
        answer = " ".join(rng.choice(words) for _ in range(rng.randint(15, 40)))
        entries.append(Entry(f"e{i:06d}", "faq", "faq/synthetic", tuple(questions), source, answer))
    agency = Agency("synthetic", "synthetic", "0")
    topic = Topic("faq/synthetic", "synthetic", "faq", tuple(e.id for e in entries))
    knowledge = KnowledgeBase("synthetic", agency, tuple(entries), (topic,))
    queries = []
    for _ in range(1500):
        question = rng.choice(entries).questions[0].split()
        kept = [w for w in question if rng.random() > 0.3] or question
        kept = [_typo(w, rng) if rng.random() < 0.2 else w for w in kept]
        text = " ".join(kept)
        queries.append(strip_diacritics(text) if rng.random() < 0.4 else text)
    queries += [row["question"] for row in rng.sample(rows, 500)]
    return knowledge, queries


def measure(source: str, limit: int) -> dict:
    """Child process: load or generate, build the matcher, then time `match`."""
    from cchc_bot.knowledge import load_knowledge
    from cchc_bot.matching import Matcher

    started = time.perf_counter()
    if source.isdigit():
        knowledge, queries = synthetic(int(source))
        started = time.perf_counter()
    else:
        import vicov19

        knowledge = load_knowledge(source)
        queries = [json.loads(line)["query"] for line in (vicov19.DATA / "queries.jsonl").open()]
    queries = queries[:limit]
    loaded = time.perf_counter()
    matcher = Matcher(knowledge)
    built = time.perf_counter()
    rss = _rss_mb()
    for q in queries[:50]:  # warm caches the way a running server has them
        matcher.match(q)
    samples = []
    for q in queries:
        t0 = time.perf_counter()
        matcher.match(q)
        samples.append((time.perf_counter() - t0) * 1000)
    return {
        "entries": len(knowledge.entries),
        "load_s": round(loaded - started, 2),
        "build_s": round(built - loaded, 2),
        "rss_mb": round(max(rss, _rss_mb()), 1),
        "queries": len(samples),
        **{k: round(v, 3) for k, v in _percentiles(samples).items()},
    }


def _child(source: str, limit: int) -> dict:
    cmd = [sys.executable, __file__, "--child", source, str(limit)]
    if hasattr(os, "sched_setaffinity"):
        cmd = ["taskset", "-c", "0", *cmd] if _has_taskset() else cmd
    out = subprocess.run(
        cmd, check=True, capture_output=True, text=True, env={**os.environ, **ONE_THREAD}
    )
    return json.loads(out.stdout.strip().splitlines()[-1])


def _has_taskset() -> bool:
    from shutil import which

    return which("taskset") is not None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", default="1000,3000,10000,30000,100000")
    parser.add_argument("--queries", type=int, default=2000)
    parser.add_argument("--child", nargs=2, help=argparse.SUPPRESS)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.child[0], int(args.child[1]))))
        return

    import vicov19

    results = []
    bench = vicov19.build(with_synonyms=True)
    results.append({"kb": "UIT-ViCoV19QA", **_child(str(bench.folder), args.queries)})
    for size in [int(s) for s in args.sizes.split(",") if s]:
        results.append({"kb": f"synthetic {size:,}", **_child(str(size), args.queries)})
    if args.json:
        print(json.dumps(results, indent=2))
        return
    print(
        f"{'knowledge base':<18}{'entries':>9}{'load s':>8}{'build s':>9}{'RSS MB':>8}"
        f"{'median ms':>11}{'p90 ms':>8}{'p99 ms':>8}"
    )
    for r in results:
        print(
            f"{r['kb']:<18}{r['entries']:>9,}{r['load_s']:>8.2f}{r['build_s']:>9.2f}"
            f"{r['rss_mb']:>8.0f}{r['median_ms']:>11.3f}{r['p90_ms']:>8.3f}{r['p99_ms']:>8.3f}"
        )


if __name__ == "__main__":
    main()
