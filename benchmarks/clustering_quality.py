"""Score analysis.clustering with NMI and ARI on labelled data; prints a Markdown table.

Data sets:
- ccc: /work/shared/data/ccc_proposals.csv (146 French proposals, label = theme, 6 themes);
  override with --ccc PATH.
- chatterbot (en): the English part of the public ``chatterbot-corpus`` PyPI package
  (labels = the corpus's own category of each YAML file; we keep its 13 topical categories,
  at most 60 conversations each; text = prompt + first reply). Skipped if not installed.
- chatterbot (it), chatterbot (es): the same corpus's Italian (12 topical categories) and
  Spanish (5) parts. They were scored while the smoothing's setting was searched but not
  used to pick it: they say whether a method holds on data it was not tuned on.

Each method is scored with and without the neighbourhood smoothing that runs before
k-means (``cluster_ideas(..., smoothing=False)`` is the plain k-means of earlier versions).

Usage: python benchmarks/clustering_quality.py [--seeds 10] [--methods tfidf,embedding]
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
import time
from pathlib import Path
from typing import Sequence

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import numpy as np  # noqa: E402
from sklearn.cluster import KMeans  # noqa: E402
from sklearn.feature_extraction.text import TfidfVectorizer  # noqa: E402
from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score  # noqa: E402

from analysis.clustering import cluster_ideas, embedding_available, vectorise  # noqa: E402

CHATTER_CATEGORIES = ("ai", "coding", "emotion", "food", "literature", "money", "movies", "politics",
                      "psychology", "science", "sports", "tech_support", "trivia")
# the topical categories of the Italian and Spanish parts (bot profile, greetings and
# small talk left out, as in English); not used to pick the smoothing's setting
OTHER_LANGUAGES = (
    ("chatterbot (it)", "italian", ("ai", "emotion", "food", "gossip", "humor", "literature", "money",
                                    "movies", "politics", "psychology", "science", "sports")),
    ("chatterbot (es)", "spanish", ("IA", "dinero", "emociones", "psicologia", "trivia")),
)


def load_ccc(path: str) -> tuple[list[str], list[str]]:
    """Return (texts, theme labels) of the ccc proposals CSV."""
    with open(path, encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    return [r["text"] for r in rows], [r["theme"] for r in rows]


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


def naive_baseline(texts, k, seed):
    """Plain TF-IDF (sklearn defaults) + KMeans."""
    X = TfidfVectorizer().fit_transform(texts)
    return KMeans(k, n_init=10, random_state=seed).fit_predict(X)


def main(argv=None) -> None:
    """Run the benchmark and print the table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ccc", default="/work/shared/data/ccc_proposals.csv")
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--methods", default="tfidf,embedding" if embedding_available() else "tfidf")
    args = ap.parse_args(argv)
    sets = []
    if os.path.exists(args.ccc):
        sets.append(("ccc (fr)",) + load_ccc(args.ccc))
    ch = load_chatterbot()
    if ch:
        sets.append(("chatterbot (en)",) + ch)
        sets += [(name,) + load_chatterbot(lang, cats) for name, lang, cats in OTHER_LANGUAGES]
    else:
        print("chatterbot-corpus not installed: English, Italian and Spanish sets skipped "
              "(pip install chatterbot-corpus)")
    print("| data set | n | true k | method | k | k chosen | NMI | ARI | seconds |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, texts, y in sets:
        k_true = len(set(y))
        feats = {}
        r = [(normalized_mutual_info_score(y, p), adjusted_rand_score(y, p))
             for p in (naive_baseline(texts, k_true, s) for s in range(args.seeds))]
        m = np.mean(r, axis=0)
        print(f"| {name} | {len(texts)} | {k_true} | naive tf-idf+kmeans | given | {k_true} | {m[0]:.3f} | {m[1]:.3f} | |")
        for method in args.methods.split(","):
            embed = method == "embedding"
            t0 = time.perf_counter()
            feats[method] = vectorise(texts, embed=embed)
            t_feat = time.perf_counter() - t0
            for k, smoothing in ((k_true, True), (None, True), (k_true, False), (None, False)):
                scores, ks, t = [], [], 0.0
                for s in range(args.seeds):
                    t0 = time.perf_counter()
                    res = cluster_ideas(feats[method], k=k, seed=s, method=method, smoothing=smoothing)
                    t += time.perf_counter() - t0
                    p = res.assignments(len(texts))
                    scores.append((normalized_mutual_info_score(y, p), adjusted_rand_score(y, p)))
                    ks.append(res.k_chosen)
                m = np.mean(scores, axis=0)
                kdesc = "given" if k else "auto"
                label = method if smoothing else f"{method}, no smoothing"
                print(f"| {name} | {len(texts)} | {k_true} | {label} | {kdesc} | {'/'.join(map(str, ks))} "
                      f"| {m[0]:.3f} | {m[1]:.3f} | {t / args.seeds:.2f} (+{t_feat:.1f} features) |")
    print(f"\nmean over seeds 0..{args.seeds - 1}; NMI/ARI from sklearn.metrics")


if __name__ == "__main__":
    main()
