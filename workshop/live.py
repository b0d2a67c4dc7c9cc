"""Live pushes over Socket.IO.

Clients send one event, `watch`, to subscribe to a workshop's room for their
audience and language; every command goes over HTTP. Each change is rendered
once per room (audience × language) and broadcast as a list of swaps that the
small client in static/js/live.js applies.
"""

from __future__ import annotations

import logging
import re
import time
import uuid
from collections.abc import Callable, Iterable
from threading import Lock

from flask import current_app, g, render_template, request
from flask_babel import force_locale
from flask_login import current_user
from flask_socketio import join_room
from sqlalchemy import select

from workshop import kinds, snapshot
from workshop.extensions import db, socketio
from workshop.i18n import LANGUAGES
from workshop.participants import logic as participants
from workshop.workshops.logic import can_facilitate
from workshop.workshops.models import Workshop

log = logging.getLogger(__name__)

def _server():
    """python-socketio's server, which Flask-SocketIO sets at init_app (its stubs do not say so)."""
    return socketio.server  # type: ignore[attr-defined]


def _sid() -> str:
    """The socket of the event being handled, which Flask-SocketIO puts on the request."""
    return request.sid  # type: ignore[attr-defined]


def _the_app():
    """The app itself, not the proxy: background tasks outlive the request."""
    return current_app._get_current_object()  # type: ignore[attr-defined]


AUDIENCES = ("projector", "control", "phones")
FACILITATOR_AUDIENCES = ("projector", "control")


def room(workshop_id: int, audience: str, lang: str) -> str:
    return f"workshop:{workshop_id}:{audience}:{lang}"


def server_now_ms() -> int:
    return int(time.time() * 1000)


def stamp_answers(app) -> None:
    """Every htmx answer (and a screen's refresh) says when the server began to
    read it, as pushes do with server_now: static/js/live.js then never shows
    a push read earlier over it."""

    @app.before_request
    def _note_read_time():
        if request.headers.get("HX-Request"):
            g.read_at = server_now_ms()

    @app.after_request
    def _say_read_time(response):
        read_at = g.get("read_at")
        if read_at is not None:
            response.headers["X-Server-Now"] = str(read_at)
        return response


def may_watch(workshop: Workshop, audience: str) -> bool:
    """Projector and control rooms carry moderation: facilitators only."""
    if audience in FACILITATOR_AUDIENCES:
        return can_facilitate(current_user, workshop)
    if audience == "phones":
        return participants.current(workshop) is not None
    return False


# --- who may hold a socket ---------------------------------------------------------
# A socket costs a file descriptor and memory for as long as it stays. An
# address holds at most SOCKETS_PER_ADDRESS (this computer's own excepted: a
# proxy or a benchmark); a socket that has not watched a room within
# WATCH_TIMEOUT seconds is closed. A stranger (a session that says nobody)
# gets no socket at all: its handshake is refused.

_sockets_by_address: dict[str, set[str]] = {}


def _address() -> str:
    return request.remote_addr or ""


def _capped(address: str) -> bool:
    return address not in ("127.0.0.1", "::1", "::ffff:127.0.0.1", "")


_SAYS_WHO = "workshop.says_who"
_MAY_WATCH = "workshop.may_watch"  # (workshop id, audience, when) the connect allowed


def says_who_it_is() -> bool:
    """A signed-in account, or a phone that joined a workshop and has not left:
    the session cookie is the identity every route trusts, the socket's too.

    Asked three times of one WebSocket handshake (before the upgrade, at the
    Engine.IO handshake, at the Socket.IO connect), all on the same request
    environ: answered once and kept there until the Socket.IO connect, the last
    of the three, uses it (a joining phone's socket asked three times before).
    `watch` checks the room itself."""
    known = request.environ.get(_SAYS_WHO)
    if known is None:
        known = request.environ[_SAYS_WHO] = _says_who()
    return known


def _says_who() -> bool:
    from flask import session

    from workshop.participants.models import Participant

    if current_user.is_authenticated:
        return True
    joined = [pid for pid in (session.get(participants.SESSION_KEY) or {}).values() if isinstance(pid, int)]
    return bool(joined) and db.session.scalar(
        select(Participant.id).where(Participant.id.in_(joined), Participant.left_at.is_(None)).limit(1)) is not None


def handshake_says_who(app, environ) -> bool:
    known = environ.get(_SAYS_WHO)
    if known is not None:  # asked before on this handshake: no request context to build again
        return known
    with app.request_context(environ):
        return says_who_it_is()


def guard_handshake(app) -> None:
    """Refuse the Engine.IO handshake of a client whose cookie says nobody (an
    HTTP 401, before any polling session or Socket.IO connection is made): a
    stranger never holds a socket, nor makes the server keep one for
    WATCH_TIMEOUT. The WebSocket upgrade itself is refused earlier, in
    workshop/serve.py. Called once per app, after socketio.init_app."""
    eio = _server().eio
    let_in = eio.handlers["connect"]  # python-socketio's own: it keeps the environ for the namespace

    def handshake(eio_sid, environ):
        return let_in(eio_sid, environ) if handshake_says_who(app, environ) else False

    eio.on("connect", handshake)


def named_room(data) -> tuple[int, str, str] | None:
    """(workshop id, audience, language) from {workshop, audience, lang}, or None when malformed."""
    if not isinstance(data, dict):
        return None
    try:
        workshop_id = int(data["workshop"])
    except (KeyError, TypeError, ValueError):
        return None
    if not 0 < workshop_id < 2**63:  # past any id the database holds (SQLite refuses to bind it)
        return None
    audience, lang = data.get("audience"), data.get("lang")
    return workshop_id, audience if isinstance(audience, str) else "", lang if lang in LANGUAGES else "fr"


def may_watch_named(data) -> bool:
    named = named_room(data)
    if named is None:
        return False
    workshop = db.session.get(Workshop, named[0])
    return workshop is not None and may_watch(workshop, named[1])


@socketio.on("connect")
def connect(auth=None):
    """The handshake says who it is (the session) and, from live.js, which
    room it will watch (auth): a phone naming another workshop's room, or a
    client without a session (the test client skips the Engine.IO guard), is
    refused here. Clients without auth are told apart at `watch`."""
    from socketio.exceptions import ConnectionRefusedError

    who = says_who_it_is()
    # The last of the handshake's three asks: a later connect on this session asks again.
    request.environ.pop(_SAYS_WHO, None)
    if not who:
        raise ConnectionRefusedError("unauthorized")
    if auth is not None:
        named = named_room(auth)
        if named is None or not may_watch_named(auth):
            raise ConnectionRefusedError("forbidden")
        # What live.js watches next is this room: checked now, not again (see watch).
        request.environ[_MAY_WATCH] = (*named[:2], time.monotonic())
    address = _address()
    mine = _sockets_by_address.setdefault(address, set())
    if _capped(address) and len(mine) >= current_app.config["SOCKETS_PER_ADDRESS"]:
        return False
    mine.add(_sid())
    socketio.start_background_task(_close_if_not_watching, _the_app(),
                                   _sid(), current_app.config["WATCH_TIMEOUT"])
    return True


@socketio.on("disconnect")
def disconnect(*_reason):

    address = _address()
    mine = _sockets_by_address.get(address)
    if mine is not None:
        mine.discard(_sid())
        if not mine:
            _sockets_by_address.pop(address, None)


def _close_if_not_watching(app, sid: str, after: float) -> None:
    socketio.sleep(after)  # type: ignore[arg-type]  # seconds, a float as gevent takes
    rooms = _server().manager.get_rooms(sid, "/") if _server().manager.is_connected(sid, "/") else None
    if rooms is not None and not any(isinstance(r, str) and r.startswith("workshop:") for r in rooms):
        with app.app_context():
            _server().disconnect(sid, namespace="/")


# --- what a page already shows ---------------------------------------------------
# A screen that connects re-renders its live elements from the database
# (live.js), in case a push went out between its page's render and its
# socket's watch. When a room joins at once, that was the same phone panel
# rendered a second time for every phone. So a page carries how many pushes
# its audience had had before the page read the database, and the watch says
# whether any went out since: if none, the page is the database's state and
# the first refresh is skipped. Pushes are counted after their change is
# committed (broadcast runs after the commit), so a page counted before its
# first read either shows a change or sees its push counted. Counted in this
# process only: with several workers a push may come from another, so pages
# carry no count there and every screen refreshes, as before.

_pushes: dict[str, int] = {}


def pushes_so_far(audience: str) -> str | None:
    """The pushes `audience` has had in this process, for a page about to read
    the database: "<process>:<count>", so that a page kept from an earlier
    server (restarted since, its count back at 0) is never taken for current.
    None with several workers (the page then always refreshes)."""
    if current_app.config["SOCKETIO_MESSAGE_QUEUE"]:
        return None
    return f"{WORKER}:{_pushes.get(audience, 0)}"


def _count_pushes(audiences: Iterable[str]) -> None:
    for audience in audiences:
        _pushes[audience] = _pushes.get(audience, 0) + 1


def nothing_pushed_since(audience: str, seen: object) -> bool:
    """True when the page that saw `seen` (pushes_so_far) has missed no push."""
    now = pushes_so_far(audience)
    return now is not None and seen == now


MAY_WATCH_FOR = 2.0  # seconds: live.js watches as soon as it is connected


def _allowed_at_connect(workshop_id: int, audience: str) -> bool:
    """The connect checked this very room a moment ago (once: a later or second
    watch is checked again, as someone may have been removed since)."""
    allowed = request.environ.pop(_MAY_WATCH, None)
    return (allowed is not None and allowed[:2] == (workshop_id, audience)
            and time.monotonic() - allowed[2] < MAY_WATCH_FOR)


@socketio.on("watch")
def watch(data=None):  # a client may send the event bare
    named = named_room(data)
    if named is None:
        return {"ok": False, "error": "bad_request"}
    workshop_id, audience, lang = named
    # The room the connect was allowed a moment ago, once; any other watch is checked.
    if not _allowed_at_connect(workshop_id, audience):
        workshop = db.session.get(Workshop, workshop_id)
        if workshop is None or not may_watch(workshop, audience):
            return {"ok": False, "error": "forbidden"}
    join_room(room(workshop_id, audience, lang))
    global _app
    _app = _the_app()
    share_rooms()  # before the answer: from now on every worker renders for this room
    return {"ok": True, "server_now": server_now_ms(),
            "fresh": nothing_pushed_since(audience, data.get("pushes"))}


# --- which rooms have screens -------------------------------------------------
# Most rooms are empty (a French session has no English projector), and
# rendering for nobody was a good part of each idea's cost. One process knows
# its own sockets' rooms. With a message queue, each worker also keeps its
# rooms in a Redis hash (worker -> rooms, with the time written), when a screen
# watches and every WATCHED_ROOMS_REFRESH seconds, and a broadcast renders
# for the rooms of every worker heard from lately. A room a screen has left
# may still be rendered for a while; a room with a screen is never skipped.
# Until the hash is 1.5 refreshes old (Redis restarted: some workers have
# not written theirs again yet), or when Redis cannot say, every room counts.

ROOMS_KEY = "workshop:rooms-with-screens"
_SINCE = "_since"
WORKER = uuid.uuid4().hex  # this process
_refreshing = False


def local_rooms() -> set[str]:
    rooms = _server().manager.rooms.get("/", {})
    return {name for name, members in rooms.items() if isinstance(name, str)
            and name.startswith("workshop:") and members}


class Screens:
    """The rooms with a screen: this worker's own, looked up one by one, and
    those other workers shared. Scanning every socket's rooms on each broadcast
    (each phone's socket is a room of its own) grew with the room's phones."""

    def __init__(self, shared: Iterable[str] = ()):
        self.shared = frozenset(shared)

    def __contains__(self, name: object) -> bool:
        return name in self.shared or bool(_server().manager.rooms.get("/", {}).get(name))


def _rooms_store():
    """The Redis of the message queue, or None when there is no queue (or not Redis)."""
    url = current_app.config["SOCKETIO_MESSAGE_QUEUE"]
    if not url or not url.startswith(("redis://", "rediss://", "unix://")):
        return None
    store = current_app.extensions.get("rooms_store")
    if store is None:
        import redis

        store = current_app.extensions["rooms_store"] = redis.Redis.from_url(
            url, socket_timeout=1, socket_connect_timeout=1)
    return store


_sharing = Lock()  # one write at a time: an older list written last would hide a newer room


def share_rooms() -> None:
    """Write this worker's rooms to Redis (several workers only)."""
    global _refreshing
    store = _rooms_store()
    if store is None:
        return
    with _sharing:  # the list is made inside: what is written last is the newest
        try:
            now = time.time()
            with store.pipeline() as pipe:
                pipe.hsetnx(ROOMS_KEY, _SINCE, now)
                pipe.hset(ROOMS_KEY, WORKER, f"{now} " + " ".join(sorted(local_rooms())))
                pipe.execute()
        except Exception:  # noqa: BLE001 - Redis away: broadcasts render every room meanwhile
            log.warning("could not share this worker's rooms", exc_info=True)
    if not _refreshing:
        _refreshing = True
        socketio.start_background_task(_share_rooms_forever, _the_app())


def _share_rooms_forever(app) -> None:
    while True:
        socketio.sleep(app.config["WATCHED_ROOMS_REFRESH"])
        try:
            with app.app_context():
                share_rooms()
        except Exception:  # noqa: BLE001 - never stop refreshing: other workers would skip our rooms
            log.exception("sharing this worker's rooms failed")


def rooms_with_screens() -> Screens | None:
    """The rooms someone may be watching; None when it cannot be known (render all)."""
    if not current_app.config["SOCKETIO_MESSAGE_QUEUE"]:
        return Screens()
    store = _rooms_store()
    if store is None:
        return None
    try:
        shared = store.hgetall(ROOMS_KEY)
    except Exception:  # noqa: BLE001
        log.warning("could not read the rooms with screens", exc_info=True)
        return None
    refresh = current_app.config["WATCHED_ROOMS_REFRESH"]
    now = time.time()
    since = shared.pop(_SINCE.encode(), None)
    if since is None or now - float(since) < 1.5 * refresh:
        return None
    rooms: set[str] = set()  # and this worker's own screens, whatever Redis holds (Screens)
    for value in shared.values():
        written, *names = value.decode().split(" ")
        if now - float(written) < 6 * refresh:  # older: a worker that is gone
            rooms.update(names)
    return Screens(rooms)


# --- pushes lost while the message queue was away --------------------------------
# With several workers, a push travels through Redis. While Redis is away, a
# worker stores and acknowledges ideas but its pushes go nowhere, and the
# other workers' screens, whose own sockets never dropped, would never learn
# of them. So when a worker's subscription comes back after a loss, it
# re-renders every screen it holds from the database (once per room, as any
# broadcast), and it retries every half second to two seconds, not up to a
# minute: a venue's Redis restart costs seconds, not the rest of the session.

_app = None  # the app, for work started outside any request (set when a screen watches)


def resync_local_screens() -> None:
    """Every room with a screen on this worker gets its live elements again."""
    if _app is None:
        return
    with _app.test_request_context("/"):
        by_workshop: dict[int, list[tuple[str, str]]] = {}
        for name in local_rooms():
            _prefix, workshop_id, audience, lang = name.split(":")
            by_workshop.setdefault(int(workshop_id), []).append((audience, lang))
        _count_pushes(AUDIENCES)
        for workshop_id, rooms in by_workshop.items():
            workshop = db.session.get(Workshop, workshop_id)
            if workshop is None:
                continue
            for audience, lang in rooms:
                now = server_now_ms()  # before reading: a screen drops a push read before what it shows
                with force_locale(lang):
                    swaps = live_state(workshop, audience)
                # This worker's own sockets only: the others resync themselves.
                _server().emit("swap", {"swaps": swaps, "server_now": now},
                                     to=room(workshop_id, audience, lang), namespace="/", ignore_queue=True)
        db.session.remove()
    log.warning("message queue back: re-rendered %d workshops' screens on this worker", len(by_workshop))


def live_state(workshop: Workshop, audience: str) -> list[Swap]:
    """What a reconnecting screen re-renders (as live.js's refresh), as swaps."""
    from workshop.workshops.logic import participant_count

    timer = replace("timer", render_template("workshops/_timer.html", workshop=workshop))
    if audience == "phones":
        return [replace("activity-panel", render_template("participants/_activity_panel.html", workshop=workshop,
                                                          **kinds.stage_context(workshop, audience))),
                timer]
    return [replace("stage", render_template(f"workshops/_{audience}_stage.html", workshop=workshop,
                                             **kinds.stage_context(workshop, audience))), timer,
            replace("participant-count", render_template("workshops/_participant_count.html",
                                                         count=participant_count(workshop)))]


def _resyncing_redis_manager():
    import socketio as socketio_package

    class ResyncingRedisManager(socketio_package.RedisManager):
        def _redis_listen_with_retries(self):  # pragma: no cover - exercised by tests/test_scale_out.py
            retry_sleep, subscribed, lost = 0.5, False, False
            while True:
                try:
                    if not subscribed:
                        self._redis_connect()
                        self.pubsub.subscribe(self.channel)
                        subscribed, retry_sleep = True, 0.5
                        if lost:
                            lost = False
                            self.server.start_background_task(resync_local_screens)
                    yield from self.pubsub.listen()
                except Exception as exc:  # noqa: BLE001 - Redis away: try again shortly
                    log.error("message queue lost (%s): retrying in %.1f s", exc, retry_sleep)
                    subscribed, lost = False, True
                    time.sleep(retry_sleep)
                    retry_sleep = min(retry_sleep * 2, 2)

    return ResyncingRedisManager


try:
    import socketio as _socketio_package

    # Flask-SocketIO makes its Redis message queue from this name.
    if not getattr(_socketio_package.RedisManager, "_resyncs", False):
        _socketio_package.RedisManager = _resyncing_redis_manager()
        _socketio_package.RedisManager._resyncs = True
except ImportError:  # pragma: no cover
    pass


# --- broadcasting ----------------------------------------------------------

Swap = dict
Render = Callable[[str], list[Swap]]


def broadcast(workshop_id: int, audiences: Iterable[str], render: Render, skip: str | None = None,
              arrival: bool = False, read_at: int | None = None) -> None:
    """Render the swaps once per (audience, language) room and emit them (not
    to the socket `skip`, whose screen has them already). `arrival`: one of
    many of its kind (an idea sent): in a burst, held a moment and sent with
    the others in one frame per room (`in_burst`). `read_at`: when the caller
    read what it renders, if before this call (static/js/live.js drops a push
    read before what a screen shows: the time must not be later than the reads)."""
    now, audiences = (server_now_ms() if read_at is None else read_at), tuple(audiences)
    _count_pushes(audiences)  # whether or not a room has a screen yet: a page may be on its way
    screens = rooms_with_screens()
    send = _hold if arrival and skip is None and in_burst(workshop_id) else _send
    with snapshot.one_change():  # one tally (and so on) for every room, not one per room
        for audience in audiences:
            for lang in LANGUAGES:
                name = room(workshop_id, audience, lang)
                if screens is not None and name not in screens:
                    continue
                with force_locale(lang):
                    swaps = render(audience)
                if swaps:
                    send(name, swaps, now, skip)


def _send(name: str, swaps: list[Swap], now: int, skip: str | None = None) -> None:
    if name in _held:  # what was held goes first: a hidden idea must not come back after its removal
        _send_held(name)
    socketio.emit("swap", {"swaps": swaps, "server_now": now}, to=name, skip_sid=skip)


# --- bursts -----------------------------------------------------------------
# Calm, an idea is pushed as it is stored. In a burst (BURST_RATE ideas a
# second or more on one workshop, in this second or the last), each push would
# cost every room a frame (and every screen in it a write) per idea: the swaps
# are held for BURST_WINDOW seconds at most, then each room gets them all in
# one frame. The projector shows an idea a few hundredths of a second later,
# and a burst costs a fraction of the frames. A reconnecting screen renders
# from the database, so nothing held is lost to it.
_held: dict[str, list[Swap]] = {}  # room -> swaps waiting for the end of the window
_arrivals: dict[int, tuple[int, int, int]] = {}  # workshop -> (second, arrivals in it, in the one before)


def _this_second() -> int:
    return int(time.monotonic())


def in_burst(workshop_id: int) -> bool:
    """Counts one arrival; whether the workshop's rate makes it a burst."""
    rate = current_app.config.get("BURST_RATE", 300)
    if not rate:
        return False
    second = _this_second()
    at, count, before = _arrivals.get(workshop_id, (second, 0, 0))
    if at != second:
        count, before = 0, (count if at == second - 1 else 0)
    _arrivals[workshop_id] = (second, count + 1, before)
    return max(count + 1, before) >= rate


def _hold(name: str, swaps: list[Swap], now: int, _skip: str | None = None) -> None:
    for swap in swaps:  # when each was read, not when the window ends (static/js/live.js drops what is older)
        swap["at"] = now
    held = _held.get(name)
    if held is not None:
        held.extend(swaps)
        return
    _held[name] = list(swaps)
    socketio.start_background_task(_send_after, name, current_app.config.get("BURST_WINDOW", 0.02))


def _send_after(name: str, window: float) -> None:
    socketio.sleep(window)  # type: ignore[arg-type]  # seconds, a float as gevent takes
    _send_held(name)


def _send_held(name: str) -> None:
    swaps = _held.pop(name, None)
    if swaps:
        socketio.emit("swap", {"swaps": swaps, "server_now": server_now_ms()}, to=name)


def replace(element_id: str, html: str) -> Swap:
    return {"op": "replace", "id": element_id, "html": html}


def upsert(element_id: str, parent: str, html: str, first: bool = False) -> Swap:
    """Replace the element, or add it to `parent`: last, or `first` (the projector lists newest first)."""
    swap: Swap = {"op": "upsert", "id": element_id, "parent": parent, "html": html}
    if first:
        swap["first"] = True
    return swap


def remove(element_id: str) -> Swap:
    return {"op": "remove", "id": element_id}


def stage_changed(workshop: Workshop, audiences: Iterable[str] = AUDIENCES, skip: str | None = None,
                  agenda: bool = False) -> None:
    """Another activity opened or closed (or its content changed): screens switch.
    `agenda`: the agenda changed too (an activity opened, closed or shown), and
    every control view (a co-facilitator's laptop, a second tab) gets it, not
    only the one that acted, which has it in its answer."""

    def render(audience: str) -> list[Swap]:
        if audience == "phones":
            return [replace("activity-panel", render_template(
                "participants/_activity_panel.html", workshop=workshop, **kinds.stage_context(workshop, audience)))]
        stage = [replace("stage", render_template(
            f"workshops/_{audience}_stage.html", workshop=workshop, **kinds.stage_context(workshop, audience)))]
        if agenda and audience == "control":
            stage.append(replace("agenda", render_template("workshops/_agenda.html", workshop=workshop)))
        return stage

    broadcast(workshop.id, audiences, render, skip)


def stage_answer(workshop: Workshop, audiences: Iterable[str] = AUDIENCES) -> str:
    """What a facilitator's command on the stage answers: the control stage,
    for the acting control view; every other screen gets the change by push,
    but not the actor's own socket, which would get the same #stage twice."""
    with snapshot.one_change():  # the answer is the control rooms' stage: built once for both
        stage_changed(workshop, audiences, skip=acting_socket())
        return render_template("workshops/_control_stage.html", workshop=workshop,
                               **kinds.stage_context(workshop, "control"))


_SOCKET_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")


def acting_socket() -> str | None:
    """The socket of the screen that sent this request (static/js/live.js says
    it in X-Socket-Id), for a signed-in facilitator only: skipping a socket
    holds back a push, which no one else may ask for."""
    sid = request.headers.get("X-Socket-Id", "")
    if not (current_user.is_authenticated and _SOCKET_ID.fullmatch(sid)):
        return None
    return sid


def timer_changed(workshop: Workshop) -> None:
    now = server_now_ms()
    html = render_template("workshops/_timer.html", workshop=workshop)
    # The countdown has no words, so one render serves every room.
    broadcast(workshop.id, AUDIENCES, lambda _audience: [replace("timer", html)], read_at=now)


def count_changed(workshop: Workshop, count: int, read_at: int | None = None) -> None:
    """The head count on the big screens; `read_at`: when `count` was read."""
    def render(_audience: str) -> list[Swap]:
        return [replace("participant-count", render_template(
            "workshops/_participant_count.html", count=count))]

    broadcast(workshop.id, FACILITATOR_AUDIENCES, render, read_at=read_at)


# Ballots and hats arrive by the hundred: some screens are re-rendered at most
# every RESULTS_PUSH_INTERVAL seconds per subject (per process), not per event
# (features push through `coalesced`).
_pending: set[tuple] = set()


def coalesced(key: tuple, push: Callable[[], None]) -> None:
    """Run `push` now in tests (interval 0), else once after the interval, however
    many times it was asked for meanwhile; it reads the database when it runs."""
    interval = current_app.config.get("RESULTS_PUSH_INTERVAL", 0.5)
    if not interval:
        push()
        return
    if key in _pending:
        return
    _pending.add(key)
    socketio.start_background_task(_push_later, _the_app(), key, push, interval)


def _push_later(app, key: tuple, push: Callable[[], None], interval: float) -> None:
    socketio.sleep(interval)  # type: ignore[arg-type]  # seconds, a float as gevent takes
    _pending.discard(key)
    with app.test_request_context("/"):
        push()
