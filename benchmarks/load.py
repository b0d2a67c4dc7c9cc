"""Send-to-projector time with N phones connected to real servers.

    .venv/bin/python benchmarks/load.py --phones 50 --ideas 2
    .venv/bin/python benchmarks/load.py --phones 50 200 --database-url postgresql://postgres@127.0.0.1:5432/test
    .venv/bin/python benchmarks/load.py --phones 50 200 --servers 2 \\
        --database-url postgresql://postgres@127.0.0.1:5432/test --redis-url redis://127.0.0.1:6379/6

Starts one gevent server (or --servers 2, sharing PostgreSQL and Redis as the
Socket.IO message queue and rate-limit store) on a fresh database (SQLite, or
--database-url: for PostgreSQL a scratch schema is made and dropped, unless
the URL already sets a search_path), signs a facilitator in, creates and
opens a workshop, connects a projector (to the first server) and N phones
(each an HTTP session plus a Socket.IO connection, spread round-robin over
the servers), then every phone sends ideas over HTTP at random moments
within --spread seconds. The projector records when each idea appears.
With --drop F, a fraction F of the phones lose their socket once at a random
moment and come back (venue Wi-Fi), and lose the answer to one send, which
they send again with the same key. Then, with --votes N, the facilitator
closes the ideas, opens a dots round over 12 of them (live bars) and every
phone places N dots, one request each.
Prints p50/p95/p99 latency, throughput, errors, the counts of lost and
duplicated ideas, the votes per second with their errors and how far the
projector lagged behind the last vote, and the CPU used by the servers and by
this generator (which shares the machine's cores with them).
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import gc
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path


sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
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


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a process (Linux /proc)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / CLOCK_TICKS


def flush_redis(url: str) -> None:
    import redis

    redis.Redis.from_url(url).flushdb()  # only the index in the URL


async def run(args) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    with contextlib.ExitStack() as stack:
        database_url = args.database_url
        if database_url and database_url.startswith("postgres") and "search_path" not in database_url:
            database_url = stack.enter_context(scratch_schema(database_url, prefix="bench"))
        env = prepare_database(instance, database_url)
        # One address for every phone: the per-address limits are a venue's, not a load test's.
        extra = {"IDEA_LIMIT": "10000 per minute", "JOIN_LIMIT": "100000 per minute",
                 "IDEAS_PER_ADDRESS_LIMIT": "100000 per minute"}
        if args.servers > 1:
            flush_redis(args.redis_url)
            stack.callback(flush_redis, args.redis_url)
            extra.update({"SOCKETIO_MESSAGE_QUEUE": args.redis_url, "RATELIMIT_STORAGE_URI": args.redis_url,
                          "SECRET_KEY": secrets.token_urlsafe(32)})
        servers = []
        stack.callback(lambda: [server.stop() for server in servers])
        for n in range(args.servers):
            # One features worker for the room, beside the first server (docs/deploy.md).
            own = {} if n == 0 else {"FEATURES_ON_ARRIVAL": "0"}
            servers.append(ServerProcess(env, extra_env={**extra, **own}).start())
        result = await measure([server.url for server in servers], args,
                               [server.process.pid for server in servers])
        result["servers"] = args.servers
        result["database"] = "postgresql" if database_url else "sqlite"
        return result


async def measure(bases: str | list[str], args, server_pids: list[int] = ()) -> dict:
    bases = [bases] if isinstance(bases, str) else bases
    facilitator, workshop_id, code = await facilitator_opens_workshop(bases[0])
    projector = await Projector(bases[0], facilitator, workshop_id).connect()
    seen = projector.seen

    phones = [Phone(bases[i % len(bases)], code, i) for i in range(args.phones)]
    ready: list[Phone] = []
    join_errors = 0

    async def arrive(phone: Phone) -> None:
        nonlocal join_errors
        try:
            await phone.join()
            await phone.connect()
            ready.append(phone)
        except Exception:  # noqa: BLE001 - counted, the run goes on with the others
            join_errors += 1

    started = time.perf_counter()
    for batch in range(0, len(phones), 50):  # a room arrives in waves, not all in one millisecond
        await asyncio.gather(*(arrive(p) for p in phones[batch:batch + 50]))
    join_seconds = time.perf_counter() - started

    sent: dict[str, float] = {}
    statuses: list[int] = []

    droppers = set(random.sample(range(len(ready)), int(len(ready) * args.drop)))
    reconnect_failures: list[int] = []

    async def phone_sends(phone: Phone):
        drops = phone.index in droppers
        drop_at, lost_at = (random.randrange(args.ideas), random.randrange(args.ideas)) if drops else (-1, -1)
        for n in range(args.ideas):
            await asyncio.sleep(random.uniform(0, args.spread / args.ideas))
            if n == drop_at:
                try:
                    await phone.drop_and_return(random.uniform(0.2, 2.0))
                except ConnectionError:
                    reconnect_failures.append(phone.index)  # its sends still go over HTTP
            text = f"Idée {phone.index}-{n}, un jumelage étudiant·e–employeur"
            sent[text] = time.perf_counter()
            statuses.append(await (phone.send_answer_lost(text) if n == lost_at else phone.send(text)))

    cpu_before = [cpu_seconds(pid) for pid in server_pids]
    own_before = time.process_time()
    # This one process plays a thousand phones and the projector: a full
    # collection of its garbage (300-600 ms seen at 1,000 phones) would stop
    # the projector's clock, and the pause would count against the server.
    gc.collect()
    gc.disable()
    send_started = time.perf_counter()
    await asyncio.gather(*(phone_sends(p) for p in ready))
    deadline = time.perf_counter() + 10
    while len(seen) < len(sent) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    send_seconds = time.perf_counter() - send_started
    gc.enable()
    server_cpu = [(cpu_seconds(pid) - before) / send_seconds * 100
                  for pid, before in zip(server_pids, cpu_before)]
    own_cpu = (time.process_time() - own_before) / send_seconds * 100

    latencies = sorted((seen[t][0] - sent[t]) * 1000 for t in sent if t in seen)
    stored = await projector.wall()  # re-rendered from the database: each idea once?
    votes = await vote(bases[0], facilitator, workshop_id, code, ready, args) if args.votes else {}
    result = {**votes, "reconnect_failures": len(reconnect_failures),
        "stored": len(stored), "stored_missing": sum(1 for t in sent if t not in stored),
        "phones": args.phones, "ideas": len(sent), "join_s": join_seconds, "join_errors": join_errors,
        "errors": sum(1 for s in statuses if s != 200),
        "lost": sum(1 for t in sent if t not in seen),
        "duplicated": sum(1 for t in seen if len(seen[t]) > 1),
        "throughput": len(latencies) / send_seconds if send_seconds else 0,
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
        "server_cpu": "+".join(f"{c:.0f}" for c in server_cpu) or "-", "generator_cpu": own_cpu,
    }
    await projector.close()
    for batch in range(0, len(phones), 100):
        await asyncio.gather(*(p.close() for p in phones[batch:batch + 100]), return_exceptions=True)
    await facilitator.close()
    return result


async def vote(base: str, facilitator, workshop_id: int, code: str, phones: list[Phone], args) -> dict:
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
    panel = await (await phones[0].http.get(f"{base}/j/{code}/panel")).text()
    round_id = int(re.search(r"/rounds/(\d+)/ballot", panel).group(1))
    ballot = await (await phones[0].http.get(f"{base}/j/{code}/rounds/{round_id}/ballot")).text()
    items = [int(i) for i in re.findall(r'"project": (\d+), "delta": 1', ballot)]

    shown: list[tuple[float, int]] = []
    projector = socketio.AsyncClient()
    projector.on("swap", lambda message: [shown.append((time.perf_counter(), sum(
        int(n) for n in SCORES.findall(swap["html"])))) for swap in message["swaps"] if swap["id"] == "stage"])
    await projector.connect(base, headers={"Cookie": cookie_header(facilitator)}, transports=["websocket"])
    await projector.call("watch", {"workshop": workshop_id, "audience": "projector", "lang": "fr"})
    statuses: list[int] = []
    last_ack = 0.0

    async def place_dots(phone: Phone):
        nonlocal last_ack
        for _ in range(args.votes):
            await asyncio.sleep(random.uniform(0, args.spread / args.votes))
            statuses.append(await phone.place_dot(round_id, random.choice(items)))
            last_ack = max(last_ack, time.perf_counter())

    started = time.perf_counter()
    await asyncio.gather(*(place_dots(phone) for phone in phones))
    elapsed = time.perf_counter() - started
    accepted = statuses.count(200)
    deadline = time.perf_counter() + 10
    while not (shown and shown[-1][1] >= accepted) and time.perf_counter() < deadline:
        await asyncio.sleep(0.02)
    caught_up = next((t for t, n in shown if n >= accepted), None)
    await projector.disconnect()
    return {"votes": len(statuses), "votes_per_s": len(statuses) / elapsed,
            "vote_errors": len(statuses) - accepted,
            "vote_lag_ms": (caught_up - last_ack) * 1000 if caught_up else float("nan")}


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[int(p) - 1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--phones", type=int, nargs="+", default=[50])
    parser.add_argument("--ideas", type=int, default=2, help="ideas per phone")
    parser.add_argument("--spread", type=float, default=5.0, help="seconds over which phones send")
    parser.add_argument("--drop", type=float, default=0.1,
                        help="share of phones whose socket drops once and whose answer to one send is lost")
    parser.add_argument("--votes", type=int, default=3, help="dots per phone in the round after the ideas (0: none)")
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    parser.add_argument("--servers", type=int, default=1,
                        help="worker processes; more than 1 needs PostgreSQL (--database-url) and Redis")
    parser.add_argument("--redis-url", default="redis://127.0.0.1:6379/6",
                        help="message queue and rate-limit store with --servers 2 (this index is flushed)")
    args = parser.parse_args()
    if args.servers > 1 and not (args.database_url or "").startswith("postgres"):
        parser.error("--servers 2 needs a shared database: --database-url postgresql://...")
    print(f"phones dropping once: {args.drop:.0%}; dots per phone: {args.votes}; spread: {args.spread:.0f} s")
    print("| servers | database | phones | ideas | p50 ms | p95 ms | p99 ms | ideas/s | errors | lost "
          "| duplicated | stored once | votes/s | vote errors | projector behind last vote ms "
          "| join s | join errors | failed reconnects | server CPU % | generator CPU % |")
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for phones in args.phones:
        one = argparse.Namespace(**{**vars(args), "phones": phones})
        r = asyncio.run(run(one))
        print(f"| {r['servers']} | {r['database']} | {r['phones']} | {r['ideas']} | {r['p50']:.1f} | "
              f"{r['p95']:.1f} | {r['p99']:.1f} | {r['throughput']:.1f} | {r['errors']} | {r['lost']} | "
              f"{r['duplicated']} | {'yes' if r['stored'] == r['ideas'] and not r['stored_missing'] else 'NO'} | "
              f"{r.get('votes_per_s', 0):.0f} | {r.get('vote_errors', '-')} | {r.get('vote_lag_ms', float('nan')):.0f} | "
              f"{r['join_s']:.1f} | {r['join_errors']} | {r['reconnect_failures']} | {r['server_cpu']} | "
              f"{r['generator_cpu']:.0f} |", flush=True)


if __name__ == "__main__":
    main()
