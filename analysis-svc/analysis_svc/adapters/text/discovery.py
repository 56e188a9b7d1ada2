"""Unsupervised theme discovery: clean, TF-IDF, NMF; the number of themes by stability across seeds."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment
from sklearn.decomposition import NMF
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer

from .redaction import redact

UNASSIGNED = -1
MIN_WORDS = 2  # an answer with fewer vocabulary words than this has too little signal for a theme
K_RANGE = (3, 12)
# Removed before counting: links, addresses, handles, numbers, redaction marks (ours and the
# CFPB's XXXX / {$1.00}) and reply boilerplate. Each alternative is linear: no nested repeats.
_NOISE = re.compile(
    r"https?://\S+|\bwww\.\S+|(?<![\w.+-])[\w.+-]+@[\w-]+(?:\.[\w-]+)+|@\w+|\[[A-Z ]+\]|\{\$[\d.,]*\}"
    r"|\b[xX]{2,}\b|\bsent from my \w+|\boriginal message\b|\b(?:from|sent|to|cc|subject|date):|\d+",
    re.IGNORECASE,
)
CONVERSATIONAL = frozenset("""
    hi hello hey dear morning afternoon evening thanks thank thankyou regards kind best cheers sincerely
    please pls ok okay yes yeah yep just really actually basically literally like get got getting gets
    know knew think thought want wanted need needed going gonna make made way thing things lot bit
    it's i'm i've i'd i'll don't doesn't didn't can't cannot won't isn't wasn't aren't couldn't
    wouldn't shouldn't that's there's they're we're you're let's im ive dont cant wont didnt doesnt
    isnt wasnt also would could should one even still said say says told tell asked ask
    able sure much many well good great new day days time today yesterday tomorrow week
    st nd rd th am pm
""".split())
STOP_WORDS = sorted(ENGLISH_STOP_WORDS | CONVERSATIONAL)
_TOKENS = r"(?u)\b[a-z][a-z'-]*[a-z]\b"


@dataclass(frozen=True)
class DiscoveredTheme:
    id: int
    top_terms: list[str]
    examples: list[str]
    label: str = ""  # a readable name: the theme's three leading terms


def clean_for_themes(text: str | None) -> str:
    """Lower-case text without links, addresses, handles, numbers or reply boilerplate."""
    if not text:
        return ""
    return _NOISE.sub(" ", text).lower().replace("’", "'")


def _vectoriser(n_docs: int) -> TfidfVectorizer:
    return TfidfVectorizer(
        stop_words=STOP_WORDS, min_df=2 if n_docs >= 20 else 1, max_df=0.9 if n_docs >= 20 else 1.0,
        sublinear_tf=True, token_pattern=_TOKENS,
    )


def _top(component: np.ndarray, n: int) -> list[int]:
    return [int(j) for j in np.argsort(-component, kind="stable")[:n] if component[j] > 0]


def _agreement(a: np.ndarray, b: np.ndarray, n: int = 10) -> float:
    """Greene et al.'s topic agreement: mean Jaccard of top-term sets under the best one-to-one matching."""
    sa, sb = [set(_top(c, n)) for c in a], [set(_top(c, n)) for c in b]
    sim = np.array([[len(x & y) / max(len(x | y), 1) for y in sb] for x in sa])
    rows, cols = linear_sum_assignment(-sim)
    return float(sim[rows, cols].mean())


def choose_k(matrix, seed: int = 0, k_range: tuple[int, int] = K_RANGE, runs: int = 3) -> int:
    """The number of themes whose top terms agree best across randomly initialised runs."""
    high = min(k_range[1], matrix.shape[0] - 1, matrix.shape[1] - 1)
    best_k, best = min(k_range[0], max(high, 1)), -1.0
    for k in range(k_range[0], high + 1):
        reference = NMF(k, init="nndsvda", random_state=seed, max_iter=300).fit(matrix).components_
        score = np.mean([_agreement(reference, NMF(k, init="random", random_state=seed + r, max_iter=300)
                                    .fit(matrix).components_) for r in range(1, runs)])
        if score > best + 1e-9:
            best_k, best = k, score
    return best_k


def discover_themes(
    texts: list[str], k: int | None = None, seed: int = 0, n_terms: int = 8, n_examples: int = 3
) -> tuple[list[DiscoveredTheme], list[int]]:
    """Find k themes (chosen by stability when None); return them and each text's theme (-1: unassigned)."""
    if k is not None and k < 1:
        raise ValueError("k must be at least 1")
    docs = [t or "" for t in texts]
    cleaned = [clean_for_themes(d) for d in docs]
    if not any(c.strip() for c in cleaned):
        return [], [UNASSIGNED] * len(docs)
    vectoriser = _vectoriser(len(docs))
    try:
        matrix = vectoriser.fit_transform(cleaned)
    except ValueError:  # every word was a stop word or too rare
        return [], [UNASSIGNED] * len(docs)
    if k is None:
        k = choose_k(matrix, seed)
    k = min(k, matrix.shape[0], matrix.shape[1])
    model = NMF(n_components=k, init="nndsvda", random_state=seed, max_iter=500)
    weights = model.fit_transform(matrix)
    terms = vectoriser.get_feature_names_out()
    signal = np.asarray((matrix > 0).sum(axis=1)).ravel() >= min(MIN_WORDS, matrix.shape[1])
    # NMF may leave a document with all-zero weights; its nearest theme by term overlap stands in.
    overlap = np.asarray(matrix @ model.components_.T)
    nearest = np.where(weights.max(axis=1) > 0, weights.argmax(axis=1), overlap.argmax(axis=1))
    has_theme = (weights.max(axis=1) > 0) | (overlap.max(axis=1) > 0)
    assignment = np.where(signal & has_theme, nearest, UNASSIGNED)
    themes = []
    for i, component in enumerate(model.components_):
        top = [str(terms[j]) for j in _top(component, n_terms)]
        members = np.flatnonzero(assignment == i)
        best = members[np.argsort(-weights[members, i], kind="stable")][:n_examples]
        themes.append(DiscoveredTheme(i, top, [redact(docs[j]) for j in best], " / ".join(top[:3])))
    return themes, [int(a) for a in assignment]
