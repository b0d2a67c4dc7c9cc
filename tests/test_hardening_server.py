"""Hardening round two (issue 21), against a real gevent server: idle sockets,
silent connections, trickled and oversized bodies."""

from __future__ import annotations

import asyncio
import resource
import socket
import time

import pytest

from tests.live_server import Phone, ServerProcess, facilitator_opens_workshop, prepare_database


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """A server started, as `make run` used to be, under a 1,024 open-file limit."""
    instance = tmp_path_factory.mktemp("hardening-server")
    env = prepare_database(instance)
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (min(1024, hard), hard))
    try:
        running = ServerProcess(env, extra_env={
            "FEATURES_ON_ARRIVAL": "0", "HEADER_TIMEOUT": "3", "BODY_TIMEOUT": "3",
            "MAX_CONNECTIONS_PER_ADDRESS": "300", "MAX_CONTENT_LENGTH": str(8 * 1024 * 1024),
            "WATCH_TIMEOUT": "2",
        }).start()
    finally:
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    yield running
    running.stop()


def idle_sockets(port: int, count: int, source: str) -> list[socket.socket]:
    opened = []
    for _ in range(count):
        sock = socket.socket()
        sock.bind((source, 0))
        sock.settimeout(2)
        try:
            sock.connect(("127.0.0.1", port))
        except OSError:
            sock.close()
            continue
        opened.append(sock)
    return opened


def test_a_client_holding_2000_idle_sockets_does_not_stop_another_from_joining_and_sending(server):
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if hard < 3000:
        pytest.skip("this machine allows too few open files to hold 2,000 sockets")
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    held = idle_sockets(server.port, 2000, "127.0.0.2")
    try:
        async def another_person():
            session, _workshop_id, code = await facilitator_opens_workshop(server.url, "Idle sockets")
            phone = Phone(server.url, code, 1)
            try:
                await asyncio.wait_for(phone.join(), 10)
                return await asyncio.wait_for(phone.send("Un jumelage étudiant·e-employeur"), 10)
            finally:
                await phone.http.close()
                await session.close()

        assert asyncio.run(another_person()) == 200
    finally:
        for sock in held:
            sock.close()
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))


def test_a_silent_connection_is_closed_after_the_header_timeout(server):
    [sock] = idle_sockets(server.port, 1, "127.0.0.4")
    sock.settimeout(20)
    started = time.monotonic()
    assert sock.recv(1024) == b""  # closed by the server
    assert time.monotonic() - started < 6
    sock.close()


def test_a_body_trickled_a_byte_a_second_is_cut_off(server):
    [sock] = idle_sockets(server.port, 1, "127.0.0.5")
    sock.settimeout(20)
    sock.sendall(b"POST /join HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 b"Content-Length: 100\r\n\r\n")
    started, answer = time.monotonic(), b""
    try:
        for _ in range(30):
            sock.sendall(b"a")
            time.sleep(1)
            sock.setblocking(False)
            try:
                answer = sock.recv(4096)
            except BlockingIOError:
                answer = None
            finally:
                sock.setblocking(True)
                sock.settimeout(20)
            if answer is not None:
                break
    except OSError:
        answer = b""  # the server closed it
    assert time.monotonic() - started < 10
    assert answer == b"" or answer.startswith(b"HTTP/1.1 408") or answer.startswith(b"HTTP/1.1 400"), answer[:80]
    sock.close()


def test_an_oversized_body_is_refused_before_it_is_read(server):
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=10)
    sock.sendall(b"POST /login HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                 + f"Content-Length: {200 * 1024 * 1024}\r\n\r\n".encode() + b"a" * 65536)
    answer = sock.recv(4096)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:80]
    sock.close()


async def joined_phone(base: str, title: str) -> tuple[object, Phone]:
    """The facilitator's HTTP session, and a phone that joined the workshop (its cookie says who it is)."""
    session, _workshop_id, code = await facilitator_opens_workshop(base, title)
    phone = Phone(base, code, 1)
    await phone.join()
    return session, phone


def test_a_socket_that_never_watches_a_room_is_closed(server):
    import socketio

    from tests.live_server import cookie_header

    async def connect_and_wait() -> bool:
        session, phone = await joined_phone(server.url, "Never watches")  # a real phone: strangers get no socket at all
        client = socketio.AsyncClient(reconnection=False)
        await client.connect(server.url, headers={"Cookie": cookie_header(phone.http)}, transports=["websocket"])
        try:
            deadline = time.monotonic() + 8
            while client.connected and time.monotonic() < deadline:
                await asyncio.sleep(0.2)
            return client.connected
        finally:
            await client.disconnect()
            await phone.http.close()
            await session.close()

    assert asyncio.run(connect_and_wait()) is False


WEBSOCKET_HANDSHAKE = ("GET /socket.io/?EIO=4&transport=websocket HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                       "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                       "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n{cookie}\r\n")


def handshake_answer(port: int, cookie: str = "") -> bytes:
    sock = socket.create_connection(("127.0.0.1", port), timeout=10)
    try:
        sock.sendall(WEBSOCKET_HANDSHAKE.format(cookie=f"Cookie: {cookie}\r\n" if cookie else "").encode())
        return sock.recv(4096)
    finally:
        sock.close()


def test_a_socket_without_a_session_is_refused_before_the_websocket_upgrade(server):
    import urllib.error
    import urllib.request

    assert handshake_answer(server.port).startswith(b"HTTP/1.1 401")
    with pytest.raises(urllib.error.HTTPError) as polling:
        urllib.request.urlopen(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert polling.value.code == 401
    # A cookie from a page seen without joining (the login form's) says nobody either.
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor())
    opener.open(f"{server.url}/login", timeout=10).read()
    with pytest.raises(urllib.error.HTTPError) as visitor:
        opener.open(f"{server.url}/socket.io/?EIO=4&transport=polling", timeout=10)
    assert visitor.value.code == 401


def test_a_phone_naming_another_workshop_is_refused_and_with_its_own_receives_pushes(server):
    import socketio

    from tests.live_server import CSRF_HEADER, cookie_header

    async def scenario():
        session, phone = await joined_phone(server.url, "Pushes")
        cookie = cookie_header(phone.http)
        assert handshake_answer(server.port, cookie).startswith(b"HTTP/1.1 101")
        anonymous = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await anonymous.connect(server.url, transports=["websocket"],
                                    auth={"workshop": phone.workshop_id, "audience": "phones"})
        wrong = socketio.AsyncClient(reconnection=False)
        with pytest.raises(socketio.exceptions.ConnectionError):
            await wrong.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"],
                                auth={"workshop": phone.workshop_id + 1000, "audience": "phones"})
        received = []
        mine = socketio.AsyncClient(reconnection=False)
        mine.on("swap", lambda message: received.extend(swap["id"] for swap in message["swaps"]))
        room = {"workshop": phone.workshop_id, "audience": "phones", "lang": "fr"}
        try:
            await mine.connect(server.url, headers={"Cookie": cookie}, transports=["websocket"], auth=room)
            assert (await mine.call("watch", room, timeout=10))["ok"]
            async with session.get(f"{server.url}/w/{phone.workshop_id}/control") as response:
                token = CSRF_HEADER.search(await response.text()).group(1)
            async with session.post(f"{server.url}/w/{phone.workshop_id}/timer", data={"minutes": "2"},
                                    headers={"X-CSRFToken": token, "HX-Request": "true"}) as response:
                assert response.status == 200
            deadline = time.monotonic() + 10
            while "timer" not in received and time.monotonic() < deadline:
                await asyncio.sleep(0.1)
            return received
        finally:
            await mine.disconnect()
            await phone.http.close()
            await session.close()

    assert "timer" in asyncio.run(scenario())


def test_a_50000_row_import_leaves_another_user_s_page_answering_within_a_second(server):
    from tests.live_server import create_account, csrf_token, new_http_session

    create_account(server.env, "coordination@example.org", "a long enough password", role="coordinator")
    lines = ["nom;type;secteur;courriel"] + [f"Organisme {n};OBNL;Emploi;c{n}@example.org" for n in range(50_000)]
    body = ("\n".join(lines) + "\n").encode()

    async def measure():
        import aiohttp

        coordinator = new_http_session()
        other = new_http_session()
        try:
            token = await csrf_token(coordinator, f"{server.url}/login")
            await coordinator.post(f"{server.url}/login", data={
                "email": "coordination@example.org", "password": "a long enough password", "csrf_token": token})
            token = await csrf_token(coordinator, f"{server.url}/orphans/organisations")
            form = aiohttp.FormData()
            form.add_field("csrf_token", token)
            form.add_field("file", body, filename="organisations.csv", content_type="text/csv")
            waits, done = [], asyncio.Event()

            async def another_user():
                while not done.is_set():
                    started = time.perf_counter()
                    async with other.get(f"{server.url}/login") as response:
                        await response.read()
                        assert response.status == 200
                    waits.append(time.perf_counter() - started)
                    await asyncio.sleep(0.05)

            watcher = asyncio.create_task(another_user())
            await asyncio.sleep(0.3)
            started = time.perf_counter()
            # The answer sends to the list of every organisation, a page of its own.
            async with coordinator.post(f"{server.url}/orphans/organisations/import", data=form,
                                        allow_redirects=False) as response:
                page = await response.text()
                status = response.status
            took = time.perf_counter() - started
            done.set()
            await watcher
            return status, page, took, max(waits), len(waits)
        finally:
            await coordinator.close()
            await other.close()

    status, page, took, worst, samples = asyncio.run(measure())
    print(f"import of 50,000 rows: {took:.1f} s; another user's worst wait {worst * 1000:.0f} ms over {samples} pages")
    assert status == 303, page[:500]
    # Within a second and a half, or, on a machine slow enough that the import
    # itself takes longer, within 60 % of it: an import that held the server
    # would keep the other page waiting for all of it (`took`).
    assert worst < max(1.5, took * 0.6), (worst, took)
