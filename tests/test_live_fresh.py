"""A phone's first connect skips re-rendering the page it already has, unless
a push went out since the page read the database (workshop/live.py)."""

from __future__ import annotations

import re

from tests.conftest import join, joined_phones, open_first_activity, sql_statements
from workshop import live
from workshop.extensions import socketio

PUSHES = re.compile(r'data-pushes="([0-9a-f]+:\d+)"')


def watch(app, http_client, workshop, pushes=None):
    with app.app_context():
        client = socketio.test_client(app, flask_test_client=http_client)
        room = {"workshop": workshop.id, "audience": "phones", "lang": "fr"}
        if pushes is not None:
            room["pushes"] = pushes
        return client.emit("watch", room, callback=True)


def pushes_on(page) -> str:
    return PUSHES.search(page.get_data(as_text=True)).group(1)


def test_a_room_joining_at_once_needs_no_second_render_of_the_panel(app, workshop, facilitator_client):
    """40 phones join with the question open and nothing pushed between their
    pages and their sockets: every watch says the page is fresh."""
    question = open_first_activity(workshop)
    phones = [app.test_client() for _ in range(40)]
    pages = [join(phone, workshop, nickname=f"P{n}", group_index=n % 3) for n, phone in enumerate(phones)]
    assert all(question.prompt in page.get_data(as_text=True) for page in pages)
    for phone, page in zip(phones, pages, strict=True):
        answer = watch(app, phone, workshop, pushes_on(page))
        assert answer["ok"] and answer["fresh"] is True


def test_a_push_between_the_page_and_the_watch_makes_the_phone_refresh(app, workshop, facilitator_client):
    joined_phones(app, workshop, 39)
    question = open_first_activity(workshop)
    late, early = app.test_client(), app.test_client()
    seen = pushes_on(join(early, workshop, nickname="Tôt"))
    # The facilitator closes the question before this phone's socket watches.
    facilitator_client.post(f"/w/{workshop.id}/activities/{question.id}/close")
    assert watch(app, early, workshop, seen)["fresh"] is False
    # A phone joining after the push has the closed question in its page.
    page = join(late, workshop, nickname="Tard")
    assert "idea-form" not in page.get_data(as_text=True)
    assert watch(app, late, workshop, pushes_on(page))["fresh"] is True
    # Its reload (a GET of the phone page) counts too.
    reload = late.get(f"/j/{workshop.join_code}/phone")
    assert watch(app, late, workshop, pushes_on(reload))["fresh"] is True


def test_a_watch_without_a_count_or_with_a_wrong_one_refreshes(app, workshop, phone):
    assert watch(app, phone, workshop)["fresh"] is False  # a reconnect sends none
    now = live.pushes_so_far("phones")
    process, count = now.split(":")
    assert watch(app, phone, workshop, now)["fresh"] is True
    assert watch(app, phone, workshop, f"{process}:{int(count) + 1}")["fresh"] is False
    # A page kept from an earlier server, whose count was the same: not current.
    assert watch(app, phone, workshop, f"{'0' * len(process)}:{count}")["fresh"] is False
    assert watch(app, phone, workshop, int(count))["fresh"] is False
    assert watch(app, phone, workshop, True)["fresh"] is False


def test_with_several_workers_pages_carry_no_count(app, workshop, phone):
    """Another worker may push: a page cannot know, so every screen refreshes."""
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/0"
    try:
        page = phone.get(f"/j/{workshop.join_code}/phone")
        assert page.status_code == 200 and "data-pushes" not in page.get_data(as_text=True)
        assert live.pushes_so_far("phones") is None
    finally:
        app.config["SOCKETIO_MESSAGE_QUEUE"] = None


def test_projector_and_control_pages_carry_no_count(workshop, facilitator_client):
    for audience in ("projector", "control"):
        page = facilitator_client.get(f"/w/{workshop.id}/{audience}")
        assert page.status_code == 200 and "data-pushes" not in page.get_data(as_text=True)


def test_a_handshake_asks_who_the_phone_is_once(app, workshop, phone, monkeypatch):
    """Before the upgrade, at the Engine.IO handshake and at the Socket.IO
    connect, one WebSocket handshake asks who it is three times, on one environ:
    the database is asked once."""
    from werkzeug.test import EnvironBuilder

    asked = []
    original = live._says_who
    monkeypatch.setattr(live, "_says_who", lambda: asked.append(1) or original())
    name = app.config["SESSION_COOKIE_NAME"]
    environ = EnvironBuilder(path="/socket.io/", headers={"Cookie": f"{name}={phone.get_cookie(name, domain='workshop.test').value}"}).get_environ()
    assert live.handshake_says_who(app, environ) and live.handshake_says_who(app, environ)
    with app.request_context(environ):
        assert live.says_who_it_is()
    assert asked == [1]
    stranger = EnvironBuilder(path="/socket.io/").get_environ()
    assert not live.handshake_says_who(app, stranger) and not live.handshake_says_who(app, stranger)
    assert asked == [1, 1]


def watches_after_connect(app, phone, room, watches):
    """A socket connected naming `room` (as live.js does), then each of
    `watches` emitted in turn: [(answer, SQL statements it ran)]."""
    answers = []
    with app.app_context():
        client = socketio.test_client(app, flask_test_client=phone, auth=room)
        assert client.is_connected()
        with sql_statements() as seen:
            for watched in watches:
                before = len(seen)
                answers.append((client.emit("watch", watched, callback=True), len(seen) - before))
    return answers


def test_the_watch_after_its_connect_is_not_checked_twice_but_any_other_is(app, workshop, phone):
    """live.js connects naming its room (auth, checked) and watches that room at
    once: the watch reads nothing more. A second watch, or a watch of another
    room, is checked again (a phone may not watch the projector)."""
    room = {"workshop": workshop.id, "audience": "phones", "lang": "fr"}
    (first, read_first), (again, read_again), (projector, _) = watches_after_connect(
        app, phone, room, [room, room, {**room, "audience": "projector"}])
    assert first["ok"] and again["ok"]
    assert read_first == 0 and read_again >= 1
    assert projector == {"ok": False, "error": "forbidden"}


def test_a_watch_long_after_its_connect_is_checked(app, workshop, phone, monkeypatch):
    """The connect's check is trusted only for a watch that follows at once
    (live.js watches as soon as it is connected); later, someone may have been
    removed, so the room is checked again."""
    monkeypatch.setattr(live, "MAY_WATCH_FOR", 0.0)
    room = {"workshop": workshop.id, "audience": "phones", "lang": "fr"}
    [(answer, read)] = watches_after_connect(app, phone, room, [room])
    assert answer["ok"] and read >= 1
