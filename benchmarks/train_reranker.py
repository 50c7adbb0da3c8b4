"""Train the matcher's reranker and its confidence calibration; write reranker_weights.py.

    python benchmarks/train_reranker.py [--out cchc_bot/matching/reranker_weights.py]

Data — pseudo-queries generated from knowledge bases' own questions and answers, nothing else:

* the public benchmark's knowledge base (UIT-ViCoV19QA `kb.jsonl`: its entries' questions and
  answers, through `benchmarks/vicov19.py`); its test questions (`queries.jsonl`) are never read;
* the project's own `knowledge/` folder (entries' questions and answers); `golden.yaml` is
  never read.

A pseudo-query is one of an entry's questions (sometimes a sentence of its answer) with words
dropped (everyday words more often), a window cut from long questions, words swapped for
related words or for words used in similar entries (neighbours in a term-document SVD of the
same knowledge base), frequent question words inserted, the word order rotated and typos
made. The target is the entry it came from.

Ranking: each pseudo-query's first-stage pool (ten entries, up to three questions each) with
its feature rows (`Matcher.candidate_features`); a linear model is trained listwise (softmax
over the pool's rows, cross-entropy on the target entry's rows; Adam, L2) on standardised
features.

Calibration: a logistic of the reranker score of the pool's best candidate against "that
candidate is the right entry", fitted on fresh pseudo-queries (other seeds) of three kinds:
ordinary ones; held-out ones, asked with their own entry removed from the knowledge base (a
question the knowledge base cannot answer, worded in its own vocabulary); and off-topic ones,
pseudo-queries of the *other* knowledge base (COVID-19 questions against the education
knowledge base and vice versa).

Every random choice uses a fixed seed, so the output is reproducible on the same data.
"""

from __future__ import annotations

import argparse
import math
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
from cchc_bot.matching import Matcher  # noqa: E402
from cchc_bot.knowledge.model import Entry, KnowledgeBase  # noqa: E402
from cchc_bot.matching.features import FEATURE_NAMES  # noqa: E402
from cchc_bot.matching.matcher import answer_text  # noqa: E402
from cchc_bot.matching.rerank import MAX_LEAD, Reranker, RerankerModel  # noqa: E402
from cchc_bot.vietnamese import strip_diacritics, tokenize  # noqa: E402

OUT = HERE.parent / "cchc_bot" / "matching" / "reranker_weights.py"
KNOWLEDGE = HERE.parent / "knowledge"


# --- pseudo-queries ---------------------------------------------------------------------------


class PseudoQueries:
    """Noisy re-wordings of a knowledge base's own questions (see the module docstring)."""

    def __init__(self, matcher: Matcher, *, neighbours: bool = True) -> None:
        self.matcher = matcher
        self.entries = matcher.entries
        self.idf = matcher.questions.idf_of
        docs = [matcher.normalizer.tokens(" ".join(e.questions)) for e in self.entries]
        self.insertable = [w for w, _ in Counter(t for d in docs for t in d).most_common(60)]
        self.related = {w: sorted(r) for w, r in matcher._related.items() if r}
        self.neighbours = _svd_neighbours(matcher) if neighbours else {}
        self.eligible = [i for i, e in enumerate(self.entries) if len(e.questions[0].split()) <= 40]

    def make(self, rng: random.Random, index: int, *, answer_share: float = 0.0) -> str:
        entry = self.entries[index]
        source = rng.choice(entry.questions)
        answer = _answer_sentences(entry) if answer_share else []
        if answer and rng.random() < answer_share:
            source = rng.choice(answer)
        return self.reword(rng, source)

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
        out = [rng.choice(self.related[w]) if w in self.related and rng.random() < 0.3 else w for w in out]
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


def _answer_sentences(entry: Entry) -> list[str]:
    text = answer_text(entry)
    parts = [s for s in text.replace("?", ".").replace("!", ".").split(".") if len(s.split()) >= 5]
    return parts[:2]


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


def pseudo_asks(gen: PseudoQueries, n: int, seed: int, *, answer_share: float = 0.0) -> list[Ask]:
    rng = random.Random(seed)
    asks = []
    for _ in range(n):
        target = rng.choice(gen.eligible)
        asks.append(Ask(gen.matcher, gen.make(rng, target, answer_share=answer_share), target))
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
            replace(e, questions=tuple(q for j, q in enumerate(e.questions) if fold_of.get((i, j)) != fold))
            for i, e in enumerate(knowledge.entries)
        )
        matcher = Matcher(replace(knowledge, entries=entries))
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


def best_scores(
    reranker: Reranker, asks: Sequence[Ask], *, held_out: bool = False
) -> list[tuple[float, float, float]]:
    """(score of the reranker's best entry, its lead over the next, 1.0 if it is the target)
    per ask. With `held_out` the target entry is removed first: whatever comes first is wrong."""
    out = []
    for ask in asks:
        exclude = (ask.target,) if held_out and ask.target >= 0 else ()
        ids, feats = ask.matcher.candidate_features(ask.text, exclude=exclude)
        if not ids:
            continue
        per_entry: dict[int, float] = {}
        for entry, z in zip(ids, reranker.scores(feats), strict=True):
            per_entry[entry] = max(per_entry.get(entry, -np.inf), float(z))
        ranked = sorted(per_entry.items(), key=lambda kv: -kv[1])
        best, top = ranked[0]
        lead = top - ranked[1][1] if len(ranked) > 1 else MAX_LEAD
        right = float(best == ask.target and not held_out)
        out.append((top, min(max(lead, -MAX_LEAD), MAX_LEAD), right))
    return out


def fit_logistic(rows: Sequence[Sequence[float]], iters: int = 50) -> tuple[np.ndarray, float]:
    """Weights and intercept of P(right | x) for rows (x..., label): Newton's method on
    standardised inputs from zero, both classes weighted equally."""
    data = np.asarray(rows, dtype=np.float64)
    raw, y = data[:, :-1], data[:, -1]
    centre, spread = raw.mean(0), raw.std(0) + 1e-9
    x = np.hstack([(raw - centre) / spread, np.ones((len(raw), 1))])
    weight = np.where(y > 0, 0.5 / max(y.mean(), 1e-9), 0.5 / max(1 - y.mean(), 1e-9))
    w = np.zeros(x.shape[1])
    for _ in range(iters):
        p = 1 / (1 + np.exp(-(x @ w)))
        grad = x.T @ (weight * (p - y))
        hess = (x * (weight * p * (1 - p))[:, None]).T @ x
        step = np.linalg.solve(hess + 1e-6 * np.eye(len(w)), grad)
        w -= step
        if np.abs(step).max() < 1e-9:
            break
    slopes = w[:-1] / spread
    return slopes, float(w[-1] - slopes @ centre)


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
    return PseudoQueries(Matcher(load_knowledge(bench.folder))), PseudoQueries(Matcher(own))


def training_asks(bench: PseudoQueries, own: PseudoQueries) -> list[Ask]:
    """3 × 4,000 benchmark pseudo-queries and 3 × the knowledge folder's paraphrase folds."""
    asks: list[Ask] = []
    for seed in SEEDS:
        asks += pseudo_asks(bench, 4000, seed)
        asks += paraphrase_asks(own.matcher.knowledge, seed)
    return asks


def calibration_pairs(
    reranker: Reranker, bench: PseudoQueries, own: PseudoQueries
) -> list[tuple[float, float, float]]:
    """Fresh seeds: answerable asks, held-out asks and off-topic asks for both knowledge bases."""
    bench_asks = pseudo_asks(bench, 1500, 400)
    own_asks = paraphrase_asks(own.matcher.knowledge, 500)
    pairs = best_scores(reranker, bench_asks)
    pairs += best_scores(reranker, bench_asks[:750], held_out=True)
    pairs += best_scores(reranker, off_topic_asks(bench, own, 750, 401))
    pairs += best_scores(reranker, own_asks)
    pairs += best_scores(reranker, own_asks, held_out=True)
    pairs += best_scores(reranker, off_topic_asks(own, bench, 750, 501))
    return pairs


def train(bench: PseudoQueries, own: PseudoQueries) -> RerankerModel:
    means, scales, weights = train_listwise(rows_of(training_asks(bench, own)))
    ranking = RerankerModel(
        FEATURE_NAMES, tuple(means), tuple(scales), tuple(weights), 1.0, 0.0, 0.0
    )
    slopes, intercept = fit_logistic(calibration_pairs(Reranker(ranking), bench, own))
    return replace(
        ranking, slope=float(slopes[0]), lead_slope=float(slopes[1]), intercept=intercept
    )


def render(model: RerankerModel) -> str:
    def floats(values: Sequence[float]) -> str:
        return "(\n" + "".join(f"    {v:.6g},\n" for v in values) + ")"

    return (
        '"""Reranker weights and confidence calibration: generated by benchmarks/train_reranker.py.\n\n'
        "Do not edit by hand; re-run the script after changing the features.\n"
        '"""\n\n'
        "FEATURES = (\n" + "".join(f'    "{n}",\n' for n in model.names) + ")\n"
        f"MEANS = {floats(model.means)}\n"
        f"SCALES = {floats(model.scales)}\n"
        f"WEIGHTS = {floats(model.weights)}\n"
        f"CONFIDENCE_SLOPE = {model.slope:.6g}\n"
        f"CONFIDENCE_LEAD_SLOPE = {model.lead_slope:.6g}\n"
        f"CONFIDENCE_INTERCEPT = {model.intercept:.6g}\n"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=OUT)
    args = parser.parse_args()
    model = train(*sources())
    args.out.write_text(render(model), encoding="utf-8")
    for name, w, s in zip(model.names, model.weights, model.scales, strict=True):
        print(f"{name:<20} weight {w:+.3f}  (scale {s:.3f})")
    print(
        f"confidence = sigmoid({model.slope:.3f} × score + {model.lead_slope:.3f} × lead"
        f" {model.intercept:+.3f})"
    )
    print(f"written to {args.out}")


if __name__ == "__main__":
    main()
