"""Send-to-projector time with N phones connected to a real server, and what
the server (not this benchmark) spends on it.

    .venv/bin/python benchmarks/load.py --phones 50 --ideas 2
    .venv/bin/python benchmarks/load.py --phones 500 --rate 133 --duration 15 --generators 2 --with-floor
    .venv/bin/python benchmarks/load.py --phones 500 --rate 133 --duration 15 --generators 2 --with-floor --repeat 3
    .venv/bin/python benchmarks/load.py --phones 500 --ramp --rate 100 --ramp-step 100 --with-floor
    .venv/bin/python benchmarks/load.py --phones 50 200 --database-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/load.py --phones 50 200 --servers 2 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test --redis-url redis://127.0.0.1:6379/6

Starts one gevent server (or --servers 2, sharing PostgreSQL and Redis as the
Socket.IO message queue and rate-limit store) on a fresh database (SQLite, or
--database-url: for PostgreSQL a scratch schema is made and dropped, unless
the URL already sets a search_path), signs a facilitator in, creates and
opens a workshop and connects a projector (to the first server), all in this
process. The N phones (each an HTTP session plus a Socket.IO connection,
spread round-robin over the servers) live in --generators processes of
their own, each driving a share of them, so that the phones' Python does not
share one core with the projector's clock.

How the phones send:
- by default, every phone sends --ideas ideas at random moments within
  --spread seconds; with --drop F a fraction F of the phones lose their socket
  once and come back (venue Wi-Fi), and lose the answer to one send, which
  they send again with the same key;
- with --rate R, R ideas a second for --duration seconds, evenly spaced in
  time and handed to the phones in turn (the rate of the room, not of a phone);
- with --ramp, the rate goes up by --ramp-step each --duration seconds (same
  server, same phones) until p95 passes --ramp-limit ms (250), and that rate
  is printed.
Then, with --votes N (not with --ramp), the facilitator closes the ideas,
opens a dots round over 12 of them (live bars) and every phone places N dots.

With --with-floor, the same phones and sends also drive benchmarks/floor.py
(the same stack doing only insert + broadcast) right after each Atelier run,
and a ratio line follows: Atelier / floor for p95 and for CPU per idea. With
--repeat N each phone count runs N times (Atelier, floor, Atelier, floor...),
and the ratio line gives the median and the range: on a shared machine one
run's ratio can be a tenth off the next one's.

Every run prints phones, target and achieved rate, p50/p95/p99 (send to
projector), errors, lost and duplicated ideas, whether each idea is stored
once, the server's CPU (from /proc/<pid>/stat: % of a core and seconds per
1,000 ideas; the features worker apart), the generator's CPU (each process's
process time: the busiest one in % of a core), and the whole machine's busy
share, which shows what others running on the same cores took. It warns when
the generator, not the server, is the bottleneck.

Send and arrival times come from different processes: both are
time.perf_counter(), CLOCK_MONOTONIC on Linux, one clock for the machine.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import multiprocessing
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))
from tests.live_server import (  # noqa: E402,F401 - re-exported for older callers
    CSRF_FIELD,
    CSRF_HEADER,
    FACILITATOR_EMAIL,
    FACILITATOR_PASSWORD,
    IDEA_TEXT,
    Phone,
    Projector,
    ServerProcess,
    cookie_header,
    csrf_token,
    facilitator_opens_workshop,
    prepare_database,
    scratch_schema,
)

CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
CORES = os.cpu_count() or 1
BUSY_GENERATOR = 80  # % of a core: above it, the generator's own queue adds to the latencies
CATCH_UP_SECONDS = 10  # after the last send, how long the projector may take before an idea counts as lost


# --- CPU, read from /proc ------------------------------------------------------

def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def children(pid: int) -> list[int]:
    """The processes a server started (its features worker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            with contextlib.suppress(OSError, IndexError):
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
    return found


def resident_mb(pids: list[int]) -> float:
    """Resident memory of processes, in MB (Linux /proc)."""
    total = 0
    for pid in pids:
        with contextlib.suppress(OSError, IndexError, ValueError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
    return total / 1e6


def machine_busy_seconds() -> float:
    """CPU seconds the whole machine spent not idle, all cores together."""
    fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle + iowait
    return (sum(fields[:8]) - idle) / CLOCK_TICKS


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()  # only the index in the URL


# --- the generator: phones in processes of their own ----------------------------------

def idea_text(tag: str, phone: int, n: int) -> str:
    return f"Idée {tag}-{phone}-{n}, un jumelage étudiant·e–employeur"


class Generator:
    """One generator process's share of the phones, driven by commands from the pipe."""

    def __init__(self, conn, bases: list[str], code: str, indices: list[int]):
        self.conn = conn
        self.phones = [Phone(bases[i % len(bases)], code, i) for i in indices]
        self.ready: list[Phone] = []

    async def serve(self) -> None:
        loop = asyncio.get_running_loop()
        while True:
            command, params = await loop.run_in_executor(None, self.conn.recv)
            try:
                result = await getattr(self, command)(**params)
            except Exception:  # noqa: BLE001 - said to the main process, which stops the run
                import traceback

                result = {"failed": traceback.format_exc()}
            self.conn.send(result)
            if command == "close":
                return

    async def join(self) -> dict:
        errors = 0

        async def arrive(phone: Phone) -> None:
            nonlocal errors
            try:
                await phone.join()
                await phone.connect()
                self.ready.append(phone)
            except Exception:  # noqa: BLE001 - counted, the run goes on with the others
                errors += 1

        for batch in range(0, len(self.phones), 50):  # a room arrives in waves, not all in one millisecond
            await asyncio.gather(*(arrive(p) for p in self.phones[batch:batch + 50]))
        return {"ready": len(self.ready), "join_errors": errors}

    async def timed(self, start_at: float, sends) -> dict:
        """Runs the sends from start_at; returns what was sent when, and this process's CPU."""
        sent: dict[str, float] = {}
        statuses: dict[str, int] = {}  # each idea's HTTP answer (0: none)
        # A full collection of a thousand sockets' objects (300-600 ms seen)
        # would stall this process's sends and count against the server.
        gc.collect()
        gc.disable()
        await asyncio.sleep(max(0.0, start_at - time.perf_counter()))
        cpu, wall = time.process_time(), time.perf_counter()
        extra = await sends(sent, statuses) or {}
        # How busy this process was while it had sends to make: waiting for a
        # lagging server's answers afterwards would dilute it.
        busy_cpu, busy_wall = extra.pop("sending_until", (time.process_time(), time.perf_counter()))
        busy = (busy_cpu - cpu) / (busy_wall - wall) * 100 if busy_wall > wall else 0.0
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        gc.enable()
        return {"sent": sent, "statuses": statuses, "cpu": cpu, "wall": wall, "busy": busy, **extra}

    async def spread(self, start_at: float, ideas: int, spread: float, drop: float, tag: str) -> dict:
        droppers = set(random.sample(range(len(self.ready)), int(len(self.ready) * drop)))

        async def sends(sent, statuses):
            failures: list[int] = []

            async def phone_sends(k: int, phone: Phone):
                drop_at, lost_at = ((random.randrange(ideas), random.randrange(ideas))
                                    if k in droppers else (-1, -1))
                for n in range(ideas):
                    await asyncio.sleep(random.uniform(0, spread / ideas))
                    if n == drop_at:
                        try:
                            await phone.drop_and_return(random.uniform(0.2, 2.0))
                        except ConnectionError:
                            failures.append(phone.index)  # its sends still go over HTTP
                    text = idea_text(tag, phone.index, n)
                    sent[text] = time.perf_counter()
                    statuses[text] = await (phone.send_answer_lost(text) if n == lost_at else phone.send(text))

            await asyncio.gather(*(phone_sends(k, p) for k, p in enumerate(self.ready)))
            return {"reconnect_failures": len(failures)}

        return await self.timed(start_at, sends)

    async def rate(self, start_at: float, rate: float, duration: float, share: int, shares: int,
                   tag: str) -> dict:
        """Posts k = share, share + shares, ... of the room's schedule, post k at start_at + k / rate."""
        total = round(rate * duration)

        async def send(phone: Phone, text: str, statuses: dict[str, int]):
            statuses[text] = await phone.send(text)

        async def sends(sent, statuses):
            if not self.ready:
                return {}
            tasks = []
            for turn, k in enumerate(range(share, total, shares)):
                delay = start_at + k / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                phone = self.ready[turn % len(self.ready)]
                text = idea_text(tag, phone.index, k)
                sent[text] = time.perf_counter()
                tasks.append(asyncio.create_task(send(phone, text, statuses)))
            sending_until = (time.process_time(), time.perf_counter())
            await asyncio.gather(*tasks)
            return {"sending_until": sending_until}

        return await self.timed(start_at, sends)

    async def ballot(self) -> dict:
        phone = self.ready[0]
        panel = await (await phone.http.get(f"{phone.base}/j/{phone.code}/panel")).text()
        round_id = int(re.search(r"/rounds/(\d+)/ballot", panel).group(1))
        ballot = await (await phone.http.get(f"{phone.base}/j/{phone.code}/rounds/{round_id}/ballot")).text()
        items = [int(i) for i in re.findall(r'data-move="1" data-project="(\d+)"', ballot)]
        return {"round_id": round_id, "items": sorted(set(items))}

    async def vote(self, round_id: int, items: list[int], votes: int, spread: float) -> dict:
        statuses: list[int] = []
        last_ack = 0.0

        async def place_dots(phone: Phone):
            nonlocal last_ack
            for _ in range(votes):
                await asyncio.sleep(random.uniform(0, spread / votes))
                statuses.append(await phone.place_dot(round_id, random.choice(items)))
                last_ack = max(last_ack, time.perf_counter())

        started = time.perf_counter()
        await asyncio.gather(*(place_dots(phone) for phone in self.ready))
        return {"statuses": statuses, "last_ack": last_ack, "wall": time.perf_counter() - started}

    async def close(self) -> dict:
        for batch in range(0, len(self.phones), 100):
            await asyncio.gather(*(p.close() for p in self.phones[batch:batch + 100]), return_exceptions=True)
        return {}


def generator_main(conn, bases: list[str], code: str, indices: list[int]) -> None:
    async def serve():  # the phones' HTTP sessions belong to this process's event loop
        await Generator(conn, bases, code, indices).serve()

    asyncio.run(serve())


class Generators:
    """The generator processes, asked together; their answers come back as a list."""

    def __init__(self, count: int, bases: list[str], code: str, phones: int):
        context = multiprocessing.get_context("spawn")  # a fresh interpreter, no inherited event loop
        self.pipes, self.processes = [], []
        for g in range(count):
            ours, theirs = context.Pipe()
            process = context.Process(target=generator_main, daemon=True,
                                      args=(theirs, bases, code, list(range(g, phones, count))))
            process.start()
            self.pipes.append(ours)
            self.processes.append(process)

    async def ask(self, command: str, each=lambda g: {}, only: int | None = None) -> list[dict]:
        pipes = self.pipes if only is None else [self.pipes[only]]
        for g, pipe in enumerate(pipes):
            pipe.send((command, each(g)))
        loop = asyncio.get_running_loop()
        answers = await asyncio.gather(*(loop.run_in_executor(None, pipe.recv) for pipe in pipes))
        for answer in answers:
            if "failed" in answer:
                raise RuntimeError(f"a generator failed on {command}:\n{answer['failed']}")
        return answers

    async def close(self) -> None:
        with contextlib.suppress(EOFError, BrokenPipeError):
            await self.ask("close")
        for process in self.processes:
            process.join(timeout=10)
            if process.is_alive():
                process.kill()


# --- one server, measured ----------------------------------------------------------

class Target:
    """What the phones send to: Atelier's server(s), or the floor."""

    def __init__(self, name: str, bases: list[str], server_pids: list[int], database: str):
        self.name, self.bases, self.server_pids, self.database = name, bases, server_pids, database

    def features_pids(self) -> list[int]:
        return [child for pid in self.server_pids[:1] for child in children(pid)]


class Meter:
    """CPU of the servers, their features worker, this process and the machine over one phase."""

    def __init__(self, target: Target):
        self.target = target
        self.features = target.features_pids()
        self.before = self.read()

    def read(self) -> dict:
        return {"servers": [cpu_seconds(pid) for pid in self.target.server_pids],
                "features": sum(cpu_seconds(pid) for pid in self.features),
                "own": time.process_time(), "machine": machine_busy_seconds(), "wall": time.perf_counter()}

    def used(self) -> dict:
        after, before = self.read(), self.before
        return {"servers": [a - b for a, b in zip(after["servers"], before["servers"])],
                "features": after["features"] - before["features"], "own": after["own"] - before["own"],
                "machine": after["machine"] - before["machine"], "wall": after["wall"] - before["wall"]}


async def run_phase(target: Target, generators: Generators, projector: Projector, command: str,
                    params: dict, target_rate: float | None) -> dict:
    """One burst of sends from every generator; latencies, losses and everyone's CPU."""
    meter = Meter(target)
    start_at = time.perf_counter() + 0.5  # every generator has the command before the first send
    answers = await generators.ask(command, lambda g: {**params, "start_at": start_at, **(
        {"share": g, "shares": len(generators.pipes)} if command == "rate" else {})})
    sent = {text: t for answer in answers for text, t in answer["sent"].items()}
    seen = projector.seen
    deadline = time.perf_counter() + CATCH_UP_SECONDS
    while any(t not in seen for t in sent) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    cpu = meter.used()
    latencies = sorted((seen[t][0] - sent[t]) * 1000 for t in sent if t in seen)
    statuses = {text: s for answer in answers for text, s in answer["statuses"].items()}
    stored = {text for text in sent if statuses.get(text) == 200}  # the phone was told so
    last_sent = max(sent.values(), default=start_at)
    posts = len(sent)
    server_cpu = sum(cpu["servers"])
    generator_percent = [a["busy"] for a in answers]
    generator_cpu = sum(a["cpu"] for a in answers) + cpu["own"]
    return {
        "server": target.name, "database": target.database, "target_rate": target_rate,
        "posts": posts, "texts": stored,
        "achieved_rate": (posts - 1) / max(last_sent - start_at, 1e-9) if posts > 1 else float("nan"),
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "errors": error_counts(statuses.values()),
        "lost": sum(1 for t in stored if t not in seen),
        "duplicated": sum(1 for t in sent if len(seen.get(t, ())) > 1),
        "reconnect_failures": sum(a.get("reconnect_failures", 0) for a in answers),
        "server_cpu_percent": "+".join(f"{c / cpu['wall'] * 100:.0f}" for c in cpu["servers"]),
        "server_cpu_per_1000": server_cpu / posts * 1000 if posts else float("nan"),
        "features_cpu_per_1000": cpu["features"] / posts * 1000 if posts else float("nan"),
        "features_mb": resident_mb(meter.features), "server_mb": resident_mb(target.server_pids),
        "generator_busiest": max([*generator_percent, cpu["own"] / cpu["wall"] * 100]),
        "generator_percents": generator_percent, "projector_percent": cpu["own"] / cpu["wall"] * 100,
        "generator_cpu_per_1000": generator_cpu / posts * 1000 if posts else float("nan"),
        "machine_busy": cpu["machine"] / cpu["wall"] / CORES * 100,
        "others": max(0.0, (cpu["machine"] - server_cpu - cpu["features"] - generator_cpu) / cpu["wall"] * 100),
    }


async def session_of(target: Target, args, phones: int):
    """Signs in, opens a workshop, connects the projector, and the generators join the phones."""
    facilitator, workshop_id, code = await facilitator_opens_workshop(target.bases[0])
    projector = await Projector(target.bases[0], facilitator, workshop_id).connect()
    generators = Generators(args.generators, target.bases, code, phones)
    started = time.perf_counter()
    joined = await generators.ask("join")
    join = {"join_s": time.perf_counter() - started, "join_errors": sum(j["join_errors"] for j in joined)}
    return facilitator, workshop_id, projector, generators, join


async def measure(target: Target, args, phones: int, rates: list[float] | None) -> list[dict]:
    """Joins the phones, then one phase per rate (the ramp: until p95 passes the limit),
    or one spread-out phase; then the votes. Returns a row per phase."""
    facilitator, workshop_id, projector, generators, join = await session_of(target, args, phones)
    rows = []
    try:
        if rates is None:
            row = await run_phase(target, generators, projector, "spread", {
                "ideas": args.ideas, "spread": args.spread, "drop": args.drop, "tag": "s"}, None)
            rows.append(row)
        else:
            for step, rate in enumerate(rates):
                row = await run_phase(target, generators, projector, "rate", {
                    "rate": rate, "duration": args.duration, "tag": f"r{step}"}, rate)
                rows.append(row)
                if args.ramp:  # each step as it ends: a ramp takes minutes
                    row.update(phones=phones, **join)
                    print_row(row, args)
                    if row["p95"] > args.ramp_limit or row["lost"] or row["achieved_rate"] < 0.9 * rate:
                        break
                    await asyncio.sleep(1)  # the server's queues empty between steps
        stored = await stored_ideas(target.bases[0], facilitator, workshop_id)
        counts = Counter(stored)
        twice = any(count > 1 for count in counts.values())
        for row in rows:  # every idea answered 200 is stored, and nothing twice
            row["stored_once"] = not twice and all(text in counts for text in row["texts"])
        if args.votes and not args.ramp and target.name != "floor":
            rows[-1].update(await vote(target.bases[0], facilitator, workshop_id, generators, args))
    finally:
        await projector.close()
        await generators.close()
        await facilitator.close()
    for row in rows:
        row.update(phones=phones, **join)
    return rows


async def stored_ideas(base: str, facilitator, workshop_id: int) -> list[str]:
    """Every idea's text as the database holds it: the control view's stage lists them all
    (the projector's leaves out all but the newest 80)."""
    import html

    async with facilitator.get(f"{base}/w/{workshop_id}/stage/control") as response:
        page = await response.text()
    return [html.unescape(t) for t in IDEA_TEXT.findall(page)]


async def vote(base: str, facilitator, workshop_id: int, generators: Generators, args) -> dict:
    """Close the ideas, open a dots round over 12 of them, every phone places its dots."""
    import socketio
    from voting import SCORES

    control = f"{base}/w/{workshop_id}/control"
    page = await (await facilitator.get(control)).text()
    headers = {"X-CSRFToken": CSRF_HEADER.search(page).group(1), "HX-Request": "true"}
    await (await facilitator.post(base + re.search(r'hx-post="([^"]+/close)"', page).group(1), headers=headers)).read()
    page = await (await facilitator.get(control)).text()
    picked = [f"idea:{i}" for i in dict.fromkeys(re.findall(r'id="idea-(\d+)"', page))][:12]
    await (await facilitator.post(f"{base}/w/{workshop_id}/rounds", headers=headers, data={
        "title": "Priorités", "source": "picked", "pick": picked, "kind": "dots", "dots": str(args.votes),
        "max_per_item": str(args.votes), "top_k": "3", "show_live": "1"})).read()
    page = await (await facilitator.get(control)).text()
    await (await facilitator.post(base + re.findall(r'hx-post="([^"]+/open)"', page)[-1], headers=headers)).read()
    (ballot,) = await generators.ask("ballot", only=0)

    shown: list[tuple[float, int]] = []
    projector = socketio.AsyncClient()
    projector.on("swap", lambda message: [shown.append((time.perf_counter(), sum(
        int(n) for n in SCORES.findall(swap["html"])))) for swap in message["swaps"] if swap["id"] == "stage"])
    await projector.connect(base, headers={"Cookie": cookie_header(facilitator)}, transports=["websocket"])
    await projector.call("watch", {"workshop": workshop_id, "audience": "projector", "lang": "fr"})
    answers = await generators.ask("vote", lambda g: {**ballot, "votes": args.votes, "spread": args.spread})
    statuses = [s for a in answers for s in a["statuses"]]
    last_ack = max(a["last_ack"] for a in answers)
    accepted = statuses.count(200)
    deadline = time.perf_counter() + 10
    while not (shown and shown[-1][1] >= accepted) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    caught_up = next((t for t, n in shown if n >= accepted), None)
    await projector.disconnect()
    return {"votes": len(statuses), "votes_per_s": len(statuses) / max(a["wall"] for a in answers),
            "vote_errors": len(statuses) - accepted,
            "vote_lag_ms": (caught_up - last_ack) * 1000 if caught_up else float("nan")}


# --- the servers --------------------------------------------------------------------

def postgres_url(stack: contextlib.ExitStack, url: str | None, prefix: str) -> str | None:
    if url and url.startswith("postgres") and "search_path" not in url:
        return stack.enter_context(scratch_schema(url, prefix=prefix))
    return url


def atelier(stack: contextlib.ExitStack, args) -> Target:
    instance = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    database_url = postgres_url(stack, args.database_url, "bench")
    env = prepare_database(instance, database_url)
    # One address for every phone: the per-address limits are a venue's, not a load test's.
    extra = {"IDEA_LIMIT": "100000 per minute", "JOIN_LIMIT": "100000 per minute",
             "IDEAS_PER_ADDRESS_LIMIT": "1000000 per minute"}
    if args.servers > 1:
        flush_redis(args.redis_url)
        stack.callback(flush_redis, args.redis_url)
        extra.update({"SOCKETIO_MESSAGE_QUEUE": args.redis_url, "RATELIMIT_STORAGE_URI": args.redis_url,
                      "SECRET_KEY": secrets.token_urlsafe(32)})
    servers = []
    stack.callback(lambda: [server.stop() for server in servers])
    for n in range(args.servers):
        # One features worker for the room, beside the first server (docs/deploy.md).
        own = {} if n == 0 and not args.no_features else {"FEATURES_ON_ARRIVAL": "0"}
        servers.append(ServerProcess(env, extra_env={**extra, **own}).start())
    return Target("atelier", [s.url for s in servers], [s.process.pid for s in servers],
                  "postgresql" if database_url else "sqlite")


def floor(stack: contextlib.ExitStack, args) -> Target:
    from floor import FloorProcess

    instance = Path(tempfile.mkdtemp(prefix="workshop-floor-"))
    server = FloorProcess(postgres_url(stack, args.database_url, "floor"), instance).start()
    stack.callback(server.stop)
    return Target("floor", [server.url], [server.process.pid],
                  "postgresql" if args.database_url else "sqlite")


async def run(args, phones: int) -> list[dict]:
    rates = None
    if args.ramp:
        rates = [args.rate + n * args.ramp_step for n in range(int((args.ramp_max - args.rate) / args.ramp_step) + 1)]
    elif args.rate:
        rates = [args.rate]
    rows = []
    for start in [atelier, floor] if args.with_floor else [atelier]:
        with contextlib.ExitStack() as stack:
            target = start(stack, args)
            rows += await measure(target, args, phones, rates)
    return rows


# --- what is printed ----------------------------------------------------------------

def error_counts(statuses) -> str:
    """How many sends were not answered 200, by status (0: no answer at all)."""
    errors = Counter(s for s in statuses if s != 200)
    if not errors:
        return "0"
    return f"{sum(errors.values())} (" + ", ".join(f"{s}×{n}" for s, n in sorted(errors.items())) + ")"


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


HEADER = ("| server | database | phones | target/s | achieved/s | p50 ms | p95 ms | p99 ms | errors | lost "
          "| duplicated | stored once | server CPU % | server CPU s/1,000 | server MB | features CPU s/1,000, MB "
          "| generator CPU % (busiest) | generator CPU s/1,000 | machine busy % | others % | join s |")


def print_header(args) -> None:
    mode = (f"ramp from {args.rate:g}/s by {args.ramp_step:g}/s, {args.duration:g} s a step, "
            f"until p95 > {args.ramp_limit:g} ms" if args.ramp else
            f"{args.rate:g} posts/s for {args.duration:g} s" if args.rate else
            f"{args.ideas} ideas per phone within {args.spread:g} s, {args.drop:.0%} of phones dropping once")
    print(f"{mode}; {args.generators} generator process(es); features worker "
          f"{'off' if args.no_features else 'on'}; {CORES} cores, load average {os.getloadavg()[0]:.1f} at start")
    print("server CPU %: of one core (per server); machine busy %: of all cores; others %: of one core, "
          "what neither the servers nor the generator used (other programs on the machine)")
    print(HEADER)
    print("|---" * HEADER.count(" | ") + "|---|")


def print_row(r: dict, args) -> None:
    if r.get("printed"):
        return
    r["printed"] = True
    target = f"{r['target_rate']:g}" if r["target_rate"] else "-"
    print(f"| {r['server']} | {r['database']} | {r['phones']} | {target} | {r['achieved_rate']:.0f} | "
          f"{r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | {r['errors']} | {r['lost']} | {r['duplicated']} | "
          f"{'yes' if r.get('stored_once') else 'NO' if 'stored_once' in r else '…'} | "
          f"{r['server_cpu_percent']} | {r['server_cpu_per_1000']:.2f} | {r['server_mb']:.0f} | "
          f"{r['features_cpu_per_1000']:.2f}, {r['features_mb']:.0f} | "
          f"{r['generator_busiest']:.0f} | {r['generator_cpu_per_1000']:.2f} | {r['machine_busy']:.0f} | "
          f"{r['others']:.0f} | {r['join_s']:.1f} |", flush=True)
    warn_generator(r)


def warn_generator(r: dict) -> None:
    if r["generator_busiest"] > BUSY_GENERATOR:
        print(f"  WARNING: a generator process used {r['generator_busiest']:.0f} % of a core: above "
              f"{BUSY_GENERATOR} % its own queue adds to the latencies; add --generators "
              "(the server's CPU per idea still holds).", flush=True)
    if r["target_rate"] and r["achieved_rate"] < 0.95 * r["target_rate"]:
        print(f"  WARNING: the generators sent {r['achieved_rate']:.0f}/s of the {r['target_rate']:g}/s asked: "
              "they, or the machine, are the bottleneck.", flush=True)
    if r["machine_busy"] > 90:
        print(f"  WARNING: the machine was {r['machine_busy']:.0f} % busy: server and generator waited for "
              "the cores.", flush=True)


def print_votes(rows: list[dict]) -> None:
    voted = [r for r in rows if "votes" in r]
    if not voted:
        return
    print("\n| server | phones | votes | votes/s | vote errors | projector behind last vote ms | failed reconnects |")
    print("|---|---|---|---|---|---|---|")
    for r in voted:
        print(f"| {r['server']} | {r['phones']} | {r['votes']} | {r['votes_per_s']:.0f} | {r['vote_errors']} | "
              f"{r['vote_lag_ms']:.0f} | {r['reconnect_failures']} |")


def ramp_result(rows: list[dict], limit: float) -> str:
    passed = next((r for r in rows if r["p95"] > limit or r["lost"]), None)
    under = [r for r in rows if r is not passed and r["p95"] <= limit]
    best = f"{under[-1]['target_rate']:g}/s (p95 {under[-1]['p95']:.0f} ms)" if under else "none"
    if passed is None:
        last = rows[-1]
        why = ("the generators could not send faster" if last["achieved_rate"] < 0.9 * last["target_rate"]
               else "the ramp's top was reached")
        return f"p95 stayed under {limit:g} ms up to {best}: {why}"
    return (f"p95 passes {limit:g} ms at {passed['target_rate']:g}/s (p95 {passed['p95']:.0f} ms, "
            f"{passed['lost']} lost); last rate under it: {best}")


def print_ratios(rows: list[dict], args) -> None:
    mine = [r for r in rows if r["server"] == "atelier"]
    floors = [r for r in rows if r["server"] == "floor"]
    if args.ramp:
        for name, part in (("atelier", mine), ("floor", floors)):
            if part:
                once = "yes" if all(r.get("stored_once") for r in part) else "NO"
                print(f"{name}, {part[0]['phones']} phones: {ramp_result(part, args.ramp_limit)}; "
                      f"every idea answered 200 stored once: {once}")
    # Each run's Atelier row is followed by its floor's (run()): consecutive pairs, one ratio each.
    ratios: dict[tuple, list[tuple[float, float]]] = {}
    for a, f in zip(mine, floors):
        ratios.setdefault((a["phones"], a["target_rate"]), []).append(
            (a["p95"] / f["p95"], a["server_cpu_per_1000"] / f["server_cpu_per_1000"]))
    for (phones, target), pairs in ratios.items():
        rate = f"{target:g}/s" if target else "spread"
        p95, cpu = zip(*pairs)
        print(f"Atelier / floor, {phones} phones, {rate}: p95 × {spread_of(p95)}, server CPU per idea × {spread_of(cpu)}")


def spread_of(values) -> str:
    """One ratio as it is; several runs' as their median and range (a shared machine varies)."""
    if len(values) == 1:
        return f"{values[0]:.1f}"
    return f"{statistics.median(values):.1f} (median of {len(values)} runs, {min(values):.1f}–{max(values):.1f})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, nargs="+", default=[50])
    parser.add_argument("--ideas", type=int, default=2, help="ideas per phone (without --rate)")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds over which phones send (without --rate)")
    parser.add_argument("--drop", type=float, default=0.1,
                        help="share of phones whose socket drops once and whose answer to one send is lost "
                             "(without --rate)")
    parser.add_argument("--rate", type=float, default=None,
                        help="ideas per second for the whole room, evenly spaced (the ramp's first rate)")
    parser.add_argument("--duration", type=float, default=10.0, help="seconds of sending at --rate (each ramp step)")
    parser.add_argument("--ramp", action="store_true", help="raise the rate until p95 passes --ramp-limit")
    parser.add_argument("--ramp-step", type=float, default=100.0, help="ideas per second added each step")
    parser.add_argument("--ramp-max", type=float, default=2000.0, help="the ramp's highest rate")
    parser.add_argument("--ramp-limit", type=float, default=250.0, help="p95 in ms where the ramp stops")
    parser.add_argument("--generators", type=int, default=1, help="processes playing the phones")
    parser.add_argument("--with-floor", action="store_true",
                        help="also drive benchmarks/floor.py the same way, and print Atelier / floor")
    parser.add_argument("--no-features", action="store_true", help="no features worker beside the server")
    parser.add_argument("--repeat", type=int, default=1,
                        help="runs of each phone count, each on a fresh server (with --with-floor, Atelier and "
                             "the floor alternate); the ratio line gives their median and range")
    parser.add_argument("--votes", type=int, default=3, help="dots per phone in the round after the ideas (0: none)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--servers", type=int, default=1,
                        help="worker processes; more than 1 needs PostgreSQL (--database-url) and Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6",
                        help="message queue and rate-limit store with --servers 2 (this index is flushed)")
    args = parser.parse_args()
    if args.servers > 1 and not (args.database_url or "").startswith("postgres"):
        parser.error("--servers 2 needs a shared database: --database-url postgresql://...")
    if args.ramp and args.repeat > 1:
        parser.error("--repeat is for fixed rates: a ramp already runs several steps")
    if args.ramp and not args.rate:
        args.rate = args.ramp_step
    print_header(args)
    rows = []
    for phones in args.phones:
        for _ in range(max(1, args.repeat)):
            new = asyncio.run(run(args, phones))
            for row in new:
                print_row(row, args)
            rows += new
    print_votes(rows)
    print_ratios(rows, args)


if __name__ == "__main__":
    main()
