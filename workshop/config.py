"""Settings, read from the environment once, here and nowhere else."""

from __future__ import annotations

import os
import secrets
from datetime import timedelta
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent


DEFAULT_TERRITORIES = ("MRC du Domaine-du-Roy;MRC de Maria-Chapdelaine;MRC de Lac-Saint-Jean-Est;"
                       "MRC du Fjord-du-Saguenay;Saguenay")

def _timezone() -> str:
    """TIMEZONE (default America/Toronto, Québec's clock); a name the time zone
    database does not know stops the start with a clear message, not a wrong hour later."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    from workshop.dates import DEFAULT_ZONE

    name = os.environ.get("TIMEZONE") or DEFAULT_ZONE
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise SystemExit(f"TIMEZONE={name!r} is not a time zone name (e.g. America/Toronto)") from None
    return name


def _secret_key(instance_path: Path) -> str:
    """Keep the key stable across restarts: phones keep their identity in a
    signed cookie, and a new key on every start would sign them all out."""
    if os.environ.get("SECRET_KEY"):
        return os.environ["SECRET_KEY"]
    key_file = instance_path / "secret_key"
    if not key_file.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        key_file.write_text(secrets.token_urlsafe(48))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


def _private_file(path: Path) -> Path:
    """The database file readable by this account only (participants' nicknames,
    accounts' password hashes); SQLite gives its -wal and -shm files the same."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))  # an empty file is a new database
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
    except OSError:
        pass  # a read-only instance folder: the app says so when it writes
    return path


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL")
    if not url:
        return f"sqlite:///{_private_file(instance_path / 'workshop.sqlite')}"
    # Hosting platforms still hand out the old scheme; SQLAlchemy wants the driver.
    if url.startswith("postgres://"):
        url = "postgresql://" + url[len("postgres://"):]
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url


def engine_options(url: str) -> dict:
    if url == "sqlite://" or ":memory:" in url:
        return {}  # Flask-SQLAlchemy keeps one connection for a database in memory
    if url.startswith("sqlite"):
        # A file needs no ping before each use (a server restart is what the
        # ping is for). Connections are kept, never made for a burst and closed
        # again (the default, 5 kept, made a forum's phones open a connection
        # and run its PRAGMAs on most requests): past the pool, a request waits
        # for a connection, which is quicker than making one.
        return {"pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "30")), "max_overflow": 0}
    # Under gevent every request in flight holds a connection until it
    # answers. SQLAlchemy's default (5 kept, 10 more made and closed again)
    # made a 1,000-phone room open a new PostgreSQL backend (a process) for
    # most sends. 30 are kept and none made beyond them: with 64 phones voting
    # at once, connections made for the burst and closed again were a fifth
    # of a vote; waiting for a kept one is quicker. Per worker; keep the
    # workers' total under PostgreSQL's max_connections (100 by default).
    return {"pool_pre_ping": True,
            "pool_size": int(os.environ.get("DATABASE_POOL_SIZE", "30")),
            "max_overflow": int(os.environ.get("DATABASE_POOL_OVERFLOW", "0"))}


def load(instance_path: str) -> dict:
    """The app's configuration for this environment."""
    instance = Path(instance_path)
    secure = os.environ.get("SECURE_COOKIES", "0") == "1"
    return {
        "SECRET_KEY": _secret_key(instance),
        "SQLALCHEMY_DATABASE_URI": _database_url(instance),
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(_database_url(instance)),
        # Socket.IO message queue: set it when running several workers.
        "SOCKETIO_MESSAGE_QUEUE": os.environ.get("SOCKETIO_MESSAGE_QUEUE") or None,
        # Several workers: how often each tells the others which rooms have screens (workshop/live.py).
        "WATCHED_ROOMS_REFRESH": float(os.environ.get("WATCHED_ROOMS_REFRESH", "10")),
        # One process: its own memory, swept once a second (workshop/rate_limits.py).
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "workshop-memory://"),
        # No X-RateLimit-* on every answer; a refusal still says Retry-After
        # (rate_limits.retry_after).
        "RATELIMIT_HEADERS_ENABLED": False,
        # Redis gone for a moment: count in this process's memory meanwhile
        # (and go back to Redis once it answers) rather than refuse every request.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        # A Redis host gone away answers nothing: a second, not the system's TCP timeout.
        "RATELIMIT_STORAGE_OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        # Phones keep their participant identity for a month: people come back
        # to a workshop on a second day, or after their battery died.
        "PERMANENT_SESSION_LIFETIME": timedelta(days=30),
        # ...counted from joining (or the last change to the cookie), not from
        # the last request: signing a new cookie on every vote was a tenth of it.
        "SESSION_REFRESH_EACH_REQUEST": False,
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": secure,
        # Behind HTTPS (SECURE_COOKIES=1), browsers are told to come back over HTTPS only.
        "HSTS": secure,
        "REMEMBER_COOKIE_HTTPONLY": True,
        # "Keep me signed in" is a choice at sign-in; it lasts this long (the
        # sign-in itself is revocable: workshop/accounts/logic.py).
        "REMEMBER_COOKIE_DURATION": timedelta(days=30),
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": secure,
        "WTF_CSRF_TIME_LIMIT": None,  # a workshop lasts a day; the token lives with the session
        "BABEL_DEFAULT_LOCALE": "fr",
        # The living labs' clock: times are stored in UTC and shown, exported and
        # counted ("today", "overdue") in this zone, whatever the server's own.
        "TIMEZONE": _timezone(),
        "BABEL_DEFAULT_TIMEZONE": _timezone(),
        "BABEL_TRANSLATION_DIRECTORIES": str(PROJECT_ROOT / "translations"),
        "PUBLIC_URL": os.environ.get("PUBLIC_URL", ""),
        # Where `make run` listens; 127.0.0.1 keeps phones out (the control view says so).
        "HOST": os.environ.get("HOST", "127.0.0.1"),
        "PORT": int(os.environ.get("PORT", "5000")),
        "PROXY_FIX": os.environ.get("PROXY_FIX", "0") == "1",
        "COMPRESS_MIMETYPES": [
            "text/html", "text/css", "application/javascript", "text/javascript",
            "application/json", "image/svg+xml",
        ],
        "COMPRESS_MIN_SIZE": 500,
        "VENDOR_DIR": str(PROJECT_ROOT / "node_modules"),
        # Limits, each overridable for a big forum behind one NAT address.
        "JOIN_FAILURE_LIMIT": os.environ.get("JOIN_FAILURE_LIMIT", "20 per minute"),
        "IDEA_LIMIT": os.environ.get("IDEA_LIMIT", "20 per minute"),
        # New participants per address and workshop: a room behind one NAT
        # address joins at once (the burst), then a trickle; re-joining from
        # the same phone does not count. A regional forum of 1,000 phones
        # behind one address still joins in its first ten minutes.
        "JOIN_LIMIT": os.environ.get("JOIN_LIMIT", "1000 per 10 minutes;3000 per day"),
        # Ideas stored per address and activity, whoever sends them: a flood
        # of fresh participants no longer multiplies the per-phone limit.
        # A forum's 1,000 phones behind one address send a few ideas each.
        "IDEAS_PER_ADDRESS_LIMIT": os.environ.get("IDEAS_PER_ADDRESS_LIMIT", "1000 per minute;5000 per day"),
        # `make run` starts the features worker beside the server: each idea's
        # grouping features (its sentence embedding) are computed as it arrives.
        # 0 when the worker runs on its own (several workers: see docs/deploy.md).
        "FEATURES_ON_ARRIVAL": os.environ.get("FEATURES_ON_ARRIVAL", "1") == "1",
        # A grouping pressed right after a burst, while ideas still lack
        # features, waits up to this many seconds for the features worker
        # (which hurries when it sees a grouping start), for as long as it
        # brings them in (themes.logic.wait_for_features).
        "FEATURES_WAIT_AT_PRESS": float(os.environ.get("FEATURES_WAIT_AT_PRESS", "10")),
        # Connections (workshop/serve.py): a request line and headers within
        # HEADER_TIMEOUT seconds, a body within BODY_TIMEOUT, no read or write
        # waiting over IDLE_TIMEOUT; at most this many open at once per address
        # (0: no cap; this computer's own addresses are never capped).
        "HEADER_TIMEOUT": float(os.environ.get("HEADER_TIMEOUT", "10")),
        "BODY_TIMEOUT": float(os.environ.get("BODY_TIMEOUT", "30")),
        "IDLE_TIMEOUT": float(os.environ.get("IDLE_TIMEOUT", "75")),
        "MAX_CONNECTIONS_PER_ADDRESS": int(os.environ.get("MAX_CONNECTIONS_PER_ADDRESS", "1000")),
        # One line per request on standard output (off: a room's thousands of requests drown the log).
        "ACCESS_LOG": os.environ.get("ACCESS_LOG") == "1",
        # Socket.IO connections per address, and how long one may stay without watching a room.
        "SOCKETS_PER_ADDRESS": int(os.environ.get("SOCKETS_PER_ADDRESS", "1000")),
        "WATCH_TIMEOUT": float(os.environ.get("WATCH_TIMEOUT", "15")),
        # Nothing bigger is read: the largest legitimate upload is a workshop's
        # JSON (imports check their own, smaller limits and say so).
        "MAX_CONTENT_LENGTH": int(os.environ.get("MAX_CONTENT_LENGTH", str(25 * 1024 * 1024))),
        # A burst of ideas (this many a second on one workshop, 0: never) is
        # pushed to each screen in one frame per BURST_WINDOW seconds rather
        # than one frame per idea (workshop/live.py, in_burst).
        "BURST_RATE": int(os.environ.get("BURST_RATE", "300")),
        "BURST_WINDOW": float(os.environ.get("BURST_WINDOW", "0.02")),
        # A dot is one request: a phone spending and moving dots taps quickly.
        "VOTE_LIMIT": os.environ.get("VOTE_LIMIT", "120 per minute"),
        # Partner organisations' territories, as the coordinator's forms list
        # them: the RCMs of Saguenay–Lac-Saint-Jean unless the region is another
        # ("TERRITORIES=MRC A;MRC B;Ville C").
        "TERRITORIES": [name.strip() for name in os.environ.get("TERRITORIES", DEFAULT_TERRITORIES).split(";")
                        if name.strip()],
    }
