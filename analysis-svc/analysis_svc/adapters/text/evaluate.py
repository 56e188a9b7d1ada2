"""Print macro-F1 of plain nltk VADER vs the analyser on the IT set; with --public, the shared/data tables."""
from __future__ import annotations

import argparse
import json
from collections import defaultdict
from pathlib import Path

from sklearn.metrics import classification_report, f1_score

from .analyser import build_analyser
from .vader import plain_nltk_vader

EVAL_SET = Path(__file__).parent / "data" / "eval_it_feedback.jsonl"
LABELS = ["negative", "neutral", "positive"]


def load(path: Path = EVAL_SET) -> list[dict]:
    """The evaluation rows: id, text, label, split (dev/test), tags."""
    with open(path, encoding="utf-8") as f:
        return [json.loads(line) for line in f if line.strip()]


def vader_label(compound: float) -> str:
    """VADER's documented thresholds: >= 0.05 positive, <= -0.05 negative."""
    return "positive" if compound >= 0.05 else "negative" if compound <= -0.05 else "neutral"


def predict(rows: list[dict]) -> dict[str, list[str]]:
    """Labels from each system for every row."""
    plain = plain_nltk_vader()
    analyser = build_analyser(learned=False)
    texts = [r["text"] for r in rows]
    ours = analyser.analyse_many((t, None, None) for t in texts)
    return {
        "nltk VADER": [vader_label(plain.polarity_scores(t)["compound"]) for t in texts],
        "IT analyser": [a.label for a in ours],
    }


def report(rows: list[dict], verbose: bool = True) -> dict[str, dict[str, float]]:
    """Print macro-F1 per split and system, the per-class report, and accuracy by tag."""
    predictions = predict(rows)
    results: dict[str, dict[str, float]] = defaultdict(dict)
    for split in ("dev", "test", "all"):
        idx = [i for i, r in enumerate(rows) if split == "all" or r["split"] == split]
        gold = [rows[i]["label"] for i in idx]
        print(f"\n== {split} (n={len(idx)}) ==")
        for system, labels in predictions.items():
            pred = [labels[i] for i in idx]
            results[split][system] = f1 = f1_score(gold, pred, labels=LABELS, average="macro")
            print(f"{system:12s} macro-F1 {f1:.3f}")
            if verbose and split != "all":
                print(classification_report(gold, pred, labels=LABELS, digits=3, zero_division=0))
    if verbose:
        print("\n== accuracy by tag (all rows) ==")
        tags = sorted({t for r in rows for t in r["tags"]})
        for tag in tags:
            idx = [i for i, r in enumerate(rows) if tag in r["tags"]]
            accs = [sum(predictions[s][i] == rows[i]["label"] for i in idx) / len(idx) for s in predictions]
            print(f"{tag:4s} n={len(idx):3d}  " + "  ".join(f"{s}: {a:.2f}" for s, a in zip(predictions, accs)))
    return dict(results)


def main(argv: list[str] | None = None) -> None:
    """Command-line entry point: the IT set, and with --public the tables on shared/data."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, default=EVAL_SET)
    parser.add_argument("--quiet", action="store_true", help="macro-F1 only")
    parser.add_argument("--public", action="store_true", help="also the tables on the public sets")
    parser.add_argument("--shared-data", default=None, help="the shared/data folder (default: found)")
    parser.add_argument("--parts", default="sentiment,themes,learned,supervised", help="which public tables")
    parser.add_argument("--ticket-sample", type=int, default=5000, help="IT tickets sampled (0: all)")
    args = parser.parse_args(argv)
    print(f"model version: {build_analyser(learned=False).version}")
    report(load(args.data), verbose=not args.quiet)
    if args.public:
        from .evaluate_public import report as public_report
        print(public_report(args.shared_data, tuple(args.parts.split(",")), ticket_sample=args.ticket_sample))


if __name__ == "__main__":
    main()
