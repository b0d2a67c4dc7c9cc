"""Several workers sharing PostgreSQL and Redis, with real clients, and the
faults a venue brings: a worker killed, Redis restarted, the database gone
for a moment.

Each server is a real `python -m workshop.serve` process (gevent, patched
before anything imports the standard library, which the Redis client of the
message queue needs). Phones and projectors are aiohttp sessions plus
python-socketio AsyncClients, signed in and joined as a browser would be.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import secrets
import subprocess
import time
from pathlib import Path

import pytest

from tests.conftest import missing_service
from tests.live_server import (
    POSTGRES_URL,
    Phone,
    Projector,
    ServerProcess,
    TcpRelay,
    facilitator_opens_workshop,
    postgres_reachable,
    prepare_database,
    redis_reachable,
    scratch_schema,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

# Never index 0: other runs on this machine use it. Only this index is flushed.
REDIS_URL = os.environ.get("TEST_SCALE_REDIS_URL", "redis://127.0.0.1:6379/5")
REDIS_PORT = 6379
REDIS_START = ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "-::1", "--port", str(REDIS_PORT),
               "--save", "", "--appendonly", "no", "--dir", "/var/lib/redis", "--logfile",
               "/var/log/redis/ci.log"]
PUSH_TIMEOUT = 5.0
ROOMS_REFRESH = 1  # seconds: workers share which rooms have screens this often (10 in production)


class LiveProjector(Projector):
    """A projector that records every idea its received swaps put on screen,
    whole re-renders pushed to it included (a resync): what a projector left
    alone all session shows, never what a fresh page would."""

    def _on_swap(self, message) -> None:
        import html

        from tests.live_server import IDEA_TEXT

        now = time.perf_counter()
        for swap in message["swaps"]:
            if swap["op"] in ("upsert", "replace"):
                for text in IDEA_TEXT.findall(swap.get("html", "")):
                    self.seen.setdefault(html.unescape(text), []).append(now)


def flush_redis() -> None:
    import redis

    redis.Redis.from_url(REDIS_URL).flushdb()


class Cluster:
    """Two workers (A and B) on one PostgreSQL schema and one Redis."""

    def __init__(self, env: dict):
        self.env = env
        self.extra = {
            "SOCKETIO_MESSAGE_QUEUE": REDIS_URL,
            "RATELIMIT_STORAGE_URI": REDIS_URL,
            "IDEA_LIMIT": "10000 per minute",
            "SECRET_KEY": "scale-out-" + secrets.token_hex(16),  # one key: a cookie works on every worker
            "WATCHED_ROOMS_REFRESH": str(ROOMS_REFRESH),
            # Three workers at 30 connections each (opened at start), beside another test
            # process's PostgreSQL tests, passed the server's 100: "too many clients".
            "DATABASE_POOL_SIZE": "12",
        }
        self.a = ServerProcess(env, extra_env=self.extra)
        self.b = ServerProcess(env, extra_env=self.extra)

    def ensure_running(self) -> None:
        for server in (self.a, self.b):
            if not server.alive():
                server.start()

    def stop(self) -> None:
        for server in (self.a, self.b):
            server.stop()


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    if not postgres_reachable():
        missing_service(f"PostgreSQL is not reachable at {POSTGRES_URL}")
    if not redis_reachable(REDIS_URL):
        missing_service(f"Redis is not reachable at {REDIS_URL}")
    flush_redis()
    with scratch_schema(POSTGRES_URL, prefix="scale") as database_url:
        env = prepare_database(tmp_path_factory.mktemp("scale"), database_url)
        cluster = Cluster(env)
        cluster.ensure_running()
        try:
            yield cluster
        finally:
            cluster.stop()
            with contextlib.suppress(Exception):
                flush_redis()


@pytest.fixture
def servers(cluster):
    cluster.ensure_running()  # a fault test may have killed one
    return cluster


async def until(predicate, timeout: float = PUSH_TIMEOUT, step: float = 0.05) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        await asyncio.sleep(step)
    return predicate()


async def session_on(cluster: Cluster, title: str, projector=Projector):
    """A workshop opened through worker A; a projector on each worker."""
    facilitator, workshop_id, code = await facilitator_opens_workshop(cluster.a.url, title)
    on_a = await projector(cluster.a.url, facilitator, workshop_id).connect()
    on_b = await projector(cluster.b.url, facilitator, workshop_id).connect()
    return facilitator, workshop_id, code, on_a, on_b


async def phones_on(bases: list[str], code: str, count: int, first_index: int = 0) -> list[Phone]:
    phones = [Phone(bases, code, first_index + i) for i in range(count)]
    for phone in phones:
        await phone.join()
        await phone.connect()
    return phones


async def close_all(*clients) -> None:
    for client in clients:
        with contextlib.suppress(Exception):
            await client.close()


# --- two workers through Redis --------------------------------------------------

def test_an_idea_sent_through_one_worker_reaches_projectors_on_both(servers):
    async def scenario():
        facilitator, _workshop_id, code, on_a, on_b = await session_on(servers, "Deux serveurs")
        phone_a, = await phones_on([servers.a.url, servers.b.url], code, 1, first_index=0)
        phone_b, = await phones_on([servers.b.url, servers.a.url], code, 1, first_index=1)
        try:
            texts = []
            for n in range(3):
                for phone in (phone_a, phone_b):
                    text = f"Par {phone.base[-5:]} n°{n} {secrets.token_hex(3)}"
                    assert await phone.send(text) == 200
                    texts.append(text)
            everything = set(texts)
            for projector in (on_a, on_b):
                assert await until(lambda p=projector: everything <= set(p.seen)), \
                    f"missing on {projector.base}: {everything - set(projector.seen)}"
                assert all(len(projector.seen[t]) == 1 for t in texts), "an idea arrived twice"
                assert await projector.wall() >= everything
        finally:
            await close_all(phone_a, phone_b, on_a, on_b)
            await facilitator.close()

    asyncio.run(scenario())


def test_workers_render_only_for_rooms_with_a_screen_on_some_worker(servers):
    """Rendering for rooms nobody watches is skipped, never for one watched on the other worker."""
    import redis

    from workshop.live import ROOMS_KEY

    async def scenario():
        facilitator, workshop_id, code, on_a, on_b = await session_on(servers, "Salles vides")
        phone, = await phones_on([servers.b.url], code, 1)
        try:
            await asyncio.sleep(2.5 * ROOMS_REFRESH)  # past the grace period: workers skip empty rooms now
            shared = redis.Redis.from_url(REDIS_URL).hgetall(ROOMS_KEY)
            rooms = {name for key, value in shared.items() if key != b"_since"
                     for name in value.decode().split(" ")[1:]}
            assert f"workshop:{workshop_id}:projector:fr" in rooms
            assert f"workshop:{workshop_id}:phones:fr" in rooms
            assert f"workshop:{workshop_id}:projector:en" not in rooms  # nobody: never rendered
            text = f"Par B seulement {secrets.token_hex(3)}"
            assert await phone.send(text) == 200
            assert await until(lambda: text in on_a.seen and text in on_b.seen), "a watched room was skipped"
        finally:
            await close_all(phone, on_a, on_b)
            await facilitator.close()

    asyncio.run(scenario())


def test_phones_dropping_and_returning_at_random_lose_and_duplicate_nothing(servers):
    """Venue Wi-Fi: phones on both workers lose their socket at random moments and
    come back; some answers are lost and the same submission is sent again."""
    import random

    async def scenario():
        rng = random.Random(7)
        facilitator, _workshop_id, code, on_a, on_b = await session_on(servers, "Wi-Fi de salle")
        bases = [servers.a.url, servers.b.url]
        phones = await phones_on(bases, code, 6) + await phones_on(bases[::-1], code, 6, first_index=6)
        texts: list[str] = []

        async def session(phone: Phone) -> None:
            for n in range(4):
                await asyncio.sleep(rng.uniform(0, 0.3))
                if rng.random() < 0.4:
                    await phone.drop_and_return(rng.uniform(0.05, 0.5))
                text = f"Téléphone {phone.index} idée {n} {secrets.token_hex(3)}"
                texts.append(text)
                lost_answer = rng.random() < 0.3
                status = await (phone.send_answer_lost(text) if lost_answer else phone.send(text))
                assert status == 200, (text, status)

        try:
            await asyncio.gather(*(session(phone) for phone in phones))
            everything = set(texts)
            for projector in (on_a, on_b):
                assert await until(lambda p=projector: everything <= set(p.seen)), \
                    f"missing on {projector.base}: {everything - set(projector.seen)}"
                assert all(len(projector.seen[t]) == 1 for t in texts), "an idea arrived twice"
                assert await projector.wall() == everything  # the database holds each once
        finally:
            await close_all(*phones, on_a, on_b)
            await facilitator.close()

    asyncio.run(scenario())


def test_a_stage_change_made_on_one_worker_reaches_phones_on_the_other(servers):
    """The facilitator closes the activity through A; a phone connected to B switches."""
    async def scenario():
        import re

        facilitator, workshop_id, code, on_a, on_b = await session_on(servers, "Clôture")
        phone_b, = await phones_on([servers.b.url], code, 1)
        panels: list[str] = []
        phone_b.socket.on("swap", lambda m: panels.extend(
            s["html"] for s in m["swaps"] if s["id"] == "activity-panel"))
        try:
            async with facilitator.get(f"{servers.a.url}/w/{workshop_id}/control") as response:
                page = await response.text()
            close_url = re.search(r'hx-post="([^"]+/close)"', page).group(1)
            token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
            async with facilitator.post(servers.a.url + close_url,
                                        headers={"X-CSRFToken": token, "HX-Request": "true"}) as response:
                assert response.status == 200
            assert await until(lambda: bool(panels)), "the phone on B never switched"
        finally:
            await close_all(phone_b, on_a, on_b)
            await facilitator.close()

    asyncio.run(scenario())


# --- faults ---------------------------------------------------------------------

def test_a_killed_worker_s_phones_carry_on_through_the_other(servers):
    async def scenario():
        facilitator, _workshop_id, code, on_a, on_b = await session_on(servers, "Panne d'un serveur")
        # Behind a proxy, the phones of B would be sent to A once B is gone.
        on_dying = await phones_on([servers.b.url, servers.a.url], code, 5)
        on_a_phones = await phones_on([servers.a.url, servers.b.url], code, 2, first_index=5)
        try:
            before = [f"Avant la panne {p.index}" for p in on_dying + on_a_phones]
            for phone, text in zip(on_dying + on_a_phones, before):
                assert await phone.send(text) == 200
            assert await until(lambda: set(before) <= set(on_a.seen))

            servers.b.kill()
            after = []
            for phone in on_dying + on_a_phones:
                text = f"Après la panne {phone.index}"
                assert await phone.send_until_answered(text) == 200
                after.append(text)
            assert all(p.base == servers.a.url for p in on_dying), "phones did not move to A"
            assert await until(lambda: set(after) <= set(on_a.seen)), \
                f"lost after the failover: {set(after) - set(on_a.seen)}"
            assert all(len(on_a.seen[t]) == 1 for t in before + after), "an idea arrived twice"
            assert await on_a.wall() >= set(before + after)
        finally:
            await close_all(*on_dying, *on_a_phones, on_a)
            with contextlib.suppress(Exception):
                await on_b.socket.disconnect()
            await facilitator.close()

    asyncio.run(scenario())


def redis_ping() -> bool:
    return subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "ping"], capture_output=True,
                          text=True).stdout.strip() == "PONG"


def stop_redis() -> None:
    subprocess.run(["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"], capture_output=True, timeout=10)
    deadline = time.monotonic() + 5
    while redis_ping():
        assert time.monotonic() < deadline, "Redis did not stop"
        time.sleep(0.05)


def start_redis() -> None:
    if not redis_ping():
        subprocess.run(REDIS_START, check=True, capture_output=True, timeout=10)
    deadline = time.monotonic() + 10
    while not redis_ping():
        assert time.monotonic() < deadline, "Redis did not come back"
        time.sleep(0.05)


def test_redis_restarted_mid_session_the_app_recovers_and_clients_resync(servers):
    if not Path("/var/lib/redis").is_dir():
        missing_service("Redis cannot be restarted here (/var/lib/redis missing)")

    async def scenario():
        facilitator, _workshop_id, code, on_a, on_b = await session_on(servers, "Redis redémarre", LiveProjector)
        phones = (await phones_on([servers.a.url], code, 2)
                  + await phones_on([servers.b.url], code, 2, first_index=2))
        pids = (servers.a.process.pid, servers.b.process.pid)
        try:
            before = [f"Avant Redis {p.index}" for p in phones]
            for phone, text in zip(phones, before):
                assert await phone.send(text) == 200
            assert await until(lambda: set(before) <= set(on_a.seen) and set(before) <= set(on_b.seen))

            # Redis goes away; sends go on meanwhile: stored (the answer says
            # so), their pushes lost. Then Redis comes back, empty.
            await asyncio.to_thread(stop_redis)
            during = []
            for phone in phones:
                text = f"Pendant la panne de Redis {phone.index}"
                # The rate limits count in memory meanwhile (RATELIMIT_IN_MEMORY_FALLBACK_ENABLED).
                assert await phone.send(text) == 200
                during.append(text)
            await asyncio.to_thread(start_redis)

            # The workers resubscribe by themselves (python-socketio retries after 1 s, 2 s…).
            probe_seen = False
            deadline = time.monotonic() + 15
            after: list[str] = []
            while time.monotonic() < deadline and not probe_seen:
                text = f"Après Redis {len(after)}"
                assert await phones[len(after) % len(phones)].send(text) == 200
                after.append(text)
                probe_seen = await until(lambda t=text: t in on_a.seen and t in on_b.seen, timeout=1)
            assert probe_seen, "pushes never came back after Redis restarted"
            # From then on, everything arrives live, through both workers.
            live = [f"Redis revenu {p.index}" for p in phones]
            for phone, text in zip(phones, live):
                assert await phone.send(text) == 200
            acknowledged = set(before + during + after + live)
            for projector in (on_a, on_b):
                assert await until(lambda p=projector: set(live) <= set(p.seen)), \
                    f"lost after Redis came back on {projector.base}"
                # The live projector, whose socket never dropped, was sent
                # everything acknowledged meanwhile (its worker resynced it).
                missed = acknowledged - set(projector.seen)
                assert not missed, f"{len(missed)} acknowledged ideas never reached the projector on {projector.base}"
                assert await projector.wall() >= acknowledged
            assert (servers.a.process.pid, servers.b.process.pid) == pids
            assert servers.a.alive() and servers.b.alive(), "a worker died with Redis"
        finally:
            await asyncio.to_thread(start_redis)
            await close_all(*phones, on_a, on_b)
            await facilitator.close()

    asyncio.run(scenario())


def test_database_briefly_unavailable_sends_are_refused_retryably_and_never_half_stored(servers):
    """Worker C reaches PostgreSQL through a relay that the test cuts: the
    PostgreSQL server itself (shared with other runs) is never touched."""
    from urllib.parse import urlsplit, urlunsplit

    import psycopg

    database_url = servers.env["DATABASE_URL"]
    parts = urlsplit(database_url)
    relay = TcpRelay(parts.hostname, parts.port or 5432)
    relayed = urlunsplit(parts._replace(netloc=f"{parts.username}@127.0.0.1:{relay.port}"))
    worker_c = ServerProcess({**servers.env, "DATABASE_URL": relayed}, extra_env=servers.extra).start()

    def stored(text: str) -> int:
        with psycopg.connect(database_url) as conn:
            return conn.execute("SELECT count(*) FROM ideas WHERE text = %s OR original_text = %s",
                                (text, text)).fetchone()[0]

    async def scenario():
        facilitator, _workshop_id, code, on_a, on_b = await session_on(servers, "Base indisponible")
        phone, = await phones_on([worker_c.url], code, 1)
        try:
            assert await phone.send("Avant la coupure") == 200

            relay.cut()
            key = secrets.token_hex(8)
            text = "Pendant la coupure"
            status = await phone.send(text, key)
            answer = phone.last_answer
            body = (await answer.text()) if status else ""
            assert status == 503, f"expected a retryable 503, got {status}: {body[:300]}"
            assert answer.headers.get("Retry-After"), "no Retry-After"
            assert "Traceback" not in body and "sqlalchemy" not in body.lower()
            assert answer.headers.get("HX-Retarget") == "#form-message", "not shown in the form's message area"
            assert await asyncio.to_thread(stored, text) == 0, "half-stored"

            relay.mend()
            # The phone resends the same key (phone.js keeps it until answered): stored once.
            assert await phone.send(text, key) == 200
            assert await phone.send(text, key) == 200
            assert await asyncio.to_thread(stored, text) == 1
            assert await until(lambda: text in on_a.seen and text in on_b.seen)
        finally:
            relay.mend()
            await close_all(phone, on_a, on_b)
            await facilitator.close()

    try:
        asyncio.run(scenario())
    finally:
        worker_c.stop()
        relay.close()
