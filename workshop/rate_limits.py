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

import logging
import threading
import time
from collections.abc import Callable
from functools import lru_cache, wraps

from flask import abort, current_app, make_response, request
from limits import RateLimitItem, parse_many
from limits.storage import MemoryStorage
from limits.strategies import FixedWindowRateLimiter

log = logging.getLogger(__name__)

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
    the join pages read two of them on every request. Shortest window first,
    as Flask-Limiter orders them: counting stops at the first one past its
    budget, so a phone refused for the minute does not use up its hour."""
    return tuple(sorted(parse_many(setting), key=lambda item: item.get_expiry()))


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


# --- what a phone sends, counted without Flask-Limiter's decorators -----------
# A phone's send (an idea, a comment, a vote) is the hot path of a session:
# Flask-Limiter's decorators evaluated each limit through its request context,
# exemption scopes and the before-request check, about a twentieth of a send's
# CPU beyond the counting itself. `counted` does the counting alone, in the
# same storage, with the same fixed windows, per route (as the decorator's
# default scope); a store that goes away (Redis, several workers) is counted
# in memory meanwhile, as Flask-Limiter's fallback does.

_memory_meanwhile = FixedWindowRateLimiter(SweptMemoryStorage())


def counted(setting: Callable[[], str], key: Callable[[], str], answered_only: bool = False):
    """A view decorator: one more against each limit of `setting()` ("20 per
    minute; 200 per hour") for `key()` on this route; past one, 429 with the
    wait in Retry-After (phone.js and ballot.js wait for it).
    `answered_only`: only answers 200 count (a refusal does not use the budget),
    but a request past the budget is refused all the same."""

    def decorator(view):
        @wraps(view)
        def limited(*args, **kwargs):
            if not current_app.config.get("RATELIMIT_ENABLED", True):
                return view(*args, **kwargs)
            items, identity = parsed(setting()), (key(), request.endpoint or "")
            if answered_only:
                _refuse_past(identity, _count(items, identity, test_only=True))
                response = current_app.make_response(view(*args, **kwargs))
                if response.status_code == 200:
                    _count(items, identity)
                return response
            _refuse_past(identity, _count(items, identity))
            return view(*args, **kwargs)

        _counted_views.add(limited)
        return limited

    return decorator


# The views `counted` made, themselves: a mark in their __dict__ would be copied by
# functools.wraps onto any decorator put around them, Flask-Limiter's among them,
# whose limits the filter below would then skip.
_counted_views: set = set()


def counted_here() -> bool:
    """A Flask-Limiter request filter: its own check, run before every request,
    has nothing to count on a route that `counted` counts."""
    return current_app.view_functions.get(request.endpoint or "") in _counted_views


def _store_counters():
    """Flask-Limiter's counters in the configured store. Not `limiter.limiter`:
    that one turns to Flask-Limiter's own memory once its check has found the
    store away, and it looks for the store again only on the routes it counts
    itself, so a phone's count would be split between two memories."""
    from workshop.extensions import limiter

    return limiter._limiter


# While the store is away, counting goes on in memory and the store is tried
# again after 1, 2, 4... seconds (at most STORE_RETRY_MAX), as Flask-Limiter
# does with its own limits: trying it on every send would make each one wait
# for the store's timeout. Past the wait, one send tries it (the others count
# in memory until it has answered); sends that found it away together, in one
# round, lengthen the wait once, not once each.
STORE_RETRY_MAX = 30.0
_store_away = {"until": 0.0, "backoff": 0.0, "round": 0}


def _count(items: tuple[RateLimitItem, ...], identity: tuple[str, str], test_only: bool = False):
    """(the first limit past its budget or None, the counters that said so),
    counting one more against each limit up to that one unless `test_only`."""
    counters, round_ = _counters_now()
    while True:
        try:
            check = counters.test if test_only else counters.hit
            over = next((item for item in items if not check(item, *identity)), None)
            if counters is not _memory_meanwhile and _store_away["backoff"]:
                _store_away.update(until=0.0, backoff=0.0, round=_store_away["round"] + 1)  # back
            return over, counters
        except Exception:  # noqa: BLE001 - the store is away: count in memory meanwhile
            if counters is _memory_meanwhile:
                raise
            _store_found_away(round_)
            counters = _memory_meanwhile


def _counters_now():
    """The store's counters, or memory while it is away; and the round this send is in."""
    round_, now = _store_away["round"], time.monotonic()
    if now < _store_away["until"]:
        return _memory_meanwhile, round_
    if _store_away["backoff"]:  # this send tries the store again; the others keep to memory meanwhile
        _store_away["until"] = now + STORE_RETRY_MAX
    return _store_counters(), round_


def _store_found_away(round_: int) -> None:
    if _store_away["round"] != round_:
        return  # another send of the same round has said so
    backoff = min(max(1.0, 2 * _store_away["backoff"]), STORE_RETRY_MAX)
    _store_away.update(until=time.monotonic() + backoff, backoff=backoff, round=round_ + 1)
    log.warning("rate-limit store unreachable (%s): counting in memory, trying it again in %.0f s",
                request.endpoint, backoff)


def _refuse_past(identity, counted) -> None:
    over, counters = counted
    if over is None:
        return
    from workshop.errors import answer

    try:  # from the counters that refused it: memory while the store is away
        wait = int(counters.get_window_stats(over, *identity).reset_time - time.time())
    except Exception:  # noqa: BLE001 - the store went away meanwhile: the window's length
        wait = over.get_expiry()
    response = make_response(answer(429))
    response.headers["Retry-After"] = str(max(1, wait))
    abort(response)
