"""The public UIT-ViCoV19QA benchmark as a knowledge folder (generated, never shipped).

`../shared/benchmarks/uit-vicov19qa/kb.jsonl` becomes `agency.yaml` + `faq/benchmark.yaml`
(+ `synonyms.yaml` when asked), so the benchmark runs through exactly the loader and matcher
the bot uses. Entries whose question is, after normalisation, the same as an earlier entry's
cannot be told apart by any matcher; the loader rejects such duplicates, so they are left
out and mapped to the entry that kept the question (reported by the scripts).
"""

from __future__ import annotations

import json
import shutil
from dataclasses import dataclass
from pathlib import Path

import yaml

from cchc_bot.vietnamese import Normalizer

ROOT = Path(__file__).resolve().parent
DATA = ROOT.parent.parent / "shared" / "benchmarks" / "uit-vicov19qa"
SYNONYMS = ROOT / "vicov19_synonyms.yaml"
CACHE = ROOT / "results" / "vicov19-knowledge"


@dataclass(frozen=True)
class Benchmark:
    folder: Path
    queries: list[dict]
    merged: dict[str, str]  # dropped duplicate id → id that kept the question
    entries: int


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def build(*, with_synonyms: bool = True, folder: Path = CACHE, data: Path = DATA) -> Benchmark:
    """Write the knowledge folder (fresh each time) and return it with the queries."""
    if not (data / "kb.jsonl").is_file():
        raise SystemExit(f"benchmark data not found at {data} (expected ../shared next to repo)")
    rows = _read_jsonl(data / "kb.jsonl")
    syn = yaml.safe_load(SYNONYMS.read_text(encoding="utf-8")) if with_synonyms else {}
    normalizer = Normalizer(list((syn.get("synonyms") or {}).items()), syn.get("filler") or ())
    owner: dict[str, str] = {}
    merged: dict[str, str] = {}
    entries = []
    for row in rows:
        key = normalizer.normalize(row["question"])
        if not key:
            continue
        if key in owner:
            merged[row["id"]] = owner[key]
            continue
        owner[key] = row["id"]
        entries.append({"id": row["id"], "questions": [row["question"]], "answer": row["answer"]})
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "faq").mkdir(parents=True)
    agency = {"name": "UIT-ViCoV19QA (benchmark)", "short_name": "benchmark", "hotline": "0"}
    (folder / "agency.yaml").write_text(yaml.safe_dump(agency, allow_unicode=True), "utf-8")
    faq = {"topic": "COVID-19 FAQ (research data, not for citizens)", "entries": entries}
    (folder / "faq" / "benchmark.yaml").write_text(
        yaml.safe_dump(faq, allow_unicode=True, sort_keys=False, width=1000), "utf-8"
    )
    if with_synonyms:
        shutil.copy(SYNONYMS, folder / "synonyms.yaml")
    return Benchmark(folder, _read_jsonl(data / "queries.jsonl"), merged, len(entries))
