"""Time and peak memory of analysis.clustering on 1,000 and 10,000 synthetic ideas.

Synthetic ideas recombine fragments of the ccc proposals (first half of one proposal +
second half of another), so vocabulary and length are realistic. Each case reports the
wall time of cluster_ideas from raw texts ("cold") and from stored TextFeatures ("warm",
the per-idea work done when the idea arrived), plus the per-idea vectorise time.
Peak memory is the process's maximum resident set size so far (ru_maxrss).

Usage: python benchmarks/clustering_speed.py [--sizes 1000,10000] [--embed-cold-max 1000]
"""

from __future__ import annotations

import argparse
import csv
import random
import resource
import sys
import time
import warnings
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from analysis.clustering import cluster_ideas, embedding_available, vectorise  # noqa: E402

warnings.filterwarnings("ignore")


def synthetic_ideas(n: int, path: str, seed: int = 0) -> list[str]:
    """Return ``n`` ideas made by recombining halves of the ccc proposals (deterministic)."""
    with open(path, encoding="utf-8", newline="") as fh:
        base = [r["text"] for r in csv.DictReader(fh)]
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        a, b = rng.choice(base).split(), rng.choice(base).split()
        out.append(" ".join(a[: max(1, len(a) // 2)] + b[len(b) // 2:]))
    return out


def measure(fn):
    """Run ``fn`` and return (result, seconds, process peak RSS so far in MiB).

    tracemalloc is not used: it slows numpy/sklearn code several-fold. ru_maxrss is the
    process-wide high-water mark, so it only grows along the table.
    """
    t0 = time.perf_counter()
    res = fn()
    dt = time.perf_counter() - t0
    return res, dt, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main(argv=None) -> None:
    """Run the timings and print a Markdown table."""
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--ccc", default="/work/shared/data/ccc_proposals.csv")
    ap.add_argument("--sizes", default="1000,10000")
    ap.add_argument("--embed-cold-max", type=int, default=1000,
                    help="largest size for which the embedding method is also timed from raw texts")
    args = ap.parse_args(argv)
    methods = ["tfidf"] + (["embedding"] if embedding_available() else [])
    print("| n | method | k | from | seconds | peak RSS MiB | k chosen | vectorise per idea (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    for n in map(int, args.sizes.split(",")):
        texts = synthetic_ideas(n, args.ccc)
        for method in methods:
            embed = method == "embedding"
            # per-idea cost, paid once at arrival: time on a 200-idea sample
            sample = texts[:200]
            _, t_vec, _ = measure(lambda sample=sample, embed=embed: vectorise(sample, embed=embed))
            per_ms = 1000 * t_vec / len(sample)
            feats = None
            for k in (8, None):
                if not embed or n <= args.embed_cold_max:
                    res, dt, peak = measure(lambda texts=texts, k=k, method=method: cluster_ideas(texts, k=k, method=method))
                    print(f"| {n} | {method} | {k or 'auto'} | texts | {dt:.2f} | {peak:.0f} | {res.k_chosen} | {per_ms:.2f} |")
                if feats is None:
                    feats = vectorise(texts, embed=embed)
                res, dt, peak = measure(lambda feats=feats, k=k, method=method: cluster_ideas(feats, k=k, method=method))
                print(f"| {n} | {method} | {k or 'auto'} | stored features | {dt:.2f} | {peak:.0f} | {res.k_chosen} | {per_ms:.2f} |")


if __name__ == "__main__":
    main()
