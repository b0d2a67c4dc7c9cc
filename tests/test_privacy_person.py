"""Law 25 by person: one participant's data found, exported and erased across every
table (ideas, hat comments, votes, cells, cell logs), names typed in free text
included; a first name alone is offered for review, never taken for certain.
The coordinator acts on such requests for any workshop, a facilitator for their own."""

from __future__ import annotations

import pytest

from tests.conftest import make_user, make_workshop, sign_in
from workshop.cells import logic as cells
from workshop.cells.models import CellLogEntry, CellMember
from workshop.extensions import db
from workshop.hats import logic as hats
from workshop.hats.models import HatComment
from workshop.ideas import logic as ideas
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.privacy import ERASED, fold, name_spans
from workshop.voting import logic as voting
from workshop.workshops.logic import close_activity, open_activity


@pytest.fixture
def request_case(workshop):
    """A finished workshop where Julie Tremblay ("Julie" on her phone) sent ideas, a
    hat comment, a ballot, joined a cell with her contact details; cell logs name her
    in full, by first name only, and name Julien, someone else."""
    groups = [g.id for g in workshop.groups]
    julie = Participant(workshop_id=workshop.id, nickname="Julie", group_id=groups[0], language="fr")
    others = [Participant(workshop_id=workshop.id, nickname=n, group_id=groups[1]) for n in ("Julien", "Marc")]
    db.session.add_all([julie, *others])
    db.session.commit()
    activity = workshop.activities[0]
    open_activity(workshop, activity)
    mine = [ideas.submit_idea(julie, activity, text, f"julie-{n:06d}")[0]
            for n, text in enumerate(["Un guichet unique pour les permis", "Des stages dans les PME"])]
    about = ideas.submit_idea(others[1], activity, "Inviter Julie Tremblay à présenter son parcours",
                              "marc-000001")[0]
    ideas.submit_idea(others[0], activity, "Julien propose un café-rencontre", "julien-00001")
    close_activity(workshop, activity)
    round_ = voting.create_round(workshop, "Premier tri", "dots", voting.candidates(workshop, "ideas"))
    open_activity(workshop, round_.activity)
    voting.move_dots(round_, julie, round_.items[0].project_id, +1)
    voting.move_dots(round_, others[0], round_.items[1].project_id, +1)
    close_activity(workshop, round_.activity)
    voting.retain(workshop, [round_.items[0].project_id])
    six = hats.create(workshop, ["Le guichet unique"], [], "balanced")
    db.session.add(HatComment(subject_id=six.subjects[0].id, participant_id=julie.id, hat="red", text="J'y crois",
                              submission_key="hat-julie-1"))
    signup = cells.create(workshop, "first_come", None)
    cell = signup.cells[0]
    db.session.add_all([
        CellMember(signup_id=signup.id, cell_id=cell.id, participant_id=julie.id, contact_consent=True,
                   contact_name="Julie Tremblay", contact_email="julie.tremblay@example.org"),
        CellMember(signup_id=signup.id, cell_id=cell.id, participant_id=others[0].id, contact_consent=True,
                   contact_name="Julien Roy", contact_email="julien@example.org")])
    db.session.commit()
    logs = {
        "full": cells.add_log(cell, "JULIE TREMBLAY", "Première rencontre avec l'employeur"),
        "first_name": cells.add_log(cell, "Marc", "Julie a appelé la mairie pour le local"),
        "someone_else": cells.add_log(cell, "Julien Roy", "Julien a pris les notes"),
        "accents": cells.add_log(cell, "Marc", "Merci à julie tremblay pour le prototype"),
    }
    return {"julie": julie, "others": others, "mine": mine, "about": about, "logs": logs, "cell": cell,
            "round": round_}


def test_names_match_as_whole_words_case_and_accents_aside():
    assert fold("Hélène CÔTÉ") == "helene cote" and len(fold("Straße")) == len("Straße")
    assert name_spans("Merci à HÉLÈNE  Côté !", "Hélène Côté") == [(8, 20)]
    assert name_spans("Julien a pris les notes", "Julie") == []
    assert name_spans("julie-anne est là", "Julie") == [(0, 5)]  # a compound first name: still to review


def test_the_page_finds_a_person_by_name_nickname_or_email(facilitator_client, workshop, request_case):
    base = f"/w/{workshop.id}/privacy"
    julie = request_case["julie"]
    for query in ("Julie Tremblay", "julie.tremblay@example.org", "TREMBLAY"):
        html = facilitator_client.get(base, query_string={"q": query}).get_data(as_text=True)
        assert f"participant={julie.id}" in html, query
        assert f"participant={request_case['others'][0].id}" not in html, query  # Julien is not Julie
    assert "Aucun·e participant·e" in facilitator_client.get(base, query_string={"q": "Zoé"}).get_data(as_text=True)


def test_what_is_held_separates_certain_names_from_first_names_to_review(facilitator_client, workshop, request_case):
    logs = request_case["logs"]
    facilitator_client.post("/lang/en")
    html = facilitator_client.get(f"/w/{workshop.id}/privacy", query_string={
        "participant": request_case["julie"].id, "name": "Julie Tremblay"}).get_data(as_text=True)
    assert "2 ideas" in html and "1 hat comment" in html and "1 ballot" in html and "1 cell" in html
    certain = html[html.index("name them with certainty"):html.index("to review</h3>")]
    review = html[html.index("to review</h3>"):html.index("Not found here")]
    assert "Première rencontre" in certain and "Merci à julie tremblay" in certain
    assert "Inviter Julie Tremblay" in certain  # someone else's idea naming her in full
    assert f'value="log:{logs["first_name"].id}"' in review  # "Julie" alone: maybe someone else
    assert "Julien a pris les notes" not in html
    assert "Not found here" in html and "initials" in html


def test_a_person_export_holds_every_table(facilitator_client, workshop, request_case):
    logs = request_case["logs"]
    exported = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": request_case["julie"].id, "name": "Julie Tremblay", "action": "export",
        "mention": [f"log:{logs['first_name'].id}"]})
    assert exported.status_code == 200 and "attachment" in exported.headers["Content-Disposition"]
    assert exported.headers["Cache-Control"] == "no-store"
    data = exported.get_json()
    assert data["participant"]["nickname"] == "Julie"
    assert [i["text"] for i in data["ideas"]] == ["Un guichet unique pour les permis", "Des stages dans les PME"]
    assert data["hat_comments"] == [{"subject": "Le guichet unique", "hat": "red", "text": "J'y crois",
                                     "sent_at": data["hat_comments"][0]["sent_at"]}]
    [vote] = data["votes"]
    assert vote["kind"] == "dots" and vote["items"] == [{"item": "Un guichet unique pour les permis", "vote": "1"}]
    assert data["cells"][0]["contact_email"] == "julie.tremblay@example.org"
    named = {entry["text"] for entry in data["named_in"]}
    assert "Marc — Julie a appelé la mairie pour le local" in named  # ticked after review
    assert "JULIE TREMBLAY — Première rencontre avec l'employeur" in named
    assert not any("Julien" in text for text in named)
    # Nothing about the others: their ideas, contacts and logs stay out.
    assert "julien@example.org" not in exported.get_data(as_text=True)
    assert "café-rencontre" not in exported.get_data(as_text=True)


def test_erasing_a_person_reaches_every_table_and_only_them(facilitator_client, workshop, request_case):
    logs, julie, julien = request_case["logs"], request_case["julie"], request_case["others"][0]
    form = {"participant": julie.id, "name": "Julie Tremblay", "action": "erase"}
    unconfirmed = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data=form)
    assert unconfirmed.status_code == 422
    db.session.expire_all()
    assert db.session.get(Participant, julie.id).nickname == "Julie"

    # The first-name log is left for review and not ticked: it stays as it was.
    done = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={**form, "confirm": "1"})
    assert done.status_code == 200
    db.session.expire_all()
    person = db.session.get(Participant, julie.id)
    assert person.nickname is None and person.language is None and person.group_id is not None
    member = db.session.query(CellMember).filter_by(participant_id=julie.id).one()
    assert (member.contact_consent, member.contact_name, member.contact_email) == (False, None, None)
    entry = {key: db.session.get(CellLogEntry, e.id) for key, e in logs.items()}
    assert entry["full"].author == ERASED
    assert entry["accents"].body == f"Merci à {ERASED} pour le prototype"
    assert entry["first_name"].body == "Julie a appelé la mairie pour le local"
    assert entry["someone_else"].author == "Julien Roy" and entry["someone_else"].body == "Julien a pris les notes"
    about = db.session.get(Idea, request_case["about"].id)
    assert about.text == f"Inviter {ERASED} à présenter son parcours" and ERASED in about.original_text
    # Her ideas, comment and ballot stay (anonymous now); Julien keeps everything.
    assert db.session.query(Idea).filter_by(participant_id=julie.id).count() == 2
    assert db.session.query(HatComment).filter_by(participant_id=julie.id).one().text == "J'y crois"
    other = db.session.query(CellMember).filter_by(participant_id=julien.id).one()
    assert other.contact_email == "julien@example.org" and db.session.get(Participant, julien.id).nickname == "Julien"
    # The page says what still names her: the first-name log, to review.
    html = done.get_data(as_text=True)
    assert "Julie a appelé la mairie" in html

    # Reviewed and ticked, the first-name entry goes too.
    facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        **form, "confirm": "1", "mention": [f"log:{logs['first_name'].id}"]})
    db.session.expire_all()
    assert db.session.get(CellLogEntry, logs["first_name"].id).body == f"{ERASED} a appelé la mairie pour le local"


def test_a_name_without_a_participant_is_erased_from_the_logs(facilitator_client, workshop, request_case):
    """Someone who never joined, named in a cell's log (a guest at a meeting)."""
    cell = request_case["cell"]
    guest = cells.add_log(cell, "Marc", "Rencontre avec Sophie Gagnon de la Ville")
    page = facilitator_client.get(f"/w/{workshop.id}/privacy", query_string={"name": "Sophie Gagnon"})
    assert "Rencontre avec Sophie Gagnon" in page.get_data(as_text=True)
    facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "name": "Sophie Gagnon", "action": "erase", "confirm": "1"})
    db.session.expire_all()
    assert db.session.get(CellLogEntry, guest.id).body == f"Rencontre avec {ERASED} de la Ville"
    assert db.session.get(Participant, request_case["julie"].id).nickname == "Julie"


def test_the_coordinator_acts_on_requests_for_any_workshop(app, coordinator_client, workshop, request_case):
    julie = request_case["julie"]
    page = coordinator_client.get(f"/w/{workshop.id}/privacy", query_string={"q": "Julie Tremblay"})
    assert page.status_code == 200 and f"participant={julie.id}" in page.get_data(as_text=True)
    assert f"/w/{workshop.id}/control" not in page.get_data(as_text=True)  # back to the report, not the control view
    assert coordinator_client.get(f"/w/{workshop.id}/privacy/participants.json").status_code == 200
    exported = coordinator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": julie.id, "action": "export"})
    assert exported.get_json()["participant"]["nickname"] == "Julie"
    erased = coordinator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": julie.id, "action": "erase", "confirm": "1"})
    assert erased.status_code == 200
    db.session.expire_all()
    assert db.session.get(Participant, julie.id).nickname is None
    # Purging the whole workshop stays its facilitator's decision.
    assert "Purger les données personnelles" not in page.get_data(as_text=True)
    refused = coordinator_client.post(f"/w/{workshop.id}/privacy", data={"confirm": workshop.join_code})
    assert refused.status_code == 403
    assert db.session.query(Participant).filter(Participant.nickname.is_not(None)).count() > 0


def test_others_cannot_act_and_a_participant_of_another_workshop_is_not_found(app, facilitator, workshop,
                                                                            facilitator_client, request_case):
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    julie = request_case["julie"]
    for client in (other, app.test_client()):
        assert client.get(f"/w/{workshop.id}/privacy?q=Julie").status_code in (302, 401, 403)
        status = client.post(f"/w/{workshop.id}/privacy/person", data={
            "participant": julie.id, "action": "erase", "confirm": "1"}).status_code
        assert status in (302, 401, 403)
    db.session.expire_all()
    assert db.session.get(Participant, julie.id).nickname == "Julie"
    # The facilitator's own other workshop cannot reach Julie through its URL.
    elsewhere = make_workshop(facilitator, title="Un autre atelier")
    assert facilitator_client.post(f"/w/{elsewhere.id}/privacy/person", data={
        "participant": julie.id, "action": "export"}).status_code == 404


def test_a_person_export_holds_what_they_sent_in_the_other_kinds(facilitator_client, workshop, request_case):
    """The force field and brainwriting hand their part of one person's data to the export."""
    from workshop.brainwriting import logic as brainwriting
    from workshop.forces import logic as forces

    julie, marc = request_case["julie"], request_case["others"][1]
    field = forces.create(workshop, "Le guichet unique", None)
    open_activity(workshop, field.activity)
    mine, _ = forces.post(field, julie, "driving", 4, "Les cégeps sont partants", "", "force-julie-1")
    theirs, _ = forces.post(field, marc, "restraining", 3, "Peu de personnel", "", "force-marc-1")
    forces.agree(field, julie, theirs.id)
    close_activity(workshop, field.activity)
    bw = brainwriting.create(workshop, workshop.activities[0].id, 5)
    open_activity(workshop, bw.activity)
    brainwriting.start_first_round(bw)
    served, _ = brainwriting.serve(bw, julie)
    brainwriting.build(bw, julie, served.idea_id, "yes_and", "avec un numéro unique", "build-julie-1")
    data = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": julie.id, "name": "Julie Tremblay", "action": "export"}).get_json()
    assert [f["text"] for f in data["forces"]] == [mine.text]
    assert data["forces_agreed"] == ["Peu de personnel"]
    assert [b["text"] for b in data["build_ons"]] == ["avec un numéro unique"]


def test_a_project_made_from_an_idea_that_names_her_is_erased_with_the_idea(facilitator_client, workshop,
                                                                            request_case):
    """The voting item keeps the idea's words, and the coordinator's description for
    partners may name a contact: both are records that name her."""
    from workshop.voting.models import Project

    about = request_case["about"]
    project = db.session.query(Project).filter_by(idea_id=about.id).one()
    project.description = "Contact : julie tremblay, au cégep"
    db.session.commit()
    html = facilitator_client.get(f"/w/{workshop.id}/privacy", query_string={
        "participant": request_case["julie"].id, "name": "Julie Tremblay"}).get_data(as_text=True)
    certain = html[html.index("la nomment avec certitude"):html.index("à vérifier</h3>")]
    assert "Inviter Julie Tremblay à présenter son parcours — Contact : julie tremblay, au cégep" in certain
    facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": request_case["julie"].id, "name": "Julie Tremblay", "action": "erase", "confirm": "1"})
    db.session.expire_all()
    project = db.session.get(Project, project.id)
    assert project.title == f"Inviter {ERASED} à présenter son parcours"
    assert project.description == f"Contact : {ERASED}, au cégep" and project.needs == ""
    others = db.session.query(Project).filter(Project.id != project.id).all()
    assert others and not any(ERASED in p.title for p in others)
