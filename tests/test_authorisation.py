"""Every facilitator route and socket room, tried by everyone who is not the
workshop's facilitator. New routes under /w/<workshop_id>/ join the matrix by
themselves: nobody has to remember to add them here."""

import pytest
from werkzeug.routing import AnyConverter, IntegerConverter

from tests.conftest import join, make_user, make_workshop, sign_in
from tests.test_live import emit, socket_for

REFUSED = (302, 401, 403)
# What coordinators read of every workshop weeks later (its record); they act on none.
READ_BY_COORDINATORS = {"reports.report", "reports.ideas_csv", "reports.votes_csv", "reports.hats_csv",
                        "reports.workbook", "reports.workshop_json", "cells.page", "cells.contacts",
                        "forces.forces_csv"}
# What coordinators act on for any workshop: people's Law 25 requests, and keeping the list tidy.
ACTED_ON_BY_COORDINATORS = {"privacy.page", "privacy.export", "privacy.person", "workshops.rename",
                            "workshops.archive"}


def facilitator_routes(app, workshop_id, with_endpoint=False):
    """(method, url) for every route under /w/<workshop_id>/, with sample values."""
    adapter = app.url_map.bind("workshop.test")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/w/<int:workshop_id>"):
            continue
        values = {}
        for name, converter in rule._converters.items():
            if isinstance(converter, AnyConverter):
                values[name] = sorted(converter.items)[0]
            elif isinstance(converter, IntegerConverter):
                values[name] = workshop_id if name == "workshop_id" else 1
            else:
                values[name] = "control"
        url = adapter.build(rule.endpoint, values, force_external=False)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield (method, url, rule.endpoint) if with_endpoint else (method, url)


@pytest.fixture
def people(app, workshop, facilitator):
    participant = app.test_client()
    join(participant, workshop)
    elsewhere = app.test_client()
    join(elsewhere, make_workshop(facilitator, title="Another workshop"))
    other_facilitator = app.test_client()
    make_user("other@example.org")
    sign_in(other_facilitator, "other@example.org")
    coordinator = app.test_client()
    make_user("coordination@example.org", role="coordinator")
    sign_in(coordinator, "coordination@example.org")
    return {"anonymous": app.test_client(), "participant": participant, "participant elsewhere": elsewhere,
            "facilitator of another workshop": other_facilitator, "coordinator": coordinator}


def test_the_matrix_covers_every_feature(app, workshop):
    urls = " ".join(url for _method, url in facilitator_routes(app, workshop.id))
    for feature in ("/control", "/ideas/", "/themes/", "/rounds", "/hats", "/cells", "/privacy", "/timer",
                    "/brainwriting", "/forces"):
        assert feature in urls, feature


def test_every_facilitator_route_refuses_everyone_else(app, workshop, people):
    routes = list(facilitator_routes(app, workshop.id, with_endpoint=True))
    assert len(routes) > 30
    assert READ_BY_COORDINATORS <= {endpoint for _method, _url, endpoint in routes}
    for who, client in people.items():
        for method, url, endpoint in routes:
            if who == "coordinator" and method == "GET" and endpoint in READ_BY_COORDINATORS:
                continue  # test_coordinators_read_the_record_and_act_on_nothing
            if who == "coordinator" and endpoint in ACTED_ON_BY_COORDINATORS:
                continue  # tests/test_privacy_person.py, tests/test_workshops.py
            status = client.open(url, method=method, data={}).status_code
            assert status in REFUSED, (who, method, url, status)


def test_coordinators_read_the_record_and_act_on_nothing(app, workshop, people, facilitator):
    from workshop.cells.models import Cell, CellSignup
    from workshop.extensions import db
    from workshop.voting.models import Project
    from workshop.workshops.models import Activity

    project = Project(workshop_id=workshop.id, title="Une priorité", status="priority")
    activity = Activity(workshop_id=workshop.id, kind="cells", prompt="cells", position=9)
    db.session.add_all([project, activity])
    db.session.flush()
    signup = CellSignup(activity_id=activity.id, cells=[Cell(project_id=project.id)])
    db.session.add(signup)
    db.session.commit()
    cell_id = signup.cells[0].id
    coordinator = people["coordinator"]
    for method, url, endpoint in facilitator_routes(app, workshop.id, with_endpoint=True):
        if endpoint in READ_BY_COORDINATORS and method == "GET":
            url = url.replace("/cell/1", f"/cell/{cell_id}")
            assert coordinator.get(url).status_code == 200, url
    report = coordinator.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    assert f"/w/{workshop.id}/control" not in report  # no way into the control view
    assert f"/w/{workshop.id}/cell/{cell_id}" in report  # the priority leads to its cell
    page = coordinator.get(f"/w/{workshop.id}/cell/{cell_id}").get_data(as_text=True)
    assert f"/w/{workshop.id}/report" in page and f"/w/{workshop.id}/control" not in page
    # Not a facilitator elsewhere: a facilitator of another workshop still reads nothing here.
    assert people["facilitator of another workshop"].get(f"/w/{workshop.id}/report").status_code == 403


def test_an_admin_may_use_every_route(app, workshop):
    make_user("admin@example.org", role="admin")
    admin = app.test_client()
    sign_in(admin, "admin@example.org")
    for method, url in facilitator_routes(app, workshop.id):
        status = admin.open(url, method=method, data={}).status_code
        assert status not in (401, 403), (method, url, status)


@pytest.mark.parametrize("audience", ["projector", "control", "phones"])
def test_socket_rooms_matrix(app, workshop, people, facilitator_client, audience):
    allowed = {"projector": set(), "control": set(), "phones": {"participant"}}[audience]

    def may_watch(client) -> bool:
        socket = socket_for(app, client)
        if not socket.is_connected():
            return False  # refused at the handshake: a session that says nobody it knows
        return emit(app, socket, "watch", {"workshop": workshop.id, "audience": audience, "lang": "fr"})["ok"]

    for who, client in people.items():
        assert may_watch(client) is (who in allowed), (who, audience)
    assert may_watch(facilitator_client) is (audience != "phones")


# --- phone routes: a phone acts only in the workshop it joined -------------------------

def phone_routes(app, code: str, ids: dict):
    """(method, url) for every route under /j/<code>/ but the join page, with the given ids."""
    adapter = app.url_map.bind("workshop.test")
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/j/<code>/"):
            continue
        values = {name: (code if name == "code" else ids[name]) for name in rule.arguments}
        url = adapter.build(rule.endpoint, values)
        for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
            yield method, url


def furnish(workshop):
    """A round, a six-hats activity and a cell sign-up in the workshop; their ids."""
    from workshop.brainwriting import logic as brainwriting
    from workshop.cells import logic as cells
    from workshop.extensions import db
    from workshop.forces import logic as forces
    from workshop.forces.models import Force
    from workshop.hats import logic as hats
    from workshop.ideas import logic as ideas
    from workshop.participants.models import Participant
    from workshop.voting import logic as voting
    from workshop.workshops.logic import close_activity, open_activity

    author = Participant(workshop_id=workshop.id, nickname="Auteur", group_id=workshop.groups[0].id)
    db.session.add(author)
    db.session.commit()
    activity = workshop.activities[0]
    open_activity(workshop, activity)
    for n, text in enumerate(["Jumelage", "Logement", "Français"]):
        ideas.submit_idea(author, activity, text, f"furnish-{n:04d}")
    close_activity(workshop, activity)
    round_ = voting.create_round(workshop, "Tour", "dots", voting.candidates(workshop, "ideas"))
    voting.retain(workshop, [item.project_id for item in round_.items[:2]])
    six = hats.create(workshop, ["Un sujet"], [], "balanced")
    signup = cells.create(workshop, "first_come", None)
    field = forces.create(workshop, "Un sujet", None)
    force = Force(field_id=field.id, participant_id=author.id, side="driving", strength=3, text="Une force",
                  submission_key="furnish-force")
    db.session.add(force)
    db.session.commit()
    passing = brainwriting.create(workshop, activity.id, 5)
    return {"round_id": round_.id, "hats_id": six.id, "signup_id": signup.id, "field_id": field.id, "force_id": force.id, "bw_id": passing.id}


def test_phones_act_only_in_the_workshop_they_joined(app, workshop, facilitator, people):
    from workshop.extensions import db
    from workshop.ideas.models import Idea

    other = make_workshop(facilitator, title="Un autre atelier")
    ours, theirs = furnish(workshop), furnish(other)
    before = db.session.query(Idea).count()
    routes = list(phone_routes(app, workshop.join_code, ours))
    assert len(routes) >= 10 and any("/rounds/" in url for _m, url in routes)
    # Anonymous visitors and phones of another workshop: refused on every phone route.
    for who in ("anonymous", "participant elsewhere", "facilitator of another workshop", "coordinator"):
        for method, url in routes:
            status = people[who].open(url, method=method, data={"text": "x", "key": "k-00000001"}).status_code
            assert status in (302, 403, 404), (who, method, url, status)
    # Our phone, pointed at the other workshop's round, hats or cells: not found, nothing stored.
    phone = people["participant"]
    for method, url in phone_routes(app, workshop.join_code, theirs):
        if any(f"/{part}/" in url for part in ("rounds", "hats", "cells", "forces", "brainwriting")):
            status = phone.open(url, method=method, data={"project": "1", "delta": "1", "cell": "1"}).status_code
            assert status in (403, 404, 409, 422), (method, url, status)
    assert db.session.query(Idea).count() == before
