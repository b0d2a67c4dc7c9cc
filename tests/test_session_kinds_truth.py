"""The live kinds keep what people did where they did it, at a session's size:
a hat comment stays on the subject it was written about; a stale hat or idea
panel is replaced, not nested; ranked cells seat the people still in the room
and keep their consent; a hidden idea stays off the projector's brainwriting
wall; a second retain keeps the priorities of an earlier round."""

from __future__ import annotations

from tests.conftest import added_activity, joined_phones, opened
from tests.test_brainwriting import build, handed, room  # noqa: F401, F811 - room is a fixture
from tests.test_hats import add_hats, comment, my_hat, phones
from tests.test_live import swaps, watcher
from tests.test_voting import add_round
from workshop.cells.models import CellMember, CellPreference, CellSignup
from workshop.extensions import db
from workshop.hats.models import HatComment
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.voting.models import Project


def test_a_comment_written_on_one_subject_is_not_filed_under_the_next(app, facilitator_client, workshop):
    clients = phones(app, workshop, 12)
    hats = add_hats(facilitator_client, workshop, mode="sequence", subjects="Sujet A\nSujet B")
    first, second = [s.id for s in hats.subjects]
    before = [my_hat(p, workshop, hats) for p in clients]
    assert all(f'name="subject" value="{first}"' in page for _hat, page in before)
    assert facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/subject", data={"subject": second}).status_code == 200
    db.session.expire_all()
    # A phone still on subject A sends (or resends) what it wrote about A, under the hat it wore.
    hat = before[0][0]
    stale = clients[0].post(f"/j/{workshop.join_code}/hats/{hats.id}/comments",
                            data={"hat": hat, "subject": first, "text": "À propos du sujet A", "key": "k-000000077"})
    assert stale.status_code == 409
    assert db.session.query(HatComment).count() == 0  # not filed under B
    # The answer replaces the stale panel whole: the phone's current hat, on subject B.
    assert (stale.headers["HX-Retarget"], stale.headers["HX-Reswap"]) == ("#my-hat", "outerHTML")
    assert f'name="subject" value="{second}"' in stale.get_data(as_text=True)
    current, _page = my_hat(clients[0], workshop, hats)
    assert clients[0].post(f"/j/{workshop.join_code}/hats/{hats.id}/comments", data={
        "hat": current, "subject": second, "text": "À propos du sujet B", "key": "k-000000078"}).status_code == 200
    assert db.session.query(HatComment).one().subject_id == second


def test_a_comment_under_a_hat_no_longer_worn_replaces_the_panel(app, facilitator_client, workshop):
    [phone] = phones(app, workshop, 1)
    hats = add_hats(facilitator_client, workshop, mode="sequence")
    hat, _page = my_hat(phone, workshop, hats)
    assert facilitator_client.post(f"/w/{workshop.id}/hats/{hats.id}/advance").status_code == 200
    refused = comment(phone, workshop, hats, hat, "Encore sous l'ancien chapeau", "k-000000009")
    assert refused.status_code == 409 and refused.headers["HX-Retarget"] == "#my-hat"


def ranked_cells(app, facilitator_client, workshop, capacity, count):
    projects = [Project(workshop_id=workshop.id, title=title, status="priority")
                for title in ("Jumelage avec des employeurs", "Logement à l'arrivée", "Cours de français au travail")]
    db.session.add_all(projects)
    db.session.commit()
    signup = added_activity(facilitator_client, workshop, "cells", {"mode": "ranked", "capacity": capacity},
                            CellSignup)
    opened(facilitator_client, workshop, signup)
    return signup, joined_phones(app, workshop, count, prefix="R")


def test_ranked_cells_seat_the_people_still_here_and_tell_the_others_why(app, facilitator_client, workshop):
    signup, clients = ranked_cells(app, facilitator_client, workshop, "15", 60)
    cells = [c.id for c in signup.cells]
    for client in clients:  # everyone wants the first cell most
        assert client.post(f"/j/{workshop.join_code}/cells/{signup.id}/join",
                           data={"place1": cells[0], "place2": cells[1], "place3": cells[2]}).status_code == 200
    for client in clients[:10]:  # ten left early
        assert client.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"}).status_code == 302
    assert facilitator_client.post(f"/w/{workshop.id}/cells/{signup.id}/assign").status_code == 200
    db.session.expire_all()
    gone = {p.id for p in db.session.query(Participant).filter(Participant.left_at.is_not(None))}
    seated = {m.participant_id for m in db.session.query(CellMember)}
    assert len(gone) == 10 and not (seated & gone) and len(seated) == 45  # 3 cells of 15, all for people here
    pages = [c.get(f"/j/{workshop.join_code}/cells/{signup.id}/mine").get_data(as_text=True) for c in clients[10:]]
    unseated = [page for page in pages if "Vous êtes dans la cellule" not in page]
    assert len(unseated) == 5
    assert all("aucune place ne restait" in page and "pas donné de préférences" not in page for page in unseated)


def test_changing_the_order_of_preference_keeps_the_contact_consent(app, facilitator_client, workshop):
    signup, [client] = ranked_cells(app, facilitator_client, workshop, "", 1)
    first, second, third = [c.id for c in signup.cells]
    url = f"/j/{workshop.join_code}/cells/{signup.id}/join"
    assert client.post(url, data={"place1": first, "place2": second, "consent": "1", "name": "Ana",
                                  "email": "ana@example.org"}).status_code == 200
    page = client.get(f"/j/{workshop.join_code}/cells/{signup.id}/mine").get_data(as_text=True)
    form = page[page.index("<form"):page.index("</form>")]
    assert 'name="consent" value="1" checked' in form
    assert 'value="Ana"' in form and 'value="ana@example.org"' in form
    # The form sent again as shown, with another order: the consent stays.
    assert client.post(url, data={"place1": third, "place2": first, "consent": "1", "name": "Ana",
                                  "email": "ana@example.org"}).status_code == 200
    db.session.expire_all()
    saved = db.session.query(CellPreference).one()
    assert (saved.contact_consent, saved.contact_name, saved.contact_email) == (True, "Ana", "ana@example.org")


def test_an_idea_hidden_during_brainwriting_stays_off_the_projector(app, facilitator_client, workshop, room):  # noqa: F811
    clients, _question, bw = room
    idea_id, _page = handed(clients[0], workshop, bw)
    text = db.session.get(Idea, idea_id).text.split(" : ")[1]  # the words, past the spacing French gives " : "
    assert facilitator_client.post(f"/w/{workshop.id}/ideas/{idea_id}/hide").status_code == 200
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    assert build(clients[0], workshop, bw, idea_id, "Oui, et en plus une navette", "k-00000000042").status_code == 200
    pushed = swaps(projector)
    assert pushed and all(text not in swap.get("html", "") for swap in pushed), pushed
    assert {"op": "remove", "id": f"bw-chain-{idea_id}"} in pushed


def test_a_second_retain_keeps_the_priorities_of_an_earlier_round(app, facilitator_client, workshop, ideas_sent):
    first = add_round(facilitator_client, workshop)
    kept = first.round.items[0].project_id
    assert facilitator_client.post(f"/w/{workshop.id}/projects/retain",
                                   data={"project": [str(kept)], "round": str(first.round.id)}).status_code == 200
    second = add_round(facilitator_client, workshop, source="list", items_text="Dîner partagé\nPique-nique",
                       kind="approval", top_k="1")
    picked, other = [item.project_id for item in second.round.items]
    assert facilitator_client.post(f"/w/{workshop.id}/projects/retain",
                                   data={"project": [str(picked)], "round": str(second.round.id)}).status_code == 200
    db.session.expire_all()
    status = {project.id: project.status for project in db.session.query(Project)}
    assert status[kept] == "priority" and status[picked] == "priority"  # the earlier priority stays
    assert status[other] == "orphan_candidate"  # listed in this round, left unticked
    # Unticking an earlier priority that this round lists does retire it.
    assert facilitator_client.post(f"/w/{workshop.id}/projects/retain",
                                   data={"project": [str(other)], "round": str(second.round.id)}).status_code == 200
    db.session.expire_all()
    assert db.session.get(Project, picked).status == "orphan_candidate"
    assert db.session.get(Project, kept).status == "priority"
