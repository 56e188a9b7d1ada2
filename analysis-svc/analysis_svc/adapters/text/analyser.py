"""The analyser: redact, then score sentiment, match themes and flag disagreement."""
from __future__ import annotations

import os
import tempfile
import threading
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable

import joblib
import numpy as np

from .learned import OnlineModel
from .redaction import redact
from .taxonomy import match_themes
from .vader import domain_vader

MODEL_FILE = "text_model.joblib"
# Chosen on the dev split only (see EVALUATION.md); VADER's own default is +/-0.05.
POSITIVE_AT = 0.2
NEGATIVE_AT = -0.05
STRONG = 0.5  # |compound| at or past this is "strongly" positive/negative for disagreement
MIN_LABELS = 200  # the learned model stays silent until it has seen this many scores
MAX_WEIGHT = 0.6
HALF_WEIGHT_AT = 1000
# The consumer learns from the comments it has just analysed: the rule scores of that many
# recent redacted comments are kept so learning does not redo them.
RECENT_RULES = 4096  # > the default learn_every (2000); a miss just recomputes


@dataclass(frozen=True)
class TextAnalysis:
    label: str
    compound: float
    themes: list[str] = field(default_factory=list)
    redacted: str | None = None
    disagreement: bool = False


def label_for(compound: float) -> str:
    """Three classes from a compound score."""
    if compound >= POSITIVE_AT:
        return "positive"
    if compound <= NEGATIVE_AT:
        return "negative"
    return "neutral"


def disagrees(compound: float, score: int | None) -> bool:
    """A 4-5 with a strongly negative comment, or a 1-2 with a strongly positive one."""
    if score is None:
        return False
    return (score >= 4 and compound <= -STRONG) or (score <= 2 and compound >= STRONG)


class Analyser:
    """Rule-based VADER for IT feedback, blended with a model learned from the stream."""

    def __init__(self, model_dir: str | Path | None = None):
        self.vader = domain_vader()
        self.model_dir = Path(model_dir) if model_dir is not None else None
        self._lock = threading.Lock()
        state = None
        if self.model_dir is not None and (self.model_dir / MODEL_FILE).exists():
            state = joblib.load(self.model_dir / MODEL_FILE)
        self.model = OnlineModel(state)
        self._recent: dict[str, tuple[str, float]] = {}

    def _rule(self, redacted: str) -> tuple[str, float]:
        normal = self.vader.normalise(redacted)
        found = normal, self.vader.polarity_scores(normal)["compound"]
        if len(self._recent) >= RECENT_RULES:
            self._recent.clear()
        self._recent[redacted] = found
        return found

    def _rule_of_redacted(self, text: str) -> tuple[str, float]:
        """The rule score of a comment that analyse_many redacted (redaction is idempotent)."""
        return self._recent.get(text) or self._rule(redact(text))

    def model_weight(self) -> float:
        """How much the learned model counts: nothing at first, growing to MAX_WEIGHT."""
        n = self.model.n_seen
        return 0.0 if n < MIN_LABELS else MAX_WEIGHT * n / (n + HALF_WEIGHT_AT)

    def analyse(self, text: str | None, *, requester_name: str | None = None,
                score: int | None = None) -> TextAnalysis:
        """Analyse one comment."""
        return self.analyse_many([(text, requester_name, score)])[0]

    def analyse_many(self, items: Iterable[tuple[str | None, str | None, int | None]]) -> list[TextAnalysis]:
        """Analyse (text, requester_name, score) triples; the learned model runs once per batch."""
        rows = []
        for text, name, score in items:
            if text is None or not text.strip():
                rows.append((text, None, "", 0.0, score))
                continue
            clean = redact(text, (name,) if name else ())
            normal, compound = self._rule(clean)
            rows.append((text, clean, normal, compound, score))
        compounds = [r[3] for r in rows]
        weight = self.model_weight()
        live = [i for i, r in enumerate(rows) if r[1] is not None]
        if weight and live:
            rule = np.array([compounds[i] for i in live])
            with self._lock:
                learned = self.model.compounds([rows[i][2] for i in live], rule)
            for i, value in zip(live, (1 - weight) * rule + weight * learned):
                compounds[i] = float(value)
        out = []
        for (text, clean, _, _, score), compound in zip(rows, compounds):
            compound = min(1.0, max(-1.0, round(compound, 4)))
            out.append(TextAnalysis(
                label=label_for(compound) if clean is not None else "neutral",
                compound=compound,
                themes=match_themes(clean),
                redacted=clean,
                disagreement=disagrees(compound, score) if clean is not None else False,
            ))
        return out

    def learn(self, texts: list[str], scores: list[int]) -> None:
        """Update the learned model with comments and the scores their writers gave."""
        pairs = [(t, s) for t, s in zip(texts, scores) if t and t.strip() and s is not None]
        if not pairs:
            return
        normals, compounds = zip(*(self._rule_of_redacted(t) for t, _ in pairs))
        with self._lock:
            self.model.learn(list(normals), np.array(compounds), [int(s) for _, s in pairs])
            if self.model_dir is not None:
                self._save()

    def state(self) -> dict:
        """The learned model's state, as saved to model_dir."""
        with self._lock:
            return self.model.state()

    def _save(self) -> None:
        self.model_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=self.model_dir, prefix=".text_model-", suffix=".tmp")
        os.close(fd)
        joblib.dump(self.model.state(), tmp, compress=3)
        os.replace(tmp, self.model_dir / MODEL_FILE)  # atomic: a crash never leaves half a model


def build_analyser(model_dir: str | Path | None = None) -> Analyser:
    """An analyser; with model_dir, the learned model is loaded from and saved there."""
    return Analyser(model_dir)
