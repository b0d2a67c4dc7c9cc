"""Socket.IO: who may watch which room, and what each screen is pushed."""

import pytest

from tests.conftest import join, make_workshop, open_first_activity
from workshop.extensions import socketio
from workshop.ideas import pushes as ideas_pushes


def socket_for(app, http_client, auth=None):
    # Its own app context, like every real connection (see IsolatedClient).
    with app.app_context():
        return socketio.test_client(app, flask_test_client=http_client, auth=auth)


def emit(app, client, *args):
    with app.app_context():
        return client.emit(*args, callback=True)


def watcher(app, http_client, workshop, audience, lang="fr"):
    client = socket_for(app, http_client)
    answer = emit(app, client, "watch", {"workshop": workshop.id, "audience": audience, "lang": lang})
    return client, answer


def watching_screens(app, facilitator_client, phone, workshop):
    """The projector, the control view and the phones' room watching, what they
    were sent on arrival read: (projector, control, phones)."""
    screens = (watcher(app, facilitator_client, workshop, "projector")[0],
               watcher(app, facilitator_client, workshop, "control")[0],
               watcher(app, phone, workshop, "phones")[0])
    for client in screens:
        client.get_received()
    return screens


def swaps(client):
    return [swap for message in client.get_received() if message["name"] == "swap"
            for swap in message["args"][0]["swaps"]]


def send(phone, workshop, text, key):
    response = phone.post(f"/j/{workshop.join_code}/ideas", data={"text": text, "key": key})
    assert response.status_code == 200, response.data
    return response


@pytest.mark.parametrize("audience", ["projector", "control"])
def test_facilitator_rooms_refuse_everyone_else(app, workshop, facilitator_client, outsiders, audience):
    assert not socket_for(app, outsiders["anonymous"]).is_connected()  # no session: no socket at all
    for http_client in (outsiders["participant"], outsiders["other facilitator"]):
        client, answer = watcher(app, http_client, workshop, audience)
        assert answer == {"ok": False, "error": "forbidden"}
    _, answer = watcher(app, facilitator_client, workshop, audience)
    assert answer["ok"] is True


def test_phone_room_is_for_this_workshops_participants(app, workshop, facilitator, phone):
    other_workshop = make_workshop(facilitator, title="Other")
    stranger = app.test_client()
    join(stranger, other_workshop)
    assert watcher(app, phone, workshop, "phones")[1]["ok"] is True
    assert watcher(app, stranger, workshop, "phones")[1] == {"ok": False, "error": "forbidden"}
    assert not socket_for(app, app.test_client()).is_connected()


def test_a_socket_says_who_it_is_or_is_refused(app, workshop, facilitator, facilitator_client, phone):
    """The session says who; the handshake's auth (live.js sends it) says which room."""
    other_workshop = make_workshop(facilitator, title="Other")
    stranger = app.test_client()
    join(stranger, other_workshop)
    room = {"workshop": workshop.id, "audience": "phones", "lang": "fr"}
    assert not socket_for(app, app.test_client()).is_connected()  # anonymous, no auth
    assert not socket_for(app, app.test_client(), auth=room).is_connected()  # anonymous naming a room
    assert not socket_for(app, stranger, auth=room).is_connected()  # a phone of another workshop
    assert not socket_for(app, phone, auth={**room, "workshop": 999_999}).is_connected()  # a wrong workshop
    assert not socket_for(app, phone, auth={**room, "audience": "control"}).is_connected()
    mine = socket_for(app, phone, auth=room)
    assert mine.is_connected()
    assert emit(app, mine, "watch", room)["ok"] is True
    mine.get_received()
    facilitator_client.post(f"/w/{workshop.id}/timer", data={"minutes": "2"})
    assert [s for s in swaps(mine) if s["id"] == "timer"]


def test_a_phone_that_left_gets_no_socket(app, workshop, phone):
    phone.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    assert not socket_for(app, phone, auth={"workshop": workshop.id, "audience": "phones"}).is_connected()


@pytest.mark.parametrize("payload", [None, "x", {"workshop": "abc"}, {"workshop": 1, "audience": "admin"}])
def test_malformed_watch_requests_are_refused(app, facilitator_client, workshop, payload):
    answer = emit(app, socket_for(app, facilitator_client), "watch", payload)
    assert answer["ok"] is False


def test_a_new_idea_reaches_projector_and_control_but_not_phones(app, workshop, facilitator_client, phone):
    open_first_activity(workshop)
    projector, control, other_phone = watching_screens(app, facilitator_client, phone, workshop)
    send(phone, workshop, "Un café-rencontre employeurs", "k-000000001")
    [on_projector] = swaps(projector)
    assert on_projector["op"] == "upsert" and on_projector["parent"] == "#wall"
    assert "Un café-rencontre employeurs" in on_projector["html"]
    assert "idea-select" not in on_projector["html"]  # no moderation on the projector
    [on_control] = swaps(control)
    assert "idea-select" in on_control["html"] and "Alex" in on_control["html"]
    assert swaps(other_phone) == []


def test_one_process_renders_only_for_rooms_someone_watches(app, workshop, facilitator_client, phone, monkeypatch):
    from workshop import live

    open_first_activity(workshop)
    projector, _ = watcher(app, facilitator_client, workshop, "projector", lang="en")
    projector.get_received()
    rendered = []
    card = ideas_pushes.idea_card
    monkeypatch.setattr(ideas_pushes, "idea_card", lambda idea, audience: rendered.append(audience) or card(idea, audience))
    send(phone, workshop, "A welcome desk", "k-000000001")
    assert rendered == ["projector"]  # no control screen, no French projector: nothing else rendered
    assert "A welcome desk" in swaps(projector)[0]["html"]
    with app.app_context():
        screens = live.rooms_with_screens()
        assert live.room(workshop.id, "projector", "en") in screens
        assert live.room(workshop.id, "projector", "fr") not in screens
        assert live.room(workshop.id, "control", "en") not in screens
    # A message queue that is not Redis cannot say what other workers' screens
    # watch: every room is rendered (tests/test_scale_out.py covers Redis).
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "amqp://elsewhere"
    with app.app_context():
        assert live.rooms_with_screens() is None
    app.config["SOCKETIO_MESSAGE_QUEUE"] = None


def test_a_resend_is_not_pushed_twice(app, workshop, facilitator_client, phone):
    open_first_activity(workshop)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    send(phone, workshop, "Once", "k-000000001")
    send(phone, workshop, "Once", "k-000000001")
    assert len(swaps(projector)) == 1


def frames(client):
    """The swap frames a screen received, each as the (operation, id) it swaps."""
    return [[(swap["op"], swap["id"]) for swap in message["args"][0]["swaps"]]
            for message in client.get_received() if message["name"] == "swap"]


def test_a_burst_of_ideas_reaches_the_projector_in_one_frame_a_window_and_a_calm_room_at_once(
        app, workshop, facilitator_client, phone, monkeypatch):
    """Past BURST_RATE ideas a second (in this second or the last), a room gets the
    ideas of a window in one frame, in the order they came; a moderation sends what
    was held first, so a hidden idea does not come back; a calm room gets each idea
    as it is stored."""
    from workshop import live
    from workshop.extensions import db, socketio
    from workshop.ideas.models import Idea

    app.config.update(BURST_RATE=3, BURST_WINDOW=0.3)
    clock = {"second": 7}  # every send in the second said, however slow the machine
    monkeypatch.setattr(live, "_this_second", lambda: clock["second"])
    monkeypatch.setattr(live, "_arrivals", {})  # the process's counts: another test's workshop had this id
    monkeypatch.setattr(live, "_held", {})
    open_first_activity(workshop)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    control, _ = watcher(app, facilitator_client, workshop, "control")
    projector.get_received(), control.get_received()
    for n in range(8):
        send(phone, workshop, f"Idée {n} : une navette le soir", f"burst-{n:04d}")
    ids = [f"idea-{i.id}" for i in db.session.query(Idea).order_by(Idea.id)]
    calm = [[("upsert", ids[0])], [("upsert", ids[1])]]  # the room was calm: at once
    assert frames(projector) == calm and frames(control) == calm
    socketio.sleep(0.5)
    burst = [[("upsert", i) for i in ids[2:8]]]  # the rest of the burst: one frame, in order
    assert frames(projector) == burst and frames(control) == burst

    clock["second"] = 8  # the last second's rate still makes it a burst
    send(phone, workshop, "Idée 8 : un guichet unique", "burst-0008")
    held = f"idea-{db.session.query(Idea).order_by(Idea.id.desc()).first().id}"
    assert frames(projector) == []
    facilitator_client.post(f"/w/{workshop.id}/ideas/{held.split('-')[1]}/hide")
    received = [message["args"][0] for message in projector.get_received() if message["name"] == "swap"]
    assert [[(swap["op"], swap["id"]) for swap in message["swaps"]] for message in received] == [
        [("upsert", held)], [("remove", held)]]  # not the other way round
    # Stamped when it was read, not when the window closed: static/js/live.js drops
    # a swap read before what a screen shows, and would drop the removal.
    assert received[0]["swaps"][0]["at"] <= received[1]["server_now"] <= received[0]["server_now"]
    socketio.sleep(0.5)
    assert frames(projector) == []

    clock["second"] = 10  # a calm second after a calm one: at once again
    send(phone, workshop, "Idée 9 : un calendrier partagé", "burst-0009")
    assert [op for [(op, _id)] in frames(projector)] == ["upsert"]


def test_the_acting_control_view_gets_the_stage_once_by_its_answer(app, workshop, facilitator_client, phone):
    """A merge answers the acting control view with the new stage; the push of
    the same change reaches the other screens, not the actor's own socket."""
    from workshop.extensions import db, socketio
    from workshop.ideas.models import Idea

    open_first_activity(workshop)
    for n in range(60):
        send(phone, workshop, f"Idea {n} about welcoming students", f"k-{n:09d}")
    acting, _ = watcher(app, facilitator_client, workshop, "control")
    other_control, _ = watcher(app, facilitator_client, workshop, "control")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    for client in (acting, other_control, projector):
        client.get_received()
    first, second = db.session.query(Idea).order_by(Idea.id).limit(2).all()
    sid = socketio.server.manager.sid_from_eio_sid(acting.eio_sid, "/")
    answer = facilitator_client.post(f"/w/{workshop.id}/ideas/merge", data={"idea": [str(first.id), str(second.id)]},
                                     headers={"X-Socket-Id": sid})
    assert answer.status_code == 200 and 'id="stage"' in answer.get_data(as_text=True)
    assert [s["id"] for s in swaps(acting)] == []
    assert [s["id"] for s in swaps(other_control)] == ["stage"]
    assert [s["id"] for s in swaps(projector)] == ["stage"]
    # A phone cannot hold back another screen's push: only a signed-in facilitator's header counts.
    from workshop import live

    with app.test_request_context(headers={"X-Socket-Id": sid}):
        assert live.acting_socket() is None


def test_hiding_removes_from_projector_and_marks_on_control(app, workshop, facilitator_client, phone):
    open_first_activity(workshop)
    send(phone, workshop, "Hide me", "k-000000001")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    control, _ = watcher(app, facilitator_client, workshop, "control")
    projector.get_received(), control.get_received()
    from workshop.extensions import db
    from workshop.ideas.models import Idea

    idea = db.session.query(Idea).one()
    facilitator_client.post(f"/w/{workshop.id}/ideas/{idea.id}/hide")
    assert swaps(projector) == [{"op": "remove", "id": f"idea-{idea.id}"}]
    [on_control] = swaps(control)
    assert "is-hidden" in on_control["html"]
    facilitator_client.post(f"/w/{workshop.id}/ideas/{idea.id}/restore")
    [back] = swaps(projector)
    assert back["op"] == "upsert" and "Hide me" in back["html"]


def test_opening_and_closing_switch_every_phone_in_its_language(app, workshop, facilitator_client):
    french, english = app.test_client(), app.test_client()
    join(french, workshop, "Fr")
    join(english, workshop, "En")
    fr_socket, _ = watcher(app, french, workshop, "phones", "fr")
    en_socket, _ = watcher(app, english, workshop, "phones", "en")
    activity = workshop.activities[0]
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/open")
    fr_panel = [s for s in swaps(fr_socket) if s["id"] == "activity-panel"][0]["html"]
    en_panel = [s for s in swaps(en_socket) if s["id"] == "activity-panel"][0]["html"]
    assert activity.prompt in fr_panel and "idea-form" in fr_panel
    assert "Envoyer mon idée" in fr_panel and "Send my idea" in en_panel
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/close")
    closed = [s for s in swaps(fr_socket) if s["id"] == "activity-panel"][0]["html"]
    assert "idea-form" not in closed and "fermée" in closed


def test_a_second_control_view_sees_which_activity_is_open(app, facilitator, facilitator_client):
    """Two control views (a co-facilitator's laptop): one opens the next question,
    the other's agenda says so at once, and its buttons act on what is really open."""
    workshop = make_workshop(facilitator, prompts=("Quels freins ?", "Quelles idées ?", "Qui peut agir ?"))
    first, second = workshop.activities[0], workshop.activities[1]
    facilitator_client.post(f"/w/{workshop.id}/activities/{first.id}/open")
    other_laptop, _ = watcher(app, facilitator_client, workshop, "control")
    other_laptop.get_received()
    facilitator_client.post(f"/w/{workshop.id}/activities/{second.id}/open")
    pushed = {s["id"]: s["html"] for s in swaps(other_laptop)}
    assert set(pushed) >= {"stage", "agenda"}
    agenda = pushed["agenda"]
    assert f"/activities/{second.id}/close" in agenda  # open now: its button closes it
    assert f"/activities/{first.id}/open" in agenda and f"/activities/{first.id}/close" not in agenda  # closed


def test_the_timer_is_pushed_with_the_server_end_time(app, workshop, facilitator_client, phone):
    phone_socket, _ = watcher(app, phone, workshop, "phones")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    facilitator_client.post(f"/w/{workshop.id}/timer", data={"minutes": "2"})
    from workshop.extensions import db
    from workshop.templating import epoch_ms

    db.session.refresh(workshop)
    ends = str(epoch_ms(workshop.timer_ends_at))
    for client in (phone_socket, projector):
        [timer] = [s for s in swaps(client) if s["id"] == "timer"]
        assert f'data-ends-at="{ends}"' in timer["html"]


def test_a_new_participant_updates_the_count(app, workshop, facilitator_client):
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    join(app.test_client(), workshop)
    join(app.test_client(), workshop)
    counts = [s["html"] for s in swaps(projector) if s["id"] == "participant-count"]
    assert '<span class="count-number">2</span>' in counts[-1]


def test_a_screen_that_reconnects_sees_what_it_missed(app, workshop, facilitator_client, phone):
    open_first_activity(workshop)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.disconnect()
    send(phone, workshop, "Sent while the projector was away", "k-000000001")
    projector, answer = watcher(app, facilitator_client, workshop, "projector")
    assert answer["ok"]
    # live.js re-renders from this URL after every (re)connection.
    state = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert "Sent while the projector was away" in state
    assert 'id="timer"' in state and 'id="participant-count"' in state


def test_a_phone_that_reconnects_gets_the_current_panel(app, workshop, facilitator_client, phone):
    activity = open_first_activity(workshop)
    send(phone, workshop, "Mine", "k-000000001")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/close")
    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert "idea-form" not in panel and "fermée" in panel
    assert "Mine" in phone.get(f"/j/{workshop.join_code}/mine").get_data(as_text=True)


def test_a_pushed_stage_keeps_each_screens_own_cards(app, workshop, facilitator_client, phone):
    activity = open_first_activity(workshop)
    send(phone, workshop, "Une idée", "k-000000001")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    control, _ = watcher(app, facilitator_client, workshop, "control")
    facilitator_client.post(f"/w/{workshop.id}/activities/{activity.id}/close")
    [on_control] = [s for s in swaps(control) if s["id"] == "stage"]
    [on_projector] = [s for s in swaps(projector) if s["id"] == "stage"]
    assert "idea-select" in on_control["html"] and "Masquer" in on_control["html"]
    assert "idea-select" not in on_projector["html"]


def test_a_phone_back_from_offline_redraws_the_timer_from_the_server(app, workshop, facilitator_client):
    """A phone away while the timer stopped shows no countdown once back; one
    away while a timer started shows it (live.js swaps #timer from /panel)."""
    from tests.conftest import joined_phones
    from workshop.extensions import db
    from workshop.templating import epoch_ms

    phones = joined_phones(app, workshop, 40)
    open_first_activity(workshop)
    facilitator_client.post(f"/w/{workshop.id}/timer", data={"minutes": "3"})
    for phone in phones:
        state = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
        assert 'id="timer"' in state and "data-ends-at" in state and 'id="activity-panel"' in state
    # Phone 5 drops off; the timer is stopped meanwhile; it comes back and re-renders.
    facilitator_client.post(f"/w/{workshop.id}/timer", data={})
    state = phones[5].get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert 'id="timer"' in state and "data-ends-at" not in state and "is-idle" in state
    # Phone 6 drops off; a 5-minute timer starts meanwhile: back, it counts to the server's end.
    facilitator_client.post(f"/w/{workshop.id}/timer", data={"minutes": "5"})
    db.session.expire_all()
    db.session.refresh(workshop)
    state = phones[6].get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert f'data-ends-at="{epoch_ms(workshop.timer_ends_at)}"' in state


def test_a_phone_that_leaves_and_comes_back_wears_its_hat_again_on_the_big_screens(app, workshop, facilitator_client):
    import re

    from tests.conftest import joined_phones
    from workshop.extensions import db
    from workshop.hats.logic import create, take_hat
    from workshop.participants.models import Participant

    phones = joined_phones(app, workshop, 40)
    create(workshop, ["Un programme de jumelage étudiant·e–employeur"], [], "balanced")
    hats_activity = [a for a in workshop.activities if a.kind == "hats"][0]
    facilitator_client.post(f"/w/{workshop.id}/activities/{hats_activity.id}/open")
    leaving = db.session.query(Participant).filter_by(nickname="P0").one()
    hat, _late = take_hat(hats_activity.hats, leaving)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()

    def worn():
        [html] = [s["html"] for s in swaps(projector) if s["id"] == f"hat-wearers-{hat}"]
        return int(re.search(r"\d+", html).group())

    phones[0].post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    while_away = worn()
    join(phones[0], workshop, nickname="P0")
    assert worn() == while_away + 1
    assert phones[0].post(f"/j/{workshop.join_code}/hats/{hats_activity.hats.id}/mine").status_code == 200
    assert f'name="hat" value="{hat}"' in phones[0].post(
        f"/j/{workshop.join_code}/hats/{hats_activity.hats.id}/mine").get_data(as_text=True)


def test_an_answer_and_a_refresh_say_when_the_server_began_to_read_them(facilitator_client, workshop):
    """static/js/live.js drops a push read before what a screen shows: answers carry that time."""
    import time

    before = int(time.time() * 1000)
    refresh = facilitator_client.get(f"/w/{workshop.id}/stage/control", headers={"HX-Request": "true"})
    after = int(time.time() * 1000)
    assert refresh.status_code == 200
    assert before <= int(refresh.headers["X-Server-Now"]) <= after
    page = facilitator_client.get(f"/w/{workshop.id}/control")  # a whole page: no push can be older than it
    assert page.status_code == 200 and "X-Server-Now" not in page.headers
