"""Analyser throughput (texts/s) against plain nltk VADER and vaderSentiment on the same texts.

Run: .venv/bin/python bench/bench_analyser.py [--n 5000] [--repeat 3] [--corpus it|tweets|reviews]
Ours does more per text (PII redaction, IT rules, themes, disagreement) and must still be at least as fast.
"""
from __future__ import annotations

import argparse
import random
import time

from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer as VaderSentiment

from analysis_svc.adapters.text import build_analyser, corpora
from analysis_svc.adapters.text.evaluate import load
from analysis_svc.adapters.text.vader import plain_nltk_vader


def corpus(n: int, seed: int = 0, kind: str = "it") -> list[str]:
    """n texts: IT comments (one to three evaluation-set sentences each), or public tweets / reviews."""
    rng = random.Random(seed)
    if kind == "it":
        base = [r["text"] for r in load()]
        return [" ".join(rng.sample(base, rng.randint(1, 3))) for _ in range(n)]
    root = corpora.data_dir()
    if root is None:
        raise SystemExit("no shared/data folder (set ANALYSIS_EVAL_DATA)")
    rows = corpora.semeval(root, "test") if kind == "tweets" else corpora.reviews(root, "test")
    return rng.sample([t for t, _ in rows], min(n, len(rows)))


def best_rates(systems: dict, texts: list[str], repeat: int) -> dict[str, float]:
    """Texts per CPU-second for each system, best of `repeat` interleaved rounds.

    CPU time of this process, and rounds interleaved, because the machine is shared: another
    process's burst should not count against whichever system happened to be running.
    """
    best = {name: float("inf") for name in systems}
    for _ in range(repeat):
        for name, fn in systems.items():
            start = time.process_time()
            fn(texts)
            best[name] = min(best[name], time.process_time() - start)
    return {name: len(texts) / seconds for name, seconds in best.items()}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--corpus", choices=("it", "tweets", "reviews"), default="it",
                        help="IT comments (default), or SemEval 2017 test tweets / clothing reviews from shared/data")
    args = parser.parse_args()
    texts = corpus(args.n, kind=args.corpus)
    nltk_vader, vader_sentiment, analyser = plain_nltk_vader(), VaderSentiment(), build_analyser()
    rates = best_rates({
        "nltk VADER (baseline)": lambda ts: [nltk_vader.polarity_scores(t) for t in ts],
        "vaderSentiment": lambda ts: [vader_sentiment.polarity_scores(t) for t in ts],
        "IT analyser, analyse_many": lambda ts: analyser.analyse_many((t, "Jane Smith", 5) for t in ts),
        "IT analyser, analyse per text": lambda ts: [
            analyser.analyse(t, requester_name="Jane Smith", score=5) for t in ts],
    }, texts, args.repeat)
    baseline = rates["nltk VADER (baseline)"]
    print(f"{len(texts)} {args.corpus} texts, best of {args.repeat} interleaved rounds, CPU time; "
          f"model {analyser.version}")
    for name, rate in rates.items():
        print(f"{name:32s} {rate:10.0f} texts/s   x{rate / baseline:.2f} vs nltk VADER")


if __name__ == "__main__":
    main()
