"""Grouping forces: the facilitator puts the forces of each side into groups from
the control view (a label typed or picked); the projector shows each group
together under its heading, heaviest group first; the report, forces.csv and
the archive keep the groups. At real size: 40 phones, 30 forces."""

from __future__ import annotations

import csv
import io
import json
import re

from hypothesis import given, settings
from hypothesis import strategies as st

from analysis.forcefield import DRIVING, RESTRAINING, Force, themed
from tests.conftest import joined_phones, make_user, sign_in
from tests.test_forces import open_field, thirty_forces
from tests.test_live import swaps, watcher
from workshop.extensions import db
from workshop.forces import logic


def weighed(id_, weight, side=DRIVING) -> Force:
    return Force(id=id_, side=side, mean_strength=weight, ratings=1, agreements=0, weight=weight, length=1.0)


# --- the pure grouping ----------------------------------------------------------------------

def test_groups_come_heaviest_first_and_the_ungrouped_last():
    side = [weighed(1, 5), weighed(2, 4), weighed(3, 3), weighed(4, 2), weighed(5, 1)]
    groups = themed(side, {1: "Transport", 2: "Logement", 3: "logement ", 4: None})
    assert [(g.label, [f.id for f in g.forces], g.weight) for g in groups] == [
        ("Logement", [2, 3], 7), ("Transport", [1], 5), (None, [4, 5], 3)]
    assert [g.label for g in themed(side, {})] == [None]  # nothing grouped: one unnamed group
    assert themed([], {}) == []


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(st.floats(0.5, 10, allow_nan=False), st.sampled_from([None, "", "A", "a ", "B", "C"])),
                max_size=30))
def test_grouping_keeps_every_force_once_in_its_group(rows):
    side = [weighed(n, weight) for n, (weight, _label) in enumerate(rows)]
    labels = {n: label for n, (_weight, label) in enumerate(rows)}
    groups = themed(side, labels)
    assert sorted(f.id for g in groups for f in g.forces) == list(range(len(rows)))
    named = [g for g in groups if g.label is not None]
    assert [g.weight for g in named] == sorted((g.weight for g in named), reverse=True)
    assert all(g.label is not None for g in groups[:-1])  # the ungrouped only last
    assert len({g.label.casefold() for g in named}) == len(named)
    for g in groups:
        assert all((labels[f.id] or "").strip().casefold() == (g.label or "").casefold() for f in g.forces)
        assert [f.id for f in g.forces] == [f.id for f in side if f in g.forces]  # strongest first, as given


# --- at real size, over HTTP -------------------------------------------------------------------

GROUPS = {DRIVING: ["Main-d'œuvre", "Partenaires", "Financement"], RESTRAINING: ["Permis", "Vie quotidienne"]}


def group_url(workshop, field, force_id):
    return f"/w/{workshop.id}/forces/{field.id}/items/{force_id}/group"


def grouped_session(app, facilitator_client, workshop):
    """30 forces from 40 phones; the facilitator groups 24 of them (6 stay ungrouped)."""
    field = open_field(facilitator_client, workshop)
    phones = joined_phones(app, workshop, 40, prefix="Surnom")
    forces = thirty_forces(app, workshop, field, phones)
    for n, force in enumerate(forces[:24]):
        label = GROUPS[force.side][n // 2 % len(GROUPS[force.side])]
        response = facilitator_client.post(group_url(workshop, field, force.id), data={"theme": label})
        assert response.status_code == 200, response.get_data(as_text=True)
    db.session.expire_all()
    return field, phones, forces


def test_the_facilitator_groups_thirty_forces_and_the_projector_shows_them_together(
        app, facilitator_client, workshop):
    field, _phones, forces = grouped_session(app, facilitator_client, workshop)
    view = logic.view(field)
    for side, labels in GROUPS.items():
        groups = view.groups(side)
        assert [g.label for g in groups[:-1]] == sorted(labels, key=lambda lab: -next(
            g.weight for g in groups if g.label == lab))
        assert groups[-1].label is None and len(groups[-1].drawn) == 3  # forces 24 to 29: three a side
        assert sum(len(g.drawn) for g in groups) == 15
        weights = [g.weight for g in groups[:-1]]
        assert weights == sorted(weights, reverse=True)

    projector = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    for side in (DRIVING, RESTRAINING):
        listed = projector.split(f'id="forces-{side}-projector"')[1].split("</ol>")[0]
        assert listed.count('class="force-group-title"') == len(GROUPS[side]) + 1
        assert listed.count('<li class="force') == 15  # the headings ride on forces: the fitting counts forces
        # Each group's forces come together, right after its heading.
        heading, seen = None, {}
        for item in listed.split("<li ")[1:]:
            found = re.search(r'class="force-group-title"><span[^>]*>([^<]+)</span>', item)
            if found:
                heading = found.group(1).replace("&#39;", "'")
                assert heading not in seen
                seen[heading] = []
            seen[heading].append(int(re.search(r'id="force-projector-(\d+)"', item).group(1)))
        for label, ids in seen.items():
            expected = {f.id for f in forces if f.side == side and (f.theme or "Non regroupées") == label}
            assert set(ids) == expected, label
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert 'id="force-groups-driving"' in control and control.count('name="theme"') == 30
    assert '<option value="Permis">' in control


def test_grouping_is_for_the_facilitator_checked_and_undone(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    phone.post(f"/j/{workshop.join_code}/forces/{field.id}",
               data={"text": "Le permis fermé", "side": RESTRAINING, "strength": 4, "key": "k-group-0001"})
    phone.post(f"/j/{workshop.join_code}/forces/{field.id}",
               data={"text": "Le permis de travail fermé", "side": RESTRAINING, "strength": 2, "key": "k-group-0002"})
    first, second = logic.forces_of(field)
    url = group_url(workshop, field, first.id)
    assert phone.post(url, data={"theme": "Permis"}).status_code in (302, 401)
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    assert other.post(url, data={"theme": "Permis"}).status_code == 403
    assert facilitator_client.post(group_url(workshop, field, 999999), data={"theme": "x"}).status_code == 404
    too_long = facilitator_client.post(url, data={"theme": "x" * 81})
    assert too_long.status_code == 422 and "80" in too_long.get_data(as_text=True)
    assert facilitator_client.post(url, data={"theme": "  Permis \t de travail "}).status_code == 200
    db.session.expire_all()
    assert db.session.get(type(first), first.id).theme == "Permis de travail"
    # A duplicate merged into it follows its group; grouping the duplicate groups the kept force.
    logic.merge(field, second.id, first.id)
    db.session.expire_all()
    assert logic.kept(db.session.get(type(first), first.id)).theme == "Permis de travail"
    assert facilitator_client.post(url, data={"theme": ""}).status_code == 200
    db.session.expire_all()
    assert db.session.get(type(second), second.id).theme is None
    assert not logic.view(field).grouped(RESTRAINING)


def test_grouping_reaches_the_big_screens_live(app, facilitator_client, workshop, phone):
    field = open_field(facilitator_client, workshop)
    phone.post(f"/j/{workshop.join_code}/forces/{field.id}",
               data={"text": "Un financement régional", "side": DRIVING, "strength": 3, "key": "k-live-0001"})
    force = logic.forces_of(field)[0]
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    projector.get_received()
    facilitator_client.post(group_url(workshop, field, force.id), data={"theme": "Financement"})
    pushed = " ".join(s["html"] for s in swaps(projector) if s.get("html"))
    assert 'class="force-group-title"' in pushed and "Financement" in pushed


def test_the_report_forces_csv_and_archive_keep_the_groups(app, facilitator_client, workshop):
    field, _phones, forces = grouped_session(app, facilitator_client, workshop)
    report = facilitator_client.get(f"/w/{workshop.id}/report").get_data(as_text=True)
    summary = report.split(f'id="force-summary-{field.id}"')[1].split("</section>")[0]
    assert summary.count('class="force-summary-groups"') == 2
    assert all(label.replace("'", "&#39;") in summary for labels in GROUPS.values() for label in labels)

    body = facilitator_client.get(f"/w/{workshop.id}/export/forces.csv").get_data(as_text=True)
    rows = list(csv.reader(io.StringIO(body.lstrip("\ufeff"))))
    assert rows[0][-1] == "theme"
    themes = {row[4]: row[-1] for row in rows[1:] if row[3] == "force"}
    assert themes["F1"] == GROUPS[DRIVING][0] and themes["F4"] == GROUPS[RESTRAINING][1] and themes["F30"] == ""
    assert sum(1 for value in themes.values() if value) == 24
    french = facilitator_client.get(f"/w/{workshop.id}/export/forces.csv", headers={"Accept-Language": "fr-CA"})
    assert french.get_data(as_text=True).lstrip("\ufeff").splitlines()[0].endswith(";Regroupement")

    document = json.loads(facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_data(as_text=True))
    part = next(a for a in document["activities"] if a["kind"] == "forces")["forces"]
    assert sum(1 for f in part["forces"] if f["theme"]) == 24
    restored = facilitator_client.post("/workshops/import", data={
        "file": (io.BytesIO(json.dumps(document).encode()), "w.json")}, content_type="multipart/form-data")
    assert restored.status_code == 302
    copy = db.session.scalars(db.select(type(field)).order_by(type(field).id.desc())).first()
    assert [f.theme for f in logic.forces_of(copy)] == [f.theme for f in logic.forces_of(field)]
