"""What the facilitator waits for after pressing "group ideas", through the app.

For each size, a scratch SQLite workshop receives N synthetic ideas (halves of
the ccc proposals recombined, see clustering_speed.py); their features are
computed as the app does when ideas arrive (workshop.themes.features.compute,
timed per idea), then the grouping runs as the button runs it
(workshop.themes.logic.group: read the wall, parse the stored features,
cluster, store the themes). Each press is repeated (--presses, 3 by default)
and the table gives the median and the slowest, automatic and given k, with
the process's peak resident memory.

Usage: python benchmarks/grouping_in_app.py [--sizes 1000,10000] [--presses 3] [--words-only]
(--words-only: features without sentence embeddings, the fast path.)
"""

from __future__ import annotations

import argparse
import resource
import statistics
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clustering_speed import synthetic_ideas  # noqa: E402

warnings.filterwarnings("ignore")


def peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def scratch_app(folder: Path):
    from flask_migrate import upgrade

    from workshop import create_app

    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{folder / 'bench.sqlite'}", "TESTING": True,
                      "SECRET_KEY": "benchmark", "FEATURES_ON_ARRIVAL": False})
    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
    return app


def bench_activity():
    """A workshop's first question, in the scratch app's context (its owner and one group)."""
    from workshop.accounts.logic import create_user
    from workshop.workshops.logic import create_workshop

    owner = create_user("bench@example.org", "Bench", "a long enough password")
    workshop = create_workshop(owner, "Banc d'essai", "fr", ["Citoyen·ne"], ["Vos idées ?"])
    return workshop.activities[0]


def fill(activity, texts: list[str], embed: bool) -> float:
    """Store the ideas and their features as on arrival; returns ms per idea for the features."""
    from analysis import clustering
    from workshop.extensions import db
    from workshop.ideas.models import Idea
    from workshop.participants.models import Participant
    from workshop.themes import features

    author = Participant(workshop_id=activity.workshop_id, nickname=None)
    db.session.add(author)
    db.session.flush()
    rows = [Idea(activity_id=activity.id, participant_id=author.id, submission_key=f"bench-{n:08d}",
                 text=text, original_text=text) for n, text in enumerate(texts)]
    db.session.add_all(rows)
    db.session.commit()
    ids = [row.id for row in rows]
    clustering.warm_up()  # as the app's first batch of arrivals does
    started = time.perf_counter()
    for start in range(0, len(ids), features.BATCH):
        features.compute(ids[start:start + features.BATCH], run=lambda fn, t: fn(t, embed=embed))
    return 1000 * (time.perf_counter() - started) / len(ids)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ccc", default=str(ROOT.parent / "shared" / "data" / "ccc_proposals.csv"))
    parser.add_argument("--sizes", default="1000,10000")
    parser.add_argument("--presses", type=int, default=3)
    parser.add_argument("--words-only", action="store_true")
    args = parser.parse_args(argv)

    from analysis.clustering import embedding_available

    embed = embedding_available() and not args.words_only
    print(f"features: {'sentence embedding + words' if embed else 'words only'}")
    print("| ideas | features on arrival (ms per idea) | k | button press, median (s) | slowest (s) "
          "| themes | peak RSS MiB |")
    print("|---|---|---|---|---|---|---|")
    for n in map(int, args.sizes.split(",")):
        with tempfile.TemporaryDirectory() as folder:
            app = scratch_app(Path(folder))
            with app.app_context():
                from workshop.extensions import db
                from workshop.themes import logic

                activity = bench_activity()
                per_idea = fill(activity, synthetic_ideas(n, args.ccc), embed)
                for k in (None, 8):
                    times = []
                    for _ in range(args.presses):
                        db.session.expire_all()
                        started = time.perf_counter()
                        themes = logic.group(activity, k, [], {})
                        times.append(time.perf_counter() - started)
                    print(f"| {n} | {per_idea:.1f} | {k or 'auto'} | {statistics.median(times):.2f} | {max(times):.2f} "
                          f"| {len(themes)} | {peak_mib():.0f} |", flush=True)
                db.session.remove()
                db.engine.dispose()


if __name__ == "__main__":
    main()
