import re
from datetime import timedelta

import pytest

from tests.conftest import make_user, make_workshop, sign_in
from workshop.extensions import db
from workshop.workshops import logic
from workshop.workshops.models import Workshop


def test_create_workshop_from_the_form(facilitator_client, facilitator):
    form = facilitator_client.get("/workshops/new").get_data(as_text=True)
    assert "Employeur / entreprise" in form  # the default groups, ready to edit
    response = facilitator_client.post("/workshops/new", data={
        "title": "Forum régional", "language": "en",
        "groups": "Student\n\nEmployer\n", "prompts": "First question?\nSecond question?",
    })
    assert response.status_code == 302
    workshop = db.session.query(Workshop).one()
    assert workshop.owner_id == facilitator.id and workshop.language == "en"
    assert [g.name for g in workshop.groups] == ["Student", "Employer"]
    assert [a.prompt for a in workshop.activities] == ["First question?", "Second question?"]
    assert all(a.state == "pending" for a in workshop.activities)


def test_a_workshop_needs_a_prompt(facilitator_client):
    response = facilitator_client.post("/workshops/new", data={"title": "T", "language": "fr", "prompts": "  \n "})
    assert response.status_code == 200
    assert db.session.query(Workshop).count() == 0


def test_join_codes_are_unambiguous_and_unique(app, facilitator):
    codes = {make_workshop(facilitator).join_code for _ in range(20)}
    assert len(codes) == 20
    for code in codes:
        assert len(code) == logic.JOIN_CODE_LENGTH
        assert set(code) <= set(logic.JOIN_CODE_ALPHABET)
        assert not set(code) & set("01ILO")


def test_a_code_typed_loosely_still_finds_the_workshop(workshop):
    loose = workshop.join_code.lower()[:3] + " - " + workshop.join_code.lower()[3:]
    assert logic.find_by_code(loose).id == workshop.id


def test_opening_an_activity_closes_the_other(facilitator):
    workshop = make_workshop(facilitator, prompts=("One?", "Two?"))
    first, second = workshop.activities
    logic.open_activity(workshop, first)
    logic.open_activity(workshop, second)
    assert (first.state, second.state) == ("closed", "open")
    assert workshop.current_activity_id == second.id


def test_timer_end_is_held_by_the_server(workshop):
    before = logic.utcnow()
    ends = logic.start_timer(workshop, 5)
    assert timedelta(minutes=4, seconds=59) < ends - before < timedelta(minutes=5, seconds=1)
    with pytest.raises(logic.WorkshopRejected):
        logic.start_timer(workshop, 0)
    logic.stop_timer(workshop)
    assert workshop.timer_ends_at is None


def test_the_next_question_does_not_inherit_the_last_ones_countdown(facilitator):
    """A timer set for question 1 stops when question 2 is opened (which closes
    question 1), as a close stops it; one set before anything is open, or
    re-opening the same question, keeps it."""
    workshop = make_workshop(facilitator, prompts=("Pourquoi rester en région ?", "Comment mieux accueillir ?"))
    first, second = workshop.activities
    logic.start_timer(workshop, 5)
    logic.open_activity(workshop, first)
    assert workshop.timer_ends_at is not None  # set for the question about to open
    logic.open_activity(workshop, first)
    assert workshop.timer_ends_at is not None
    logic.open_activity(workshop, second)
    assert workshop.timer_ends_at is None
    logic.start_timer(workshop, 3)
    logic.close_activity(workshop, second)
    assert workshop.timer_ends_at is None


def test_control_and_projector_show_the_join_code(facilitator_client, workshop):
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert workshop.join_code in control and workshop.join_code in projector
    assert "<svg" in projector  # the QR code, drawn on the server


def test_timer_route_validates_minutes(facilitator_client, workshop):
    assert facilitator_client.post(f"/w/{workshop.id}/timer", data={"minutes": "900"}).status_code == 422
    assert facilitator_client.post(f"/w/{workshop.id}/timer", data={"minutes": "3"}).status_code == 200
    db.session.refresh(workshop)
    assert workshop.timer_ends_at is not None


# --- every facilitator action, refused to everyone else ----------------------

def facilitator_actions(workshop):
    activity = workshop.activities[0]
    return [
        ("get", f"/w/{workshop.id}/control", None),
        ("get", f"/w/{workshop.id}/projector", None),
        ("get", f"/w/{workshop.id}/stage/projector", None),
        ("get", f"/w/{workshop.id}/stage/control", None),
        ("post", f"/w/{workshop.id}/activities/{activity.id}/open", None),
        ("post", f"/w/{workshop.id}/activities/{activity.id}/close", None),
        ("post", f"/w/{workshop.id}/timer", {"minutes": "5"}),
        ("post", f"/w/{workshop.id}/timer", {}),
    ]


def idea_actions(workshop, idea_id, other_id):
    return [
        ("post", f"/w/{workshop.id}/ideas/{idea_id}/hide", None),
        ("post", f"/w/{workshop.id}/ideas/{idea_id}/restore", None),
        ("get", f"/w/{workshop.id}/ideas/{idea_id}/edit", None),
        ("post", f"/w/{workshop.id}/ideas/{idea_id}/edit", {"text": "defaced"}),
        ("get", f"/w/{workshop.id}/ideas/{idea_id}", None),
        ("post", f"/w/{workshop.id}/ideas/merge", {"idea": [idea_id, other_id]}),
    ]


def test_every_facilitator_action_is_refused_to_others(app, workshop, outsiders):
    from workshop.ideas.logic import submit_idea
    from workshop.participants.models import Participant
    from workshop.workshops.logic import open_activity

    open_activity(workshop, workshop.activities[0])
    author = db.session.query(Participant).first()
    idea, _ = submit_idea(author, workshop.activities[0], "An idea", "key-00000001")
    other, _ = submit_idea(author, workshop.activities[0], "Another", "key-00000002")
    actions = facilitator_actions(workshop) + idea_actions(workshop, idea.id, other.id)
    for who, client in outsiders.items():
        for method, url, data in actions:
            response = getattr(client, method)(url, data=data)
            assert response.status_code in (302, 401, 403), (who, method, url, response.status_code)
            if response.status_code == 302:
                assert "/login" in response.headers["Location"], (who, url)
    db.session.refresh(idea)
    db.session.refresh(workshop)
    assert idea.text == "An idea" and not idea.hidden and other.merged_into_id is None
    assert workshop.timer_ends_at is None and workshop.activities[0].state == "open"


def test_an_admin_may_run_any_workshop(app, workshop):
    make_user("admin@example.org", role="admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    assert admin.get(f"/w/{workshop.id}/control").status_code == 200


# --- an earlier activity on the projector ------------------------------------------

def test_showing_an_earlier_activity_leaves_the_phones_where_they_are(app, facilitator, facilitator_client):
    from tests.conftest import join
    from tests.test_live import swaps, watcher
    from tests.test_voting import three_questions
    from workshop.ideas.logic import wall

    workshop = three_questions(facilitator)
    first, second, third = workshop.activities[:3]
    logic.open_activity(workshop, third)  # the phones answer the third question
    phone = app.test_client()
    join(phone, workshop, nickname="Lou")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    phones, _ = watcher(app, phone, workshop, "phones")
    projector.get_received(), phones.get_received()

    response = facilitator_client.post(f"/w/{workshop.id}/activities/{first.id}/show")
    assert response.status_code == 200
    db.session.expire_all()
    assert workshop.current_activity_id == third.id and workshop.projector_activity_id == first.id
    assert third.state == "open" and first.state == "closed"
    # The projector shows the first question's wall; the phones were sent nothing.
    stage = [s for s in swaps(projector) if s["id"] == "stage"][-1]["html"]
    assert "accueillir les étudiant·e·s internationaux" in stage
    assert all(f'id="idea-{i.id}"' in stage for i in wall(first))
    assert swaps(phones) == []
    panel = phone.get(f"/j/{workshop.join_code}/phone").get_data(as_text=True)
    assert "liens avec la communauté" in panel and "logement et l" not in panel
    # The agenda says what is on the projector, and offers the way back.
    agenda = response.get_data(as_text=True)
    assert "sur le projecteur" in agenda or "on the projector" in agenda
    # A new idea on the open question does not land on the earlier wall.
    sent = phone.post(f"/j/{workshop.join_code}/ideas", data={"text": "Un jardin communautaire", "key": "k" * 16})
    assert sent.status_code == 200
    assert not [s for s in swaps(projector) if s["id"].startswith("idea-")]
    # Opening an activity puts the big screens back on what the phones answer.
    facilitator_client.post(f"/w/{workshop.id}/activities/{second.id}/open")
    db.session.expire_all()
    assert workshop.projector_activity_id is None and workshop.current_activity_id == second.id


def test_showing_the_current_activity_follows_the_phones_again(facilitator, facilitator_client):
    from tests.test_voting import three_questions

    workshop = three_questions(facilitator, people_count=5, per_question=3)
    first, _second, third = workshop.activities[:3]
    logic.open_activity(workshop, third)
    facilitator_client.post(f"/w/{workshop.id}/activities/{first.id}/show")
    facilitator_client.post(f"/w/{workshop.id}/activities/{third.id}/show")
    db.session.expire_all()
    assert workshop.projector_activity_id is None and workshop.stage_activity.id == third.id
    # A question never opened has nothing to show.
    pending = logic.activity_of(workshop, workshop.activities[0].id)
    pending.state = "pending"
    db.session.commit()
    assert facilitator_client.post(f"/w/{workshop.id}/activities/{pending.id}/show").status_code == 404


def test_only_the_facilitator_chooses_what_the_projector_shows(app, workshop):
    logic.open_activity(workshop, workshop.activities[0])
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert other.post(f"/w/{workshop.id}/activities/{workshop.activities[0].id}/show").status_code == 403


# --- housekeeping: rename and archive -------------------------------------------------

def signed_in(app, email, role):
    make_user(email, role=role)
    client = app.test_client()
    sign_in(client, email)
    return client


def test_the_facilitator_renames_a_workshop(facilitator_client, workshop):
    response = facilitator_client.post(f"/w/{workshop.id}/rename", data={"title": "  Atelier   d'automne 2026 "})
    assert response.status_code == 302
    db.session.refresh(workshop)
    assert workshop.title == "Atelier d'automne 2026"
    home = facilitator_client.get("/").get_data(as_text=True)
    assert "Atelier d&#39;automne 2026" in home
    refused = facilitator_client.post(f"/w/{workshop.id}/rename", data={"title": "   "}, follow_redirects=True)
    assert "Donnez un titre à l" in refused.get_data(as_text=True)
    facilitator_client.post(f"/w/{workshop.id}/rename", data={"title": "x" * 201})
    db.session.refresh(workshop)
    assert workshop.title == "Atelier d'automne 2026"


def test_an_archived_workshop_leaves_the_list_and_comes_back(facilitator_client, facilitator, workshop):
    kept = make_workshop(facilitator, title="Atelier d'hiver")
    facilitator_client.post(f"/w/{workshop.id}/archive")
    db.session.refresh(workshop)
    assert workshop.archived_at is not None
    listed = lambda html: re.findall(r"<strong>([^<]+)</strong>", html)  # noqa: E731
    home = facilitator_client.get("/").get_data(as_text=True)
    assert "est archivé" in home  # says what happened and what it means
    assert listed(home) == ["Atelier d&#39;hiver"]
    assert listed(facilitator_client.get("/?archived=1").get_data(as_text=True)) == [workshop.title]
    first = workshop.archived_at
    facilitator_client.post(f"/w/{workshop.id}/archive")  # twice: the first date stays
    db.session.refresh(workshop)
    assert workshop.archived_at == first
    # Nothing is deleted: its control view and report still open.
    assert facilitator_client.get(f"/w/{workshop.id}/report").status_code == 200
    facilitator_client.post(f"/w/{workshop.id}/archive", data={"restore": "1"})
    db.session.refresh(workshop)
    assert workshop.archived_at is None
    assert listed(facilitator_client.get("/").get_data(as_text=True)) == ["Atelier d&#39;hiver", workshop.title]
    assert kept.archived_at is None


def test_the_coordinator_home_lists_every_workshop_it_may_read(app, facilitator, workshop):
    other_owner = make_user("claude@example.org", name="Claude")
    theirs = make_workshop(other_owner, title="Atelier de Chicoutimi")
    coordinator = signed_in(app, "coordination@example.org", "coordinator")
    home = coordinator.get("/").get_data(as_text=True)
    assert "Aucun atelier" not in home
    for listed in (workshop, theirs):
        assert listed.title in home
        assert f"/w/{listed.id}/report" in home and f"/w/{listed.id}/privacy" in home
        assert f"/w/{listed.id}/control" not in home  # a coordinator reads, the facilitator runs it
    # A facilitator sees only their own.
    facilitator_home = signed_in(app, "other@example.org", "facilitator").get("/").get_data(as_text=True)
    assert workshop.title not in facilitator_home and "Aucun atelier" in facilitator_home


def test_who_may_rename_and_archive(app, facilitator, workshop, outsiders):
    for who, client in outsiders.items():
        for url, data in ((f"/w/{workshop.id}/rename", {"title": "Défiguré"}), (f"/w/{workshop.id}/archive", {})):
            response = client.post(url, data=data)
            assert response.status_code in (302, 401, 403), (who, url)
            assert response.status_code != 302 or "/login" in response.headers["Location"], (who, url)
    db.session.refresh(workshop)
    assert workshop.title == "Atelier de co-création" and workshop.archived_at is None
    for role in ("coordinator", "admin"):
        client = signed_in(app, f"{role}@example.org", role)
        assert client.post(f"/w/{workshop.id}/rename", data={"title": f"Renommé par {role}"}).status_code == 302
        db.session.refresh(workshop)
        assert workshop.title == f"Renommé par {role}"
        client.post(f"/w/{workshop.id}/archive")
        db.session.refresh(workshop)
        assert workshop.archived_at is not None
        client.post(f"/w/{workshop.id}/archive", data={"restore": "1"})
