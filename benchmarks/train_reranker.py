"""Train the matcher's reranker and its confidence calibration; write reranker_weights.py.

    python benchmarks/train_reranker.py [--calibration-only] [--out FILE]

(FILE defaults to cchc_bot/matching/reranker_weights.py.)

`--calibration-only` keeps the ranking weights of the shipped `reranker_weights.py` and refits
only the calibration below (how the shipped file was last made: the ranking was trained on an
earlier knowledge/ folder and retraining it on today's lowers the benchmark's top-1).

Data: the knowledge bases' own questions and answers, nothing else.

* The public benchmark's knowledge base (UIT-ViCoV19QA `kb.jsonl`, through
  `benchmarks/vicov19.py`): 3 × 4,000 pseudo-queries. A pseudo-query is one of an entry's
  questions with words dropped (everyday words more often), a window cut from long questions,
  words swapped for related words or for words used in similar entries (neighbours in a
  seeded truncated SVD of the same knowledge base's entry × word matrix), frequent question
  words inserted, the word order rotated and typos made; its target is the entry it came from.
  The benchmark's test questions (`queries.jsonl`) are never read.
* The project's `knowledge/` folder (copied without `golden.yaml`, which is never read): its
  entries' paraphrases. The questions of entries that have several are dealt into five folds;
  a matcher built without one fold is asked that fold's questions as written, without
  diacritics and re-worded as above (3 seeds).

Ranking: every ask's first-stage pool (`POOL` = eight entries, up to three questions each;
the matcher hands nine to the reranker at run time, but calibrating on nine lowered the
golden sets by two questions) with its feature rows (`Matcher.candidate_features`); a
linear model is trained listwise (softmax over
the pool's rows, cross-entropy on the target entry's rows; Adam, L2 0.01, 300 steps) on
standardised features.

Calibration (`Match.score`): each candidate entry gets a logit from its reranker score and
the features named in `rerank.CONFIDENCE_FEATURES` (coverages, word pairs, the question's
unmatched words); the confidences are a softmax over the
candidates plus "none of them". The logit's weights are fitted by maximum likelihood on fresh
asks (other seeds) of three kinds for each knowledge base: answerable ones; held-out ones,
asked with their own entry removed (unanswerable, but worded in the knowledge base's own
vocabulary); and off-topic ones, the *other* knowledge base's pseudo-queries (COVID-19
questions against the education knowledge base and vice versa).

Every random choice uses a fixed seed: the output is reproducible on the same data (about a
minute on one core).
"""

from __future__ import annotations

import argparse
import math
import os
import random
import shutil
import string
import sys
import tempfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import vicov19  # noqa: E402

from cchc_bot.knowledge import load_knowledge  # noqa: E402
from cchc_bot.knowledge.model import KnowledgeBase  # noqa: E402
from cchc_bot.matching import Matcher  # noqa: E402
from cchc_bot.matching.entry_terms import answer_text  # noqa: E402
from cchc_bot.matching.features import FEATURE_NAMES  # noqa: E402
from cchc_bot.matching.rerank import (  # noqa: E402
    CONFIDENCE_FEATURES,
    Reranker,
    RerankerModel,
)
from cchc_bot.vietnamese import strip_diacritics, tokenize  # noqa: E402

OUT = HERE.parent / "cchc_bot" / "matching" / "reranker_weights.py"
KNOWLEDGE = HERE.parent / "knowledge"
POOL = 8  # first-stage entries per ask while training and calibrating


# --- pseudo-queries ---------------------------------------------------------------------------


def untrained() -> Reranker:
    """A reranker that keeps the first stage's order: feature rows do not depend on it, and
    training must not depend on the weights it replaces."""
    n = len(FEATURE_NAMES)
    weights = (1.0,) + (0.0,) * (n - 1)
    zeros = (0.0,) * len(CONFIDENCE_FEATURES)
    return Reranker(RerankerModel(FEATURE_NAMES, (0.0,) * n, (1.0,) * n, weights, 1.0, zeros, 0.0))


class PseudoQueries:
    """Noisy re-wordings of a knowledge base's own questions (see the module docstring)."""

    def __init__(self, matcher: Matcher, *, neighbours: bool = True) -> None:
        self.matcher = matcher
        self.entries = matcher.entries
        self.idf = matcher.questions.idf_of
        docs = [matcher.normalizer.tokens(" ".join(e.questions)) for e in self.entries]
        self.insertable = [w for w, _ in Counter(t for d in docs for t in d).most_common(60)]
        self.related = {w: sorted(r) for w, r in matcher.related_words.items() if r}
        self.neighbours = _svd_neighbours(matcher) if neighbours else {}
        self.eligible = [i for i, e in enumerate(self.entries) if len(e.questions[0].split()) <= 40]

    def make(self, rng: random.Random, index: int) -> str:
        """A pseudo-query for entry `index`: one of its questions, re-worded."""
        return self.reword(rng, rng.choice(self.entries[index].questions))

    def reword(self, rng: random.Random, text: str) -> str:
        """A noisy re-wording of `text` (folded words, so without diacritics)."""
        words = tokenize(text)
        keep = rng.uniform(0.45, 0.85)
        out = [w for w in words if rng.random() < (keep * 0.6 if self.idf.get(w, 5) < 2 else keep)]
        if len(out) < 2:
            out = list(words)
        if len(out) > 14 and rng.random() < 0.5:
            size = rng.randint(6, 14)
            start = rng.randrange(len(out) - size + 1)
            out = out[start : start + size]
        out = [
            rng.choice(self.related[w]) if w in self.related and rng.random() < 0.3 else w
            for w in out
        ]
        out = [
            rng.choice(self.neighbours[w]) if w in self.neighbours and rng.random() < 0.2 else w
            for w in out
        ]
        for _ in range(3):
            if rng.random() < 0.4:
                out.insert(rng.randrange(len(out) + 1), rng.choice(self.insertable))
        if len(out) > 4 and rng.random() < 0.4:
            cut = rng.randrange(1, len(out))
            out = out[cut:] + out[:cut]
        if rng.random() < 0.33:
            out = [_typo(w, rng) if len(w) >= 4 and rng.random() < 0.3 else w for w in out]
        return " ".join(out)


def _typo(word: str, rng: random.Random) -> str:
    i = rng.randrange(len(word))
    op = rng.choice("disw")
    letters = string.ascii_lowercase
    if op == "d":
        return word[:i] + word[i + 1 :]
    if op == "i":
        return word[:i] + rng.choice(letters) + word[i:]
    if op == "w" and i + 1 < len(word):
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    return word[:i] + rng.choice([c for c in letters if c != word[i]]) + word[i + 1 :]


def _svd_neighbours(matcher: Matcher, dim: int = 150) -> dict[str, list[str]]:
    """Words used in similar entries: cosine > 0.5 in a truncated SVD of the entry × word
    matrix (questions weighted three times, answers once, TF-IDF, seeded randomised SVD)."""
    docs = []
    for e in matcher.entries:
        q = matcher.normalizer.tokens(" ".join(e.questions))
        a = matcher.normalizer.tokens(answer_text(e))
        docs.append(q * 3 + a)
    df = Counter(t for d in docs for t in set(d))
    vocab = [t for t, c in df.items() if c >= 2]
    if len(docs) < 500 or len(vocab) < 50:
        return {}
    wid = {t: i for i, t in enumerate(vocab)}
    idf = np.log(len(docs) / np.array([df[t] for t in vocab]))
    x = np.zeros((len(docs), len(vocab)), dtype=np.float32)
    for i, d in enumerate(docs):
        for t, f in Counter(d).items():
            j = wid.get(t)
            if j is not None:
                x[i, j] = (1 + math.log(f)) * idf[j]
    x /= np.linalg.norm(x, axis=1, keepdims=True) + 1e-9
    rng = np.random.default_rng(0)
    y = x @ rng.standard_normal((len(vocab), dim + 30)).astype(np.float32)
    for _ in range(2):
        y = x @ (x.T @ y)
    basis, _ = np.linalg.qr(y)
    _, s, vt = np.linalg.svd(basis.T @ x, full_matrices=False)
    terms = (vt[:dim].T * s[:dim]).astype(np.float32)
    terms /= np.linalg.norm(terms, axis=1, keepdims=True) + 1e-9
    q_idf = matcher.questions.idf_of
    out = {}
    for w, j in wid.items():
        if q_idf.get(w, 0) < 2.5:
            continue
        sims = terms @ terms[j]
        best = np.argsort(-sims)[1:6]
        near = [vocab[k] for k in best if sims[k] > 0.5]
        if near:
            out[w] = near
    return out


# --- asks: (matcher, text, target entry) ------------------------------------------------------


@dataclass(frozen=True)
class Ask:
    matcher: Matcher
    text: str
    target: int  # index into matcher.entries; -1 when no entry answers it


def pseudo_asks(gen: PseudoQueries, n: int, seed: int) -> list[Ask]:
    """`n` pseudo-queries of entries drawn at random (questions of at most 40 words)."""
    rng = random.Random(seed)
    asks = []
    for _ in range(n):
        target = rng.choice(gen.eligible)
        asks.append(Ask(gen.matcher, gen.make(rng, target), target))
    return asks


def paraphrase_asks(knowledge: KnowledgeBase, seed: int, folds: int = 5) -> list[Ask]:
    """An entry's own paraphrases asked against the knowledge base without them.

    The questions of entries that have several are dealt into `folds` folds (the title stays);
    for each fold a matcher is built without that fold's questions and asked each of them as
    written, without diacritics and re-worded by `PseudoQueries.reword`.
    """
    rng = random.Random(seed)
    fold_of = {
        (i, j): rng.randrange(folds)
        for i, e in enumerate(knowledge.entries)
        for j in range(1, len(e.questions))
    }
    asks = []
    for fold in range(folds):
        entries = tuple(
            replace(
                e,
                questions=tuple(
                    q for j, q in enumerate(e.questions) if fold_of.get((i, j)) != fold
                ),
            )
            for i, e in enumerate(knowledge.entries)
        )
        matcher = Matcher(replace(knowledge, entries=entries), reranker=untrained(), pool=POOL)
        gen = PseudoQueries(matcher, neighbours=False)
        for (i, j), f in sorted(fold_of.items()):
            if f == fold:
                question = knowledge.entries[i].questions[j]
                for text in (question, strip_diacritics(question), gen.reword(rng, question)):
                    asks.append(Ask(matcher, text, i))
    return asks


def off_topic_asks(gen: PseudoQueries, other: PseudoQueries, n: int, seed: int) -> list[Ask]:
    """Pseudo-queries of another knowledge base, asked of this one (nothing answers them)."""
    rng = random.Random(seed)
    return [Ask(gen.matcher, other.make(rng, rng.choice(other.eligible)), -1) for _ in range(n)]


# --- ranking ----------------------------------------------------------------------------------


@dataclass
class Rows:
    features: list[np.ndarray]  # one (rows, n_features) matrix per query
    labels: list[np.ndarray]  # 1.0 for the rows of the target entry


def rows_of(asks: Sequence[Ask]) -> Rows:
    """Feature rows of the asks whose target reached the first-stage pool."""
    rows = Rows([], [])
    for ask in asks:
        ids, feats = ask.matcher.candidate_features(ask.text)
        y = np.array([1.0 if i == ask.target else 0.0 for i in ids])
        if y.sum() > 0:
            rows.features.append(feats)
            rows.labels.append(y)
    return rows


def train_listwise(
    rows: Rows, *, l2: float = 1e-2, iters: int = 300, lr: float = 0.05
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means, scales and standardised weights of a softmax-over-the-pool linear model."""
    stacked = np.concatenate(rows.features)
    means, scales = stacked.mean(0), stacked.std(0) + 1e-6
    n, f = len(rows.features), stacked.shape[1]
    width = max(len(y) for y in rows.labels)
    x = np.zeros((n, width, f))
    y = np.zeros((n, width))
    mask = np.zeros((n, width), dtype=bool)
    for i, (feats, labels) in enumerate(zip(rows.features, rows.labels, strict=True)):
        k = len(labels)
        x[i, :k] = (feats - means) / scales
        y[i, :k] = labels / labels.sum()
        mask[i, :k] = True
    w = np.zeros(f)
    w[0] = 5.0  # start from the first stage's own order
    m = np.zeros(f)
    v = np.zeros(f)
    for step in range(1, iters + 1):
        z = np.where(mask, np.einsum("nkf,f->nk", x, w), -np.inf)
        z -= z.max(1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(1, keepdims=True)
        grad = np.einsum("nkf,nk->f", x, p - y) / n + l2 * w
        m = 0.9 * m + 0.1 * grad
        v = 0.999 * v + 0.001 * grad * grad
        w -= lr * (m / (1 - 0.9**step)) / (np.sqrt(v / (1 - 0.999**step)) + 1e-8)
    return means, scales, w


# --- calibration ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Pool:
    """One ask's candidate entries for calibration: reranker score and confidence features
    of each entry's best question, and the target's position (−1: none of them)."""

    inputs: np.ndarray  # (entries, 1 + len(CONFIDENCE_FEATURES))
    target: int


def pools_of(reranker: Reranker, asks: Sequence[Ask], *, held_out: bool = False) -> list[Pool]:
    """Calibration pools; with `held_out` the target entry is removed first."""
    columns = [FEATURE_NAMES.index(name) for name in CONFIDENCE_FEATURES]
    out = []
    for ask in asks:
        exclude = (ask.target,) if held_out and ask.target >= 0 else ()
        ids, feats = ask.matcher.candidate_features(ask.text, exclude=exclude)
        if not ids:
            continue
        scores = reranker.scores(feats)
        best: dict[int, int] = {}  # entry → its best row
        for row, entry in enumerate(ids):
            if entry not in best or scores[row] > scores[best[entry]]:
                best[entry] = row
        rows = list(best.values())
        inputs = np.column_stack([scores[rows], feats[rows][:, columns]])
        entries = list(best)
        target = entries.index(ask.target) if ask.target in best and not held_out else -1
        out.append(Pool(inputs, target))
    return out


def fit_confidence(pools: Sequence[Pool], iters: int = 100) -> tuple[np.ndarray, float]:
    """Weights and intercept of the candidates' logits in a softmax over the candidates plus
    "none" (logit 0), by Newton's method on standardised inputs; answerable and unanswerable
    asks weigh the same in total."""
    stacked = np.concatenate([p.inputs for p in pools])
    centre, spread = stacked.mean(0), stacked.std(0) + 1e-9
    data = [
        (np.hstack([(p.inputs - centre) / spread, np.ones((len(p.inputs), 1))]), p.target)
        for p in pools
    ]
    answerable = np.mean([p.target >= 0 for p in pools])
    theta = np.zeros(stacked.shape[1] + 1)
    for _ in range(iters):
        grad = np.zeros_like(theta)
        hess = np.zeros((len(theta), len(theta)))
        for x, target in data:
            logits = x @ theta
            top = max(float(logits.max()), 0.0)
            e = np.exp(logits - top)
            p = e / (np.exp(-top) + e.sum())
            mean = p @ x
            weight = 0.5 / answerable if target >= 0 else 0.5 / (1 - answerable)
            grad += weight * ((x[target] if target >= 0 else 0.0) - mean)
            hess -= weight * ((x.T * p) @ x - np.outer(mean, mean))
        step = np.linalg.solve(hess - 1e-6 * np.eye(len(theta)), grad)
        theta -= step
        if np.abs(step).max() < 1e-9:
            break
    coef = theta[:-1] / spread
    return coef, float(theta[-1] - coef @ centre)


# --- main -------------------------------------------------------------------------------------

SEEDS = (100, 200, 300)


def sources() -> tuple[PseudoQueries, PseudoQueries]:
    """Pseudo-query generators for the benchmark's knowledge base and for knowledge/ (copied
    without golden.yaml, so the golden questions are not even read)."""
    bench = vicov19.build(with_synonyms=True)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "knowledge"
        shutil.copytree(KNOWLEDGE, folder, ignore=shutil.ignore_patterns("golden.yaml"))
        own = load_knowledge(folder)
    return (
        PseudoQueries(Matcher(load_knowledge(bench.folder), reranker=untrained(), pool=POOL)),
        PseudoQueries(Matcher(own, reranker=untrained(), pool=POOL)),
    )


def training_asks(bench: PseudoQueries, own: PseudoQueries) -> list[Ask]:
    """3 × 4,000 benchmark pseudo-queries and 3 × the knowledge folder's paraphrase folds."""
    asks: list[Ask] = []
    for seed in SEEDS:
        asks += pseudo_asks(bench, 4000, seed)
        asks += paraphrase_asks(own.matcher.knowledge, seed)
    return asks


def calibration_pools(reranker: Reranker, bench: PseudoQueries, own: PseudoQueries) -> list[Pool]:
    """Fresh seeds: answerable asks, held-out asks and off-topic asks for both knowledge bases."""
    bench_asks = pseudo_asks(bench, 1500, 400)
    own_asks = paraphrase_asks(own.matcher.knowledge, 500)
    return [
        *pools_of(reranker, bench_asks),
        *pools_of(reranker, bench_asks[:750], held_out=True),
        *pools_of(reranker, off_topic_asks(bench, own, 750, 401)),
        *pools_of(reranker, own_asks),
        *pools_of(reranker, own_asks, held_out=True),
        *pools_of(reranker, off_topic_asks(own, bench, 750, 501)),
    ]


def shipped_ranking() -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Means, scales and weights of the ranking in the shipped reranker_weights.py, in
    FEATURE_NAMES order; a feature added since it was trained gets weight 0 (the ranking does
    not use it until retrained, the calibration may)."""
    from cchc_bot.matching import reranker_weights as shipped

    missing = set(shipped.FEATURES) - set(FEATURE_NAMES)
    if missing:
        raise SystemExit(
            f"the shipped ranking uses features that are gone ({', '.join(sorted(missing))}): "
            "train it (no --calibration-only)"
        )
    trained = {
        name: (mean, scale, weight)
        for name, mean, scale, weight in zip(
            shipped.FEATURES, shipped.MEANS, shipped.SCALES, shipped.WEIGHTS, strict=True
        )
    }
    rows = [trained.get(name, (0.0, 1.0, 0.0)) for name in FEATURE_NAMES]
    means, scales, weights = (
        np.asarray(column, dtype=np.float64) for column in zip(*rows, strict=True)
    )
    return means, scales, weights


def train(
    bench: PseudoQueries, own: PseudoQueries, *, calibration_only: bool = False
) -> RerankerModel:
    if calibration_only:
        means, scales, weights = shipped_ranking()
    else:
        means, scales, weights = train_listwise(rows_of(training_asks(bench, own)))
    ranking = RerankerModel(
        FEATURE_NAMES,
        tuple(means),
        tuple(scales),
        tuple(weights),
        slope=1.0,
        coverage_weights=(0.0,) * len(CONFIDENCE_FEATURES),
        intercept=0.0,
    )
    slopes, intercept = fit_confidence(calibration_pools(Reranker(ranking), bench, own))
    return replace(
        ranking,
        slope=float(slopes[0]),
        coverage_weights=tuple(float(w) for w in slopes[1:]),
        intercept=intercept,
    )


def render(model: RerankerModel) -> str:
    def floats(values: Sequence[float]) -> str:
        return "(\n" + "".join(f"    {v:.6g},\n" for v in values) + ")"

    return (
        '"""Reranker weights and confidence calibration (generated: do not edit by hand).\n\n'
        "Re-run `python benchmarks/train_reranker.py` after changing the features.\n"
        '"""\n\n'
        "FEATURES = (\n" + "".join(f'    "{n}",\n' for n in model.names) + ")\n"
        f"MEANS = {floats(model.means)}\n"
        f"SCALES = {floats(model.scales)}\n"
        f"WEIGHTS = {floats(model.weights)}\n"
        "CONFIDENCE_FEATURES = (\n" + "".join(f'    "{n}",\n' for n in CONFIDENCE_FEATURES) + ")\n"
        f"CONFIDENCE_SLOPE = {model.slope:.6g}\n"
        f"CONFIDENCE_COVERAGE_WEIGHTS = {floats(model.coverage_weights)}\n"
        f"CONFIDENCE_INTERCEPT = {model.intercept:.6g}\n"
    )


def main() -> None:
    if os.environ.get("PYTHONHASHSEED") != "0":  # set iteration order must not vary either
        env = {**os.environ, "PYTHONHASHSEED": "0"}
        os.execve(sys.executable, [sys.executable, *sys.argv], env)
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    parser.add_argument(
        "--calibration-only", action="store_true", help="keep the shipped ranking weights"
    )
    args = parser.parse_args()
    model = train(*sources(), calibration_only=args.calibration_only)
    args.out.write_text(render(model), encoding="utf-8")
    for name, w, s in zip(model.names, model.weights, model.scales, strict=True):
        print(f"{name:<20} weight {w:+.3f}  (scale {s:.3f})")
    terms = " + ".join(
        f"{w:.3f} × {n}" for w, n in zip(model.coverage_weights, CONFIDENCE_FEATURES, strict=True)
    )
    print(f"confidence logit = {model.slope:.3f} × score + {terms} {model.intercept:+.3f}")
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
