"""Send-to-projector time with N phones connected to a real server.

    .venv/bin/python benchmarks/load.py --phones 50 --ideas 2

Starts a gevent server on a fresh database (SQLite, or --database-url),
signs a facilitator in, creates and opens a workshop, connects a projector
and N phones (each an HTTP session plus a Socket.IO connection), then every
phone sends ideas over HTTP at random moments within --spread seconds. The
projector records when each idea appears. Prints p50/p95/p99 latency,
throughput, errors, and the counts of lost and duplicated ideas.
"""

from __future__ import annotations

import argparse
import asyncio
import html
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
from tests.live_server import FACILITATOR_EMAIL, FACILITATOR_PASSWORD, ServerProcess, prepare_database  # noqa: E402

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
IDEA_TEXT = re.compile(r'class="idea-text">(.*?)</p>', re.S)


def cookie_header(session: aiohttp.ClientSession) -> str:
    return "; ".join(f"{c.key}={c.value}" for c in session.cookie_jar)


async def csrf_token(session, url) -> str:
    async with session.get(url) as response:
        page = await response.text()
    match = CSRF_FIELD.search(page)
    return match.group(1) or match.group(2)


async def facilitator_opens_workshop(base: str):
    session = aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True))
    token = await csrf_token(session, "/login")
    await session.post("/login", data={"email": FACILITATOR_EMAIL, "password": FACILITATOR_PASSWORD,
                                       "csrf_token": token})
    token = await csrf_token(session, "/workshops/new")
    async with session.post("/workshops/new", allow_redirects=False, data={
        "title": "Benchmark", "language": "fr", "csrf_token": token,
        "groups": "Étudiant·e\nEmployeur\nRecherche", "prompts": "Une idée ?",
    }) as response:
        control_url = response.headers["Location"]
    async with session.get(control_url) as response:
        page = await response.text()
    code = re.search(r'class="code">([A-Z0-9]+)<', page).group(1)
    open_url = re.search(r'hx-post="([^"]+/open)"', page).group(1)
    header_token = CSRF_HEADER.search(page).group(1)
    await session.post(open_url, headers={"X-CSRFToken": header_token, "HX-Request": "true"})
    workshop_id = int(re.search(r"/w/(\d+)/", control_url).group(1))
    return session, workshop_id, code


class Phone:
    def __init__(self, base: str, code: str, index: int):
        self.base, self.code, self.index = base, code, index
        self.http = aiohttp.ClientSession(base, cookie_jar=aiohttp.CookieJar(unsafe=True))
        self.socket = socketio.AsyncClient(reconnection=True)
        self.token = ""
        self.workshop_id = 0

    async def join(self):
        async with self.http.get(f"/j/{self.code}") as response:
            page = await response.text()
        token = CSRF_FIELD.search(page)
        token = token.group(1) or token.group(2)
        group = re.findall(r'name="group" value="(\d+)"', page)
        async with self.http.post(f"/j/{self.code}", data={
            "nickname": f"p{self.index}", "group": random.choice(group), "csrf_token": token,
        }) as response:
            page = await response.text()
        self.token = CSRF_HEADER.search(page).group(1)
        self.workshop_id = int(re.search(r'data-workshop="(\d+)"', page).group(1))

    async def connect(self):
        await self.socket.connect(self.base, headers={"Cookie": cookie_header(self.http)},
                                  transports=["websocket"])
        answer = await self.socket.call("watch", {"workshop": self.workshop_id, "audience": "phones",
                                                  "lang": "fr"})
        assert answer["ok"], answer

    async def send(self, text: str) -> int:
        async with self.http.post(f"/j/{self.code}/ideas", data={"text": text, "key": secrets.token_hex(8)},
                                  headers={"X-CSRFToken": self.token, "HX-Request": "true"}) as response:
            await response.read()
            return response.status

    async def close(self):
        await self.socket.disconnect()
        await self.http.close()


async def run(args) -> dict:
    instance = Path(tempfile.mkdtemp(prefix="workshop-bench-"))
    env = prepare_database(instance, args.database_url)
    server = ServerProcess(env, extra_env={"IDEA_LIMIT": "10000 per minute"}).start()
    try:
        return await measure(server.url, args)
    finally:
        server.stop()


async def measure(base: str, args) -> dict:
    facilitator, workshop_id, code = await facilitator_opens_workshop(base)
    seen: dict[str, list[float]] = {}
    projector = socketio.AsyncClient()

    @projector.on("swap")
    def on_swap(message):
        now = time.perf_counter()
        for swap in message["swaps"]:
            if swap["op"] == "upsert" and swap["id"].startswith("idea-"):
                text = html.unescape(IDEA_TEXT.search(swap["html"]).group(1))
                seen.setdefault(text, []).append(now)

    await projector.connect(base, headers={"Cookie": cookie_header(facilitator)}, transports=["websocket"])
    assert (await projector.call("watch", {"workshop": workshop_id, "audience": "projector", "lang": "fr"}))["ok"]

    phones = [Phone(base, code, i) for i in range(args.phones)]
    started = time.perf_counter()
    for batch in range(0, len(phones), 50):  # a room arrives in waves, not all in one millisecond
        await asyncio.gather(*(p.join() for p in phones[batch:batch + 50]))
        await asyncio.gather(*(p.connect() for p in phones[batch:batch + 50]))
    join_seconds = time.perf_counter() - started

    sent: dict[str, float] = {}
    statuses: list[int] = []

    async def phone_sends(phone: Phone):
        for n in range(args.ideas):
            await asyncio.sleep(random.uniform(0, args.spread / args.ideas))
            text = f"Idée {phone.index}-{n}, un jumelage étudiant·e–employeur"
            sent[text] = time.perf_counter()
            try:
                statuses.append(await phone.send(text))
            except aiohttp.ClientError:
                statuses.append(0)

    send_started = time.perf_counter()
    await asyncio.gather(*(phone_sends(p) for p in phones))
    deadline = time.perf_counter() + 10
    while len(seen) < len(sent) and time.perf_counter() < deadline:
        await asyncio.sleep(0.05)
    send_seconds = time.perf_counter() - send_started

    latencies = sorted((seen[t][0] - sent[t]) * 1000 for t in sent if t in seen)
    result = {
        "phones": args.phones, "ideas": len(sent), "join_s": join_seconds,
        "errors": sum(1 for s in statuses if s != 200),
        "lost": sum(1 for t in sent if t not in seen),
        "duplicated": sum(1 for t in seen if len(seen[t]) > 1),
        "throughput": len(latencies) / send_seconds if send_seconds else 0,
        "p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "p99": percentile(latencies, 99),
    }
    await projector.disconnect()
    await asyncio.gather(*(p.close() for p in phones))
    await facilitator.close()
    return result


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
    parser.add_argument("--database-url", default=None, help="default: a fresh SQLite file")
    args = parser.parse_args()
    print("| phones | ideas | p50 ms | p95 ms | p99 ms | ideas/s | errors | lost | duplicated | join s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for phones in args.phones:
        one = argparse.Namespace(**{**vars(args), "phones": phones})
        r = asyncio.run(run(one))
        print(f"| {r['phones']} | {r['ideas']} | {r['p50']:.1f} | {r['p95']:.1f} | {r['p99']:.1f} | "
              f"{r['throughput']:.1f} | {r['errors']} | {r['lost']} | {r['duplicated']} | {r['join_s']:.1f} |",
              flush=True)


if __name__ == "__main__":
    main()
