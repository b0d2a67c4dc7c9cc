"""The force field's impacts and where its result goes: 40 phones post 30 forces
and 10 observed impacts (positive or negative, on a stakeholder group or on
everyone); the big screens show them beside the field, the facilitator hides
one; the archive, a removal and one person's data export carry them; the
summary reaches the priority's cell page, the project's page and the report
(with its diagram); forces.csv holds forces and impacts, pseudonymous."""

from __future__ import annotations

import csv
import io
import json
import re

from tests.conftest import joined_phones, make_user, sign_in
from tests.test_forces import agree, open_field, thirty_forces
from tests.test_live import swaps, watching_screens
from workshop import dates
from workshop.extensions import db
from workshop.forces import logic
from workshop.forces.models import ForceImpact
from workshop.participants.models import Participant
from workshop.voting.models import Project
from workshop.workshops.logic import close_activity

IMPACTS = [  # (effect, text, group index or None for everyone)
    ("positive", "Trois stagiaires embauchés à l'usine de Saint-Félicien", 1),
    ("positive", "Moins d'étudiant·es qui quittent la région après le diplôme", 0),
    ("negative", "Les PME attendent quatre mois les permis", 1),
    ("positive", "Le cégep a ouvert un bureau d'accueil", None),
    ("negative", "Des loyers qui montent près du campus", 0),
    ("positive", "Un comité régional qui se réunit chaque mois", 2),
    ("negative", "=HYPERLINK(\"http://exemple.test\")", None),
    ("positive", "Des employeurs qui parlent enfin avec les chercheurs", 2),
    ("negative", "Les conseillères débordées en septembre", None),
    ("positive", "Plus de français au travail grâce aux jumelages", 0),
]


def post_impact(phone, workshop, field, effect, text, affected, key):
    return phone.post(f"/j/{workshop.join_code}/forces/{field.id}/impacts",
                      data={"effect": effect, "text": text, "affected": affected, "key": key})


def ten_impacts(workshop, field, phones):
    for n, (effect, text, group) in enumerate(IMPACTS):
        affected = "everyone" if group is None else workshop.groups[group].id
        response = post_impact(phones[n], workshop, field, effect, text, affected, f"impact-{n:04d}")
        assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    return logic.impacts_of(field)


def session(app, facilitator_client, workshop, project=None):
    """A force field with 30 forces and 10 impacts from 40 phones."""
    field = open_field(facilitator_client, workshop, **({"project": project.id} if project else {}))
    phones = joined_phones(app, workshop, 40, prefix="Surnom")
    forces = thirty_forces(app, workshop, field, phones)
    for phone in phones[30:]:
        agree(phone, workshop, field, forces[3].id)
    impacts = ten_impacts(workshop, field, phones[20:])
    return field, phones, forces, impacts


def priority_of(workshop) -> Project:
    project = Project(workshop_id=workshop.id, title="Un guichet unique pour les permis", status="priority")
    db.session.add(project)
    db.session.commit()
    return project


# --- phones post impacts --------------------------------------------------------------------

def test_forty_phones_post_ten_impacts_shown_by_effect_on_the_big_screens(app, facilitator_client, workshop):
    field, phones, _forces, impacts = session(app, facilitator_client, workshop)
    assert len(impacts) == 10
    assert [i.group.name if i.group else None for i in impacts[:4]] == [
        workshop.groups[1].name, workshop.groups[0].name, workshop.groups[1].name, None]
    # The same key again stores nothing new, and answers with the first impact.
    again = post_impact(phones[20], workshop, field, "negative", "Autre chose", "everyone", "impact-0000")
    assert again.status_code == 200 and "Saint-Félicien" in again.get_data(as_text=True)
    assert db.session.query(ForceImpact).count() == 10
    # The answer hands the phone a fresh key (out of band) for its next impact.
    answer = again.get_data(as_text=True)
    assert 'hx-swap-oob="outerHTML"' in answer and re.search(r'name="key" value="[0-9a-f]{32}"', answer)

    panel = phones[0].get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert 'id="impact-form"' in panel and panel.count('name="affected"') == 1
    assert all(group.name in panel for group in workshop.groups)

    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert 'id="force-impacts-projector"' in projector and "with-impacts" in projector
    assert projector.count('class="force-impact"') == 10
    positive = projector.split('id="impacts-positive-projector"')[1].split("</ul>")[0]
    assert positive.count('class="force-impact"') == 6 and "Saint-Félicien" in positive
    # Newest first: the last positive impact sent heads its list.
    assert positive.index("Plus de français") < positive.index("Saint-Félicien")
    assert 'data-more-for="impacts-negative-projector"' in projector and "tout le monde" in projector
    assert 'data-more-for="forces-driving-projector"' in projector  # the field keeps its own "+ N"


def test_what_a_phone_sends_as_an_impact_is_checked(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    from tests.conftest import make_workshop

    elsewhere = make_workshop(workshop.owner, title="Autre", groups=("Ailleurs",))
    foreign_group = elsewhere.groups[0].id
    for effect, text, affected in [("positive", "x" * 201, "everyone"), ("neutral", "Correct", "everyone"),
                                   ("positive", "   ", "everyone"), ("positive", "Correct", foreign_group),
                                   ("positive", "Correct", "personne"), ("positive", "Correct", "")]:
        response = post_impact(phone, workshop, field, effect, text, affected, "k-impact-1")
        assert response.status_code == 422, (effect, text[:10], affected)
    assert post_impact(phone, workshop, field, "positive", "x" * 200, "everyone", "k-impact-2").status_code == 200
    close_activity(workshop, field.activity)
    late = post_impact(phone, workshop, field, "negative", "Trop tard", "everyone", "k-impact-3")
    assert late.status_code == 422 and "fermée" in late.get_data(as_text=True)
    assert db.session.query(ForceImpact).count() == 1


def test_an_impact_reaches_the_big_screens_live_and_the_facilitator_hides_it(
        app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    projector, control, phones_room = watching_screens(app, facilitator_client, phone, workshop)
    assert post_impact(phone, workshop, field, "negative", "Les loyers montent", workshop.groups[0].id,
                       "k-live-impact").status_code == 200
    [drawn] = swaps(projector)
    assert drawn["id"] == "force-field" and "Les loyers montent" in drawn["html"]
    assert "Impacts négatifs" in drawn["html"] and workshop.groups[0].name in drawn["html"]
    assert {s["id"] for s in swaps(control)} == {"force-field", "force-moderation"}
    assert swaps(phones_room) == []  # phones list no impacts

    [impact] = logic.impacts_of(field)
    base = f"/w/{workshop.id}/forces/{field.id}/impacts/{impact.id}"
    hidden = facilitator_client.post(f"{base}/hide")
    assert hidden.status_code == 200 and "masqué" in hidden.get_data(as_text=True)
    assert "Les loyers montent" not in facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    control_page = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert f'id="impact-moderate-{impact.id}"' in control_page and "Rétablir" in control_page
    facilitator_client.post(f"{base}/restore")
    assert "Les loyers montent" in facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    # Only the facilitator moderates; another field's impact is not found.
    assert phone.post(f"{base}/hide").status_code in (302, 401, 403)
    assert facilitator_client.post(f"/w/{workshop.id}/forces/{field.id}/impacts/999999/hide").status_code == 404


# --- archive, removal, one person's data ----------------------------------------------------------

def test_the_archive_keeps_the_impacts_and_refuses_broken_ones(app, facilitator_client, workshop):
    from workshop.reports.archive import export_json, round_trip_view

    field, _phones, _forces, impacts = session(app, facilitator_client, workshop)
    logic.set_impact_hidden(impacts[2], True)
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    entry = next(a for a in document["activities"] if a["kind"] == "forces")["forces"]
    assert len(entry["impacts"]) == 10 and entry["impacts"][3]["group"] is None
    assert entry["impacts"][0]["group"] == workshop.groups[1].name and entry["impacts"][2]["hidden"] is True

    def imported(doc):
        return facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(doc).encode()), "w.json")})

    assert imported(document).status_code == 302
    restored = db.session.scalars(db.select(logic.ForceField).order_by(logic.ForceField.id.desc())).first()
    again = export_json(restored.activity.workshop)
    assert round_trip_view(again)["activities"] == round_trip_view(document)["activities"]
    assert len(logic.impacts_view(restored).positive) == 6 and len(logic.impacts_view(restored).negative) == 3
    for breaking in ({"effect": "neutral"}, {"group": "Inconnu"}, {"text": "y" * 201}, {"participant": "P999"}):
        broken = json.loads(json.dumps(document))
        impact = next(a for a in broken["activities"] if a["kind"] == "forces")["forces"]["impacts"][0]
        impact.update(breaking)
        assert imported(broken).status_code == 400, breaking


def test_removal_takes_a_participants_impacts_and_their_data_export_lists_them(
        app, facilitator_client, workshop):
    from workshop.forces.logic import personal_data

    field = open_field(facilitator_client, workshop)
    flooder, other = joined_phones(app, workshop, 2)
    post_impact(flooder, workshop, field, "negative", "Du pourriel", "everyone", "k-flood-impact")
    post_impact(other, workshop, field, "positive", "Un vrai impact", workshop.groups[2].id, "k-real-impact")
    theirs, _real = logic.impacts_of(field)
    data = personal_data(theirs.participant_id)["force_impacts"]
    assert data == [{"effect": "negative", "text": "Du pourriel", "affected": "everyone", "hidden": False,
                     "sent_at": dates.stamped(theirs.created_at)}]
    flooder_id = theirs.participant_id
    response = facilitator_client.post(f"/w/{workshop.id}/participants/remove", data={"participant": flooder_id})
    assert response.status_code == 302 and db.session.get(Participant, flooder_id) is None
    assert [i.text for i in logic.impacts_of(field)] == ["Un vrai impact"]


# --- the result where the subject is ---------------------------------------------------------

def test_the_summary_reaches_the_cell_page_the_project_page_and_the_report(
        app, facilitator_client, coordinator_client, workshop):
    from workshop.cells.models import Cell, CellSignup
    from workshop.workshops.models import Activity

    project = priority_of(workshop)
    field, _phones, forces, _impacts = session(app, facilitator_client, workshop, project=project)
    logic.set_hidden(forces[0], True)  # a hidden force counts nowhere
    summary = logic.summaries_for_project(project, workshop.owner)[0]
    assert len(summary.driving) == 3 and len(summary.restraining) == 3
    assert summary.impacts.count == 10 and forces[0].id not in {d.force.id for d in summary.driving}
    strongest = [d.force.text for d in summary.driving]

    activity = Activity(workshop_id=workshop.id, kind="cells", prompt="cells", position=9)
    db.session.add(activity)
    db.session.flush()
    signup = CellSignup(activity_id=activity.id, cells=[Cell(project_id=project.id)])
    db.session.add(signup)
    db.session.commit()
    cell = facilitator_client.get(f"/w/{workshop.id}/cell/{signup.cells[0].id}").get_data(as_text=True)
    orphan_page = coordinator_client.get(f"/orphans/projects/{project.id}").get_data(as_text=True)
    report = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    for page in (cell, orphan_page, report):
        assert f'id="force-summary-{field.id}"' in page
        assert all(text.replace("'", "&#39;") in page for text in strongest)
        assert "Saint-Félicien" in page and "Impacts négatifs (4)" in page
        assert page.count("<h1") == 1 and '<svg xmlns="http://www.w3.org/2000/svg" class="chart force-diagram"' in page
        ids = re.findall(r'\sid="([^"]+)"', page)
        assert len(ids) == len(set(ids)), [i for i in ids if ids.count(i) > 1]
        assert " style=" not in page.split('id="force-summary-')[1]  # the CSP forbids inline styles
    assert 'id="force-fields-title"' in report and "/export/forces.csv" in report
    # The report's diagram draws five forces a side, the pages three.
    section = report.split('id="force-fields"')[1].split("</section>")[0]
    assert section.count('class="force-diagram-driving"') == 5
    assert cell.count('class="force-diagram-restraining"') == 3
    # A field on a typed subject is in the report only.
    assert logic.summaries_for_project(priority_of(workshop), workshop.owner) == []


# --- forces.csv ----------------------------------------------------------------------------

def test_forces_csv_holds_forces_and_impacts_pseudonymous_and_safe(app, facilitator_client, workshop):
    field, _phones, forces, _impacts = session(app, facilitator_client, workshop)
    logic.merge(field, forces[0].id, forces[2].id)
    url = f"/w/{workshop.id}/export/forces.csv"
    coded = facilitator_client.get(url)
    assert coded.status_code == 200 and coded.headers["Cache-Control"] == "no-store"
    assert "attachment" in coded.headers["Content-Disposition"]
    lines = coded.get_data(as_text=True).lstrip("\ufeff").splitlines()
    assert lines[0] == ("activity,subject,project,part,item,side,strength,agreements,weight,text,explanation,"
                        "affected,hidden,merged_into,participant,group,created_at,theme")
    assert len(lines) == 1 + 30 + 10
    body = "\n".join(lines)
    assert ",P1," in body and ",P30," in body and "Surnom" not in body
    assert ",F1," in body and ",F3,driving," in body and ",E1,positive," in body
    merged = next(line for line in lines if ",F3," in line)
    assert ",F1," in merged.split(",F3,")[1]  # merged into F1
    assert "'=HYPERLINK" in body and ',"=HYPERLINK' not in body  # a formula stays text
    # Sent at 17:50 in Chicoutimi reads 17:50, as in the ideas' and hats' exports, not the server's 22:50 UTC.
    first = db.session.get(type(forces[1]), forces[1].id)
    assert dates.local_text(first.created_at) in body and first.created_at.isoformat(sep=" ", timespec="seconds") not in body

    # Names when asked, and only where the activity names people (a force field
    # says groups only by default); none at all under an anonymous one.
    named = facilitator_client.get(url + "?names=1").get_data(as_text=True)
    assert named.splitlines()[0].endswith(",nickname") and "Surnom" not in named
    field.activity.anonymity = "nickname"
    db.session.commit()
    named = facilitator_client.get(url + "?names=1").get_data(as_text=True)
    assert ",Surnom20" in named and ",Surnom0" in named
    field.activity.anonymity = "anonymous"
    db.session.commit()
    hidden = facilitator_client.get(url + "?names=1").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(hidden.lstrip("\ufeff"))))
    assert "Surnom" not in hidden and len(rows) == 41
    assert all(row[14:16] == ["", ""] and row[18] == "" for row in rows[1:])  # participant, group, nickname
    french = facilitator_client.get(url, headers={"Accept-Language": "fr-CA"}).get_data(as_text=True)
    header = french.lstrip("\ufeff").splitlines()[0].split(";")
    assert "Côté" in header and "Qui est touché" in header and "Participant·e" in header
    assert ";facilitante;" in french and ";positif;" in french and ";tout le monde;" in french

    # Readers only: a stranger or another facilitator gets nothing.
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert other.get(url).status_code == 403 and app.test_client().get(url).status_code in (302, 401)


def test_an_impact_alone_keeps_the_anonymity_promise(app, facilitator_client, workshop, phone):
    """Impacts are content: once one is sent, the activity's anonymity may only strengthen."""
    field = open_field(facilitator_client, workshop)
    url = f"/w/{workshop.id}/activities/{field.activity_id}/anonymity"
    assert post_impact(phone, workshop, field, "positive", "Un impact", "everyone", "k-promise-1").status_code == 200
    assert facilitator_client.post(url, data={"anonymity": "nickname"}).status_code == 422
    assert facilitator_client.post(url, data={"anonymity": "anonymous"}).status_code == 200
