"""The automatic number of themes a facilitator can trust: never two halves, never mostly
single-idea themes, a sensible count for the size of the wall."""

from __future__ import annotations

import random

import numpy as np
import pytest

from analysis.clustering import _degenerate, cluster_ideas, embedding_available, k_range

METHODS = ["tfidf"] + (["auto"] if embedding_available() else [])

# Eight topics of a welcome-to-the-region workshop; each idea = a framing + a topic's subject.
SUBJECTS = {
    "logement": ["un logement abordable", "une chambre meublée", "une garantie de loyer", "un appartement près du campus"],
    "emploi": ["un emploi d'été", "un stage rémunéré en entreprise", "un jumelage avec des employeurs", "un emploi à temps partiel"],
    "autobus": ["un autobus le soir", "une passe d'autobus gratuite", "une navette vers le parc industriel", "des horaires d'autobus adaptés"],
    "français": ["des cours de français", "un atelier de conversation en français", "un lexique du français québécois", "des cours de français le soir"],
    "santé": ["un médecin de famille", "du soutien psychologique", "une clinique sans rendez-vous", "une assurance maladie abordable"],
    "immigration": ["le permis de travail", "le certificat d'acceptation du Québec", "la résidence permanente", "le renouvellement du permis d'études"],
    "hiver": ["des vêtements d'hiver", "des bottes et un manteau chaud", "apprendre à conduire sur la neige", "des sorties de ski et de patin"],
    "amitiés": ["des amis québécois", "un parrain de la région", "des soupers avec des familles d'ici", "des activités pour rencontrer des gens"],
}
FRAMES = ["Aider les étudiants à trouver {}", "{} dès l'arrivée", "Un guichet pour {}", "Plus d'information sur {}",
          "Faciliter l'accès à {}", "Des conseils pour {}", "Offrir {} aux nouveaux arrivants", "{} pour les étudiants internationaux"]


def synthetic(n_per_topic: int, seed: int = 0):
    rng = random.Random(seed)
    texts, topics = [], []
    for topic, subjects in SUBJECTS.items():
        for i in range(n_per_topic):
            frame = rng.choice(FRAMES)
            texts.append(frame.format(subjects[i % len(subjects)]).capitalize())
            topics.append(topic)
    return texts, topics


def _sizes(result):
    return sorted((len(c.members) for c in result.clusters), reverse=True)


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("seed", [0, 1])
def test_sixty_ideas_of_eight_topics_make_five_to_twelve_themes(method, seed):
    texts, _topics = synthetic(8)
    texts = texts[:60]
    result = cluster_ideas(texts, method=method, seed=seed)
    sizes = _sizes(result)
    assert 5 <= result.k_chosen <= 12, sizes
    assert sizes[0] < 30 and sum(s == 1 for s in sizes) * 2 <= len(sizes), sizes


@pytest.mark.parametrize("method", METHODS)
def test_the_themes_follow_the_topics(method):
    from sklearn.metrics import normalized_mutual_info_score

    texts, topics = synthetic(8)
    auto = cluster_ideas(texts, method=method).assignments(len(texts))
    given = cluster_ideas(texts, k=8, method=method).assignments(len(texts))
    assert normalized_mutual_info_score(topics, auto) >= normalized_mutual_info_score(topics, given) - 0.1


@pytest.mark.parametrize("method", METHODS)
@pytest.mark.parametrize("n", [15, 22, 40, 150])
def test_no_degenerate_split_from_fifteen_ideas_up(method, n):
    texts, _topics = synthetic(20, seed=n)
    picked = random.Random(n).sample(texts, n)
    result = cluster_ideas(picked, method=method)
    sizes = _sizes(result)
    lowest, preferred, highest = k_range(n)
    assert preferred <= result.k_chosen <= highest, (n, sizes)
    assert sizes[0] < n / 2 and sum(s == 1 for s in sizes) * 2 <= len(sizes), (n, sizes)


def test_the_range_grows_with_the_wall():
    assert k_range(15) == (2, 2, 6)
    assert k_range(30)[1:] == (3, 7)
    assert k_range(60)[1:] == (4, 10)
    assert k_range(150)[1:] == (4, 12) and k_range(5000)[2] == 12


def test_what_counts_as_degenerate():
    assert _degenerate(np.array([0] * 30 + [1] * 10 + [2] * 20), 3)  # one theme holds half
    assert _degenerate(np.array([0] * 57 + [1] * 3), 2)  # 95 / 5
    assert _degenerate(np.array([0] * 10 + [1, 2, 3]), 4)  # most themes are single ideas
    assert not _degenerate(np.array([0] * 20 + [1] * 20 + [2] * 19 + [3]), 4)
    assert not _degenerate(np.array([0] * 30 + [1] * 30), 2)


@pytest.mark.parametrize("method", METHODS)
def test_data_that_clearly_has_two_topics_gets_two_themes(method):
    texts = [f"Des pistes cyclables sur la rue {i}" for i in range(20)] + \
            [f"Un jardin communautaire au parc {i}" for i in range(20)]
    result = cluster_ideas(texts, method=method)
    assert sorted(sorted(c.members) for c in result.clusters) == [list(range(20)), list(range(20, 40))]


def test_the_search_scores_partitions_as_sklearn_would():
    """The automatic k computes silhouette and agreement itself (one distance matrix for dozens
    of partitions); they must be the textbook measures."""
    from sklearn.metrics import adjusted_rand_score, silhouette_score

    from analysis.clustering import _adjusted_rand, _silhouette

    rng = np.random.RandomState(0)
    for k in (2, 5, 11):
        Z = rng.randn(120, 8)
        Z /= np.linalg.norm(Z, axis=1, keepdims=True)
        a, b = rng.randint(0, k, 120), rng.randint(0, k, 120)
        a[:k] = np.arange(k)
        a[a == k - 1] = 0
        a[3] = k - 1  # a theme of one idea counts 0, as in sklearn
        distances = np.clip(1 - Z @ Z.T, 0, 2)
        assert abs(_silhouette(distances, a, k) - silhouette_score(Z, a, metric="cosine")) < 1e-6
        assert abs(_adjusted_rand(a, b, k) - adjusted_rand_score(a, b)) < 1e-9
        assert _adjusted_rand(a, a, k) == 1.0
