"""Learned from the stream: words whose comments' scores differ reliably from everyone else's.

A person's score is a noisy label for their comment. Each word keeps three counts (comments,
sum and sum of squares of their polarity -1/0/+1). A word is *informative* only when it has
been seen MIN_COUNT times, its comments' mean polarity is MIN_Z standard errors from the other
comments' and at least MIN_EFFECT away. Words met with every kind of score (ids, "ticket",
"printer", numbers are not words here) never pass, so a stream of opinion-free comments
learns nothing and moves no score. A word's value is its effect shrunk towards 0 by n/(n+PRIOR).
"""
from __future__ import annotations

import hashlib
import re

import numpy as np

FORMAT_VERSION = 2
MIN_COUNT = 20
MIN_Z = 4.0  # two-sided p ~ 6e-5: with 10,000 words tested, under one chance pass
MIN_EFFECT = 0.25
PRIOR = 20.0
_WORD = re.compile(r"[a-z][a-z']*[a-z]|[a-z]")  # letters only: ids, numbers and placeholders never count


def score_to_polarity(score: int) -> int:
    """1-2 negative (-1), 3 neutral (0), 4-5 positive (+1)."""
    return -1 if score <= 2 else 0 if score == 3 else 1


def words(text: str) -> set[str]:
    """The distinct lower-case words of a (normalised) comment."""
    return set(_WORD.findall(text.lower()))


class OnlineModel:
    """Per-word counts, and the table of informative words derived from them."""

    def __init__(self, state: dict | None = None):
        if state and state.get("version") == FORMAT_VERSION:
            self.index: dict[str, int] = dict(state["index"])
            self.counts = np.array(state["counts"], dtype=float).reshape(-1, 3)
            self.class_counts = np.asarray(state["class_counts"], dtype=float)
            self.table: dict[str, float] = dict(state["table"])
        else:
            self.index, self.counts = {}, np.zeros((0, 3))
            self.class_counts = np.zeros(3)
            self.table = {}

    @property
    def n_seen(self) -> int:
        return int(self.class_counts.sum())

    def learn(self, texts: list[str], scores: list[int]) -> None:
        """Count each comment's words against its polarity."""
        ys = [score_to_polarity(s) for s in scores]
        self.class_counts += np.bincount(np.array(ys) + 1, minlength=3)
        rows, values = [], []
        for text, y in zip(texts, ys):
            for word in words(text):
                i = self.index.get(word)
                if i is None:
                    i = self.index[word] = len(self.index)
                rows.append(i)
                values.append(y)
        if len(self.index) > len(self.counts):
            grown = np.zeros((len(self.index), 3))
            grown[:len(self.counts)] = self.counts
            self.counts = grown
        if rows:
            y = np.array(values, dtype=float)
            np.add.at(self.counts, np.array(rows), np.column_stack([np.ones_like(y), y, y * y]))

    def candidate(self) -> dict[str, float]:
        """The informative words and their values under the counts so far."""
        n_all, s_all, q_all = self.counts_total()
        if n_all < 2 or not len(self.counts):
            return {}
        n, s = self.counts[:, 0], self.counts[:, 1]
        rest = n_all - n
        keep = (n >= MIN_COUNT) & (rest >= MIN_COUNT)
        if not keep.any():
            return {}
        mean_all = s_all / n_all
        var = max(q_all / n_all - mean_all ** 2, 1e-9)
        with np.errstate(divide="ignore", invalid="ignore"):
            effect = s / n - (s_all - s) / rest
            z = effect / np.sqrt(var * (1 / n + 1 / rest))
            value = (s / n - mean_all) * n / (n + PRIOR)
        chosen = np.flatnonzero(keep & (np.abs(z) >= MIN_Z) & (np.abs(effect) >= MIN_EFFECT))
        words_by_index = {i: w for w, i in self.index.items()}
        return {words_by_index[i]: round(float(value[i]), 4) for i in sorted(chosen)}

    def counts_total(self) -> tuple[float, float, float]:
        """Comments seen, and the sum and sum of squares of their polarity."""
        n = self.class_counts
        return float(n.sum()), float(n[2] - n[0]), float(n[2] + n[0])

    def compounds(self, texts: list[str], table: dict[str, float] | None = None) -> np.ndarray:
        """Each text's learned evidence in [-1, 1]: the sum of its informative words' values."""
        table = self.table if table is None else table
        if not table:
            return np.zeros(len(texts))
        return np.array([max(-1.0, min(1.0, sum(table.get(w, 0.0) for w in words(t)))) for t in texts])

    def digest(self) -> str:
        """A short fingerprint of the table in use: part of the model version."""
        body = "\n".join(f"{w}\t{v}" for w, v in sorted(self.table.items()))
        return hashlib.sha1(body.encode()).hexdigest()[:8]

    def state(self) -> dict:
        """Everything needed to rebuild this model (joblib-friendly)."""
        return {"version": FORMAT_VERSION, "index": dict(self.index), "counts": self.counts.copy(),
                "class_counts": self.class_counts.copy(), "table": dict(self.table)}
