"""The documented gunicorn deploy (docs/deploy.md) refuses a stranger's
WebSocket upgrade with a 401 before any upgrade, as `make run` does: gunicorn
started for real with workshop.gunicorn_worker.GuardedWebSocketWorker."""

from __future__ import annotations

import asyncio
import http.cookiejar
import sys
import urllib.request
from pathlib import Path

import pytest

from tests.live_server import ServerProcess, prepare_database
from tests.test_hardening_server import handshake_answer, joined_phone

GUNICORN = Path(sys.executable).with_name("gunicorn")


class GunicornProcess(ServerProcess):
    """gunicorn as docs/deploy.md starts it, with the guarded worker."""

    worker = "workshop.gunicorn_worker.GuardedWebSocketWorker"

    def start(self, timeout: float = 30) -> GunicornProcess:
        return self.launch([str(GUNICORN), "-k", self.worker, "-w", "1", "--bind", f"127.0.0.1:{self.port}",
                            "--worker-connections", "200", "--timeout", "60", "--graceful-timeout", "5",
                            "workshop.wsgi:app"], self.env, timeout, name="gunicorn")


@pytest.fixture(scope="module")
def gunicorn(tmp_path_factory):
    env = prepare_database(tmp_path_factory.mktemp("gunicorn"))
    running = GunicornProcess(env, extra_env={"FEATURES_ON_ARRIVAL": "0"}).start()
    yield running
    running.stop()


def test_gunicorn_refuses_a_stranger_s_upgrade_and_lets_a_joined_phone_s_through(gunicorn):
    assert handshake_answer(gunicorn.port).startswith(b"HTTP/1.1 401")
    # A cookie from a page seen without joining (the login form's) says nobody either.
    jar = http.cookiejar.CookieJar()
    urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar)).open(f"{gunicorn.url}/login", timeout=10).read()
    visitor_cookie = "; ".join(f"{c.name}={c.value}" for c in jar)
    assert visitor_cookie and handshake_answer(gunicorn.port, visitor_cookie).startswith(b"HTTP/1.1 401")

    async def joined_upgrade() -> bytes:
        from tests.live_server import cookie_header

        session, phone = await joined_phone(gunicorn.url, "gunicorn")
        try:
            return handshake_answer(gunicorn.port, cookie_header(phone.http))
        finally:
            await phone.http.close()
            await session.close()

    assert asyncio.run(joined_upgrade()).startswith(b"HTTP/1.1 101")
    assert "Traceback" not in gunicorn.log_text()


def test_the_plain_worker_would_have_upgraded_the_stranger(tmp_path):
    """What the guarded worker changes: geventwebsocket's own worker answers a stranger's upgrade with a 101."""
    env = prepare_database(tmp_path)
    plain = GunicornProcess(env, extra_env={"FEATURES_ON_ARRIVAL": "0"})
    plain.worker = "geventwebsocket.gunicorn.workers.GeventWebSocketWorker"
    plain.start()
    try:
        assert handshake_answer(plain.port).startswith(b"HTTP/1.1 101")
    finally:
        plain.stop()
