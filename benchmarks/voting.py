"""Votes through the real HTTP path, at a forum's size: many phones joining,
then voting at once, on one server process.

    .venv/bin/python benchmarks/voting.py                      # 64 and 200 phones, approval and dots, SQLite
    .venv/bin/python benchmarks/voting.py --phones 64 --kinds approval \\
        --database-url postgresql://postgres@127.0.0.1:5432/test

For each vote type and number of phones: a fresh database and server; the
facilitator adds a round over --items items (a pasted list, as a
participatory budget's projects would come) with live results, and opens it;
every phone opens the join form at once (form latency: the scan of the code),
then every phone taps Join at the same instant (join latency: from posting the
form to having the phone page, which the join answers with; the venue limit on
joins from one address is lifted, as a forum behind one address would), loads
its ballot, then changes it
--changes times as fast as the server answers, all phones together (approval:
a whole ballot of three items each time; dots: one dot each time, one at a
time, as ballot.js sends them). Prints votes per second, vote and join
latencies, errors, the server process's CPU per vote and per join (the driver
shares the machine's cores, so CPU says what latency cannot), and how long
after the last answered vote the projector showed the final totals (result
pushes are coalesced).

Two paces: as fast as answers come (the ceiling; with 64 phones each waiting
for its answer, latency is then 64 / throughput by Little's law), or
`--rate R`, R votes a second offered by all phones at random times, as a
forum's room votes (latency counted from when each vote was due).
`--join-over S` spreads the joins over S seconds, as a room scanning a code,
each phone posting as soon as its form is there. `--sockets`: then each phone
goes live as live.js does (its socket connects and watches the phones' room,
and fetches its panel again only if a push went out since its page), all at
once; live p95 is that step, and its server CPU counts in the join's.

PostgreSQL runs in a scratch schema of its own, dropped afterwards.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live_server import (  # noqa: E402
    CSRF_FIELD,
    CSRF_HEADER,
    ServerProcess,
    cookie_header,
    facilitator_opens_workshop,
    new_http_session,
    prepare_database,
    scratch_schema,
)

SCORES = re.compile(r'class="result[^"]*" data-score="(\d+)"')
PUSHES = re.compile(r'data-pushes="([^"]+)"')
PROJECTS = re.compile(r'name="project" value="(\d+)"|data-move="1" data-project="(\d+)"')


def cpu_seconds(pid: int) -> float:
    """User + system CPU a process has used so far (Linux), to tell the
    server's cost apart from the driver's: both share this machine's cores."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]


class Voter:
    def __init__(self, base: str, code: str, index: int):
        self.base, self.code, self.index = base, code, index
        self.http = new_http_session()
        self.token = self.form = ""
        self.pushes: str | None = None
        self.socket = None
        self.seq = 0

    async def open_form(self) -> float:
        """The join form, as the phone's camera opens the code's address."""
        started = time.perf_counter()
        async with self.http.get(f"{self.base}/j/{self.code}") as response:
            self.form = await response.text()
        return time.perf_counter() - started

    async def tap_join(self) -> float:
        """The join itself: the form posted, answered with the phone page."""
        token = CSRF_FIELD.search(self.form)
        groups = re.findall(r'name="group" value="(\d+)"', self.form)
        started = time.perf_counter()
        async with self.http.post(f"{self.base}/j/{self.code}", data={
                "nickname": f"p{self.index}", "group": groups[self.index % len(groups)],
                "csrf_token": token.group(1) or token.group(2)}) as response:
            page = await response.text()
        took = time.perf_counter() - started
        self.token = CSRF_HEADER.search(page).group(1)
        pushes = PUSHES.search(page)
        self.pushes = pushes.group(1) if pushes else None
        return took

    async def go_live(self, workshop_id: int) -> tuple[float, bool]:
        """What live.js does next: a socket watching the phones' room, naming the
        pushes its page had seen, and the panel fetched again unless the server
        says none went out since. Returns (seconds, whether it re-rendered)."""
        import socketio

        started = time.perf_counter()
        room = {"workshop": workshop_id, "audience": "phones", "lang": "fr"}
        self.socket = socketio.AsyncClient()
        await self.socket.connect(self.base, headers={"Cookie": cookie_header(self.http)}, transports=["websocket"],
                                  auth=room)
        answer = await self.socket.call("watch", room if self.pushes is None else {**room, "pushes": self.pushes})
        if not answer.get("fresh"):
            async with self.http.get(f"{self.base}/j/{self.code}/panel") as response:
                await response.read()
        return time.perf_counter() - started, not answer.get("fresh")

    async def join(self, after: float = 0.0) -> tuple[float, float]:
        """Form then join, back to back, `after` seconds from now."""
        await asyncio.sleep(after)
        return await self.open_form(), await self.tap_join()

    async def post(self, path: str, data) -> tuple[int, float]:
        self.seq += 1
        started = time.perf_counter()
        async with self.http.post(f"{self.base}/j/{self.code}/rounds/{path}", data=[*data, ("seq", str(self.seq))],
                                  headers={"X-CSRFToken": self.token, "HX-Request": "true"}) as answer:
            await answer.read()
            return answer.status, time.perf_counter() - started


async def scenario(base: str, kind: str, phones: int, items: int, changes: int, rate: float | None,
                   join_over: float, server_pid: int, sockets: bool = False) -> dict:
    import socketio

    facilitator, workshop_id, code = await facilitator_opens_workshop(base, "Budget participatif")
    control = f"{base}/w/{workshop_id}/control"
    async with facilitator.get(control) as response:
        page = await response.text()
    headers = {"X-CSRFToken": CSRF_HEADER.search(page).group(1), "HX-Request": "true"}
    listing = "\n".join(f"Projet {n}\tSecteur {n % 8}\tBudget de {n} 000 $" for n in range(items))
    async with facilitator.post(f"{base}/w/{workshop_id}/rounds", headers=headers, data={
            "title": "Priorités", "source": "list", "items_text": listing, "kind": kind, "dots": "5",
            "max_per_item": "3", "top_k": "3", "show_live": "1"}) as response:
        assert response.status == 200, await response.text()
    async with facilitator.get(control) as response:
        page = await response.text()
    open_url = re.findall(r'hx-post="([^"]+/open)"', page)[-1]
    await (await facilitator.post(base + open_url, headers=headers)).read()

    shown: list[tuple[float, int]] = []
    projector = socketio.AsyncClient()

    @projector.on("swap")
    def on_swap(message):
        for swap in message["swaps"]:
            if swap["id"] == "stage":
                shown.append((time.perf_counter(), sum(int(n) for n in SCORES.findall(swap["html"]))))

    await projector.connect(base, headers={"Cookie": cookie_header(facilitator)}, transports=["websocket"])
    assert (await projector.call("watch", {"workshop": workshop_id, "audience": "projector", "lang": "fr"}))["ok"]

    voters = [Voter(base, code, n) for n in range(phones)]
    joined_at, join_cpu = time.perf_counter(), cpu_seconds(server_pid)
    if join_over:
        # A room scans the code on the screen within some seconds, each phone
        # joining as soon as its form is there.
        arrivals = random.Random(0)
        form_times, join_times = zip(*await asyncio.gather(*(v.join(arrivals.uniform(0, join_over))
                                                              for v in voters)))
    else:
        # Every phone at the same instant: the scan (the forms, all at once), then,
        # nicknames typed, every phone taps Join at the same instant.
        form_times = await asyncio.gather(*(v.open_form() for v in voters))
        join_times = await asyncio.gather(*(v.tap_join() for v in voters))
    live_times, refreshed = [], 0
    if sockets:  # each phone goes live as live.js does, all at once
        went_live = await asyncio.gather(*(v.go_live(workshop_id) for v in voters))
        live_times, refreshed = [took for took, _ in went_live], sum(again for _, again in went_live)
    joins_elapsed = time.perf_counter() - joined_at
    join_cpu = cpu_seconds(server_pid) - join_cpu
    async with voters[0].http.get(f"{base}/j/{code}/panel") as response:
        panel = await response.text()
    round_id = int(re.search(r"/rounds/(\d+)/ballot", panel).group(1))

    async def load_ballot(voter: Voter) -> str:
        async with voter.http.get(f"{base}/j/{code}/rounds/{round_id}/ballot") as response:
            return await response.text()

    ballots = await asyncio.gather(*(load_ballot(v) for v in voters))
    ids = [int(a or b) for a, b in PROJECTS.findall(ballots[0])]
    ids = list(dict.fromkeys(ids))
    assert len(ids) == items, (len(ids), items)

    latencies: list[float] = []
    statuses: list[int] = []
    last_ack = 0.0
    expected = 0

    # Open loop (--rate): the room's votes come at random times at R a second
    # in all, each phone taking its turn, whatever the server's pace; a vote
    # waits for its phone's previous answer, and its latency counts from when
    # it was due (so a slow server cannot hide its queue). Closed loop: each
    # phone votes again as soon as it is answered, which gives the ceiling.
    schedule = random.Random(1)
    due_at, clock = [], 0.0
    for _ in range(phones * changes):
        clock += schedule.expovariate(rate) if rate else 0.0
        due_at.append(clock)

    async def vote(voter: Voter):
        nonlocal last_ack
        rng = random.Random(voter.index)
        for turn in range(changes):
            if rate:
                due = started + due_at[turn * phones + voter.index]
                await asyncio.sleep(max(0.0, due - time.perf_counter()))
            else:
                due = time.perf_counter()
            if kind == "approval":
                data = [("project", str(i)) for i in rng.sample(ids, 3)]
                status, _took = await voter.post(f"{round_id}/ballot", data)
            else:
                data = [("project", str(rng.choice(ids))), ("delta", "1")]
                status, _took = await voter.post(f"{round_id}/dots", data)
            statuses.append(status)
            latencies.append(time.perf_counter() - due)
            if status == 200:  # a refused change pushes nothing
                last_ack = max(last_ack, time.perf_counter())

    started, vote_cpu = time.perf_counter(), cpu_seconds(server_pid)
    await asyncio.gather(*(vote(v) for v in voters))
    elapsed = time.perf_counter() - started
    vote_cpu = cpu_seconds(server_pid) - vote_cpu
    async with facilitator.get(f"{base}/w/{workshop_id}/stage/projector") as response:
        expected = sum(int(n) for n in SCORES.findall(await response.text()))
    deadline = time.perf_counter() + 15
    while not any(n == expected and t >= last_ack for t, n in shown) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    fresh = next((t for t, n in shown if n == expected and t >= last_ack), None)
    await projector.disconnect()
    await asyncio.gather(*(v.socket.disconnect() for v in voters if v.socket))
    await asyncio.gather(*(v.http.close() for v in voters), facilitator.close())
    ok = statuses.count(200)
    return {
        "kind": kind, "phones": phones, "items": items, "votes": len(statuses), "votes_per_s": len(statuses) / elapsed,
        "refused": sum(1 for s in statuses if s == 422), "errors": sum(1 for s in statuses if s not in (200, 422)),
        "p50_ms": statistics.median(latencies) * 1000, "p95_ms": percentile(latencies, 95) * 1000,
        "max_ms": max(latencies) * 1000, "join_p95_ms": percentile(join_times, 95) * 1000,
        "form_p95_ms": percentile(form_times, 95) * 1000, "live_p95_ms": percentile(live_times, 95) * 1000,
        "refreshed": refreshed,
        "joins_per_s": phones / joins_elapsed, "fresh_ms": (fresh - last_ack) * 1000 if fresh else float("nan"),
        "accepted": ok, "vote_cpu_ms": vote_cpu / max(1, len(statuses)) * 1000,
        "join_cpu_ms": join_cpu / phones * 1000,
    }


def run_one(args, kind: str, phones: int) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="workshop-vote-"))
    with contextlib.ExitStack() as stack:
        url = args.database_url
        if url:
            url = stack.enter_context(scratch_schema(url.replace("postgresql://", "postgresql+psycopg://")
                                                     if "+psycopg" not in url else url, prefix="votebench"))
        env = prepare_database(instance, url)
        server = ServerProcess(env, extra_env={"VOTE_LIMIT": "100000 per minute", "FEATURES_ON_ARRIVAL": "0",
                                                     "JOIN_LIMIT": "100000 per minute"}).start()
        stack.callback(server.stop)
        return asyncio.run(scenario(server.url, kind, phones, args.items, args.changes, args.rate,
                                    args.join_over, server.process.pid, args.sockets))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, nargs="+", default=[64, 200])
    parser.add_argument("--kinds", nargs="+", default=["approval", "dots"], choices=["approval", "dots"])
    parser.add_argument("--items", type=int, default=199)
    parser.add_argument("--changes", type=int, default=5, help="ballot changes per phone (dots: one dot each)")
    parser.add_argument("--rate", type=float, default=None,
                        help="votes per second offered by all phones together, at random times (open loop); "
                             "without it, phones vote as fast as answers come (the ceiling)")
    parser.add_argument("--join-over", type=float, default=0.0,
                        help="seconds over which phones arrive, at random (0: all at once)")
    parser.add_argument("--sockets", action="store_true",
                        help="after joining, each phone connects its socket and watches, as live.js does "
                             "(live p95: from the page to watching; panels rendered again; their CPU counts as the join's)")
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    database = "PostgreSQL" if args.database_url else "SQLite"
    offered = f"{args.rate:.0f}/s offered" if args.rate else "as fast as answered"
    offered += f", joins over {args.join_over:g} s" if args.join_over else ", joins at once"
    print("| database | vote | phones | items | pace | votes | votes/s | vote p50 (ms) | vote p95 (ms) | slowest (ms) "
          "| refused | errors | server CPU per vote (ms) | form p95 (ms) | join p95 (ms) | live p95 (ms) | panels again "
          "| server CPU per join (ms) | projector fresh after last vote (ms) |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for kind in args.kinds:
        for phones in args.phones:
            r = run_one(args, kind, phones)
            print(f"| {database} | {kind} | {r['phones']} | {r['items']} | {offered} | {r['votes']} | "
                  f"{r['votes_per_s']:.0f} | {r['p50_ms']:.0f} | {r['p95_ms']:.0f} | {r['max_ms']:.0f} | "
                  f"{r['refused']} | {r['errors']} | {r['vote_cpu_ms']:.1f} | {r['form_p95_ms']:.0f} | {r['join_p95_ms']:.0f} | "
                  f"{r['live_p95_ms']:.0f} | {r['refreshed'] if args.sockets else '–'} | {r['join_cpu_ms']:.1f} | {r['fresh_ms']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
