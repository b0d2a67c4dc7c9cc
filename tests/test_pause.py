"""A break (workshop/pause): added from the control view's form, shown on every
screen through the real routes, listed by the report and kept by the archive."""

from __future__ import annotations

import re

import pytest
from flask_babel import force_locale
from sqlalchemy import select

from tests.conftest import base_config, join, make_user, new_app, sign_in
from tests.test_reports import export, upload
from workshop import kinds
from workshop.extensions import db
from workshop.pause import logic
from workshop.workshops.models import Activity

MESSAGE = "Pause café — retour à 10 h 30"
NNBSP = "\u202f"  # french_spacing ties ":" to its word
SHOWN = "Pause café — retour à 10\u00a0h\u00a030"  # its time kept on one line of the screens


def add(client, workshop, message, **headers):
    return client.post(f"/w/{workshop.id}/pause", data={"message": message}, headers=headers)


def breaks(workshop_id: int) -> list[Activity]:
    db.session.expire_all()
    return list(db.session.scalars(select(Activity).where(Activity.workshop_id == workshop_id,
                                                          Activity.kind == logic.KEY).order_by(Activity.id)))


def opened_break(facilitator_client, workshop, message=MESSAGE) -> Activity:
    assert add(facilitator_client, workshop, message).status_code == 200
    pause = breaks(workshop.id)[-1]
    response = facilitator_client.post(f"/w/{workshop.id}/activities/{pause.id}/open")
    assert response.status_code == 200
    return pause


# --- adding it ------------------------------------------------------------------------------

def test_the_facilitator_adds_a_break_at_the_end_of_the_agenda(app, facilitator_client, workshop):
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert 'id="new-pause-form"' in control and "Ajouter une pause" in control
    assert f'hx-post="/w/{workshop.id}/pause"' in control

    agenda = add(facilitator_client, workshop, f"  {MESSAGE}  ").get_data(as_text=True)
    assert f"Pause{NNBSP}: {MESSAGE}" in agenda  # the agenda's name: "Break: <message>", in French
    [pause] = breaks(workshop.id)
    assert pause.prompt == MESSAGE and pause.state == "pending"
    assert pause.position > max(a.position for a in pause.workshop.activities if a.id != pause.id)

    # Empty: just "Break"; the message's spaces are those of one line.
    assert add(facilitator_client, workshop, "   ").status_code == 200
    assert add(facilitator_client, workshop, "Retour   à\n11 h").status_code == 200
    plain, spaced = breaks(workshop.id)[1:]
    assert logic.message_of(plain) == "" and logic.message_of(spaced) == "Retour à 11 h"
    facilitator_client.post("/lang/en", data={"next": "/"})
    agenda = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert f"Break: {MESSAGE}" in agenda and '<span class="agenda-prompt">Break</span>' in agenda


def test_a_message_too_long_comes_back_in_the_form_with_why(app, facilitator_client, workshop):
    assert add(facilitator_client, workshop, "x" * logic.MAX_MESSAGE_LENGTH).status_code == 200  # 120: fine
    typed = "Pause café, puis " + "y" * logic.MAX_MESSAGE_LENGTH
    response = add(facilitator_client, workshop, typed, **{"HX-Request": "true"})
    assert response.status_code == 422
    assert response.headers["HX-Retarget"] == "#new-pause-form" and response.headers["HX-Reswap"] == "outerHTML"
    form = response.get_data(as_text=True)
    assert 'id="new-pause-form"' in form
    assert '<details class="new-round" open>' in form  # open, where the facilitator typed
    assert f'value="{typed}"' in form and 'aria-invalid="true"' in form
    assert 'id="pause-message-error"' in form and "120 caractères au plus" in form
    assert len(breaks(workshop.id)) == 1  # nothing stored


def test_the_form_s_limit_is_the_one_the_break_is_checked_against(app, facilitator_client, workshop, monkeypatch):
    monkeypatch.setattr(logic, "MAX_MESSAGE_LENGTH", 80)
    page = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    form = page[page.index('id="new-pause-form"'):]
    assert 'maxlength="80"' in form and "80 caractères au plus" in form
    refused = add(facilitator_client, workshop, "z" * 81, **{"HX-Request": "true"}).get_data(as_text=True)
    assert 'maxlength="80"' in refused and "80 caractères au plus" in refused
    assert breaks(workshop.id) == []


def test_only_the_workshop_s_facilitators_add_a_break(app, workshop):
    assert add(app.test_client(), workshop, MESSAGE).status_code in (302, 401)  # signed out
    make_user("other@example.org")
    stranger = app.test_client()
    sign_in(stranger, "other@example.org")
    assert add(stranger, workshop, MESSAGE).status_code == 403
    assert breaks(workshop.id) == []


def test_adding_a_break_needs_the_page_s_csrf_token(app, database_url, workshop):
    csrf_app = new_app({**base_config(database_url), "WTF_CSRF_ENABLED": True})
    client = csrf_app.test_client()
    login = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', login).group(1)
    client.post("/login", data={"email": "facilitator@example.org", "password": "a long enough password",
                                "csrf_token": token})
    page = client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    header_token = re.search(r'"X-CSRFToken": "([^"]+)"', page).group(1)
    assert add(client, workshop, MESSAGE).status_code == 400
    assert breaks(workshop.id) == []
    assert add(client, workshop, MESSAGE, **{"X-CSRFToken": header_token}).status_code == 200
    assert len(breaks(workshop.id)) == 1


# --- on screen ------------------------------------------------------------------------------

def test_an_open_break_shows_its_message_on_the_projector_the_control_view_and_phones(
        app, facilitator_client, workshop):
    phone = app.test_client()
    join(phone, workshop)
    opened_break(facilitator_client, workshop)

    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert '<h1 class="prompt">Pause</h1>' in projector
    assert f'<p class="prompt pause-message" lang="fr">{SHOWN}</p>' in projector
    assert workshop.join_code in projector and "Rien à envoyer depuis vos téléphones" in projector
    stage = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert SHOWN in stage

    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert f'<h2 lang="fr">Pause{NNBSP}: {MESSAGE}</h2>' in control
    assert f'<p class="notice pause-preview" lang="fr">{SHOWN}</p>' in control
    assert "Fermer" in control  # the agenda's usual controls

    page = phone.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)
    assert f'<h1 id="activity-title" class="phone-prompt" lang="fr">{SHOWN}</h1>' in page
    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert "rien ne peut être envoyé" in panel and "<form" not in panel  # nothing to send
    assert f'data-announce="Pause : {MESSAGE}"' in panel

    pause = breaks(workshop.id)[-1]
    facilitator_client.post(f"/w/{workshop.id}/activities/{pause.id}/close")
    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert "La pause est terminée" in panel and 'data-announce="La pause est terminée."' in panel


def test_a_break_without_a_message_is_called_break_everywhere(app, facilitator_client, workshop):
    phone = app.test_client()
    join(phone, workshop)
    opened_break(facilitator_client, workshop, "")
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert '<h1 class="prompt">Pause</h1>' in projector and "pause-plain" in projector
    assert "pause-message" not in projector.split('<section id="stage"')[1]
    panel = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert '<h1 id="activity-title" class="phone-prompt">Pause</h1>' in panel


# --- the report and the archive -------------------------------------------------------------

def test_the_report_lists_the_break_by_its_name(app, facilitator_client, workshop):
    add(facilitator_client, workshop, MESSAGE)
    add(facilitator_client, workshop, "")
    facilitator_client.post("/lang/en", data={"next": "/"})
    report = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    # The badge names the kind; the words beside it are the message alone, not "Break: …" again.
    assert re.search(rf'<span class="badge">Break</span>\s*{MESSAGE}\s*<span class="muted">', report)
    assert "Break: " not in report
    # A plain break: the badge alone names it.
    assert re.search(r'<span class="badge">Break</span>\s*<span class="muted">', report)


@pytest.mark.parametrize("message", [MESSAGE, ""])
def test_a_break_s_message_survives_an_export_and_an_import(app, facilitator_client, workshop, message):
    from workshop.reports.archive import round_trip_view

    opened_break(facilitator_client, workshop, message)
    first = export(facilitator_client, workshop.id)
    [entry] = [a for a in first["activities"] if a["kind"] == logic.KEY]
    assert entry["state"] == "open"
    response = upload(facilitator_client, first)
    assert response.status_code == 302, response.get_data(as_text=True)
    new_id = int(re.search(r"/w/(\d+)/report", response.headers["Location"]).group(1))
    [restored] = breaks(new_id)
    assert logic.message_of(restored) == message and restored.state == "open"
    with app.test_request_context(), force_locale("en"):
        assert kinds.kind_of(restored).label(restored) == (f"Break: {message}" if message else "Break")
    assert round_trip_view(export(facilitator_client, new_id)) == round_trip_view(first)


def test_a_break_in_a_full_room_reaches_every_phone_and_the_question_comes_back_whole(
        app, facilitator_client, workshop):
    """A session's size: 40 phones, 60 ideas on the question. The break takes every
    phone's panel (no idea form, an idea sent meanwhile is refused, nothing is
    stored) and the question opened again after it has its 60 ideas."""
    from tests.conftest import joined_phones, open_first_activity
    from workshop.ideas import logic as ideas
    from workshop.ideas.models import Idea
    from workshop.participants.models import Participant

    phones = joined_phones(app, workshop, 40)
    people = Participant.query.filter_by(workshop_id=workshop.id).all()
    question = open_first_activity(workshop)
    for n in range(60):
        ideas.submit_idea(people[n % len(people)], question, f"Idée numéro {n} pour accueillir", f"key-{n:08d}")
    question_id, code = question.id, workshop.join_code
    opened_break(facilitator_client, workshop)

    for phone in phones:
        panel = phone.get(f"/j/{code}/panel").get_data(as_text=True)
        assert SHOWN in panel and 'name="text"' not in panel
    late = phones[0].post(f"/j/{code}/ideas", data={"text": "Pendant la pause", "key": "late-idea-0001",
                                                     "activity": question_id}, headers={"HX-Request": "true"})
    assert late.status_code == 422
    assert db.session.scalar(select(db.func.count(Idea.id)).where(Idea.activity_id == question_id)) == 60

    assert facilitator_client.post(f"/w/{workshop.id}/activities/{question_id}/open").status_code == 200
    panel = phones[-1].get(f"/j/{code}/panel").get_data(as_text=True)
    assert 'name="text"' in panel  # the idea form again
    stage = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert "Idée numéro 59 pour accueillir" in stage and SHOWN not in stage
