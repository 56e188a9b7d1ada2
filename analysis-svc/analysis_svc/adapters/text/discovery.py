"""Unsupervised theme discovery: clean, TF-IDF, LSA and k-means; the number of themes by stability across seeds."""
from __future__ import annotations

import re
import warnings
from dataclasses import dataclass

import numpy as np
from sklearn.cluster import KMeans
from sklearn.decomposition import TruncatedSVD
from sklearn.exceptions import ConvergenceWarning
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS, TfidfVectorizer
from sklearn.metrics import adjusted_rand_score
from sklearn.preprocessing import normalize

from .redaction import redact

UNASSIGNED = -1
MIN_WORDS = 2  # an answer with fewer vocabulary words than this has too little signal for a theme
# Reaches past the 8-13 categories people use for complaints and tickets. From 5: stability also
# rewards the trivially reproducible split into two or three (on the CFPB dev half it chose 3, NMI
# 0.29, where every k from 4 to 16 scored 0.35 or more), and fewer themes say little a board can use.
K_RANGE = (5, 30)
DOCS_PER_THEME = 5  # never more themes than one per this many answers with signal
LSA_DIMS = 30
STABILITY_SEEDS = 5
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


def _weighted(matrix, idf: np.ndarray):
    """TF-IDF rows with idf counted twice (rare, specific words weigh more), unit length."""
    return normalize(matrix.multiply(idf[None, :]).tocsr())


def _latent(weighted, seed: int) -> np.ndarray:
    """Unit-length LSA vectors (Deerwester et al.): the answers' coordinates on the main word axes."""
    dims = min(LSA_DIMS, weighted.shape[0] - 1, weighted.shape[1] - 1)
    if dims < 2:
        return normalize(weighted.toarray())
    return normalize(TruncatedSVD(dims, random_state=seed).fit_transform(weighted))


def _kmeans(points: np.ndarray, k: int, seed: int, n_init: int) -> np.ndarray:
    with warnings.catch_warnings():  # fewer distinct answers than k: the empty themes are dropped
        warnings.simplefilter("ignore", ConvergenceWarning)
        return KMeans(k, n_init=n_init, random_state=seed).fit_predict(points)


def _k_candidates(n_docs: int, k_range: tuple[int, int]) -> list[int]:
    high = min(k_range[1], max(n_docs // DOCS_PER_THEME, k_range[0]), n_docs - 1)
    return [k for k in range(k_range[0], high + 1) if k <= 12 or k % 2 == 0]


def choose_k(points: np.ndarray, seed: int = 0, k_range: tuple[int, int] = K_RANGE,
             seeds: int = STABILITY_SEEDS) -> int:
    """The number of themes whose k-means partitions agree best across seeds (mean pairwise ARI).

    Ties go to the smaller number. A partition that a different start reproduces is structure in
    the answers rather than an accident of initialisation (the stability idea of Lange et al., 2004).
    """
    best_k, best = None, -2.0
    for k in _k_candidates(len(points), k_range):
        runs = [_kmeans(points, k, seed + r, n_init=1) for r in range(seeds)]
        score = np.mean([adjusted_rand_score(runs[i], runs[j])
                         for i in range(seeds) for j in range(i + 1, seeds)])
        if score > best + 1e-9:
            best_k, best = k, score
    return best_k or min(k_range[0], max(len(points), 1))


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
    weighted = _weighted(matrix, vectoriser.idf_)
    signal = np.flatnonzero(np.asarray((matrix > 0).sum(axis=1)).ravel() >= min(MIN_WORDS, matrix.shape[1]))
    if not len(signal):
        return [], [UNASSIGNED] * len(docs)
    points = _latent(weighted[signal], seed)
    if k is None:
        k = choose_k(points, seed)
    k = min(k, len(signal))
    clusters = _kmeans(points, k, seed, n_init=10)
    # Theme ids by size, largest first, so the same answers give the same numbering; k-means
    # leaves a theme empty when there are fewer distinct answers than k, and it is dropped.
    sizes = np.bincount(clusters, minlength=k)
    order = sorted(range(k), key=lambda c: (-sizes[c], c))
    renumber = np.empty(k, dtype=int)
    renumber[order] = np.arange(k)
    clusters, k = renumber[clusters], int((sizes > 0).sum())
    assignment = np.full(len(docs), UNASSIGNED)
    assignment[signal] = clusters
    terms = vectoriser.get_feature_names_out()
    themes = []
    for i in range(k):
        members = signal[clusters == i]
        centre = np.asarray(weighted[members].mean(axis=0)).ravel()
        top = [str(terms[j]) for j in np.argsort(-centre, kind="stable")[:n_terms] if centre[j] > 0]
        closeness = np.asarray(weighted[members] @ centre).ravel()
        best = members[np.argsort(-closeness, kind="stable")][:n_examples]
        themes.append(DiscoveredTheme(i, top, [redact(docs[j]) for j in best], " / ".join(top[:3])))
    return themes, [int(a) for a in assignment]
