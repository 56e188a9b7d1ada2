"""Tables on the public sets in shared/data: sentiment vs plain VADER, themes vs TF-IDF + NMF, learned model."""
from __future__ import annotations

import random
import time
from pathlib import Path

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.metrics import accuracy_score, adjusted_rand_score, balanced_accuracy_score, f1_score
from sklearn.metrics import normalized_mutual_info_score

from . import corpora
from .analyser import build_analyser
from .discovery import discover_themes
from .vader import plain_nltk_vader

LABELS = ["negative", "neutral", "positive"]
CUTS = [round(c, 2) for c in np.arange(-0.3, 0.55, 0.05)]
LEARN_SIZES = (200, 1000, 4000, 16000)
LEARN_BATCH = 2000  # the consumer's default learn_every
POLARITY_SCORE = {"negative": 1, "neutral": 3, "positive": 5}


def three_way(compounds, positive_at: float, negative_at: float) -> list[str]:
    """Labels from compounds at the given cut-offs."""
    return ["positive" if c >= positive_at else "negative" if c <= negative_at else "neutral" for c in compounds]


def table(title: str, header: list[str], rows: list[list], note: str = "") -> str:
    """A Markdown table with a heading line."""
    lines = [f"\n### {title}\n", "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(f"{v:.3f}" if isinstance(v, float) else str(v) for v in row) + " |" for row in rows]
    return "\n".join(lines) + (f"\n\n{note}" if note else "")


def _timed(fn, texts):
    start = time.process_time()
    out = fn(texts)
    return out, len(texts) / max(time.process_time() - start, 1e-9)


def sentiment(root: Path, analyser) -> str:
    """SemEval 2017 3-class macro-F1 and reviews 2-class accuracy, ours beside plain nltk VADER."""
    plain = plain_nltk_vader()
    vader = lambda ts: [plain.polarity_scores(t)["compound"] for t in ts]  # noqa: E731
    ours = lambda ts: [a.compound for a in analyser.analyse_many((t, None, None) for t in ts)]  # noqa: E731
    dev, test = corpora.semeval(root, "dev"), corpora.semeval(root, "test")
    dev_v, dev_o = vader([t for t, _ in dev]), ours([t for t, _ in dev])
    gold_dev = [y for _, y in dev]
    best = max((f1_score(gold_dev, three_way(dev_o, p, n), average="macro"), p, n)
               for p in CUTS if p > 0 for n in CUTS if n < 0)
    texts, gold = [t for t, _ in test], [y for _, y in test]
    test_v, rate_v = _timed(vader, texts)
    test_o, rate_o = _timed(ours, texts)
    labels_o = [a.label for a in analyser.analyse_many((t, None, None) for t in texts)]
    labels_d = [a.label for a in analyser.analyse_many((t, None, None) for t in [t for t, _ in dev])]
    f1 = lambda g, p: f1_score(g, p, labels=LABELS, average="macro")  # noqa: E731
    rows = [
        ["nltk VADER, +/-0.05", f1(gold_dev, three_way(dev_v, 0.05, -0.05)), f1(gold, three_way(test_v, 0.05, -0.05)),
         f"{rate_v:.0f}"],
        [f"analyser {analyser.version}", f1(gold_dev, labels_d), f1(gold, labels_o), f"{rate_o:.0f}"],
        [f"analyser, cut-offs re-tuned on dev ({best[1]:+.2f}/{best[2]:+.2f})", best[0],
         f1(gold, three_way(test_o, best[1], best[2])), "-"],
    ]
    out = table(f"SemEval 2017 task 4A, 3-class macro-F1 (dev n={len(dev)}, test n={len(test)})",
                ["system", "dev (2013-16 dev files)", "2017 test", "texts/CPU-s on test"], rows,
                f"Speed ratio on the test tweets, same run: analyser / nltk VADER = x{rate_o / rate_v:.2f}.")
    return out + "\n" + _reviews(root, vader, ours)


def _reviews(root: Path, vader, ours) -> str:
    """2-class (1-2 vs 4-5 stars) on the clothing reviews; each system's cut chosen on the dev split."""
    dev = [(t, s) for t, s in corpora.reviews(root, "dev") if s != 3]
    test = [(t, s) for t, s in corpora.reviews(root, "test") if s != 3]
    gold_dev, gold = [s > 3 for _, s in dev], [s > 3 for _, s in test]
    rows = []
    for name, fn in (("nltk VADER", vader), ("analyser", ours)):
        d, t = fn([x for x, _ in dev]), fn([x for x, _ in test])
        cut = max(CUTS, key=lambda c: (accuracy_score(gold_dev, [x >= c for x in d]), -abs(c)))
        pred = [x >= cut for x in t]
        rows.append([name, f"{cut:+.2f}", accuracy_score(gold_dev, [x >= cut for x in d]),
                     accuracy_score(gold, pred), balanced_accuracy_score(gold, pred)])
    majority = max(np.mean(gold), 1 - np.mean(gold))
    return table(f"Clothing reviews, 2-class (3 stars dropped; dev n={len(dev)}, test n={len(test)})",
                 ["system", "cut (on dev)", "dev accuracy", "test accuracy", "test balanced accuracy"], rows,
                 f"Majority class on test: {majority:.3f} accuracy (the set is 88% positive), "
                 "so balanced accuracy is the telling column.")


def _baseline_nmf(texts: list[str], k: int, seed: int = 0) -> list[int]:
    """Plain TF-IDF + NMF: sklearn's English stop words, nothing cleaned, arg-max assignment."""
    matrix = TfidfVectorizer(stop_words="english").fit_transform(texts)
    weights = NMF(k, init="nndsvda", random_state=seed, max_iter=500).fit_transform(matrix)
    return [int(i) for i in weights.argmax(axis=1)]


def theme_sets(root: Path, ticket_sample: int = 5000) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """(title, split, (text, category) rows): each labelled set's dev and held-out test halves."""
    out = []
    for split in ("dev", "test"):
        out.append((f"IT service tickets (random {ticket_sample} of the {split} half, seed 0) vs Topic_group", split,
                    corpora.tickets(root, ticket_sample, split=split)))
    for split in ("dev", "test"):
        out.append((f"CFPB complaints with a narrative ({split} half) vs Product", split,
                    [(t, p) for t, p, _ in corpora.complaints(root, split)]))
    return out


def themes(root: Path, ticket_sample: int = 5000) -> str:
    """NMI / ARI against the human categories, dev and held-out halves: ours beside plain TF-IDF + NMF."""
    out = []
    for title, _, rows in theme_sets(root, ticket_sample):
        texts, gold = [t for t, _ in rows], [y for _, y in rows]
        k = len(set(gold))
        auto_themes, auto = discover_themes(texts)
        same_themes, same = discover_themes(texts, k)
        scored = [("TF-IDF + NMF (baseline), k = categories", k, _baseline_nmf(texts, k)),
                  ("discovery, k chosen by stability", len(auto_themes), auto),
                  ("discovery, k = categories", k, same),
                  ("TF-IDF + NMF at discovery's k", len(auto_themes), _baseline_nmf(texts, len(auto_themes)))]
        base_nmi = normalized_mutual_info_score(gold, scored[0][2])
        table_rows = [[name, kk, nmi, nmi - base_nmi, adjusted_rand_score(gold, a), f"{np.mean(np.array(a) == -1):.1%}"]
                      for name, kk, a in scored for nmi in [normalized_mutual_info_score(gold, a)]]
        names = "; ".join(f"{t.id}: {t.label}" for t in same_themes)
        out.append(table(f"{title} (n={len(texts)}, {k} categories)",
                         ["system", "k", "NMI", "NMI - baseline", "ARI", "unassigned"], table_rows,
                         f"Theme names (k = categories): {names}"))
    return "\n".join(out)


def _learn(analyser, pairs: list[tuple[str, int]]) -> None:
    for i in range(0, len(pairs), LEARN_BATCH):
        chunk = pairs[i:i + LEARN_BATCH]
        analyser.learn([t for t, _ in chunk], [s for _, s in chunk])


def learned(root: Path) -> str:
    """Learn from one corpus's (text, score) pairs, test on another's: does it help, after how many labels?"""
    from .evaluate import load
    tweets = [(t, POLARITY_SCORE[y]) for t, y in corpora.semeval(root, "train")]
    stars = corpora.reviews(root, "train")
    random.Random(0).shuffle(tweets)
    random.Random(0).shuffle(stars)
    tweet_test = corpora.semeval(root, "test")
    review_test = [(t, s) for t, s in corpora.reviews(root, "test") if s != 3]
    it_rows = load()

    def measure(analyser) -> list[float]:
        tw = [a.label for a in analyser.analyse_many((t, None, None) for t, _ in tweet_test)]
        rv = [a.compound >= 0 for a in analyser.analyse_many((t, None, None) for t, _ in review_test)]
        it = [a.label for a in analyser.analyse_many((r["text"], None, None) for r in it_rows)]
        gold_rv = [s > 3 for _, s in review_test]
        return [f1_score([y for _, y in tweet_test], tw, labels=LABELS, average="macro"),
                balanced_accuracy_score(gold_rv, rv),
                f1_score([r["label"] for r in it_rows], it, labels=LABELS, average="macro")]

    base = build_analyser(learned=False)
    rows = [["none (base rules)", 0, *measure(base), 0, "-", base.version]]
    for source, pairs in (("reviews (stars)", stars), ("tweets 2013-16 (labels as 1/3/5)", tweets)):
        for n in LEARN_SIZES:
            analyser = build_analyser()
            _learn(analyser, pairs[:n])
            rows.append([source, n, *measure(analyser), len(analyser.model.table), analyser.rejected,
                         analyser.version])
    return table("Learned from one corpus's scores, tested on the others",
                 ["learned from", "labels", "SemEval 2017 test macro-F1", "reviews test balanced acc (cut 0)",
                  "IT set macro-F1 (all 323)", "informative words", "tables rejected", "model version"], rows,
                 "Reviews: 1-2 vs 4-5 stars, positive when compound >= 0. The IT set is also the frozen "
                 "set a new learned table must not hurt by more than 0.02 macro-F1.")


def report(data: str | Path | None = None, parts: tuple[str, ...] = ("sentiment", "themes", "learned", "supervised"),
           learned_model: bool = False, ticket_sample: int = 5000) -> str:
    """Every table, as Markdown; prints nothing (the caller prints)."""
    root = corpora.data_dir(data)
    if root is None:
        raise FileNotFoundError("no shared/data folder: pass --data DIR or set ANALYSIS_EVAL_DATA")
    analyser = build_analyser(learned=learned_model)
    out = [f"Data: {root}. Sentiment model: {analyser.version}."]
    if "sentiment" in parts:
        out.append(sentiment(root, analyser))
    if "themes" in parts:
        out.append(themes(root, ticket_sample))
    if "learned" in parts:
        out.append(learned(root))
    if "supervised" in parts:
        from .evaluate_supervised import supervised
        out.append(supervised(root, build_analyser(learned=False)))
    return "\n".join(out)
