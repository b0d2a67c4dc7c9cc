"""A real server process (gevent, websockets) on a free port, for browser
tests and benchmarks. The database is migrated and given a facilitator first.

Also: a scratch PostgreSQL schema (never `public`: other runs share the
server), a TCP relay that can cut a server off its database, and the clients
of a session (facilitator, phone, projector) as the scale-out tests and the
load benchmark drive them, over aiohttp and python-socketio's AsyncClient."""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
FACILITATOR_EMAIL = "animation@example.org"
FACILITATOR_PASSWORD = "a long enough password"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def prepare_database(instance: Path, database_url: str | None = None) -> dict:
    """Migrate a fresh database and make the facilitator; returns the env to serve it."""
    env = {**os.environ, "INSTANCE_PATH": str(instance), "FLASK_APP": "workshop"}
    env["DATABASE_URL"] = database_url or f"sqlite:///{instance / 'workshop.sqlite'}"
    subprocess.run([sys.executable, "-m", "flask", "db", "upgrade"], env=env, cwd=ROOT, check=True,
                   capture_output=True)
    create_account(env, FACILITATOR_EMAIL, FACILITATOR_PASSWORD, name="Animation")
    return env


def create_account(env: dict, email: str, password: str, role: str = "facilitator",
                   name: str = "Coordination") -> None:
    """An account on the database env serves, made with the command an administrator runs."""
    subprocess.run([sys.executable, "-m", "flask", "create-user", "--email", email, "--name", name,
                    "--password", password, "--role", role], env={**env, "FLASK_APP": "workshop"}, cwd=ROOT,
                   check=True, capture_output=True)


class ServerProcess:
    # What runs: Atelier's own server (benchmarks/floor.py runs the floor instead).
    command = (sys.executable, "-m", "workshop.serve")

    def __init__(self, env: dict, port: int | None = None, extra_env: dict | None = None):
        self.env = {**env, **(extra_env or {})}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="workshop-server-", suffix=".log", delete=False)

    def start(self, timeout: float = 20) -> ServerProcess:
        return self.launch(list(self.command), {**self.env, "PORT": str(self.port), "HOST": "127.0.0.1"}, timeout)

    def launch(self, command: list[str], env: dict, timeout: float, name: str = "server") -> ServerProcess:
        """Starts command and returns once it accepts connections on the port."""
        self.process = subprocess.Popen(command, env=env, cwd=ROOT, stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"{name} exited: {self.log_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"{name} did not start in time")

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def kill(self) -> None:
        """A crash, not a shutdown."""
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def alive(self) -> bool:
        return self.process is not None and self.process.poll() is None

    def log_text(self) -> str:
        return Path(self.log.name).read_text(errors="replace")


# --- PostgreSQL: a schema of one's own ---------------------------------------

POSTGRES_URL = os.environ.get("TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test")


def postgres_reachable(url: str = POSTGRES_URL) -> bool:
    import psycopg

    try:
        with psycopg.connect(url.replace("+psycopg", ""), connect_timeout=2):
            return True
    except psycopg.Error:
        return False


def redis_reachable(url: str) -> bool:
    import redis

    try:
        return bool(redis.Redis.from_url(url, socket_connect_timeout=2).ping())
    except redis.RedisError:
        return False


def with_search_path(url: str, schema: str) -> str:
    separator = "&" if "?" in url else "?"
    return f"{url}{separator}options=-csearch_path%3D{schema}"


@contextlib.contextmanager
def scratch_schema(base_url: str = POSTGRES_URL, prefix: str = "scale"):
    """Yields a DATABASE_URL whose tables live in a new schema, dropped afterwards."""
    import psycopg

    plain = base_url.replace("+psycopg", "")
    schema = f"{prefix}_{secrets.token_hex(4)}"
    with psycopg.connect(plain, autocommit=True) as conn:
        conn.execute(f"CREATE SCHEMA {schema}")
    try:
        yield with_search_path(plain, schema)
    finally:
        with psycopg.connect(plain, autocommit=True) as conn:
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


# --- cutting a server off its database, without touching the database -------

class TcpRelay:
    """Forwards 127.0.0.1:<port> to a target; `cut()` drops every connection
    and refuses new ones (as a network outage would), `mend()` restores it."""

    def __init__(self, target_host: str, target_port: int):
        self.target = (target_host, target_port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open = True
        self.sockets: set[socket.socket] = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            if not self.open:
                client.close()
                continue
            try:
                upstream = socket.create_connection(self.target, timeout=5)
            except OSError:
                client.close()
                continue
            upstream.settimeout(None)
            with self.lock:
                self.sockets.update((client, upstream))
            threading.Thread(target=self._pipe, args=(client, upstream), daemon=True).start()
            threading.Thread(target=self._pipe, args=(upstream, client), daemon=True).start()

    def _pipe(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for s in (source, sink):
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
                s.close()
            with self.lock:
                self.sockets.difference_update((source, sink))

    def cut(self) -> None:
        self.open = False
        with self.lock:
            doomed = list(self.sockets)
        for s in doomed:
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def mend(self) -> None:
        self.open = True

    def close(self) -> None:
        self.cut()
        self.listener.close()


# --- the clients of a session ------------------------------------------------

CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"|value="([^"]+)"[^>]*name="csrf_token"')
CSRF_HEADER = re.compile(r'"X-CSRFToken": "([^"]+)"')
# The card's text, whatever attributes follow its class (lang, since WCAG 3.1.2).
IDEA_TEXT = re.compile(r'class="idea-text"[^>]*>(.*?)</p>', re.S)


def cookie_header(session) -> str:
    return "; ".join(f"{c.key}={c.value}" for c in session.cookie_jar)


def new_http_session(base: str | None = None):
    import aiohttp

    jar = aiohttp.CookieJar(unsafe=True)  # cookies for 127.0.0.1; they ignore the port
    return aiohttp.ClientSession(base, cookie_jar=jar) if base else aiohttp.ClientSession(cookie_jar=jar)


async def csrf_token(session, url: str) -> str:
    async with session.get(url) as response:
        page = await response.text()
    match = CSRF_FIELD.search(page)
    return match.group(1) or match.group(2)


async def facilitator_opens_workshop(base: str, title: str = "Benchmark"):
    """Signs the facilitator in, creates a workshop and opens its activity.
    Returns (http session, workshop id, join code)."""
    session = new_http_session()
    token = await csrf_token(session, f"{base}/login")
    await session.post(f"{base}/login", data={"email": FACILITATOR_EMAIL, "password": FACILITATOR_PASSWORD,
                                              "csrf_token": token})
    token = await csrf_token(session, f"{base}/workshops/new")
    async with session.post(f"{base}/workshops/new", allow_redirects=False, data={
        "title": title, "language": "fr", "csrf_token": token,
        "groups": "Étudiant·e\nEmployeur\nRecherche", "prompts": "Une idée ?",
    }) as response:
        control_url = response.headers["Location"]
    if control_url.startswith("/"):
        control_url = base + control_url
    async with session.get(control_url) as response:
        page = await response.text()
    code = re.search(r'class="code">([A-Z0-9]+)<', page).group(1)
    open_url = re.search(r'hx-post="([^"]+/open)"', page).group(1)
    header_token = CSRF_HEADER.search(page).group(1)
    async with session.post(base + open_url, headers={"X-CSRFToken": header_token, "HX-Request": "true"}):
        pass
    workshop_id = int(re.search(r"/w/(\d+)/", control_url).group(1))
    return session, workshop_id, code


async def watch_room(socket, workshop_id: int, audience: str) -> None:
    """Asks to watch a room, in French; the server must accept."""
    answer = await socket.call("watch", {"workshop": workshop_id, "audience": audience, "lang": "fr"}, timeout=10)
    assert answer["ok"], answer


async def connect_and_watch(socket, base: str, http, workshop_id: int, audience: str) -> None:
    """A websocket to base with the HTTP session's cookie (its identity), watching a room."""
    await socket.connect(base, headers={"Cookie": cookie_header(http)}, transports=["websocket"])
    await watch_room(socket, workshop_id, audience)


class Projector:
    """A projector's socket: records when each idea's text first (and again) appears."""

    def __init__(self, base: str, facilitator_session, workshop_id: int):
        import socketio

        self.base, self.http, self.workshop_id = base, facilitator_session, workshop_id
        self.seen: dict[str, list[float]] = {}
        self.socket = socketio.AsyncClient(reconnection=True, reconnection_delay=0.2,
                                           reconnection_delay_max=1)
        self.socket.on("swap", self._on_swap)
        self.socket.on("connect", self._on_connect)

    def _on_swap(self, message) -> None:
        import html

        now = time.perf_counter()
        for swap in message["swaps"]:
            if swap["op"] == "upsert" and swap["id"].startswith("idea-"):
                match = IDEA_TEXT.search(swap["html"])
                if match:
                    self.seen.setdefault(html.unescape(match.group(1)), []).append(now)

    async def _on_connect(self) -> None:
        # Also after an automatic reconnection: rooms do not survive a new connection.
        self.socket.start_background_task(self._watch)

    async def _watch(self) -> None:
        await watch_room(self.socket, self.workshop_id, "projector")

    async def connect(self) -> Projector:
        await connect_and_watch(self.socket, self.base, self.http, self.workshop_id, "projector")
        return self

    async def wall(self) -> set[str]:
        """What a re-rendered projector shows (GET /w/<id>/stage/projector)."""
        import html

        async with self.http.get(f"{self.base}/w/{self.workshop_id}/stage/projector") as response:
            page = await response.text()
        return {html.unescape(t) for t in IDEA_TEXT.findall(page)}

    async def close(self) -> None:
        await self.socket.disconnect()


class Phone:
    """A participant's phone: an HTTP session (its cookie is its identity) and a
    socket in the phones' room. `bases` lists the servers it may reach, as a
    load balancer would; `failover()` moves it to the next one."""

    def __init__(self, bases: str | list[str], code: str, index: int):
        import socketio

        self.bases = [bases] if isinstance(bases, str) else list(bases)
        self.base = self.bases[0]
        self.code, self.index = code, index
        self.http = new_http_session()
        self.socket = socketio.AsyncClient(reconnection=True)
        self.token = ""
        self.workshop_id = 0

    async def join(self) -> None:
        async with self.http.get(f"{self.base}/j/{self.code}") as response:
            page = await response.text()
        token = CSRF_FIELD.search(page)
        token = token.group(1) or token.group(2)
        groups = re.findall(r'name="group" value="(\d+)"', page)
        async with self.http.post(f"{self.base}/j/{self.code}", data={
            "nickname": f"p{self.index}", "group": groups[self.index % len(groups)], "csrf_token": token,
        }) as response:
            page = await response.text()
        self.token = CSRF_HEADER.search(page).group(1)
        self.workshop_id = int(re.search(r'data-workshop="(\d+)"', page).group(1))

    async def connect(self) -> None:
        await connect_and_watch(self.socket, self.base, self.http, self.workshop_id, "phones")

    async def send(self, text: str, key: str | None = None) -> int:
        """Sends an idea; returns the HTTP status (0: no answer at all)."""
        import aiohttp

        try:
            async with self.http.post(f"{self.base}/j/{self.code}/ideas",
                                      data={"text": text, "key": key or secrets.token_hex(8)},
                                      headers={"X-CSRFToken": self.token, "HX-Request": "true"}) as response:
                await response.read()
                self.last_answer = response
                return response.status
        except aiohttp.ClientError:
            return 0

    async def send_until_answered(self, text: str, tries: int = 3) -> int:
        """As phone.js does: the same key again when there was no answer,
        moving to another server when this one is gone."""
        key = secrets.token_hex(8)
        status = 0
        for _ in range(tries):
            status = await self.send(text, key)
            if status:
                return status
            await self.failover()
        return status

    async def failover(self) -> None:
        import socketio

        self.base = self.bases[(self.bases.index(self.base) + 1) % len(self.bases)]
        with contextlib.suppress(Exception):
            await self.socket.disconnect()
        self.socket = socketio.AsyncClient(reconnection=True)
        await self.connect()

    async def drop_and_return(self, away: float) -> None:
        """Venue Wi-Fi drops: the socket goes, and comes back `away` seconds later
        (a new connection, as the browser makes one), watching the room again."""
        import socketio

        with contextlib.suppress(Exception):
            await self.socket.disconnect()
        await asyncio.sleep(away)
        for attempt in range(5):  # as the browser does: again, a little later each time
            self.socket = socketio.AsyncClient(reconnection=True)
            try:
                await self.connect()
                return
            except Exception:  # noqa: BLE001 - a busy server refused this one; the next try may pass
                with contextlib.suppress(Exception):
                    await self.socket.disconnect()
                await asyncio.sleep(0.5 * 2 ** attempt)
        raise ConnectionError(f"phone {self.index} could not reconnect")

    async def place_dot(self, round_id: int, project_id: int) -> int:
        """One dot on one item of a dots round; returns the HTTP status."""
        async with self.http.post(f"{self.base}/j/{self.code}/rounds/{round_id}/dots",
                                  data={"project": str(project_id), "delta": "1"},
                                  headers={"X-CSRFToken": self.token, "HX-Request": "true"}) as answer:
            await answer.read()
            return answer.status

    async def send_answer_lost(self, text: str) -> int:
        """A send whose answer is lost on the way: phone.js sends it again with the same key."""
        key = secrets.token_hex(8)
        await self.send(text, key)
        return await self.send(text, key)

    async def close(self) -> None:
        with contextlib.suppress(Exception):
            await self.socket.disconnect()
        await self.http.close()
