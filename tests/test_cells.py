"""Innovation cells: sign-up, capacities, assignment, cell pages and logs."""

import threading

import pytest

from tests.conftest import added_activity, joined_phones, make_user, opened, sign_in
from tests.test_live import swaps, watcher
from workshop.cells import logic
from workshop.cells.models import CellLogEntry, CellMember, CellSignup
from workshop.extensions import db
from workshop.voting.models import Project


@pytest.fixture
def priorities(workshop):
    projects = [Project(workshop_id=workshop.id, title=t, status="priority")
                for t in ("Jumelage", "Logement", "Français")]
    db.session.add_all(projects + [Project(workshop_id=workshop.id, title="Orphelin", status="orphan_candidate")])
    db.session.commit()
    return projects


def open_signup(facilitator_client, workshop, mode="first_come", capacity="2"):
    signup = added_activity(facilitator_client, workshop, "cells", {"mode": mode, "capacity": capacity}, CellSignup)
    opened(facilitator_client, workshop, signup)
    return signup


def phones(app, workshop, count):
    return joined_phones(app, workshop, count, prefix="C")


def sign(phone, workshop, signup, **data):
    return phone.post(f"/j/{workshop.join_code}/cells/{signup.id}/join", data=data)


def test_one_cell_per_retained_priority(facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop)
    assert [c.project.title for c in signup.cells] == ["Jumelage", "Logement", "Français"]


def test_cells_need_priorities_first(facilitator_client, workshop):
    response = facilitator_client.post(f"/w/{workshop.id}/cells", data={"mode": "first_come"})
    assert response.status_code == 422 and "priorit" in response.get_data(as_text=True)


def test_first_come_full_closed_and_twice_are_refused_clearly(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop, capacity="1")
    first, second = phones(app, workshop, 2)
    cell = signup.cells[0]
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    assert sign(first, workshop, signup, cell=cell.id).status_code == 200
    pushed = [s["html"] for s in swaps(projector)]
    assert any("1 place prise sur 1" in html for html in pushed)
    # The projector shows how full the cell is at a glance (the words say it to a screen reader).
    assert any('<meter class="cell-fill" min="0" max="1" value="1" aria-hidden="true">' in html for html in pushed)
    again = sign(first, workshop, signup, cell=signup.cells[1].id)
    assert again.status_code == 422 and "déjà dans une cellule" in again.get_data(as_text=True)
    full = sign(second, workshop, signup, cell=cell.id)
    assert full.status_code == 422 and "complète" in full.get_data(as_text=True)
    facilitator_client.post(f"/w/{workshop.id}/activities/{signup.activity_id}/close")
    closed = sign(second, workshop, signup, cell=signup.cells[1].id)
    assert closed.status_code == 422 and "fermée" in closed.get_data(as_text=True)
    assert db.session.query(CellMember).count() == 1


def test_the_last_seat_goes_to_one_phone_only(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop, capacity="2")
    clients = phones(app, workshop, 8)
    cell_id, signup_id = signup.cells[0].id, signup.id
    statuses, barrier = [], threading.Barrier(8)

    def race(client):
        barrier.wait()
        statuses.append(client.post(f"/j/{workshop.join_code}/cells/{signup_id}/join",
                                    data={"cell": str(cell_id)}).status_code)

    threads = [threading.Thread(target=race, args=(c,)) for c in clients]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    assert statuses.count(200) == 2 and db.session.query(CellMember).filter_by(cell_id=cell_id).count() == 2


def test_contacts_only_with_consent(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop, capacity="")
    yes, no = phones(app, workshop, 2)
    cell = signup.cells[0]
    sign(yes, workshop, signup, cell=cell.id, consent="1", name="Amina", email="amina@example.org")
    sign(no, workshop, signup, cell=cell.id, name="Secret", email="secret@example.org")
    csv = facilitator_client.get(f"/w/{workshop.id}/cell/{cell.id}/contacts.csv").get_data(as_text=True)
    assert "amina@example.org" in csv and "secret" not in csv.lower()
    assert db.session.query(CellMember).filter_by(contact_email="secret@example.org").count() == 0


def test_ranked_preferences_then_assignment(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop, mode="ranked", capacity="2")
    a, b, c = (cell.id for cell in signup.cells)
    clients = phones(app, workshop, 6)
    rankings = [(a, b, c), (a, c, b), (a, b, c), (b, a, c), (c, b, a), (b, c, a)]
    for client, ranking in zip(clients, rankings):
        data = {f"place{n + 1}": str(cell) for n, cell in enumerate(ranking)}
        assert sign(client, workshop, signup, **data).status_code == 200
    duplicate = sign(clients[0], workshop, signup, place1=str(a), place2=str(a))
    assert duplicate.status_code == 422
    assert facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/assign").status_code == 200
    db.session.expire_all()
    counts = {cell.id: len(cell.members) for cell in db.session.get(CellSignup, signup.id).cells}
    assert counts == {a: 2, b: 2, c: 2}
    placed = {m.participant.nickname: m.cell_id for m in db.session.query(CellMember)}
    first_choices = sum(1 for n, ranking in enumerate(rankings) if placed[f"C{n}"] == ranking[0])
    assert first_choices >= 5  # three want a with two seats: one of them gets a second choice
    again = sign(clients[0], workshop, signup, place1=str(b))
    answer = again.get_data(as_text=True)
    assert again.status_code == 422 and "Vous êtes dans la cellule" in answer and "déjà été réparties" in answer


def test_cell_page_and_private_log(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop)
    cell = signup.cells[0]
    page = facilitator_client.get(f"/w/{workshop.id}/cell/{cell.id}").get_data(as_text=True)
    assert "Jumelage" in page and cell.log_token in page
    member = app.test_client()
    assert member.post(f"/c/{cell.log_token}", data={"author": "Amina", "body": "Première rencontre le 3 décembre"}).status_code == 200
    assert member.post(f"/c/{cell.log_token}", data={"author": "", "body": ""}).status_code == 422
    assert member.get("/c/not-a-token").status_code == 404
    assert db.session.query(CellLogEntry).one().author == "Amina"
    assert "Première rencontre" in facilitator_client.get(f"/w/{workshop.id}/cell/{cell.id}").get_data(as_text=True)


def test_cells_actions_are_refused_to_others(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop, mode="ranked")
    participant = phones(app, workshop, 1)[0]
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    cell = signup.cells[0]
    for client in (app.test_client(), participant, other):
        assert client.post(f"/w/{workshop.id}/cells", data={"mode": "first_come"}).status_code in (302, 401, 403)
        assert client.post(f"/w/{workshop.id}/cells/{signup.id}/assign").status_code in (302, 401, 403)
        assert client.get(f"/w/{workshop.id}/cell/{cell.id}").status_code in (302, 401, 403)
        assert client.get(f"/w/{workshop.id}/cell/{cell.id}/contacts.csv").status_code in (302, 401, 403)
    assert sign(app.test_client(), workshop, signup, place1=str(cell.id)).status_code == 403
    db.session.expire_all()
    assert not db.session.get(CellSignup, signup.id).assigned


def test_each_cell_has_its_own_optional_capacity(app, facilitator_client, workshop, priorities):
    signup = open_signup(facilitator_client, workshop, capacity="")
    first, second = signup.cells[0].id, signup.cells[1].id
    assert facilitator_client.post(f"/w/{workshop.id}/cell/{first}/capacity", data={"capacity": "1"}).status_code == 200
    a, b = phones(app, workshop, 2)
    assert sign(a, workshop, signup, cell=first).status_code == 200
    assert sign(b, workshop, signup, cell=first).status_code == 422  # full at one
    assert sign(b, workshop, signup, cell=second).status_code == 200  # no limit there
    too_small = facilitator_client.post(f"/w/{workshop.id}/cell/{second}/capacity", data={"capacity": "0"})
    assert too_small.status_code == 422


def test_the_facilitator_sees_the_outcome_and_places_the_left_out_by_hand(app, facilitator_client, workshop,
                                                                          priorities):
    signup = open_signup(facilitator_client, workshop, mode="ranked", capacity="1")
    a, b, c = (cell.id for cell in signup.cells)
    clients = phones(app, workshop, 4)
    # Four people for three seats: the assignment fills every seat, one person is left out.
    for client, ranking in zip(clients, [(a,), (a, b), (b,), (a, b)]):
        data = {f"place{n + 1}": str(cell) for n, cell in enumerate(ranking)}
        assert sign(client, workshop, signup, **data).status_code == 200
    facilitator_client.post("/lang/en")
    stage = facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/assign").get_data(as_text=True)
    assert "3 people placed" in stage and "2 got their first choice" in stage
    assert "1 person could not be placed" in stage
    db.session.expire_all()
    result = logic.outcome(db.session.get(CellSignup, signup.id))
    assert result["placed"] == 3 and len(result["unplaced"]) == 1
    left_out = result["unplaced"][0]
    assert f'name="participant" value="{left_out.id}"' in stage
    full = facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/place",
                                   data={"participant": left_out.id, "cell": a})
    assert "This cell is full" in full.get_data(as_text=True)
    facilitator_client.post(f"/w/{workshop.id}/cell/{c}/capacity", data={"capacity": "2"})
    placed = facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/place",
                                     data={"participant": left_out.id, "cell": c})
    assert placed.status_code == 200 and "Everyone who ranked the cells has a place." in placed.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(CellMember).filter_by(participant_id=left_out.id).one().cell_id == c
    twice = facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/place",
                                    data={"participant": left_out.id, "cell": b})
    assert "in a cell already" in twice.get_data(as_text=True)
    other = make_workshop_participant(workshop)
    stranger = facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/place", data={"participant": other, "cell": c})
    assert "not in this workshop" in stranger.get_data(as_text=True)


def make_workshop_participant(workshop):
    from tests.conftest import make_workshop
    from workshop.participants.models import Participant

    elsewhere = make_workshop(workshop.owner, title="Ailleurs")
    person = Participant(workshop_id=elsewhere.id, nickname="Ailleurs")
    db.session.add(person)
    db.session.commit()
    return person.id


@pytest.mark.parametrize("names_shown", [False, True])
def test_members_show_by_group_unless_the_workshop_shows_names(app, facilitator_client, workshop, priorities,
                                                               names_shown):
    workshop.show_names_on_projector = names_shown
    db.session.commit()
    form = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    checkbox = form[form.index('name="show_nicknames"'):].split(">")[0]
    assert ("checked" in checkbox) is names_shown  # the workshop's privacy setting is the default
    response = facilitator_client.post(f"/w/{workshop.id}/cells", data={
        "mode": "first_come", "capacity": "3", **({"show_nicknames": "1"} if names_shown else {})})
    assert response.status_code == 200
    db.session.expire_all()
    signup = db.session.query(CellSignup).one()
    facilitator_client.post(f"/w/{workshop.id}/activities/{signup.activity_id}/open")
    phone = phones(app, workshop, 1)[0]
    assert sign(phone, workshop, signup, cell=str(signup.cells[0].id)).status_code == 200
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    members = projector[projector.index('class="cell-members"'):].split("</ul>")[0]
    assert ("C0" in members) is names_shown
    assert workshop.groups[0].name in members
    # Names hidden: one line per group with how many, not a badge per person.
    assert ('class="cell-member-count">1<' in members) is not names_shown


def test_the_cell_page_shows_where_its_priority_comes_from(app, facilitator_client, workshop, priorities):
    from workshop.hats.models import HatComment, HatsActivity, HatSubject
    from workshop.ideas.models import Idea
    from workshop.participants.models import Participant
    from workshop.themes.models import Theme
    from workshop.workshops.models import Activity

    ideas_activity = workshop.activities[0]
    author = Participant(workshop_id=workshop.id, nickname="Auteur")
    theme = Theme(activity_id=ideas_activity.id, label="Jumelage")
    db.session.add_all([author, theme])
    db.session.flush()
    db.session.add_all([Idea(activity_id=ideas_activity.id, participant_id=author.id, submission_key=f"k-{n:08d}",
                             text=text, original_text=text, theme_id=theme.id, hidden=hidden)
                        for n, (text, hidden) in enumerate([("Parrainage par des employeurs", False),
                                                            ("Idée masquée", True)])])
    priorities[0].theme_id = theme.id
    hats_activity = Activity(workshop_id=workshop.id, kind="hats", prompt="Jumelage", position=5)
    db.session.add(hats_activity)
    db.session.flush()
    hats = HatsActivity(activity_id=hats_activity.id,
                        subjects=[HatSubject(title="Jumelage", project_id=priorities[0].id)])
    db.session.add(hats)
    db.session.flush()
    db.session.add(HatComment(subject_id=hats.subjects[0].id, participant_id=author.id, hat="black",
                              text="Trouver assez d'employeurs", submission_key="h-00000001"))
    db.session.commit()
    signup = open_signup(facilitator_client, workshop)
    cell = next(c for c in signup.cells if c.project_id == priorities[0].id)
    page = facilitator_client.get(f"/w/{workshop.id}/cell/{cell.id}").get_data(as_text=True)
    assert "Parrainage par des employeurs" in page and "Idée masquée" not in page
    assert "Trouver assez d&#39;employeurs" in page or "Trouver assez d'employeurs" in page


def test_someone_back_re_renders_the_big_screens_and_the_cells_list_not_every_phone(
        app, facilitator_client, workshop, priorities):
    """Forty phones in the room, typing: one that left and comes back under another
    name shows on the big screens (and, in cells, in the phones' list of members);
    no phone's whole panel is re-rendered, which would close every keyboard."""
    from tests.conftest import join, open_first_activity

    crowd = phones(app, workshop, 40)
    open_first_activity(workshop)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    room, _ = watcher(app, crowd[1], workshop, "phones")
    projector.get_received(), room.get_received()
    crowd[0].post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    join(crowd[0], workshop, nickname="Revenue")
    assert "stage" in {swap["id"] for swap in swaps(projector)}
    assert "activity-panel" not in {swap["id"] for swap in swaps(room)}

    signup = open_signup(facilitator_client, workshop, capacity="40")
    assert sign(crowd[2], workshop, signup, cell=signup.cells[0].id).status_code == 200
    projector.get_received(), room.get_received()
    crowd[2].post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    join(crowd[2], workshop, nickname="De retour", group_index=1)  # a member, now of another group
    pushed = {swap["id"]: swap["html"] for swap in swaps(room)}
    assert "activity-panel" not in pushed
    first = signup.cells[0].id
    members = pushed["cells-list"].split(f'id="cell-{first}-members">')[1].split("</ul>")[0]  # by group
    group = workshop.groups[1].name
    assert group in members and group in "".join(swap["html"] for swap in swaps(projector))
