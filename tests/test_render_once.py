"""A change is rendered for every room that watches (projector, control view,
phones, each in French and English) from values computed once: closing a
round tallies it once, however many rooms and languages, and the number of
SQL statements a push costs is pinned here so that it cannot quietly grow."""

from __future__ import annotations

import pytest

from analysis import tally
from tests.conftest import join, sql_statements
from tests.test_live import swaps, watcher
from workshop.extensions import db
from workshop.voting import logic as voting
from workshop.voting.models import Project
from workshop.workshops.logic import open_activity

PHONES = 60
ITEMS = 200  # a participatory budget's ballot
# Measured (14 on SQLite and PostgreSQL alike, six kinds installed; the force
# field's add form lists the adopted orphan projects): closing the round and
# pushing it to six rooms. A higher count means a render started querying per
# room again; lower it when a change makes a push cheaper.
STATEMENTS_PER_CLOSE = 14


@pytest.fixture
def round_with_ballots(app, workshop):
    projects = [Project(workshop_id=workshop.id, title=f"Projet {n + 1}", status="candidate") for n in range(ITEMS)]
    db.session.add_all(projects)
    db.session.commit()
    round_ = voting.create_round(workshop, "Priorisation", "dots", projects, dots=5, max_per_item=3,
                                 show_live=True)
    open_activity(workshop, round_.activity)
    phones = []
    for n in range(PHONES):
        phone = app.test_client()
        join(phone, workshop, nickname=f"P{n}", group_index=n % len(workshop.groups))
        phones.append(phone)
    from workshop.participants.models import Participant

    for n, person in enumerate(db.session.scalars(db.select(Participant).order_by(Participant.id))):
        chosen = {projects[(n + k) % ITEMS].id: 1 for k in range(5)}
        voting.save_ballot(round_, person, lambda _current, chosen=chosen: chosen)
    return round_, phones


def test_closing_a_round_tallies_once_for_six_rooms(app, workshop, facilitator_client, round_with_ballots,
                                                    monkeypatch):
    round_, phones = round_with_ballots
    screens = [watcher(app, facilitator_client, workshop, audience, lang)[0]
               for audience in ("projector", "control") for lang in ("fr", "en")]
    screens += [watcher(app, phones[0], workshop, "phones", "fr")[0],
                watcher(app, phones[1], workshop, "phones", "en")[0]]
    for screen in screens:
        swaps(screen)  # what watching sent

    tallies = []
    real_tally = tally.tally
    monkeypatch.setattr(tally, "tally", lambda *args, **kw: tallies.append(1) or real_tally(*args, **kw))
    with sql_statements() as statements:
        facilitator_client.post(f"/w/{workshop.id}/activities/{round_.activity_id}/close")

    stages = [next(s["html"] for s in swaps(screen) if s["id"] in ("stage", "activity-panel")) for screen in screens]
    assert all("Projet 1" in html for html in stages[:4])  # every big screen shows the results
    assert "autres projets" in stages[0] and "more projects" in stages[1]  # each room in its language
    assert len(tallies) == 1
    assert len(statements) <= STATEMENTS_PER_CLOSE, len(statements)


def test_outside_a_push_each_render_tallies_afresh(app, workshop, facilitator_client, round_with_ballots,
                                                   monkeypatch):
    """A page rendered after a new ballot must not reuse an earlier tally."""
    round_, _phones = round_with_ballots
    tallies = []
    real_tally = tally.tally
    monkeypatch.setattr(tally, "tally", lambda *args, **kw: tallies.append(1) or real_tally(*args, **kw))
    facilitator_client.get(f"/w/{workshop.id}/control")
    facilitator_client.get(f"/w/{workshop.id}/control")
    assert len(tallies) == 2
