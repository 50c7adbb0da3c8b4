"""Answer quality on the public UIT-ViCoV19QA benchmark, through the bot's own loader and matcher.

    python benchmarks/accuracy.py [--no-synonyms] [--sweep] [--json]

Prints lenient and strict top-1 / top-3 per variant (orig, nodiac, typo) for the 300 headline
paraphrases, the shared-answer rows apart, and — at the thresholds the engine ships with —
how many in-scope questions are answered, offered choices or handed off, and how many
out-of-scope questions get answered.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vicov19

from cchc_bot.knowledge import load_knowledge
from cchc_bot.matching import Matcher, Thresholds
from cchc_bot.settings import Settings

HEADLINE = ("written-formal", "written-chat")


def _accepted(query: dict, merged: dict[str, str], lenient: bool) -> set[str]:
    ids = {query["expected_id"], *(query["also_ok"] if lenient else ())}
    return ids | {merged[i] for i in ids if i in merged}


def run(with_synonyms: bool, sweep: bool) -> dict:
    bench = vicov19.build(with_synonyms=with_synonyms)
    settings = Settings.load(environ={}, env_file=None)
    thresholds = Thresholds(
        settings.answer_threshold, settings.choice_threshold, settings.answer_margin
    )
    started = time.perf_counter()
    matcher = Matcher(load_knowledge(bench.folder), thresholds)
    build_s = time.perf_counter() - started
    ranking: dict[str, dict[str, list[int]]] = defaultdict(lambda: defaultdict(list))
    decisions: dict[str, list[tuple[str, bool]]] = defaultdict(list)
    cached: list[tuple[dict, str]] = []
    for query in bench.queries:
        variant = query["variant"]
        if variant == "oos":
            decisions["oos"].append((matcher.match(query["query"]).status, False))
            cached.append((query, "oos"))
            continue
        group = "headline" if query["source"] in HEADLINE else "shared-answer"
        top = [c.entry.id for c in matcher.search(query["query"], limit=3)]
        for mode in ("lenient", "strict"):
            ok = _accepted(query, bench.merged, mode == "lenient")
            hit = [int(bool(top[:k]) and any(i in ok for i in top[:k])) for k in (1, 3)]
            ranking[f"{group}/{mode}"][variant].append(hit[0] * 10 + hit[1])
        if group == "headline":
            match = matcher.match(query["query"])
            ok = _accepted(query, bench.merged, True)
            right = match.entry is not None and match.entry.id in ok
            decisions[variant].append((match.status, right))
            cached.append((query, variant))
    report = {
        "entries": bench.entries,
        "merged_duplicates": len(bench.merged),
        "synonyms": with_synonyms,
        "build_seconds": round(build_s, 2),
        "thresholds": {
            "answer": thresholds.answer,
            "choice": thresholds.choice,
            "margin": thresholds.margin,
        },
        "ranking": {
            name: {
                v: {
                    "n": len(hits),
                    "top1": round(sum(h // 10 for h in hits) / len(hits), 3),
                    "top3": round(sum(h % 10 for h in hits) / len(hits), 3),
                }
                for v, hits in sorted(per.items())
            }
            for name, per in ranking.items()
        },
        "decisions": {v: _decision_summary(d) for v, d in sorted(decisions.items())},
    }
    if sweep:
        report["sweep"] = _sweep(matcher, thresholds, cached, bench.merged)
    return report


def _decision_summary(rows: list[tuple[str, bool]]) -> dict:
    n = len(rows)
    answered = [right for status, right in rows if status == "answer"]
    return {
        "n": n,
        "answered": round(len(answered) / n, 3),
        "answered_right": round(sum(answered) / n, 3),
        "precision": round(sum(answered) / len(answered), 3) if answered else None,
        "choices": round(sum(s == "choices" for s, _ in rows) / n, 3),
        "unknown": round(sum(s == "unknown" for s, _ in rows) / n, 3),
    }


def _sweep(matcher: Matcher, base: Thresholds, cached: list, merged: dict) -> list[dict]:
    rows = []
    for answer in (0.5, 0.55, 0.6, 0.62, 0.65, 0.7, 0.75, 0.8):
        matcher.thresholds = replace(base, answer=answer, choice=min(base.choice, answer))
        oos = in_scope = answered = right = 0
        for query, variant in cached:
            match = matcher.match(query["query"])
            if variant == "oos":
                oos += match.status == "answer"
                continue
            in_scope += 1
            if match.status == "answer":
                answered += 1
                right += match.entry.id in _accepted(query, merged, True)
        n_oos = sum(1 for _, v in cached if v == "oos")
        rows.append(
            {
                "answer_threshold": answer,
                "in_scope_answered": round(answered / in_scope, 3),
                "precision": round(right / answered, 3) if answered else None,
                "oos_answered": round(oos / n_oos, 3),
            }
        )
    matcher.thresholds = base
    return rows


def _print(report: dict) -> None:
    print(
        f"UIT-ViCoV19QA: {report['entries']} entries "
        f"({report['merged_duplicates']} exact duplicates merged), synonyms file: "
        f"{'yes' if report['synonyms'] else 'no'}, index build {report['build_seconds']} s"
    )
    for name, per in report["ranking"].items():
        cells = "  ".join(f"{v}: {r['top1']:.3f} / {r['top3']:.3f}" for v, r in per.items())
        n = next(iter(per.values()))["n"]
        print(f"  top-1 / top-3 {name:<22} (n={n} per variant)  {cells}")
    t = report["thresholds"]
    print(f"  decisions at answer={t['answer']} choice={t['choice']} margin={t['margin']}:")
    for variant, d in report["decisions"].items():
        print(
            f"    {variant:<7} answered {d['answered']:.1%} (right {d['answered_right']:.1%}, "
            f"precision {d['precision'] if d['precision'] is not None else '-'}), "
            f"choices {d['choices']:.1%}, hotline {d['unknown']:.1%}"
        )
    for row in report.get("sweep", ()):
        print(
            f"    sweep answer≥{row['answer_threshold']:.2f}: in-scope answered "
            f"{row['in_scope_answered']:.1%} (precision {row['precision']}), "
            f"out-of-scope answered {row['oos_answered']:.1%}"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--no-synonyms", action="store_true", help="only built-in vocabulary")
    parser.add_argument("--both", action="store_true", help="with and without synonyms")
    parser.add_argument("--sweep", action="store_true", help="also sweep the answer threshold")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    modes = [True, False] if args.both else [not args.no_synonyms]
    reports = [run(mode, args.sweep) for mode in modes]
    if args.json:
        print(json.dumps(reports, ensure_ascii=False, indent=2))
    else:
        for report in reports:
            _print(report)


if __name__ == "__main__":
    main()
