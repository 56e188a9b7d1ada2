"""A model that learns from the stream: the score a person gave is a noisy label for their comment."""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer
from sklearn.linear_model import SGDClassifier

CLASSES = np.array([0, 1, 2])  # negative, neutral, positive
FORMAT_VERSION = 1
_VECTORISER = HashingVectorizer(
    n_features=2**18, ngram_range=(1, 2), alternate_sign=False, norm="l2",
    token_pattern=r"(?u)\b\w[\w']*\b",
)


def score_to_class(score: int) -> int:
    """1-2 negative, 3 neutral, 4-5 positive."""
    return 0 if score <= 2 else 1 if score == 3 else 2


def _features(texts: list[str], compounds: np.ndarray) -> sparse.csr_matrix:
    # The rule-based compound is a feature, so the model learns how far to trust it.
    dense = np.column_stack([compounds, np.clip(compounds, 0, None), np.clip(compounds, None, 0)])
    return sparse.hstack([_VECTORISER.transform(texts), sparse.csr_matrix(dense)], format="csr")


class OnlineModel:
    """SGD logistic regression on hashed words plus the rule score, updated with partial_fit."""

    def __init__(self, state: dict | None = None):
        if state and state.get("version") == FORMAT_VERSION:
            self.clf = state["clf"]
            self.class_counts = np.asarray(state["class_counts"], dtype=float)
        else:
            self.clf = SGDClassifier(loss="log_loss", alpha=1e-4, random_state=0, average=True)
            self.class_counts = np.zeros(3)

    @property
    def n_seen(self) -> int:
        return int(self.class_counts.sum())

    def learn(self, texts: list[str], compounds: np.ndarray, scores: list[int]) -> None:
        """One partial_fit step; rarer classes are weighted up so the 4-5 majority does not swamp them."""
        y = np.array([score_to_class(s) for s in scores])
        self.class_counts += np.bincount(y, minlength=3)
        freq = self.class_counts / self.class_counts.sum()
        weights = 1.0 / (3 * np.maximum(freq[y], 1e-3))
        self.clf.partial_fit(_features(texts, compounds), y, classes=CLASSES, sample_weight=weights)

    def compounds(self, texts: list[str], compounds: np.ndarray) -> np.ndarray:
        """P(positive) - P(negative) for each text: a compound on the same [-1, 1] scale."""
        proba = self.clf.predict_proba(_features(texts, compounds))
        return proba[:, 2] - proba[:, 0]

    def state(self) -> dict:
        """Everything needed to rebuild this model (joblib-friendly)."""
        return {"version": FORMAT_VERSION, "clf": self.clf, "class_counts": self.class_counts.copy()}
