"""Where one process counts its rate limits: `workshop-memory://`, the default.

The `limits` library's `memory://` storage expires counters when they are read
(a fixed window past its end counts from zero again), and also sweeps every
counter for expired ones 100 times a second, from a new timer thread each time
(a greenlet under gevent) as long as requests come. A room of 500 phones holds
a few thousand counters (each phone's ideas and votes, each address's joins),
so the sweep walked them all every 10 ms while ideas arrived: CPU taken from
the ideas themselves. Here the same storage sweeps once a second; counting is
unchanged, since a read already expires what is past its window. The memory
Flask-Limiter counts in while Redis is away (several workers) sweeps the same
way (`sweep_fallback_slowly`).
"""

from __future__ import annotations

import threading
import time
from functools import lru_cache

from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage

SWEEP_EVERY = 1.0  # seconds: only memory waits for the sweep, never a count


class SweptMemoryStorage(MemoryStorage):
    STORAGE_SCHEME = ["workshop-memory"]  # registered by the `limits` storage registry

    # MemoryStorage's private `__schedule_expiry`, as its methods call it.
    def _MemoryStorage__schedule_expiry(self) -> None:
        if not self.timer.is_alive():
            self.timer = threading.Timer(SWEEP_EVERY, self._MemoryStorage__expire_events)  # type: ignore[attr-defined]
            self.timer.daemon = True
            self.timer.start()


def sweep_fallback_slowly(limiter) -> None:
    """Flask-Limiter counts in a plain `MemoryStorage` of its own while Redis is
    away; it becomes the storage above (same state, only its sweep differs).
    Called after `limiter.init_app`, which makes it."""
    fallback = getattr(limiter, "_fallback_storage", None)
    if type(fallback) is MemoryStorage:
        fallback.__class__ = SweptMemoryStorage


@lru_cache(maxsize=32)
def parsed(setting: str) -> tuple[RateLimitItem, ...]:
    """A limits setting ("5 per minute; 30 per hour"), parsed once per text:
    the join pages read two of them on every request."""
    return tuple(parse_many(setting))


def retry_after(limiter):
    """An after-request function: a refusal (429) says when to come back.

    Flask-Limiter's own headers are off (RATELIMIT_HEADERS_ENABLED): it read
    every limit's window again for each answer to write X-RateLimit-* headers
    that no phone reads, a storage read per limit on every idea sent. Only the
    Retry-After of a refusal is used (phone.js and ballot.js wait for it)."""

    def add(response):
        if response.status_code == 429 and "Retry-After" not in response.headers:
            limit = limiter.current_limit
            if limit is not None:
                try:
                    wait = int(limit.reset_at - time.time())
                except Exception:  # noqa: BLE001 - the store went away meanwhile: the window's length
                    wait = limit.limit.get_expiry()
                response.headers["Retry-After"] = str(max(1, wait))
        return response

    return add
