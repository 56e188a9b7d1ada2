"""Readers for the public labelled sets in shared/data (development and reporting only)."""
from __future__ import annotations

import csv
import hashlib
import html
import os
import random
import re
from pathlib import Path

ENV_VAR = "ANALYSIS_EVAL_DATA"
_ESCAPE = re.compile(r"\\u([0-9a-fA-F]{4})")
SEMEVAL = "semeval2017_task4a_english"
REVIEWS = "womens_clothing_ecommerce_reviews"
TICKETS = "it_service_ticket_classification"
CFPB = "cfpb_consumer_complaints_sample"
SEMEVAL_TEST = "SemEval2017-task4-test.subtask-A.english.txt"
SEMEVAL_DEV = ("twitter-2013dev-A.tsv", "twitter-2016dev-A.tsv", "twitter-2016devtest-A.tsv")


def data_dir(given: str | Path | None = None) -> Path | None:
    """The shared data folder: given, $ANALYSIS_EVAL_DATA, or ../shared/data beside the repo."""
    candidates = [given, os.environ.get(ENV_VAR)]
    repo = Path(__file__).resolve().parents[4]
    candidates += [repo.parent / "shared" / "data", repo / "shared" / "data"]
    for candidate in candidates:
        if candidate and (Path(candidate) / SEMEVAL).is_dir():
            return Path(candidate)
    return None


def _tweet_text(raw: str) -> str:
    return html.unescape(_ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), raw)).strip()


def _tsv_rows(path: Path) -> list[tuple[str, str, str]]:
    rows = []
    for line in path.read_text(encoding="utf-8").splitlines():
        parts = line.split("\t")
        if len(parts) >= 3 and parts[1] in ("negative", "neutral", "positive"):
            rows.append((parts[0], parts[1], _tweet_text(parts[2])))
    return rows


def semeval(root: Path, split: str) -> list[tuple[str, str]]:
    """(text, label) tweets: 'test' the 2017 test set; 'dev' three 2013-2016 dev files; 'train' the rest."""
    folder = root / SEMEVAL
    if split == "test":
        files, seen = [folder / SEMEVAL_TEST], set()
    elif split == "dev":
        files, seen = [folder / name for name in SEMEVAL_DEV], set()
    else:  # no tweet in both train and dev
        files = sorted(p for p in folder.glob("twitter-*.tsv") if p.name not in SEMEVAL_DEV)
        seen = {tid for name in SEMEVAL_DEV for tid, _, _ in _tsv_rows(folder / name)}
    out = []
    for path in files:
        for tweet_id, label, text in _tsv_rows(path):
            if tweet_id not in seen:  # ids repeat inside and across files
                seen.add(tweet_id)
                out.append((text, label))
    return out


def reviews(root: Path, split: str) -> list[tuple[str, int]]:
    """(review text, stars) clothing reviews; a fixed 20% test split by row index hash, the rest train/dev."""
    path = root / REVIEWS / "Womens Clothing E-Commerce Reviews.csv"
    with open(path, encoding="utf-8", newline="") as f:
        rows = [(r["Review Text"].replace("\r\n", " ").strip(), int(r["Rating"]), int(r[""] or 0))
                for r in csv.DictReader(f) if r.get("Review Text", "").strip()]
    bucket = {"test": {0}, "dev": {1}, "train": {2, 3, 4, 5, 6, 7, 8, 9}}[split]
    return [(text, stars) for text, stars, index in rows if _bucket(index) in bucket]


def _bucket(index: int) -> int:
    """A fixed, content-free split: 10 buckets from the row's index (0 test, 1 dev, 2-9 train)."""
    return int(hashlib.sha1(str(index).encode()).hexdigest(), 16) % 10


def half(key: str) -> str:
    """'dev' or 'test': a fixed, content-keyed halving for the theme sets (SHA-1 of the key, even/odd)."""
    return ("dev", "test")[int(hashlib.sha1(key.encode()).hexdigest(), 16) % 2]


def tickets(root: Path, n: int = 5000, seed: int = 0, split: str | None = None) -> list[tuple[str, str]]:
    """(ticket text, topic group): a fixed random sample of n tickets (all with n=0), from one half if split.

    The halves are keyed by the ticket's text (the set has no ids and no duplicate texts).
    """
    with open(root / TICKETS / "all_tickets_processed_improved_v3.csv", encoding="utf-8", newline="") as f:
        rows = [(r["Document"], r["Topic_group"]) for r in csv.DictReader(f)]
    if split is not None:
        rows = [r for r in rows if half(r[0]) == split]
    return random.Random(seed).sample(rows, n) if 0 < n < len(rows) else rows


def complaints(root: Path, split: str | None = None) -> list[tuple[str, str, str]]:
    """(narrative, product, issue) for the CFPB complaints with a narrative; one half (by complaint id) if split."""
    with open(root / CFPB / "complaints_sample.csv", encoding="utf-8", newline="") as f:
        return [(r["Consumer complaint narrative"], r["Product"], r["Issue"])
                for r in csv.DictReader(f) if (r.get("Consumer complaint narrative") or "").strip()
                and (split is None or half(r["Complaint ID"]) == split)]
