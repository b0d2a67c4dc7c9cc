"""Values computed once per change and shared by every room's render.

A push renders the same stage for each (audience, language) room: the
projector, the control view and the phones, in French and in English. What
those renders read from the database (a round's tally above all) does not
change between them, so inside `one_change()` each such value is computed
once and reused; outside it every call computes afresh, as a plain render
must (tests and pages render between writes).
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import TypeVar

T = TypeVar("T")

_memo: ContextVar[dict | None] = ContextVar("snapshot_memo", default=None)


@contextmanager
def one_change() -> Iterator[None]:
    """Renders inside share computed values; nested scopes join the outer one."""
    if _memo.get() is not None:
        yield
        return
    token = _memo.set({})
    try:
        yield
    finally:
        _memo.reset(token)


def once(key: Hashable, compute: Callable[[], T]) -> T:
    memo = _memo.get()
    if memo is None:
        return compute()
    if key not in memo:
        memo[key] = compute()
    return memo[key]
