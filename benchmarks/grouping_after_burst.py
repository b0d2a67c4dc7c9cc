"""What "group ideas" does when pressed right after a burst of ideas, with the
real features worker running in its own process.

For each size, a scratch SQLite workshop gets a features worker
(`flask features-worker`, as `make run` starts it), waits until its encoder is
loaded, then receives N synthetic ideas (ccc proposals recombined, longer than
most phone ideas) at about 130 a second. The grouping is pressed as soon as
the last one is stored: the worker still holds what it computed (the room was
not calm yet) and lags behind the rest. The table says how many ideas had no
features at the press, how long the grouping waited for the worker
(themes.logic.wait_for_features), how many were still missing then, the method
the grouping used ("auto": every idea's meaning; "tfidf": by words), and the
press-to-themes time. --no-worker shows the grouping alone.

Usage: python benchmarks/grouping_after_burst.py [--sizes 600,1000] [--no-worker]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from clustering_speed import synthetic_ideas  # noqa: E402
from grouping_in_app import bench_activity, scratch_app  # noqa: E402

warnings.filterwarnings("ignore")
RATE = 130  # ideas a second, a large room's burst


def start_worker(database_url: str) -> subprocess.Popen:
    env = dict(os.environ, DATABASE_URL=database_url, SECRET_KEY="benchmark", FEATURES_ON_ARRIVAL="0")
    return subprocess.Popen([sys.executable, "-m", "flask", "--app", "workshop", "features-worker"],
                            env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def one_press(n: int, ccc: str, with_worker: bool, wait: float) -> str:
    from workshop.extensions import db
    from workshop.ideas.models import Idea
    from workshop.participants.models import Participant
    from workshop.themes import logic

    with tempfile.TemporaryDirectory() as folder:
        app = scratch_app(Path(folder))
        with app.app_context():
            activity = bench_activity()
            author = Participant(workshop_id=activity.workshop_id, nickname=None)
            db.session.add(author)
            db.session.commit()

            def add(key: str, text: str) -> None:
                db.session.add(Idea(activity_id=activity.id, participant_id=author.id, submission_key=key,
                                    text=text, original_text=text))

            worker = start_worker(app.config["SQLALCHEMY_DATABASE_URI"]) if with_worker else None
            try:
                if worker:  # a first idea: computed once the worker's encoder is loaded
                    add("probe-00", "Une première idée")
                    db.session.commit()
                    while logic.lacking_features([activity]):
                        db.session.commit()
                        time.sleep(0.5)
                    time.sleep(3)  # a calm room
                texts = synthetic_ideas(n, ccc)
                every = max(1, RATE // 10)
                for number, text in enumerate(texts):
                    add(f"burst-{number:08d}", text)
                    if number % every == every - 1:
                        db.session.commit()
                        time.sleep(0.1)
                db.session.commit()

                lacking = logic.lacking_features([activity])
                used: dict[str, list] = {}

                def spy(fn, *args, **kwargs):
                    used.setdefault(fn.__name__, []).append(kwargs)
                    return fn(*args, **kwargs)

                started = time.perf_counter()
                logic.start_grouping(activity)
                logic.wait_for_features([activity], wait)
                waited = time.perf_counter() - started
                still = logic.lacking_features([activity])
                themes = logic.group(activity, None, [], {}, run=spy)
                took = time.perf_counter() - started
            finally:
                if worker:
                    worker.terminate()
                    worker.wait()
            method = used["cluster_ideas"][0]["method"]
            return (f"| {n} | {'yes' if worker else 'no'} | {lacking} | {waited:.2f} | {still} | {method} "
                    f"| {len(themes)} | {took:.2f} |")


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--ccc", default=str(ROOT.parent / "shared" / "data" / "ccc_proposals.csv"))
    parser.add_argument("--sizes", default="600,1000")
    parser.add_argument("--no-worker", action="store_true")
    parser.add_argument("--wait", type=float, default=10.0, help="FEATURES_WAIT_AT_PRESS, seconds")
    args = parser.parse_args(argv)
    print("| ideas in the burst | features worker | without features at the press | waited s "
          "| still without | method | themes | press to themes s |")
    print("|---|---|---|---|---|---|---|---|")
    for n in map(int, args.sizes.split(",")):
        print(one_press(n, args.ccc, not args.no_worker, args.wait), flush=True)


if __name__ == "__main__":
    main()
