"""Votes through the real HTTP path, and how far the projector lags behind.

    .venv/bin/python benchmarks/voting.py --voters 200 --items 60 --concurrency 50
    .venv/bin/python benchmarks/voting.py --voters 1000 --items 60 --concurrency 100

Starts a gevent server on a fresh SQLite database (or --database-url), makes
a workshop with --items ideas, adds and opens a dots round over them, joins
--voters phones, and has each spend its dots (one HTTP request per dot, at
most --concurrency requests in flight). Prints votes per second, request
errors, how long after the last acknowledged vote the projector showed the
final ballot count (result pushes are coalesced), and the time to tally the
stored ballots (database read + analysis.tally) for the round.
"""

from __future__ import annotations

import argparse
import asyncio
import random
import re
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live_server import (  # noqa: E402
    CSRF_HEADER,
    Phone,
    ServerProcess,
    cookie_header,
    facilitator_opens_workshop,
    prepare_database,
)

SCORES = re.compile(r'class="result-score">(\d+)')


async def run(args) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="workshop-vote-"))
    env = prepare_database(instance, args.database_url)
    server = ServerProcess(env, extra_env={"IDEA_LIMIT": "100000 per minute"}).start()
    try:
        result = await measure(server.url, args)
        result["tally_ms"] = tally_time(env, args)
        return result
    finally:
        server.stop()


async def measure(base: str, args) -> dict:
    import socketio

    facilitator, workshop_id, code = await facilitator_opens_workshop(base, "Vote benchmark")
    author = Phone(base, code, 0)
    await author.join()
    for n in range(args.items):
        await author.send(f"Projet candidat numéro {n}")
    control = f"{base}/w/{workshop_id}/control"
    async with facilitator.get(control) as response:
        page = await response.text()
    headers = {"X-CSRFToken": CSRF_HEADER.search(page).group(1), "HX-Request": "true"}
    close_url = re.search(r'hx-post="([^"]+/close)"', page).group(1)
    await (await facilitator.post(base + close_url, headers=headers)).read()
    await (await facilitator.post(f"{base}/w/{workshop_id}/rounds", headers=headers, data={
        "title": "Priorités", "source": "ideas", "kind": "dots", "dots": str(args.dots), "max_per_item": "2",
        "top_k": "3", "show_live": "1"})).read()  # live bars: the projector shows every dot
    async with facilitator.get(control) as response:
        page = await response.text()
    open_url = re.findall(r'hx-post="([^"]+/open)"', page)[-1]
    await (await facilitator.post(base + open_url, headers=headers)).read()
    async with facilitator.get(f"{base}/j/{code}/phone") as response:
        pass
    round_page = await (await author.http.get(f"{base}/j/{code}/panel")).text()
    round_id = int(re.search(r"/rounds/(\d+)/ballot", round_page).group(1))
    ballot_page = await (await author.http.get(f"{base}/j/{code}/rounds/{round_id}/ballot")).text()
    items = [int(i) for i in re.findall(r'"project": (\d+), "delta": 1', ballot_page)]

    counts: list[tuple[float, int]] = []
    projector = socketio.AsyncClient()

    @projector.on("swap")
    def on_swap(message):
        for swap in message["swaps"]:
            if swap["id"] == "stage":
                dots_shown = sum(int(n) for n in SCORES.findall(swap["html"]))
                counts.append((time.perf_counter(), dots_shown))

    await projector.connect(base, headers={"Cookie": cookie_header(facilitator)}, transports=["websocket"])
    assert (await projector.call("watch", {"workshop": workshop_id, "audience": "projector", "lang": "fr"}))["ok"]

    voters = [Phone(base, code, i + 1) for i in range(args.voters)]
    for start in range(0, len(voters), 50):
        await asyncio.gather(*(v.join() for v in voters[start:start + 50]))

    gate = asyncio.Semaphore(args.concurrency)
    statuses: list[int] = []
    last_ack = 0.0

    async def spend(voter: Phone):
        nonlocal last_ack
        for item in random.sample(items, args.dots):
            async with gate:
                statuses.append(await voter.place_dot(round_id, item))
                last_ack = max(last_ack, time.perf_counter())

    started = time.perf_counter()
    await asyncio.gather(*(spend(v) for v in voters))
    elapsed = time.perf_counter() - started
    deadline = time.perf_counter() + 10
    accepted = statuses.count(200)
    while not (counts and counts[-1][1] >= accepted) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    shown = next((t for t, n in counts if n >= accepted), None)
    await projector.disconnect()
    await asyncio.gather(*(v.http.close() for v in voters), author.http.close(), facilitator.close())
    return {
        "voters": args.voters, "items": len(items), "votes": len(statuses),
        "votes_per_s": len(statuses) / elapsed, "errors": sum(1 for s in statuses if s != 200),
        "projector_lag_ms": (shown - last_ack) * 1000 if shown else float("nan"),
        "pushes": len(counts),
    }


def tally_time(env: dict, args) -> float:
    """Median time to tally the round from the database, in the app (ms)."""
    import os
    import subprocess

    script = (
        "import time, statistics\n"
        "from workshop import create_app\n"
        "from workshop.extensions import db\n"
        "from workshop.voting.models import Round\n"
        "from workshop.voting.logic import results\n"
        "app = create_app()\n"
        "with app.app_context():\n"
        "    round_ = db.session.query(Round).one()\n"
        "    times = []\n"
        "    for _ in range(15):\n"
        "        start = time.perf_counter(); results(round_); times.append(time.perf_counter() - start)\n"
        "    print(statistics.median(times) * 1000)\n"
    )
    out = subprocess.run([sys.executable, "-c", script], env={**os.environ, **env}, capture_output=True,
                         text=True, check=True, cwd=Path(__file__).resolve().parent.parent)
    return float(out.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--voters", type=int, default=200)
    parser.add_argument("--items", type=int, default=60)
    parser.add_argument("--dots", type=int, default=5)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    r = asyncio.run(run(args))
    print("| voters | items | votes | votes/s | errors | projector lag after last vote (ms) | result pushes | tally (ms) |")
    print("|---|---|---|---|---|---|---|---|")
    print(f"| {r['voters']} | {r['items']} | {r['votes']} | {r['votes_per_s']:.0f} | {r['errors']} | "
          f"{r['projector_lag_ms']:.0f} | {r['pushes']} | {r['tally_ms']:.1f} |")


if __name__ == "__main__":
    main()
