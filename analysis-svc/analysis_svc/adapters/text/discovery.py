"""Unsupervised theme discovery: TF-IDF + NMF surfaces themes the taxonomy does not name."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import TfidfVectorizer

from .redaction import redact


@dataclass(frozen=True)
class DiscoveredTheme:
    id: int
    top_terms: list[str]
    examples: list[str]


def discover_themes(
    texts: list[str], k: int, seed: int = 0, n_terms: int = 8, n_examples: int = 3
) -> tuple[list[DiscoveredTheme], list[int]]:
    """Find up to k themes; return them and each text's theme index (-1: no usable words)."""
    if k < 1:
        raise ValueError("k must be at least 1")
    docs = [t or "" for t in texts]
    if not any(d.strip() for d in docs):
        return [], [-1] * len(docs)
    vectoriser = TfidfVectorizer(
        stop_words="english", ngram_range=(1, 2), min_df=2 if len(docs) >= 20 else 1,
        max_df=0.9 if len(docs) >= 20 else 1.0, sublinear_tf=True,
        token_pattern=r"(?u)\b[a-zA-Z][a-zA-Z'-]+\b",
    )
    try:
        matrix = vectoriser.fit_transform(docs)
    except ValueError:  # every word was a stop word or too rare
        return [], [-1] * len(docs)
    k = min(k, matrix.shape[0], matrix.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    terms = vectoriser.get_feature_names_out()
    assignment = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), -1)
    themes = []
    for i, component in enumerate(model.components_):
        top = [str(terms[j]) for j in np.argsort(-component, kind="stable")[:n_terms] if component[j] > 0]
        members = np.flatnonzero(assignment == i)
        best = members[np.argsort(-weights[members, i], kind="stable")][:n_examples]
        themes.append(DiscoveredTheme(i, top, [redact(docs[j]) for j in best]))
    return themes, [int(a) for a in assignment]
