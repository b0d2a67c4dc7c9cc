"""Law 25 by person across every activity kind: privacy.py asks each kind for its
free texts, so a name typed in a force, its explanation, an observed impact or
a build-on is found and erased like one typed in a cell's log, and one
person's export holds what they sent in the force field and brainwriting.
At a session's size: 40 participants, 60 ideas, 30 forces."""

from __future__ import annotations

import html as markup

import pytest

from workshop.brainwriting import logic as brainwriting
from workshop.brainwriting.models import Build
from workshop.extensions import db
from workshop.forces import logic as forces
from workshop.forces.models import Force, ForceImpact
from workshop.ideas import logic as ideas
from workshop.participants.models import Participant
from workshop.privacy import ERASED
from workshop.workshops.logic import close_activity, open_activity

NAME = "Zorglub Tremblay"


@pytest.fixture
def session(workshop):
    """Zorglub ("Zorglub" on the phone; "Zorglub Tremblay" in the request) and 39
    others send 60 ideas, 30 forces, impacts and build-ons. Others name Zorglub in
    full in a force, a force's explanation, an impact and a build-on, and once by
    first name only; Zorglub's own build-on says "Zorglub" too."""
    groups = [g.id for g in workshop.groups]
    people = [Participant(workshop_id=workshop.id, nickname="Zorglub" if n == 0 else f"Personne {n}",
                          group_id=groups[n % len(groups)], language="fr") for n in range(40)]
    db.session.add_all(people)
    db.session.commit()
    zorglub, others = people[0], people[1:]
    question = workshop.activities[0]
    open_activity(workshop, question)
    for n in range(60):
        ideas.submit_idea(people[n % 40], question, f"Idée {n} pour l'accueil des étudiant·es", f"idea-{n:04d}")
    close_activity(workshop, question)

    field = forces.create(workshop, "Le guichet unique", None)
    open_activity(workshop, field.activity)
    for n in range(26):
        forces.post(field, others[n], "driving" if n % 2 else "restraining", 1 + n % 5, f"Force numéro {n}", "",
                    f"force-{n:04d}")
    own = [forces.post(field, zorglub, "driving", 4, text, "", f"own-force-{n:04d}")[0]
           for n, text in enumerate(["Les cégeps sont partants", "Des employeurs motivés"])]
    named = {
        "force": forces.post(field, others[30], "driving", 5, f"{NAME} connaît tous les employeurs", "",
                             "named-force")[0],
        "explanation": forces.post(field, others[31], "restraining", 2, "Peu de personnel",
                                   "Comme l'a dit zorglub tremblay en atelier, il manque un poste",
                                   "named-explanation")[0],
        "first_name": forces.post(field, others[32], "driving", 3, "Zorglub propose un local", "",
                                  "first-name")[0],
    }
    own_impact, _ = forces.post_impact(field, zorglub, "positive", "Trois stages trouvés", forces.EVERYONE, "own-impact")
    named["impact"] = forces.post_impact(field, others[33], "positive", f"{NAME} a trouvé un stage en un mois",
                                         str(groups[0]), "named-impact")[0]
    for n in range(5):
        forces.post_impact(field, others[n], "negative", f"Impact {n}", forces.EVERYONE, f"impact-{n:04d}")
    close_activity(workshop, field.activity)

    bw = brainwriting.create(workshop, question.id, 5)
    open_activity(workshop, bw.activity)
    brainwriting.start_first_round(bw)
    builds = {}
    for n, person in enumerate(people[:20]):
        served, _ = brainwriting.serve(bw, person)
        text = {0: "Oui, et Zorglub peut le présenter", 7: f"Oui, et {NAME} peut animer"}.get(n, f"Ajout {n}")
        builds[n] = brainwriting.build(bw, person, served.idea_id, "yes_and", text, f"build-{n:04d}")[0]
    close_activity(workshop, bw.activity)
    named["build"] = builds[7]
    return {"zorglub": zorglub, "named": named, "own": own, "own_impact": own_impact, "own_build": builds[0],
            "field": field}


def held_page(client, workshop, zorglub) -> str:
    return markup.unescape(client.get(f"/w/{workshop.id}/privacy", query_string={
        "participant": zorglub.id, "name": NAME}).get_data(as_text=True))


def test_the_search_finds_a_name_in_forces_explanations_impacts_and_build_ons(facilitator_client, workshop, session):
    html = held_page(facilitator_client, workshop, session["zorglub"])
    certain = html[html.index("la nomment avec certitude"):html.index("à vérifier</h3>")]
    review = html[html.index("à vérifier</h3>"):html.index("Introuvable ici")]
    for text in (f"{NAME} connaît tous les employeurs", "Comme l'a dit zorglub tremblay",
                 f"{NAME} a trouvé un stage", f"Oui, et {NAME} peut animer"):
        assert text in certain, text
    assert "Le guichet unique" in certain  # where: the force field's subject
    for label in ("Force", "Impact", "Ajout"):
        assert f'<span class="badge">{label}</span>' in certain
    # A first name alone is offered for review; Zorglub's own build-on saying "Zorglub" is theirs already.
    assert f'value="force:{session["named"]["first_name"].id}"' in review
    assert "Zorglub peut le présenter" not in html
    assert "2 idées · 0 bulletin · 0 commentaire sous un chapeau · 0 cellule · 2 forces · 1 impact · 1 ajout" in html


def test_erasure_removes_the_name_from_each_kind_and_leaves_the_rest(facilitator_client, workshop, session):
    named, zorglub = session["named"], session["zorglub"]
    forces_before = db.session.query(Force).count()
    done = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": zorglub.id, "name": NAME, "action": "erase", "confirm": "1"})
    assert done.status_code == 200
    db.session.expire_all()
    assert db.session.get(Force, named["force"].id).text == f"{ERASED} connaît tous les employeurs"
    explained = db.session.get(Force, named["explanation"].id)
    assert explained.text == "Peu de personnel"
    assert explained.explanation == f"Comme l'a dit {ERASED} en atelier, il manque un poste"
    assert db.session.get(ForceImpact, named["impact"].id).text == f"{ERASED} a trouvé un stage en un mois"
    assert db.session.get(Build, named["build"].id).text == f"Oui, et {ERASED} peut animer"
    # Not ticked after review: the first name alone stays, and the page still lists it.
    assert db.session.get(Force, named["first_name"].id).text == "Zorglub propose un local"
    assert "Zorglub propose un local" in done.get_data(as_text=True)
    # Their forces, impact and build-on stay, anonymous now; nobody else's text changed.
    assert db.session.query(Force).count() == forces_before
    assert db.session.get(Participant, zorglub.id).nickname is None
    assert [f.text for f in db.session.query(Force).filter_by(participant_id=zorglub.id).order_by(Force.id)] == [
        "Les cégeps sont partants", "Des employeurs motivés"]
    untouched = [f.text for f in db.session.query(Force).filter(Force.text.like("Force numéro %"))]
    assert len(untouched) == 26
    assert not any(ERASED in t for t in untouched)
    assert sum(ERASED in b.text for b in db.session.query(Build)) == 1

    # Reviewed and ticked, the first-name force goes too.
    facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": zorglub.id, "name": NAME, "action": "erase", "confirm": "1",
        "mention": [f"force:{named['first_name'].id}"]})
    db.session.expire_all()
    assert db.session.get(Force, named["first_name"].id).text == f"{ERASED} propose un local"


def test_the_person_export_lists_their_forces_impacts_and_build_ons(facilitator_client, workshop, session):
    data = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": session["zorglub"].id, "name": NAME, "action": "export"}).get_json()
    assert [f["text"] for f in data["forces"]] == ["Les cégeps sont partants", "Des employeurs motivés"]
    assert [i["text"] for i in data["force_impacts"]] == ["Trois stages trouvés"]
    assert [b["text"] for b in data["build_ons"]] == ["Oui, et Zorglub peut le présenter"]
    assert len(data["ideas"]) == 2 and data["votes"] == [] and data["hat_comments"] == []
    named_in = {(entry["record"], entry["text"]) for entry in data["named_in"]}
    assert ("force", f"{NAME} connaît tous les employeurs") in named_in
    assert ("force", "Peu de personnel — Comme l'a dit zorglub tremblay en atelier, il manque un poste") in named_in
    assert ("impact", f"{NAME} a trouvé un stage en un mois") in named_in
    assert ("build", f"Oui, et {NAME} peut animer") in named_in
    assert not any("Force numéro" in text for _record, text in named_in)


def test_the_whole_workshop_export_holds_every_kind_and_keeps_anonymous_ones_out(
        facilitator_client, workshop, session):
    url = f"/w/{workshop.id}/privacy/participants.json"
    people = {p["participant"]: p for p in facilitator_client.get(url).get_json()["participants"]}
    assert len(people) == 40
    zorglub = people[session["zorglub"].id]
    assert [f["text"] for f in zorglub["forces"]] == ["Les cégeps sont partants", "Des employeurs motivés"]
    assert [i["text"] for i in zorglub["force_impacts"]] == ["Trois stages trouvés"]
    assert zorglub["build_ons"] == ["Oui, et Zorglub peut le présenter"]
    assert len(zorglub["ideas"]) == 2
    # Every section is there for everyone, empty when they sent nothing.
    assert all({"ideas", "hat_comments", "cell_contacts", "forces", "force_impacts", "build_ons"} <= p.keys()
               for p in people.values())
    assert people[session["named"]["force"].participant_id]["build_ons"] == []

    response = facilitator_client.post(
        f"/w/{workshop.id}/activities/{session['field'].activity_id}/anonymity", data={"anonymity": "anonymous"})
    assert response.status_code == 200
    zorglub = {p["participant"]: p for p in facilitator_client.get(url).get_json()["participants"]}[
        session["zorglub"].id]
    assert zorglub["forces"] == [] and zorglub["force_impacts"] == []
    assert zorglub["build_ons"] == ["Oui, et Zorglub peut le présenter"]
