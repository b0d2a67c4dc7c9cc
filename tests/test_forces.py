"""Force-field evaluation in a session: the facilitator adds it on a subject,
40 phones post and back forces, the projector draws the field live, the
facilitator hides and merges, and the archive keeps it all."""

from __future__ import annotations

import io
import json
import re

import pytest

from tests.conftest import added_activity, join, joined_phones, make_user, make_workshop, opened, sign_in
from tests.test_live import swaps, watching_screens
from workshop.extensions import db
from workshop.forces import logic
from workshop.forces.models import Force, ForceAgreement, ForceField
from workshop.participants.models import Participant
from workshop.voting.models import Project
from workshop.workshops.logic import close_activity, open_activity
from workshop.workshops.models import Activity

SUBJECT = "Le jumelage étudiant·e–employeur à Saguenay"
DRIVING = ["Des employeurs qui manquent de main-d'œuvre", "Le cégep déjà partenaire", "Des étudiant·es motivé·es",
           "Un financement régional disponible", "La Chambre de commerce intéressée"]
RESTRAINING = ["Le permis de travail fermé", "Le français au travail", "Pas de transport le soir",
               "Le logement rare près des usines", "Les horaires de cours"]


def add_field(facilitator_client, workshop, subject=SUBJECT, project=None) -> ForceField:
    form = {"subject": subject} if project is None else {"project": project}
    return added_activity(facilitator_client, workshop, "forces", form, ForceField)


def open_field(facilitator_client, workshop, **kwargs) -> ForceField:
    field = add_field(facilitator_client, workshop, **kwargs)
    assert opened(facilitator_client, workshop, field).status_code == 200
    return field


def post(phone, workshop, field, text, side="driving", strength=3, key=None, explanation=""):
    key = key or "k-" + re.sub(r"\W", "", text)[:20].ljust(8, "0")
    return phone.post(f"/j/{workshop.join_code}/forces/{field.id}",
                      data={"text": text, "side": side, "strength": strength, "key": key,
                            "explanation": explanation})


def agree(phone, workshop, field, force_id):
    response = phone.post(f"/j/{workshop.join_code}/forces/{field.id}/agree/{force_id}")
    db.session.expire_all()  # the request wrote through its own session
    return response


def thirty_forces(app, workshop, field, phones):
    """30 forces from the first 30 of the phones, both sides, strengths 1 to 5."""
    for n in range(30):
        side, texts = ("driving", DRIVING) if n % 2 == 0 else ("restraining", RESTRAINING)
        text = f"{texts[n % 5]} ({n})"
        response = post(phones[n], workshop, field, text, side=side, strength=1 + n % 5, key=f"force-{n:04d}")
        assert response.status_code == 200, response.get_data(as_text=True)
    return logic.forces_of(field)


# --- adding it ----------------------------------------------------------------------------

def test_the_facilitator_adds_a_force_field_on_a_typed_subject_or_a_priority(app, facilitator_client, workshop):
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert 'id="new-forces-form"' in control
    field = add_field(facilitator_client, workshop)
    assert field.subject == SUBJECT and field.project_id is None
    agenda = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert "Champ de forces" in agenda or "Force field" in agenda

    priority = Project(workshop_id=workshop.id, title="Un guichet unique pour l'accueil", status="priority")
    candidate = Project(workshop_id=workshop.id, title="Une idée non retenue", status="candidate")
    elsewhere = Project(workshop_id=make_workshop(workshop.owner, title="Autre").id, title="Ailleurs",
                        status="priority")
    db.session.add_all([priority, candidate, elsewhere])
    db.session.commit()
    assert "Un guichet unique" in facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    on_priority = add_field(facilitator_client, workshop, project=priority.id)
    assert (on_priority.subject, on_priority.project_id) == (priority.title, priority.id)
    for refused in ({"project": candidate.id}, {"project": elsewhere.id}, {"subject": "   "}):
        response = facilitator_client.post(f"/w/{workshop.id}/forces", data=refused)
        assert response.status_code == 422, refused
    assert db.session.query(ForceField).count() == 2


# --- phones ------------------------------------------------------------------------------------

def test_forty_phones_post_thirty_forces_and_agree_once_each(app, facilitator_client, workshop):
    field = open_field(facilitator_client, workshop)
    phones = joined_phones(app, workshop, 40)
    forces = thirty_forces(app, workshop, field, phones)
    assert len(forces) == 30
    # A resend with the same key stores nothing new.
    again = post(phones[0], workshop, field, "peu importe", key="force-0000")
    assert again.status_code == 200 and db.session.query(Force).count() == 30
    first = forces[0]
    # Every other phone agrees with the first force, twice: counted once each.
    for phone in phones[1:]:
        assert agree(phone, workshop, field, first.id).status_code == 200
        assert agree(phone, workshop, field, first.id).status_code == 200
    assert db.session.query(ForceAgreement).filter_by(force_id=first.id).count() == 39
    own = agree(phones[0], workshop, field, first.id)
    assert own.status_code == 422 and "propre" in own.get_data(as_text=True)
    weighed = logic.view(field).weighed
    [backed] = [f for f in weighed.driving if f.id == first.id]
    # Strength 1, backed by 39 of 40 phones: nearly twice its strength, still below a lone 5.
    assert backed.agreements == 39 and backed.weight == pytest.approx(1 * (1 + 39 / 40))
    assert weighed.driving[0].weight == 5

    # The list is the same for every phone; each phone's marks come from its own request.
    marks = phones[5].get(f"/j/{workshop.join_code}/forces/{field.id}/mine").get_data(as_text=True)
    assert marks.count('hx-swap-oob') == 2 and f'id="agree-{first.id}"' in marks and "la vôtre" in marks
    assert phones[5].get(f"/j/{workshop.join_code}/forces/{field.id + 999}/mine").status_code == 404
    assert app.test_client().get(f"/j/{workshop.join_code}/forces/{field.id}/mine").status_code in (302, 403)

    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert 'id="force-field"' in projector and projector.count('class="force"') == 30
    assert "data-fit-list" in projector and 'data-more-for="forces-driving-projector"' in projector
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert 'id="force-moderation"' in control and "Fusionner" in control
    panel = phones[39].get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert 'id="force-form"' in panel and panel.count("force-plus-one") == 30


def test_what_a_phone_sends_is_checked(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    for text, side, strength, explanation in [("x" * 201, "driving", 3, ""), ("Correct", "sideways", 3, ""),
                                              ("Correct", "driving", 6, ""), ("Correct", "driving", "fort", ""),
                                              ("   ", "driving", 3, ""), ("Correct", "driving", 3, "y" * 501)]:
        response = post(phone, workshop, field, text, side=side, strength=strength, key="k-checked-1",
                        explanation=explanation)
        assert response.status_code == 422, (text[:10], side, strength)
    ok = post(phone, workshop, field, "x" * 200, strength=5, explanation="Parce que", key="k-checked-2")
    assert ok.status_code == 200 and "5/5" in ok.get_data(as_text=True)
    close_activity(workshop, field.activity)
    late = post(phone, workshop, field, "Trop tard", key="k-checked-3")
    assert late.status_code == 422 and "fermée" in late.get_data(as_text=True)
    assert db.session.query(Force).count() == 1


# --- moderation --------------------------------------------------------------------------

def test_hiding_takes_a_force_off_the_projector_and_merging_keeps_every_agreement(
        app, facilitator_client, workshop):
    field = open_field(facilitator_client, workshop)
    phones = joined_phones(app, workshop, 6)
    post(phones[0], workshop, field, "Le permis fermé", "restraining", 5, "k-kept-0001")
    post(phones[1], workshop, field, "Permis de travail fermé", "restraining", 3, "k-gone-0001")
    post(phones[2], workshop, field, "Un cégep partenaire", "driving", 4, "k-other-001")
    kept, gone, other = logic.forces_of(field)
    kept_id = kept.id
    for phone in phones[2:4]:
        agree(phone, workshop, field, kept.id)
    for phone in phones[3:6]:
        agree(phone, workshop, field, gone.id)
    base = f"/w/{workshop.id}/forces/{field.id}"

    across = facilitator_client.post(f"{base}/merge", data={"keep": other.id, "gone": gone.id})
    assert across.status_code == 422  # a driving force never absorbs a restraining one
    merged = facilitator_client.post(f"{base}/merge", data={"keep": kept_id, "gone": gone.id})
    db.session.expire_all()
    assert merged.status_code == 200 and 'id="force-control"' in merged.get_data(as_text=True)
    [restraining] = logic.view(field).weighed.restraining
    assert (restraining.id, restraining.agreements, restraining.ratings) == (kept_id, 4, 2)
    assert restraining.mean_strength == 4
    # A "+1" on the merged duplicate counts for the force it joined.
    agree(phones[5], workshop, field, gone.id)
    assert logic.view(field).weighed.restraining[0].agreements == 4

    hidden = facilitator_client.post(f"{base}/items/{other.id}/hide")
    db.session.expire_all()
    assert hidden.status_code == 200 and "masquée" in hidden.get_data(as_text=True)
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert "Un cégep partenaire" not in projector and "Le permis fermé" in projector
    assert agree(phones[0], workshop, field, other.id).status_code == 422
    facilitator_client.post(f"{base}/items/{other.id}/restore")
    assert "Un cégep partenaire" in facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)


# --- who may do what -----------------------------------------------------------------------

def other_facilitator_id():
    from workshop.accounts.models import User

    return db.session.scalar(db.select(User.id).where(User.email == "other@example.org"))


def test_only_the_facilitator_moderates_and_only_joined_phones_post(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    assert post(phone, workshop, field, "Une force", key="k-auth-0001").status_code == 200
    [force] = logic.forces_of(field)
    make_user("other@example.org")
    other_facilitator = app.test_client()
    sign_in(other_facilitator, "other@example.org")
    base = f"/w/{workshop.id}/forces"
    for client in (app.test_client(), phone, other_facilitator):
        for url, data in [(base, {"subject": "x"}), (f"{base}/{field.id}/items/{force.id}/hide", {}),
                          (f"{base}/{field.id}/merge", {"keep": force.id, "gone": force.id})]:
            assert client.post(url, data=data).status_code in (302, 401, 403), url
    # A phone that never joined, and a phone of another workshop: refused.
    other = make_workshop(db.session.get(type(workshop.owner), other_facilitator_id()), title="Un autre atelier")
    elsewhere = app.test_client()
    join(elsewhere, other)
    for client in (app.test_client(), elsewhere):
        assert post(client, workshop, field, "Intrus", key="k-intrus-01").status_code in (403, 404)
        assert agree(client, workshop, field, force.id).status_code in (403, 404)
    # Our phone, pointed at another workshop's field or force: not found.
    theirs = logic.create(other, "Leur sujet", None)
    open_activity(other, theirs.activity)
    assert post(phone, workshop, theirs, "Égaré", key="k-egare-001").status_code == 404
    assert post(phone, other, theirs, "Égaré", key="k-egare-002").status_code in (403, 404)
    assert agree(phone, workshop, field, 999999).status_code == 404
    wrong = facilitator_client.post(f"/w/{other.id}/forces/{theirs.id}/merge", data={})
    assert wrong.status_code == 403
    assert facilitator_client.post(f"{base}/{theirs.id}/merge", data={}).status_code == 404
    assert db.session.query(Force).count() == 1 and db.session.query(ForceAgreement).count() == 0


# --- live ------------------------------------------------------------------------------------

def test_the_projector_draws_each_new_force_live(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    projector, control, phones_room = watching_screens(app, facilitator_client, phone, workshop)
    post(phone, workshop, field, "Le cégep déjà partenaire", strength=4, key="k-live-0001")
    [on_projector] = swaps(projector)
    assert on_projector["id"] == "force-field" and "Le cégep déjà partenaire" in on_projector["html"]
    assert "Fusionner" not in on_projector["html"]
    assert {s["id"] for s in swaps(control)} == {"force-field", "force-moderation"}
    [on_phones] = swaps(phones_room)
    assert on_phones["id"] == "force-list" and "force-plus-one" in on_phones["html"]
    # A "+1" changes the big screens only: the phones' list shows no counts.
    [force] = logic.forces_of(field)
    agreeing = app.test_client()
    join(agreeing, workshop, nickname="Bea")
    for client in (projector, control, phones_room):
        client.get_received()
    assert agree(agreeing, workshop, field, force.id).status_code == 200
    [redrawn] = swaps(projector)
    assert redrawn["id"] == "force-field" and re.search("\\+1 d(&#39;|')accord", redrawn["html"])
    assert swaps(phones_room) == []


# --- archive and removal -----------------------------------------------------------------------

def test_the_archive_keeps_the_field_with_its_merges_and_agreements(app, facilitator_client, workshop):
    from workshop.reports.archive import export_json, round_trip_view

    field = open_field(facilitator_client, workshop)
    phones = joined_phones(app, workshop, 40)
    forces = thirty_forces(app, workshop, field, phones)
    for phone in phones[30:]:
        agree(phone, workshop, field, forces[2].id)
    logic.merge(field, forces[0].id, forces[2].id)
    logic.set_hidden(forces[1], True)
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    entry = next(a for a in document["activities"] if a["kind"] == "forces")
    assert entry["forces"]["subject"] == SUBJECT and len(entry["forces"]["forces"]) == 30
    response = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert response.status_code == 302
    restored_activity = db.session.scalars(db.select(Activity).where(Activity.kind == logic.FORCES)
                                           .order_by(Activity.id.desc())).first()
    again = export_json(restored_activity.workshop)
    assert round_trip_view(again)["activities"] == round_trip_view(document)["activities"]
    restored = logic.field_of_activity(restored_activity)
    original, copy = logic.view(field).weighed, logic.view(restored).weighed
    assert (copy.driving_sum, copy.restraining_sum, len(copy.driving)) == (
        original.driving_sum, original.restraining_sum, len(original.driving))


def test_a_broken_archive_part_is_refused(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    post(phone, workshop, field, "Une force", key="k-broken-01")
    post(phone, workshop, field, "Une autre", key="k-broken-02")
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    entry = next(a for a in document["activities"] if a["kind"] == "forces")
    for breaking in ({"strength": 9}, {"side": "up"}, {"merged_into": "F1"}, {"agreed_by": ["P999"]}):
        broken = json.loads(json.dumps(document))
        forces = next(a for a in broken["activities"] if a["kind"] == "forces")["forces"]["forces"]
        forces[0].update(breaking)
        response = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                           data={"file": (io.BytesIO(json.dumps(broken).encode()), "w.json")})
        assert response.status_code == 400, breaking
    assert entry["forces"]["forces"][1]["merged_into"] is None


def test_removing_a_participant_takes_their_forces_and_agreements(app, facilitator_client, workshop):
    field = open_field(facilitator_client, workshop)
    flooder, other, third = joined_phones(app, workshop, 3)
    post(flooder, workshop, field, "Spam", "restraining", 5, "k-flood-001")
    post(other, workshop, field, "Le spam aussi", "restraining", 2, "k-other-001")
    post(third, workshop, field, "Une vraie force", "driving", 3, "k-third-001")
    spam, copy, real = logic.forces_of(field)
    agree(other, workshop, field, spam.id)
    agree(flooder, workshop, field, real.id)
    logic.merge(field, spam.id, copy.id)
    flooder_id = spam.participant_id
    response = facilitator_client.post(f"/w/{workshop.id}/participants/remove", data={"participant": flooder_id})
    assert response.status_code == 302
    assert db.session.get(Participant, flooder_id) is None
    left = logic.forces_of(field)
    assert [f.text for f in left] == ["Le spam aussi", "Une vraie force"]
    assert all(f.merged_into_id is None for f in left)  # the merged copy stands alone again
    assert db.session.query(ForceAgreement).count() == 0


def test_the_report_names_the_kind_in_its_agenda(app, facilitator_client, workshop):
    add_field(facilitator_client, workshop)
    report = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    assert "Évaluation par champ de forces" in report


def test_an_archive_reusing_a_phones_key_in_two_fields_is_refused_not_a_crash(app, facilitator_client, workshop,
                                                                              phone):
    """The database keeps one submission key per person across activities: a document
    breaking that is refused whole (400), never a 500."""
    field = open_field(facilitator_client, workshop)
    post(phone, workshop, field, "Une force", key="k-twice-0001")
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    entry = next(a for a in document["activities"] if a["kind"] == "forces")
    twin = json.loads(json.dumps(entry))
    twin["ref"] = "A999"
    for n, force in enumerate(twin["forces"]["forces"]):
        force["ref"] = f"{force['ref']}-twin{n}"
    document["activities"].append(twin)
    before = db.session.query(Activity).count()
    response = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert response.status_code == 400
    assert db.session.query(Activity).count() == before
