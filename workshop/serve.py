"""Serve the app on one gevent process: `python -m workshop.serve`.

gevent must patch the standard library before anything else imports it, which
is why this module does it first and create_app imports lazily.
"""

from gevent import monkey

monkey.patch_all()

import atexit  # noqa: E402
import gc  # noqa: E402
import ipaddress  # noqa: E402
import logging  # noqa: E402
import os  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from collections.abc import Callable  # noqa: E402
from typing import Any  # noqa: E402

import gevent  # noqa: E402
from gevent import pywsgi  # noqa: E402
from geventwebsocket.handler import WebSocketHandler  # noqa: E402

from workshop import create_app, database, templating, venue  # noqa: E402

log = logging.getLogger(__name__)


# --- connections: nobody holds the server with sockets that say nothing ------------
# Every open connection holds a file descriptor; at the process's limit the
# server accepts nobody. An address holds at most MAX_CONNECTIONS_PER_ADDRESS
# (this computer's own addresses excepted: a local proxy or benchmark); a
# connection must send its request line and headers within HEADER_TIMEOUT
# (also the wait for the next request on a kept-alive connection) and its body
# within BODY_TIMEOUT; any read or write waits IDLE_TIMEOUT at most (a
# WebSocket's pings come every 25 s, so a live one never waits that long).


def _is_this_computer(address: str) -> bool:
    """127.0.0.1 and ::1: a local proxy (nginx) or a benchmark, never capped."""
    try:
        return address in ("127.0.0.1", "::1") or ipaddress.ip_address(address) == ipaddress.ip_address("::ffff:127.0.0.1")
    except ValueError:
        return True  # a Unix socket


class DeadlineInput:
    """The request body, read within a deadline: a body trickled a byte a
    second is cut off (the app answers 408) instead of holding a worker."""

    def __init__(self, stream, deadline: float):
        self._stream, self._deadline = stream, deadline

    def _within(self, read, *args):
        left = self._deadline - time.monotonic()
        if left <= 0:
            raise TimeoutError("request body too slow")
        with gevent.Timeout(left, TimeoutError("request body too slow")):
            return read(*args)

    def read(self, *args):
        return self._within(self._stream.read, *args)

    def readline(self, *args):
        return self._within(self._stream.readline, *args)

    def readlines(self, *args):
        return self._within(self._stream.readlines, *args)

    def __iter__(self):
        while True:
            line = self.readline()
            if not line:
                return
            yield line


class GuardedHandler(WebSocketHandler):
    header_timeout = 10.0
    body_timeout = 30.0
    idle_timeout = 75.0

    def handle(self):
        self.socket.settimeout(self.idle_timeout)
        super().handle()

    def read_requestline(self):
        self._headers_by = time.monotonic() + self.header_timeout
        with gevent.Timeout(self.header_timeout, TimeoutError("no request line")):
            return super().read_requestline()

    def read_request(self, raw_requestline):
        left = max(0.1, self._headers_by - time.monotonic())
        with gevent.Timeout(left, TimeoutError("headers too slow")):
            return super().read_request(raw_requestline)

    def get_environ(self):
        environ = super().get_environ()
        environ["wsgi.input"] = DeadlineInput(environ["wsgi.input"], time.monotonic() + self.body_timeout)
        return environ


class GuardedServer(pywsgi.WSGIServer):
    per_address = 1000
    # gevent-websocket's handler asks the server before upgrading (True: refuse).
    pre_start_hook: Callable[[Any], bool] | None = None

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.open_by_address: Counter[str] = Counter()

    def handle(self, sock, address):
        host = address[0] if isinstance(address, tuple) else ""
        capped = self.per_address and not _is_this_computer(host)
        if capped and self.open_by_address[host] >= self.per_address:
            sock.close()  # over its share: refused at once, before any byte is read
            return
        self.open_by_address[host] += 1
        try:
            super().handle(sock, address)
        finally:
            self.open_by_address[host] -= 1
            if not self.open_by_address[host]:
                del self.open_by_address[host]


def raise_file_limit() -> int:
    """As many open files as the system allows this process (1,024 by default
    on many systems: about 1,000 sockets, then nobody gets in)."""
    try:
        import resource

        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY else 65536
        if soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
        return resource.getrlimit(resource.RLIMIT_NOFILE)[0]
    except (ImportError, ValueError, OSError):
        return -1


def guarded_server(app, host: str, port: int):
    GuardedHandler.header_timeout = app.config["HEADER_TIMEOUT"]
    GuardedHandler.body_timeout = app.config["BODY_TIMEOUT"]
    GuardedHandler.idle_timeout = app.config["IDLE_TIMEOUT"]
    GuardedServer.per_address = app.config["MAX_CONNECTIONS_PER_ADDRESS"]
    access_log = "default" if app.config["ACCESS_LOG"] else None
    server = GuardedServer((host, port), app, handler_class=GuardedHandler, log=access_log)
    server.pre_start_hook = lambda handler: not may_upgrade(app, handler.environ)
    return server


def may_upgrade(app, environ) -> bool:
    """A WebSocket upgrade only for a session that says who it is (workshop/live.py):
    a stranger's is answered as plain HTTP, which the Socket.IO handshake refuses
    with a 401, before any upgrade."""
    if environ.get("HTTP_UPGRADE", "").lower() != "websocket":
        return True  # not an upgrade: nothing to decide here
    from workshop import live

    return live.handshake_says_who(app, environ)


def start_features_worker() -> None:
    """Each new idea's grouping features, computed beside the server (workshop/themes/features.py)."""
    worker = subprocess.Popen([sys.executable, "-m", "flask", "--app", "workshop", "features-worker",
                               "--parent", str(os.getpid())])
    atexit.register(worker.terminate)


def count_cores_once() -> None:
    """joblib (under scikit-learn's k-means) counts the physical cores by
    running `lscpu` the first time; from the gevent thread pool that fork
    logged a traceback and could take the server's Redis socket with it.
    Counted here, at start, in the main thread; joblib keeps the answer."""
    try:
        from joblib import cpu_count

        cpu_count(only_physical_cores=True)
    except Exception:  # noqa: BLE001 - no joblib, or no lscpu: grouping counts later
        log.warning("could not count the CPU cores at start", exc_info=True)


def settle_memory() -> None:
    """Fewer, shorter pauses for Python's garbage collector.

    A room of 1,000 phones keeps a thousand sockets' objects alive, and every
    few seconds a full collection walked them all, with the modules, templates
    and mappers loaded at start: 250-450 ms during which no idea moved
    (measured at 1,000 phones). What is loaded at start is frozen out of
    collection, young collections run every 2,000 allocations instead of 700,
    and full ones after 100 middle ones instead of 10 (every few thousand
    requests: often enough that cyclic garbage, closed sockets' included,
    does not pile up over a day)."""
    count_cores_once()
    gc.collect()
    gc.freeze()
    gc.set_threshold(2_000, 50, 100)


def main() -> None:
    app = create_app()
    if app.config["FEATURES_ON_ARRIVAL"]:
        start_features_worker()
    host, port = app.config["HOST"], app.config["PORT"]
    with app.app_context():
        from workshop.accounts.logic import has_any_user

        first_run = not has_any_user()
    templating.load_all(app)
    database.open_pool(app)
    settle_memory()
    addresses = venue.lan_addresses() if host in venue.ALL_INTERFACES else []
    for line in venue.banner_lines(host, port, addresses, first_run, app.config["PUBLIC_URL"]):
        print(line, flush=True)
    open_files = raise_file_limit()
    if 0 < open_files < 4096:
        print(f"Warning: this process may open {open_files} files only, about as many connections "
              "(raise it with `ulimit -n 16384`).", flush=True)
    # Flask-SocketIO's run() would build the same gevent server, without the guards.
    guarded_server(app, host, port).serve_forever()


if __name__ == "__main__":
    main()
