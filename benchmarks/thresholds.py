"""How the answer threshold and margin trade answers against mistakes, on golden sets.

    python benchmarks/thresholds.py [--knowledge knowledge] [--golden knowledge/golden.yaml]

For a grid of (answer threshold, margin) it prints, on the golden questions as written and
as generated no-diacritic copies: share answered right, answered wrong, right answered or
offered, and out-of-scope answered — plus the out-of-scope share answered on the public
benchmark's 400 off-topic questions. The shipped defaults (settings.py) are chosen from this
table: the most right answers with ≤ 1 % wrong and ≤ 3 % out-of-scope answered.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import replace
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import vicov19

from cchc_bot.evaluation import evaluate
from cchc_bot.knowledge import load_golden, load_knowledge
from cchc_bot.matching import Matcher, Thresholds
from cchc_bot.settings import Settings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--knowledge", default="knowledge")
    parser.add_argument("--golden", default="knowledge/golden.yaml")
    parser.add_argument("--answers", default="0.5,0.55,0.6,0.65,0.7,0.75,0.8,0.85")
    parser.add_argument("--margins", default="0.0,0.1,0.2")
    args = parser.parse_args()
    settings = Settings.load(environ={}, env_file=None)
    base = Thresholds(settings.answer_threshold, settings.choice_threshold, settings.answer_margin)
    knowledge = load_knowledge(args.knowledge)
    matcher = Matcher(knowledge, base)
    cases = load_golden(args.golden, knowledge)
    bench = vicov19.build(with_synonyms=True)
    bench_matcher = Matcher(load_knowledge(bench.folder), base)
    off_topic = [q["query"] for q in bench.queries if q["variant"] == "oos"]
    today = date.today()
    print(f"shipped: answer={base.answer} choice={base.choice} margin={base.margin}")
    print(
        f"{'answer':>7}{'margin':>8} | {'right':>7}{'wrong':>7}{'reach':>7}{'oos':>6} | "
        f"{'right':>7}{'wrong':>7}{'reach':>7}{'oos':>6} | {'bench oos':>9}"
    )
    print(f"{'':>15} | {'golden, as written':^27} | {'golden, no diacritics':^27} |")
    for answer in [float(a) for a in args.answers.split(",")]:
        for margin in [float(m) for m in args.margins.split(",")]:
            chosen = replace(base, answer=answer, margin=margin, choice=min(base.choice, answer))
            matcher.thresholds = chosen
            bench_matcher.thresholds = chosen
            summaries, _ = evaluate(matcher, cases, today)
            oos = sum(bench_matcher.match(q).status == "answer" for q in off_topic)
            cells = " | ".join(
                f"{s.answered_right:>7.1%}{s.answered_wrong:>7.1%}"
                f"{s.right_answered_or_offered:>7.1%}{s.oos_answered:>6.1%}"
                for s in summaries
            )
            print(f"{answer:>7.2f}{margin:>8.2f} | {cells} | {oos / len(off_topic):>9.1%}")


if __name__ == "__main__":
    main()
