"""The default rate-limit storage counts as `memory://` does and sweeps its
expired counters once a second rather than a hundred times (workshop/rate_limits.py)."""

from __future__ import annotations

import threading
import time

import pytest
from limits import parse, strategies
from limits.storage import storage_from_string

from workshop import rate_limits


@pytest.fixture(autouse=True)
def _store_back():
    """The memory counted in while the store is away, and when to try it again, are
    the process's: a test that sent the store away must not leave the next one
    counting in memory the sends it made (same address, same route)."""
    rate_limits._memory_meanwhile.storage.reset()
    rate_limits._store_away.update(until=0.0, backoff=0.0)
    yield
    rate_limits._memory_meanwhile.storage.reset()
    rate_limits._store_away.update(until=0.0, backoff=0.0)


def test_the_app_counts_in_the_swept_storage_by_default(limited_app):
    from workshop.extensions import limiter

    with limited_app.app_context():
        assert isinstance(limiter.limiter.storage, rate_limits.SweptMemoryStorage)


def test_a_window_counts_and_starts_again_as_memory_does(monkeypatch):
    monkeypatch.setattr(rate_limits, "SWEEP_EVERY", 0.05)
    storage = storage_from_string("workshop-memory://")
    limiter = strategies.FixedWindowRateLimiter(storage)
    three_a_second = parse("3 per 1 second")
    assert [limiter.hit(three_a_second, "phone", "7") for _ in range(4)] == [True, True, True, False]
    assert limiter.hit(three_a_second, "phone", "8")  # another phone's own count
    time.sleep(1.1)
    assert limiter.hit(three_a_second, "phone", "7")  # the window is over: counted from zero


def test_a_room_sending_ideas_starts_one_sweep_not_one_per_hundredth(monkeypatch):
    storage = storage_from_string("workshop-memory://")
    starts = []
    start = threading.Timer.start
    monkeypatch.setattr(threading.Timer, "start", lambda timer: starts.append(timer) or start(timer))
    limiter = strategies.FixedWindowRateLimiter(storage)
    per_phone = parse("20 per minute")
    began, n = time.monotonic(), 0
    while time.monotonic() - began < 0.4:  # 500 phones' ideas for 0.4 s, as fast as they come
        limiter.hit(per_phone, "idea", str(n % 500))
        n += 1
    assert len(starts) <= 1  # memory:// started one every 10 ms: about 40
    assert all(timer.interval == rate_limits.SWEEP_EVERY for timer in starts)


def test_expired_counters_are_swept_from_memory(monkeypatch):
    monkeypatch.setattr(rate_limits, "SWEEP_EVERY", 0.05)
    storage = storage_from_string("workshop-memory://")
    limiter = strategies.FixedWindowRateLimiter(storage)
    for n in range(200):
        limiter.hit(parse("5 per 1 second"), "join", str(n))
    assert len(storage.expirations) == 200
    time.sleep(1.1)
    limiter.hit(parse("5 per 1 second"), "join", "late")  # a request schedules the next sweep
    time.sleep(0.2)
    assert len(storage.expirations) == 1  # the late one's alone


def test_while_redis_is_away_the_app_counts_in_memory_swept_the_same_way(limited_app):
    """Flask-Limiter's own fallback (several workers, Redis gone a moment) is a
    plain `memory://`; the app makes it the storage swept once a second."""
    from workshop.extensions import limiter

    assert limited_app.config["RATELIMIT_IN_MEMORY_FALLBACK_ENABLED"]
    assert type(limiter._fallback_storage) is rate_limits.SweptMemoryStorage
    fallback = strategies.FixedWindowRateLimiter(limiter._fallback_storage)
    two = parse("2 per minute")
    assert [fallback.hit(two, "join", "10.0.0.9") for _ in range(3)] == [True, True, False]


def one_phone_past_its_idea_limit(app, workshop):
    """The first question opened and one phone sending it 21 ideas (IDEA_LIMIT: 20 per minute): the answers."""
    from tests.conftest import join, open_first_activity

    open_first_activity(workshop)
    phone = app.test_client()
    join(phone, workshop)
    return [phone.post(f"/j/{workshop.join_code}/ideas",
                       data={"text": f"Idée {n} : un jardin partagé", "key": f"key-{n:08d}"}) for n in range(21)]


def test_a_phone_over_its_idea_limit_is_told_when_to_come_back_and_answers_carry_no_limit_headers(
        limited_app, workshop):
    """phone.js waits for Retry-After before sending again; the X-RateLimit-*
    headers cost a storage read per limit on every send and no phone reads them."""
    answers = one_phone_past_its_idea_limit(limited_app, workshop)

    assert [a.status_code for a in answers] == [200] * 20 + [429]
    assert not any(name.startswith("X-RateLimit") for a in answers for name in a.headers.keys())
    assert "Retry-After" not in answers[0].headers
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_with_the_store_away_a_phone_is_still_counted_in_memory(app, database_url, workshop):
    """Several workers count in Redis; while it is away, a phone's sends are
    counted in this process's memory rather than let through without a limit."""
    from tests.conftest import base_config, new_app

    away = new_app({**base_config(database_url), "RATELIMIT_ENABLED": True,
                    "RATELIMIT_STORAGE_URI": "redis://127.0.0.1:9/0"})  # nothing listens there
    answers = one_phone_past_its_idea_limit(away, workshop)

    assert [a.status_code for a in answers] == [200] * 20 + [429]
    assert 1 <= int(answers[-1].headers["Retry-After"]) <= 60


def test_a_refused_idea_does_not_use_the_venues_budget(app, database_url, workshop):
    """The per-address budget counts ideas stored, not refusals (an empty text, a closed question)."""
    from tests.conftest import base_config, join, new_app, open_first_activity

    venue = new_app({**base_config(database_url), "RATELIMIT_ENABLED": True,
                     "IDEAS_PER_ADDRESS_LIMIT": "3 per minute"})
    open_first_activity(workshop)
    phone = venue.test_client()
    join(phone, workshop)
    refused = [phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "  ", "key": f"empty-{n:08d}"})
               for n in range(5)]
    sent = [phone.post(f"/j/{workshop.join_code}/ideas",
                       data={"text": f"Idée {n} : un jardin partagé", "key": f"idea-{n:08d}"}) for n in range(4)]

    assert [a.status_code for a in refused] == [422] * 5
    assert [a.status_code for a in sent] == [200, 200, 200, 429]


def test_sends_that_find_the_store_away_together_lengthen_the_wait_once_and_one_tries_it_again(limited_app):
    """Under gevent many sends wait on the store's timeout at once: each one doubling
    the wait took a one-second outage to the 30 s maximum. Past the wait, one send
    tries the store; the others count in memory until it has answered."""
    with limited_app.test_request_context("/"):
        first, second = rate_limits._counters_now(), rate_limits._counters_now()
        assert first[0] is not rate_limits._memory_meanwhile and first[1] == second[1]
        rate_limits._store_found_away(first[1])
        rate_limits._store_found_away(second[1])  # the same round: already said
        assert rate_limits._store_away["backoff"] == 1.0

        rate_limits._store_away["until"] = time.monotonic() - 0.1  # the wait is over
        trying, meanwhile = rate_limits._counters_now(), rate_limits._counters_now()
        assert trying[0] is not rate_limits._memory_meanwhile and meanwhile[0] is rate_limits._memory_meanwhile
        rate_limits._store_found_away(trying[1])  # still away: twice as long
        assert rate_limits._store_away["backoff"] == 2.0
        assert rate_limits._counters_now()[0] is rate_limits._memory_meanwhile


def test_limits_are_counted_shortest_window_first():
    """A phone refused for the minute does not use up its hour, whatever order the setting lists them in."""
    assert [item.get_expiry() for item in rate_limits.parsed("200 per hour; 20 per minute")] == [60, 3600]


def test_while_the_store_is_away_sends_do_not_wait_for_it_each_time(app, database_url, workshop, caplog):
    """A store that accepts and never answers (a Redis host gone away): the first send
    waits for its timeout, then the store is left alone for a while and sends count in
    memory at once, rather than waiting for it on every limit of every send."""
    import logging
    import socket
    import time

    from tests.conftest import base_config, join, new_app, open_first_activity

    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(64)  # the kernel accepts; nobody answers
    away = new_app({**base_config(database_url), "RATELIMIT_ENABLED": True,
                    "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{silent.getsockname()[1]}/0"
                                             "?socket_timeout=0.2&socket_connect_timeout=0.2"})
    open_first_activity(workshop)
    phone = away.test_client()
    join(phone, workshop)
    caplog.set_level(logging.WARNING)

    def sends(app, phone, first: int) -> float:
        began = time.monotonic()
        answers = [phone.post(f"/j/{workshop.join_code}/ideas", data={
            "text": f"Idée {n} : un jardin partagé", "key": f"slow-{n:08d}"}) for n in range(first, first + 5)]
        assert [a.status_code for a in answers] == [200] * 5
        return time.monotonic() - began

    took = sends(away, phone, 0)
    silent.close()
    # The same five sends on an app whose store answers (memory), just as new: what
    # the sends cost on this machine, whatever its speed.
    here = new_app({**base_config(database_url), "RATELIMIT_ENABLED": True})
    other = here.test_client()
    join(other, workshop, nickname="Sam")
    usual = sends(here, other, 100)

    tries = [r for r in caplog.records if "unreachable" in r.getMessage()]
    # One wait of 0.2 s, then memory: waiting on each limit of each send would add 2 s or more.
    assert len(tries) == 1 and took < usual + 1.0, (len(tries), round(took, 2), round(usual, 2))


def test_a_send_the_venue_refuses_does_not_use_the_phones_own_budget(app, database_url, workshop):
    """The venue's budget (per address) is tested before the phone's is counted."""
    from tests.conftest import base_config, join, new_app, open_first_activity

    venue = new_app({**base_config(database_url), "RATELIMIT_ENABLED": True,
                     "IDEA_LIMIT": "5 per minute", "IDEAS_PER_ADDRESS_LIMIT": "1 per minute"})
    open_first_activity(workshop)
    phone = venue.test_client()
    join(phone, workshop)
    answers = [phone.post(f"/j/{workshop.join_code}/ideas",
                          data={"text": f"Idée {n} : un jardin partagé", "key": f"venue-{n:08d}"}).status_code
               for n in range(4)]
    assert answers == [200, 429, 429, 429]
    # The venue's budget raised: the phone still has 4 of its 5, having sent 1.
    venue.config["IDEAS_PER_ADDRESS_LIMIT"] = "1000 per minute"
    more = [phone.post(f"/j/{workshop.join_code}/ideas",
                       data={"text": f"Idée {n} : un jardin partagé", "key": f"more-{n:08d}"}).status_code
            for n in range(5)]
    assert more == [200, 200, 200, 200, 429]


def test_a_flask_limiter_limit_around_a_counted_view_still_counts():
    """`counted` routes skip Flask-Limiter's own check; a view that wraps one (its
    attributes copied by functools.wraps) is not one of them."""
    from flask import Flask

    from workshop.extensions import limiter

    app = Flask(__name__)

    @rate_limits.counted(lambda: "5 per minute", lambda: "phone")
    def inner():
        return "sent"

    outer = limiter.limit("1 per minute")(inner)
    app.add_url_rule("/inner", "inner", inner)
    app.add_url_rule("/outer", "outer", outer)
    with app.test_request_context("/inner"):
        assert rate_limits.counted_here()
    with app.test_request_context("/outer"):
        assert not rate_limits.counted_here()
