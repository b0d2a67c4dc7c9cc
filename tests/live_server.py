"""A real server process (gevent, websockets) on a free port, for browser
tests and benchmarks. The database is migrated and given a facilitator first."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import tempfile
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
    flask = [sys.executable, "-m", "flask"]
    subprocess.run([*flask, "db", "upgrade"], env=env, cwd=ROOT, check=True, capture_output=True)
    subprocess.run([*flask, "create-user", "--email", FACILITATOR_EMAIL, "--name", "Animation",
                    "--password", FACILITATOR_PASSWORD], env=env, cwd=ROOT, check=True, capture_output=True)
    return env


class ServerProcess:
    def __init__(self, env: dict, port: int | None = None, extra_env: dict | None = None):
        self.env = {**env, **(extra_env or {})}
        self.port = port or free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen | None = None
        self.log = tempfile.NamedTemporaryFile(prefix="workshop-server-", suffix=".log", delete=False)

    def start(self, timeout: float = 20) -> "ServerProcess":
        env = {**self.env, "PORT": str(self.port), "HOST": "127.0.0.1"}
        self.process = subprocess.Popen([sys.executable, "-m", "workshop.serve"], env=env, cwd=ROOT,
                                        stdout=self.log, stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"server exited: {Path(self.log.name).read_text()[-2000:]}")
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return self
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("server did not start in time")

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
