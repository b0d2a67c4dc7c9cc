"""A force field on an adopted orphan project: weeks after the workshop that left
it orphan, the facilitator of an evaluation session picks the pilot a partner
carries; 40 phones weigh it and the result shows on the project's page, beside
its adopters."""

from __future__ import annotations

from tests.conftest import joined_phones, make_user, make_workshop
from tests.test_forces import agree, open_field, thirty_forces
from workshop.extensions import db
from workshop.forces import logic
from workshop.orphans import logic as orphans
from workshop.voting.models import Project

PILOT = "Une foire de l'emploi bilingue à Alma"


def orphan_project(workshop, title, stage=None) -> Project:
    """An orphan project of `workshop`, offered to a partner at `stage` (none: not offered)."""
    project = Project(workshop_id=workshop.id, title=title, status="orphan_candidate")
    db.session.add(project)
    db.session.commit()
    if stage:
        partner = orphans.save_organisation(None, {"name": f"Partenaire de {title}", "kind": "community",
                                                   "territory": "Saguenay", "interests": "emploi"})
        adoption = orphans.offer(project, partner, "coordination@example.org")
        if stage != "proposed":
            orphans.move(adoption, stage, "", "coordination@example.org")
    return project


def test_the_add_form_offers_the_adopted_orphan_projects_the_facilitator_may_read(
        app, facilitator_client, facilitator, workshop):
    earlier = make_workshop(facilitator, title="L'atelier du printemps")
    pilot = orphan_project(earlier, PILOT, "adopted")
    carried = orphan_project(earlier, "Un guichet d'accueil en cours", "in_progress")
    orphan_project(earlier, "Une idée que personne n'a prise")
    orphan_project(earlier, "Une idée seulement proposée", "proposed")
    stranger = make_workshop(make_user("other@example.org"), title="Ailleurs")
    theirs = orphan_project(stranger, "Le projet d'une autre animatrice", "adopted")

    assert logic.adopted_orphans(workshop) == [pilot, carried]
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    form = control.split('id="new-forces-form"')[1].split("</details>")[0]
    assert "Évaluer un projet orphelin adopté" in form
    assert f'value="{pilot.id}"' in form and f'value="{carried.id}"' in form
    assert "personne n&#39;a prise" not in form and "seulement proposée" not in form
    assert f'value="{theirs.id}"' not in form

    # Another facilitator's pilot is refused, even posted by hand.
    refused = facilitator_client.post(f"/w/{workshop.id}/forces", data={"project": theirs.id})
    assert "ne fait pas partie de l" in refused.get_data(as_text=True).replace("&#39;", "'")
    assert logic.fields_of(workshop) == []
    # A coordinator running a session reads every workshop: they may pick it.
    coordinator = make_user("coordination@example.org", role="coordinator")
    assert theirs in logic.adopted_orphans(make_workshop(coordinator, title="Évaluation des pilotes"))


def test_the_result_shows_on_the_orphan_project_page_for_its_adopters(
        app, facilitator_client, coordinator_client, facilitator, workshop):
    earlier = make_workshop(facilitator, title="L'atelier du printemps")
    pilot = orphan_project(earlier, PILOT, "adopted")
    field = open_field(facilitator_client, workshop, project=pilot.id)
    assert field.project_id == pilot.id and field.subject == PILOT
    phones = joined_phones(app, workshop, 40, prefix="Surnom")
    forces = thirty_forces(app, workshop, field, phones)
    for phone in phones[30:]:
        agree(phone, workshop, field, forces[4].id)

    page = coordinator_client.get(f"/orphans/projects/{pilot.id}").get_data(as_text=True)
    assert f'id="force-summary-{field.id}"' in page and "Partenaire de" in page
    strongest = [d.force.text for d in logic.summaries_for_project(pilot, facilitator)[0].driving]
    assert len(strongest) == 3 and all(text.replace("'", "&#39;") in page for text in strongest)
    assert workshop.title in page.split(f'id="force-summary-{field.id}"')[1]  # the session that weighed it
    assert "Surnom" not in page
    # The session's own report and forces.csv carry it too; the project belongs to another workshop.
    report = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    assert f'id="force-summary-{field.id}"' in report
    csv = facilitator_client.get(f"/w/{workshop.id}/export/forces.csv").get_data(as_text=True)
    assert csv.count(PILOT) == 2 * 30  # the activity and its subject, on each force
