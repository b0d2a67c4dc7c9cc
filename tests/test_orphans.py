"""Orphan projects: the adoption pipeline, partner organisations, the public
catalogue, follow-ups and figures, and who may do what."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import join, make_user, sign_in
from workshop.extensions import db
from workshop.orphans import logic, pipeline
from workshop.orphans.models import Adoption, Interest, Organisation


@pytest.mark.parametrize("current, target, note, ok", [
    ("proposed", "interested", "", True),
    ("interested", "realised", "", True),  # forward moves are free, even skipping
    ("realised", "proposed", "", False),  # reopening needs a note
    ("realised", "proposed", "Le partenaire reprend", True),
    ("adopted", "interested", "", False),  # going back needs a note
    ("in_progress", "abandoned", "", True),
    ("declined", "interested", "", False),
    ("proposed", "proposed", "x", False),
    ("proposed", "unknown", "x", False),
])
def test_stage_rules(current, target, note, ok):
    if ok:
        pipeline.check_move(current, target, note)
    else:
        with pytest.raises(pipeline.StageRefused):
            pipeline.check_move(current, target, note)


@pytest.fixture
def partners(app):
    return [logic.save_organisation(None, {"name": name, "kind": kind, "territory": territory, "interests": interests})
            for name, kind, territory, interests in [
                ("Carrefour emploi", "community", "MRC du Fjord-du-Saguenay", "emploi, immigration, foire"),
                ("Cégep régional", "education", "Saguenay", "stages, étudiants internationaux"),
            ]]


def test_adopted_by_one_declines_the_others_only_when_told_with_a_dated_timeline(orphan, partners):
    # Without a choice nothing is declined (the views ask for one: tests/test_orphans_followup.py).
    first = logic.offer(orphan, partners[0], "coord@example.org")
    second = logic.offer(orphan, partners[1], "coord@example.org")
    assert first.next_follow_up is not None  # every open adoption has a follow-up date
    logic.move(first, "interested", "Appel le 2 décembre", "coord@example.org")
    with pytest.raises(logic.OrphansRejected, match="decline_note_required"):
        logic.move(first, "adopted", "", "coord@example.org", others="decline")
    with pytest.raises(logic.OrphansRejected, match="others_choice_required"):
        logic.move(first, "adopted", "", "coord@example.org", others="drop")
    assert (first.stage, second.stage) == ("interested", "proposed")
    logic.move(first, "adopted", "Le Carrefour porte le projet", "coord@example.org", others="decline")
    assert (first.stage, second.stage) == ("adopted", "declined")
    assert [e.stage_to for e in first.events] == ["proposed", "interested", "adopted"]
    assert second.events[-1].note == "Le Carrefour porte le projet" and second.next_follow_up is None
    assert second.events[-1].reason == "adopted_elsewhere"
    with pytest.raises(logic.OrphansRejected, match="note_required"):
        logic.move(first, "proposed", "", "coord@example.org")
    with pytest.raises(logic.OrphansRejected, match="already_offered"):
        logic.offer(orphan, partners[0], "coord@example.org")


def test_archiving_keeps_history(orphan, partners):
    adoption = logic.offer(orphan, partners[0], "coord@example.org")
    logic.archive(partners[0])
    assert db.session.get(Adoption, adoption.id).organisation.archived
    assert partners[0] not in logic.organisations() and partners[0] in logic.organisations(include_archived=True)
    with pytest.raises(logic.OrphansRejected):
        logic.offer(orphan, partners[0], "coord@example.org")


def test_public_catalogue_interest_then_confirmation(app, coordinator_client, orphan):
    logic.describe(orphan, "Une foire annuelle pour les nouveaux arrivants.", "")
    logic.publish(orphan, True, "coord@example.org")
    visitor = app.test_client()
    page = visitor.get("/catalogue").get_data(as_text=True)
    assert "foire de l" in page and "Nous sommes intéressés" in page
    incomplete = visitor.post(f"/catalogue/{orphan.id}/interest", data={"organisation": "Club", "email": "nope"})
    assert incomplete.status_code == 422 and db.session.query(Interest).count() == 0
    sent = visitor.post(f"/catalogue/{orphan.id}/interest", data={
        "organisation": "Chambre de commerce", "contact": "Alex Tremblay", "email": "alex@example.org",
        "message": "Nous aimerions en discuter."})
    assert sent.status_code == 200 and "Merci" in sent.get_data(as_text=True)
    assert logic.figures()["interested"] == 0  # it counts only once confirmed
    interest = db.session.query(Interest).one()
    coordinator_client.post(f"/orphans/interests/{interest.id}/confirm")
    db.session.expire_all()
    adoption = db.session.query(Adoption).one()
    assert adoption.stage == "interested" and adoption.organisation.name == "Chambre de commerce"
    assert logic.figures()["interested"] == 1


def test_an_interest_in_a_project_gone_from_the_catalogue_says_so_and_keeps_the_message(app, orphan):
    """Withdrawn (or adopted) while the partner was writing: the refusal shows where the
    page opens, with their message to keep, since the project's own card is gone."""
    logic.describe(orphan, "Une foire annuelle pour les nouveaux arrivants.", "")
    logic.publish(orphan, True, "coord@example.org")
    visitor = app.test_client()
    page = visitor.get("/catalogue").get_data(as_text=True)
    assert f'action="/catalogue/{orphan.id}/interest#project-{orphan.id}"' in page  # the answer opens on the card
    logic.publish(orphan, False, "coord@example.org")
    refused = visitor.post(f"/catalogue/{orphan.id}/interest", data={
        "organisation": "Chambre de commerce", "contact": "Alex Tremblay", "email": "alex@example.org",
        "message": "Nous aimerions en discuter avec vous."})
    text = refused.get_data(as_text=True)
    assert refused.status_code == 422 and f'id="project-{orphan.id}"' not in text
    alert = text[text.index('role="alert"'):]
    assert alert.index("ne cherche pas") < alert.index("Nous aimerions en discuter avec vous.") < alert.index("</div>")
    assert db.session.query(Interest).count() == 0


def test_interest_form_is_rate_limited_per_organisation_not_per_room(limited_app, orphan):
    logic.describe(orphan, "Une foire annuelle.", "")
    logic.publish(orphan, True, "coord@example.org")
    client = limited_app.test_client()  # one Wi-Fi address for the whole forum room
    data = {"organisation": "Org", "contact": "A", "email": "a@example.org"}
    statuses = [client.post(f"/catalogue/{orphan.id}/interest", data=data).status_code for _ in range(11)]
    assert statuses[:10] == [200] * 10 and statuses[10] == 429
    refused = client.post(f"/catalogue/{orphan.id}/interest", data=data)
    minutes = int(refused.headers["Retry-After"]) // 60  # the real wait, said in words, not "a minute"
    assert minutes > 1 and f"{minutes} minutes" in refused.get_data(as_text=True)
    assert "attendez une minute" not in refused.get_data(as_text=True)
    others = [client.post(f"/catalogue/{orphan.id}/interest", data={
        "organisation": f"Organisme {n}", "contact": "B", "email": f"b{n}@example.org"}).status_code for n in range(15)]
    assert others == [200] * 15  # the room's other partners are not blocked
    for _ in range(12):  # failures (a typo in the email) do not count
        client.post(f"/catalogue/{orphan.id}/interest", data={"organisation": "Typo", "contact": "C", "email": "x"})
    assert client.post(f"/catalogue/{orphan.id}/interest", data={
        "organisation": "Typo", "contact": "C", "email": "c@example.org"}).status_code == 200


def test_exports_figures_and_calendar(coordinator_client, orphan, partners):
    adoption = logic.offer(orphan, partners[0], "coord@example.org")
    logic.move(adoption, "adopted", "", "coord@example.org")
    figures = logic.figures()
    assert (figures["proposed"], figures["adopted"], figures["median_days_to_adoption"]) == (1, 1, 0)
    assert figures["interested"] == 1  # straight from proposed to adopted: of interest, in effect
    assert figures["by_kind"] == {"community": 1}
    assert figures["by_territory"] == {"MRC du Fjord-du-Saguenay": 1}
    partners[0].territory = ""  # a partner saved without its territory: said in words, not as a dash
    db.session.commit()
    page = coordinator_client.get("/orphans").get_data(as_text=True)
    assert "territoire non précisé (1)" in page and "— (1)" not in page
    logic.move(adoption, "realised", "", "coord@example.org")
    second = logic.offer(orphan, partners[1], "coord@example.org")
    ics = coordinator_client.get("/orphans/follow-ups.ics").get_data(as_text=True)
    assert ics.startswith("BEGIN:VCALENDAR") and f"UID:adoption-{second.id}-" in ics
    assert f"UID:adoption-{adoption.id}-" not in ics  # closed adoptions need no follow-up
    csv = coordinator_client.get("/orphans/pipeline.csv").get_data(as_text=True)
    assert "Carrefour emploi" in csv and "realised" in csv
    dashboard = coordinator_client.get("/orphans").get_data(as_text=True)
    assert "Tableau par étape" in dashboard and "<svg" in dashboard


def test_organisations_csv_round_trip(coordinator_client, partners):
    exported = coordinator_client.get("/orphans/organisations.csv").get_data(as_text=True)
    db.session.query(Organisation).update({"territory": "changé"})
    db.session.commit()
    from io import BytesIO

    response = coordinator_client.post("/orphans/organisations/import",
                                       data={"file": (BytesIO(exported.encode()), "orgs.csv")},
                                       content_type="multipart/form-data")
    assert response.status_code == 200
    db.session.expire_all()
    assert sorted(o.territory for o in db.session.query(Organisation)) == ["MRC du Fjord-du-Saguenay", "Saguenay"]
    assert db.session.query(Organisation).count() == 2  # updated by name, not duplicated


def orphan_routes(app):
    adapter = app.url_map.bind("workshop.test")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/orphans"):
            continue
        values = {name: (sorted(c.items)[0] if isinstance(c, AnyConverter) else 1)
                  for name, c in rule._converters.items() if isinstance(c, (AnyConverter, IntegerConverter))}
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, adapter.build(rule.endpoint, values)


def test_only_coordinators_and_admins_change_orphan_projects(app, facilitator_client, workshop, orphan, partners):
    participant = app.test_client()
    join(participant, workshop)
    routes = list(orphan_routes(app))
    assert len(routes) >= 12
    for who, client in {"anonymous": app.test_client(), "participant": participant,
                        "facilitator": facilitator_client}.items():
        for method, url in routes:
            assert client.open(url, method=method, data={}).status_code in (302, 401, 403), (who, method, url)
    db.session.expire_all()
    assert db.session.query(Adoption).count() == 0 and not any(o.archived for o in db.session.query(Organisation))
    make_user("admin@example.org", role="admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    assert admin.get("/orphans").status_code == 200


def test_project_page_shows_its_origin(coordinator_client, workshop, orphan, partners):
    from workshop.hats import logic as hats
    from workshop.participants.models import Participant

    person = Participant(workshop_id=workshop.id, group_id=workshop.groups[0].id)
    db.session.add(person)
    db.session.commit()
    six = hats.create(workshop, [], [orphan.id], "sequence")
    from workshop.workshops.logic import open_activity

    open_activity(workshop, six.activity)
    hats.comment(six, person, "blue", "Prochaine étape : un comité", "k-000000001")
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    assert "Origine" in page and workshop.title in page and "Prochaine étape" in page


def test_a_board_drag_moves_forward_and_explains_a_refusal(coordinator_client, orphan, partners):
    adoption = logic.offer(orphan, partners[0], "coord@example.org")
    moved = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/move", data={"stage": "adopted"},
                                    headers={"HX-Request": "true"})
    assert moved.status_code == 204 and moved.headers["HX-Refresh"] == "true"
    refused = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/move", data={"stage": "proposed"},
                                      headers={"HX-Request": "true"})
    assert refused.status_code == 422 and "note" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Adoption, adoption.id).stage == "adopted"


def test_skipped_stages_count_as_reached():
    assert pipeline.reached(["proposed", "in_progress"]) == {"proposed", "interested", "adopted", "in_progress"}
    assert pipeline.reached(["proposed", "declined"]) == {"proposed", "declined"}
    assert pipeline.reached(["proposed", "interested", "declined"]) == {"proposed", "interested", "declined"}


def test_the_coordinator_edits_description_and_needs(coordinator_client, orphan):
    coordinator_client.post("/lang/en")
    url = f"/orphans/projects/{orphan.id}"
    saved = coordinator_client.post(url, data={"description": "  Une foire annuelle, bilingue.  ", "needs": "Une salle"})
    assert saved.status_code == 200 and "Saved." in saved.get_data(as_text=True)
    db.session.expire_all()
    assert (orphan.description, orphan.needs) == ("Une foire annuelle, bilingue.", "Une salle")
    too_long = "x" * (logic.MAX_DESCRIPTION_LENGTH + 1)
    refused = coordinator_client.post(url, data={"description": too_long, "needs": "Deux salles"})
    page = refused.get_data(as_text=True)
    assert refused.status_code == 422 and "limited to 5000 characters" in page
    assert too_long in page and "Deux salles" in page  # what was typed comes back
    db.session.expire_all()
    assert orphan.needs == "Une salle"  # nothing half-saved


def test_suggestions_give_their_reason_and_follow_the_filters(coordinator_client, orphan, partners):
    logic.describe(orphan, "Une foire de l'emploi pour l'immigration et les nouveaux arrivants.", "")
    page = coordinator_client.get(f"/orphans/projects/{orphan.id}").get_data(as_text=True)
    suggestions = page[page.index('class="suggestions"'):]
    suggestions = suggestions[:suggestions.index("</ol>")]
    assert "Carrefour emploi" in suggestions
    terms = suggestions[suggestions.index("Carrefour emploi"):].split("</li>")[0]
    assert "emploi" in terms and "foire" in terms  # the shared terms are the reason
    by_kind = coordinator_client.get(f"/orphans/projects/{orphan.id}?kind=education").get_data(as_text=True)
    assert "Carrefour emploi</strong>" not in by_kind
    by_territory = coordinator_client.get(
        f"/orphans/projects/{orphan.id}?territory=MRC+du+Fjord-du-Saguenay").get_data(as_text=True)
    assert "Carrefour emploi</strong>" in by_territory and "Cégep régional</strong>" not in by_territory


def test_an_organisation_page_lists_the_projects_that_fit_it(coordinator_client, orphan, partners):
    page = coordinator_client.get(f"/orphans/organisations/{partners[0].id}").get_data(as_text=True)
    assert f"/orphans/projects/{orphan.id}" in page and "foire" in page
    unrelated = coordinator_client.get(f"/orphans/organisations/{partners[1].id}").get_data(as_text=True)
    assert f"/orphans/projects/{orphan.id}" not in unrelated


@pytest.mark.parametrize("back, lands", [("/orphans", "/orphans"), ("//evil.example/x", None),
                                         ("https://evil.example/", None), ("/\\evil.example", None)])
def test_after_a_move_the_way_back_stays_on_this_site(coordinator_client, orphan, partners, back, lands):
    adoption = logic.offer(orphan, partners[0], "coord@example.org")
    response = coordinator_client.post(f"/orphans/adoptions/{adoption.id}/move",
                                       data={"stage": "interested", "back": back})
    assert response.status_code == 302
    assert response.headers["Location"] == (lands or f"/orphans/projects/{orphan.id}")


def test_an_interest_without_the_csrf_token_is_refused(database_url, orphan):
    from tests.conftest import base_config, new_app

    app = new_app({**base_config(database_url), "WTF_CSRF_ENABLED": True})
    visitor = app.test_client()
    response = visitor.post(f"/catalogue/{orphan.id}/interest", data={
        "organisation": "Chambre de commerce", "contact": "Alex", "email": "alex@example.org", "message": "Oui"})
    assert response.status_code == 400
    assert db.session.query(Interest).count() == 0


CATALOGUE_TITLES = ["Épiceries solidaires dans les quartiers", "Une navette vers l'épicerie le samedi",
                    "Jardins communautaires au cégep", "Logements meublés pour les nouveaux arrivants"]


def test_the_catalogue_searches_sixty_projects_whatever_the_accents(app, client, workshop):
    """Partner organisations read a catalogue of sixty projects from several
    workshops: a search keeps those with every word typed, accents, case and
    endings aside, says how many, and says what to do when none has them."""
    from workshop.voting.models import Project

    projects = [Project(workshop_id=workshop.id, status="orphan_candidate",
                        title=CATALOGUE_TITLES[n % 4] + f" ({n})", description="Né d'un atelier du laboratoire vivant.",
                        needs="Un local et des bénévoles" if n < 6 else "")
                for n in range(60)]
    db.session.add_all(projects)
    db.session.commit()
    for project in projects:
        logic.publish(project, True, "coord@example.org")

    page = client.get("/catalogue").get_data(as_text=True)
    assert page.count('class="card catalogue-item"') == 60 and 'role="search"' in page
    found = client.get("/catalogue?q=EPICERIE").get_data(as_text=True)
    assert found.count('class="card catalogue-item"') == 30  # "Épiceries", "l'épicerie"
    assert "30 projets correspondent à « EPICERIE »" in found
    both = client.get("/catalogue?q=épicerie+samedi").get_data(as_text=True)
    assert both.count('class="card catalogue-item"') == 15
    needs = client.get("/catalogue?q=benevoles").get_data(as_text=True)
    assert needs.count('class="card catalogue-item"') == 6  # what a project needs is searched too
    none = client.get("/catalogue?q=<b>piscine</b>").get_data(as_text=True)
    assert 'class="card catalogue-item"' not in none and "Essayez moins de mots" in none
    assert "<b>piscine</b>" not in none  # what was typed comes back as text
