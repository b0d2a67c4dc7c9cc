"""The phone page is rendered once per room and filled in per phone
(workshop/participants/phone_pages.py): each phone still gets its own name and
its own working CSRF token, and a change the phones are told of shows at once."""

from __future__ import annotations

import re
from contextlib import contextmanager

import pytest
from flask import template_rendered

from tests.conftest import base_config, is_phone_page, new_app, open_first_activity, round_on_screen
from workshop.extensions import db
from workshop.participants.models import Participant

HEADER_TOKEN = re.compile(r'"X-CSRFToken": "([^"]+)"')
FORM_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
WHO = re.compile(r'<span class="who">([^<]*)</span>')


@pytest.fixture
def csrf_app(app, database_url):
    return new_app({**base_config(database_url), "WTF_CSRF_ENABLED": True})


@contextmanager
def phone_pages_rendered(app):
    rendered: list[str] = []

    def count(_sender, template, context, **_extra):
        if template.name == "participants/phone.html":
            rendered.append(template.name)

    template_rendered.connect(count, app)
    try:
        yield rendered
    finally:
        template_rendered.disconnect(count, app)


def join_with_token(app, workshop, nickname, group):
    phone = app.test_client()
    form = phone.get(f"/j/{workshop.join_code}").get_data(as_text=True)
    answer = phone.post(f"/j/{workshop.join_code}", data={
        "nickname": nickname, "group": group.id, "csrf_token": FORM_TOKEN.search(form).group(1)})
    assert is_phone_page(answer, workshop), answer.status_code
    return phone, answer.get_data(as_text=True)


@pytest.fixture
def vote_on_screen(workshop):
    """A 60-item round on screen, from a question with 60 ideas of 40 people."""
    people = [Participant(workshop_id=workshop.id, nickname=f"P{n}") for n in range(40)]
    db.session.add_all(people)
    db.session.commit()
    return round_on_screen(workshop, people)


def test_a_room_joining_renders_the_phone_page_once_and_each_phone_gets_its_own(csrf_app, workshop,
                                                                               vote_on_screen):
    """40 phones join during a vote: one render, and each page names its own
    person and carries its own session's token, which works for a ballot."""
    groups = workshop.groups
    with phone_pages_rendered(csrf_app) as rendered:
        joined = [join_with_token(csrf_app, workshop, f"Personne {n}", groups[n % 3]) for n in range(40)]
    assert len(rendered) == 1
    names = [WHO.search(page).group(1) for _phone, page in joined]
    assert names == [f"Personne {n} · {groups[n % 3].name}" for n in range(40)]
    tokens = {HEADER_TOKEN.search(page).group(1) for _phone, page in joined}
    assert len(tokens) == 40  # one per session, never a neighbour's
    for _phone, page in joined:
        token = HEADER_TOKEN.search(page).group(1)
        assert all(found == token for found in FORM_TOKEN.findall(page))  # the leave and language forms too
        assert f"/rounds/{vote_on_screen.id}/ballot" in page
    phone, page = joined[7]
    item = vote_on_screen.items[0]
    ballot = phone.post(f"/j/{workshop.join_code}/rounds/{vote_on_screen.id}/ballot",
                        data={"project": item.project_id, "seq": "1"},
                        headers={"X-CSRFToken": HEADER_TOKEN.search(page).group(1), "HX-Request": "true"})
    assert ballot.status_code == 200
    stranger = joined[8][0].post(f"/j/{workshop.join_code}/rounds/{vote_on_screen.id}/ballot",
                                 data={"project": item.project_id, "seq": "1"},
                                 headers={"X-CSRFToken": HEADER_TOKEN.search(page).group(1), "HX-Request": "true"})
    assert stranger.status_code == 400  # phone 7's token is no good on phone 8


def test_a_name_is_escaped_in_the_shared_page(app, workshop):
    phone = app.test_client()
    page = phone.post(f"/j/{workshop.join_code}", data={"nickname": "<b>Zoé</b> & co",
                                                         "group": workshop.groups[0].id}).get_data(as_text=True)
    assert "&lt;b&gt;Zoé&lt;/b&gt; &amp; co" in WHO.search(page).group(1)
    assert "<b>Zoé" not in page
    anonymous = app.test_client().post(f"/j/{workshop.join_code}", data={"nickname": "",
                                                                          "group": workshop.groups[1].id})
    assert WHO.search(anonymous.get_data(as_text=True)).group(1).startswith("anonyme · ")


def test_what_the_phones_are_told_of_shows_to_the_next_phone(app, workshop, facilitator_client):
    """The facilitator closes the question (a push to the phones): the next
    phone's page shows it closed, without waiting for anything."""
    question = open_first_activity(workshop)
    first = app.test_client().post(f"/j/{workshop.join_code}", data={"nickname": "A", "group": workshop.groups[0].id})
    assert "idea-form" in first.get_data(as_text=True)
    facilitator_client.post(f"/w/{workshop.id}/activities/{question.id}/close")
    later = app.test_client().post(f"/j/{workshop.join_code}", data={"nickname": "B", "group": workshop.groups[0].id})
    assert "idea-form" not in later.get_data(as_text=True)


def test_the_workshop_title_changed_without_a_push_still_shows(app, workshop):
    """The key holds the workshop's own columns: a change that forgot its push shows."""
    open_first_activity(workshop)
    with phone_pages_rendered(app) as rendered:
        app.test_client().post(f"/j/{workshop.join_code}", data={"nickname": "A", "group": workshop.groups[0].id})
        workshop.title = "Atelier renommé"
        db.session.commit()
        page = app.test_client().post(f"/j/{workshop.join_code}", data={"nickname": "B",
                                                                          "group": workshop.groups[0].id})
    assert "Atelier renommé" in page.get_data(as_text=True) and len(rendered) == 2


def test_each_language_has_its_own_page(app, workshop):
    open_first_activity(workshop)
    french = app.test_client()
    english = app.test_client()
    english.post("/lang/en", data={"next": "/"})
    with phone_pages_rendered(app) as rendered:
        fr_page = french.post(f"/j/{workshop.join_code}", data={"nickname": "A", "group": workshop.groups[0].id})
        en_page = english.post(f"/j/{workshop.join_code}", data={"nickname": "B", "group": workshop.groups[0].id})
    assert len(rendered) == 2
    assert 'lang="fr"' in fr_page.get_data(as_text=True)[:200]
    assert 'lang="en"' in en_page.get_data(as_text=True)[:200]


def test_with_several_workers_every_page_is_rendered(app, workshop):
    """No push count with a message queue (another worker may push): no shared page."""
    open_first_activity(workshop)
    app.config["SOCKETIO_MESSAGE_QUEUE"] = "redis://127.0.0.1:6379/0"
    try:
        with phone_pages_rendered(app) as rendered:
            for n in range(3):
                app.test_client().post(f"/j/{workshop.join_code}", data={"nickname": f"P{n}",
                                                                          "group": workshop.groups[0].id})
    finally:
        app.config["SOCKETIO_MESSAGE_QUEUE"] = None
    assert len(rendered) == 3


@pytest.fixture
def cells_with_names(app, workshop, facilitator_client):
    """A cells sign-up showing members' nicknames, 30 phones in, "Zorglub" in a cell."""
    from tests.conftest import added_activity, joined_phones, opened
    from workshop.cells.models import CellSignup
    from workshop.voting.models import Project

    db.session.add_all([Project(workshop_id=workshop.id, title=title, status="priority")
                        for title in ("Jumelage", "Logement", "Français")])
    db.session.commit()
    joined_phones(app, workshop, 30)
    signup = added_activity(facilitator_client, workshop, "cells",
                            {"mode": "first_come", "capacity": "3", "show_nicknames": "1"}, CellSignup)
    opened(facilitator_client, workshop, signup)
    zorglub = app.test_client()
    zorglub.post(f"/j/{workshop.join_code}", data={"nickname": "Zorglub", "group": workshop.groups[0].id})
    signed = zorglub.post(f"/j/{workshop.join_code}/cells/{signup.id}/join", data={"cell": signup.cells[0].id})
    assert signed.status_code == 200
    return zorglub


def join_page(app, workshop, nickname):
    return app.test_client().post(f"/j/{workshop.join_code}", data={
        "nickname": nickname, "group": workshop.groups[1].id}).get_data(as_text=True)


def test_an_erased_name_leaves_the_page_kept_for_the_room(app, workshop, facilitator_client, cells_with_names):
    """Law 25: once the facilitator erases a person, no phone page shows the name,
    neither a new phone's nor a reload, though the room's page was kept with it."""
    seen_before = app.test_client()
    assert "Zorglub" in seen_before.post(f"/j/{workshop.join_code}", data={
        "nickname": "Bea", "group": workshop.groups[1].id}).get_data(as_text=True)
    assert "Zorglub" in join_page(app, workshop, "Cid")  # the kept page
    zorglub = db.session.query(Participant).filter_by(nickname="Zorglub").one()
    erased = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": zorglub.id, "name": "Zorglub", "action": "erase", "confirm": "1"})
    assert erased.status_code == 200
    assert "Zorglub" not in join_page(app, workshop, "Dan")
    assert "Zorglub" not in seen_before.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)


def test_someone_back_under_another_name_shows_under_it(app, workshop, cells_with_names):
    assert "Zorglub" in join_page(app, workshop, "Bea")
    cells_with_names.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    cells_with_names.post(f"/j/{workshop.join_code}", data={"nickname": "Zed", "group": workshop.groups[0].id})
    page = join_page(app, workshop, "Cid")
    assert "Zed" in page and "Zorglub" not in page


def test_joins_arriving_while_the_page_renders_wait_for_it(app, workshop):
    """On PostgreSQL the first render's reads let other joins in: they wait for
    that render rather than render the same page again."""
    import threading
    import time

    from workshop.participants import phone_pages

    started, release = threading.Event(), threading.Event()
    renders: list[int] = []

    def slow_render(**_personal):
        renders.append(1)
        started.set()
        release.wait(5)
        return f"<p>{phone_pages.WHO_MARK} {phone_pages.CSRF_MARK}</p>"

    key, answers = ("room", 1), []

    def join():
        with app.app_context():
            answers.append(phone_pages._shared(key, slow_render))

    first = threading.Thread(target=join)
    first.start()
    assert started.wait(5)
    others = [threading.Thread(target=join) for _ in range(5)]
    for other in others:
        other.start()
    time.sleep(0.3)  # the others are in by now
    release.set()
    for thread in [first, *others]:
        thread.join(5)
    assert len(answers) == 6 and len(set(answers)) == 1
    assert renders == [1]
