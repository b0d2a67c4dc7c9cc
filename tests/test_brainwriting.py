"""Brainwriting rotation in a session: rounds, one idea handed to each phone,
build-ons sent once, moderation, promotion to an idea, pushes, archive, removal.
At the real size of a session: 40 phones, 60 ideas, 3 rounds."""

from __future__ import annotations

import io
import json
import re
from collections import Counter

import pytest

from tests.conftest import join, joined_phones, make_user, make_workshop, sign_in
from tests.test_live import swaps, watcher
from workshop.brainwriting import logic
from workshop.brainwriting.models import Brainwriting, Build, Serve
from workshop.extensions import db
from workshop.ideas import logic as ideas
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.workshops.logic import close_activity, open_activity

IDEAS = [f"Idée {n} : un parrainage entre étudiants et entreprises du quartier {n}" for n in range(60)]


def participants_of(workshop) -> list[Participant]:
    return list(db.session.scalars(db.select(Participant).where(Participant.workshop_id == workshop.id)
                                   .order_by(Participant.id)))


def with_ideas(workshop, count: int):
    """The question of the workshop filled with `count` ideas from its participants, then closed."""
    question = workshop.activities[0]
    open_activity(workshop, question)
    people = participants_of(workshop)
    for n in range(count):
        ideas.submit_idea(people[n % len(people)], question, IDEAS[n], f"seed-{n:05d}")
    close_activity(workshop, question)
    return question


def add(facilitator_client, workshop, question, minutes=3):
    response = facilitator_client.post(f"/w/{workshop.id}/brainwriting",
                                       data={"source": question.id, "minutes": minutes})
    assert response.status_code == 200, response.data
    return db.session.scalar(db.select(Brainwriting).order_by(Brainwriting.id.desc()))


def start(facilitator_client, workshop, bw):
    response = facilitator_client.post(f"/w/{workshop.id}/activities/{bw.activity_id}/open")
    assert response.status_code == 200
    db.session.refresh(bw)


def handed(phone, workshop, bw) -> tuple[int | None, str]:
    """The idea this phone is handed now (its id from the form), and the page."""
    response = phone.post(f"/j/{workshop.join_code}/brainwriting/{bw.id}/mine")
    assert response.status_code == 200, response.data
    page = response.get_data(as_text=True)
    found = re.search(r'name="idea" value="(\d+)"', page)
    return (int(found.group(1)) if found else None), page


def build(phone, workshop, bw, idea_id, text, key, kind="yes_and"):
    return phone.post(f"/j/{workshop.join_code}/brainwriting/{bw.id}/builds",
                      data={"idea": idea_id, "kind": kind, "text": text, "key": key})


@pytest.fixture
def room(app, facilitator_client, workshop):
    """Six phones in three groups, twelve ideas, a brainwriting opened on round 1."""
    clients = joined_phones(app, workshop, 6)
    question = with_ideas(workshop, 12)
    bw = add(facilitator_client, workshop, question)
    start(facilitator_client, workshop, bw)
    return clients, question, bw


def test_a_session_at_real_size_three_rounds_of_forty_phones_over_sixty_ideas(app, facilitator_client, workshop):
    clients = joined_phones(app, workshop, 40)
    question = with_ideas(workshop, 60)
    bw = add(facilitator_client, workshop, question, minutes=4)
    start(facilitator_client, workshop, bw)
    db.session.refresh(workshop)
    assert bw.round_no == 1 and workshop.timer_ends_at is not None  # opening starts round 1 and its timer
    people = participants_of(workshop)
    authors = {idea.id: idea.participant_id for idea in ideas.wall(question)}
    groups = {p.id: p.group_id for p in people}
    for round_no in (1, 2, 3):
        if round_no > 1:
            response = facilitator_client.post(f"/w/{workshop.id}/brainwriting/{bw.id}/next-round")
            assert response.status_code == 200
            db.session.refresh(bw)
            assert bw.round_no == round_no
        for n, (phone, person) in enumerate(zip(clients, people, strict=True)):
            idea_id, page = handed(phone, workshop, bw)
            assert idea_id is not None and authors[idea_id] != person.id, page
            assert groups[authors[idea_id]] != person.group_id  # another group's idea, at this size always
            kind = "what_if" if n % 2 else "yes_and"
            assert build(phone, workshop, bw, idea_id, f"et on l'ouvre aux PME, tour {round_no}",
                         f"bw-{round_no}-{n:04d}", kind).status_code == 200
    serves = [(s.participant_id, s.idea_id) for s in db.session.scalars(db.select(Serve))]
    assert len(serves) == len(set(serves)) == 120  # never the same idea twice to the same phone
    per_idea = Counter(b.idea_id for b in db.session.scalars(db.select(Build)))
    counts = [per_idea[idea_id] for idea_id in authors]
    assert sum(counts) == 120 and max(counts) - min(counts) <= 1  # coverage within one
    projector = facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert projector.count('class="idea bw-chain') == 60 and "Tour 3" in projector
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert "40 téléphones" in control and "40 ajouts" in control


def test_adding_needs_a_question_that_has_ideas(app, facilitator_client, workshop, facilitator):
    question = workshop.activities[0]
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert "Ajouter un remue-méninges écrit" in control and 'name="minutes"' not in control
    empty = facilitator_client.post(f"/w/{workshop.id}/brainwriting", data={"source": question.id, "minutes": 5})
    assert empty.status_code == 422 and "pas encore d" in empty.get_data(as_text=True)
    joined_phones(app, workshop, 2)
    with_ideas(workshop, 3)
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert 'name="minutes"' in control
    too_long = facilitator_client.post(f"/w/{workshop.id}/brainwriting", data={"source": question.id, "minutes": 90})
    assert too_long.status_code == 422
    other = make_workshop(facilitator, title="Autre atelier")
    theirs = facilitator_client.post(f"/w/{workshop.id}/brainwriting",
                                     data={"source": other.activities[0].id, "minutes": 5})
    assert theirs.status_code == 422
    assert db.session.query(Brainwriting).count() == 0
    add(facilitator_client, workshop, question)
    agenda = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert agenda.count(question.prompt[:40]) >= 2  # the question and its brainwriting


def test_a_build_is_stored_once_per_key_and_only_on_the_idea_handed(app, facilitator_client, workshop, room):
    clients, _question, bw = room
    phone = clients[0]
    idea_id, page = handed(phone, workshop, bw)
    assert "Oui, et…" in page and "Et si…" in page and 'maxlength="300"' in page
    for _ in range(2):  # a resend after a dropped answer
        assert build(phone, workshop, bw, idea_id, "Oui, et un mentor par équipe", "same-key-01").status_code == 200
    assert db.session.query(Build).count() == 1
    other = next(i.id for i in ideas.wall(bw.source) if i.id != idea_id)
    refused = build(phone, workshop, bw, other, "Sur une autre idée", "other-key-01")
    assert refused.status_code == 409 and f'value="{idea_id}"' in refused.get_data(as_text=True)
    assert build(phone, workshop, bw, idea_id, "x" * 301, "long-key-001").status_code == 422
    assert build(phone, workshop, bw, idea_id, "Et si", "kind-key-001", kind="no").status_code == 422
    facilitator_client.post(f"/w/{workshop.id}/activities/{bw.activity_id}/close")
    closed = build(phone, workshop, bw, idea_id, "Trop tard", "late-key-001")
    assert closed.status_code == 422 and "fermée" in closed.get_data(as_text=True)
    assert db.session.query(Build).count() == 1


def test_only_joined_phones_of_this_workshop_build(app, facilitator_client, workshop, facilitator, room):
    clients, _question, bw = room
    idea_id, _page = handed(clients[0], workshop, bw)
    stranger = app.test_client()
    elsewhere = app.test_client()
    join(elsewhere, make_workshop(facilitator, title="Autre atelier"))
    for client in (stranger, elsewhere, facilitator_client):
        assert client.post(f"/j/{workshop.join_code}/brainwriting/{bw.id}/mine").status_code in (302, 403)
        assert build(client, workshop, bw, idea_id, "Intrus", "intrus-0001").status_code in (302, 403)
    # A phone of this workshop pointed at another workshop's brainwriting: not found.
    other = make_workshop(facilitator, title="Troisième atelier", prompts=("Autre question ?",))
    joined_phones(app, other, 2, prefix="O")
    theirs = add(facilitator_client, other, with_ideas(other, 3))
    assert clients[0].post(f"/j/{workshop.join_code}/brainwriting/{theirs.id}/mine").status_code == 404
    assert db.session.query(Build).count() == 0


def test_only_the_facilitator_moves_rounds_moderates_and_promotes(app, facilitator_client, workshop, room):
    clients, _question, bw = room
    idea_id, _page = handed(clients[0], workshop, bw)
    build(clients[0], workshop, bw, idea_id, "Et si on ajoutait un kiosque", "kiosque-0001")
    note = db.session.scalar(db.select(Build))
    make_user("other@example.org")
    other = app.test_client()
    sign_in(other, "other@example.org")
    urls = [f"/w/{workshop.id}/brainwriting/{bw.id}/next-round",
            f"/w/{workshop.id}/brainwriting/builds/{note.id}/hide",
            f"/w/{workshop.id}/brainwriting/builds/{note.id}/promote"]
    for client in (other, clients[1], app.test_client()):
        for url in urls:
            assert client.post(url).status_code in (302, 401, 403), (url,)
    db.session.refresh(bw)
    assert bw.round_no == 1 and not note.hidden and note.promoted_idea_id is None
    # Another workshop's build through this workshop's address: not found.
    assert facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/999999/hide").status_code == 404


def test_a_hidden_build_leaves_the_projector_and_a_promoted_one_becomes_an_idea(
        app, facilitator_client, workshop, room):
    clients, question, bw = room
    idea_id, _page = handed(clients[0], workshop, bw)
    build(clients[0], workshop, bw, idea_id, "Et si les cours avaient lieu en entreprise", "promu-00001", "what_if")
    note = db.session.scalar(db.select(Build))
    hidden = facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{note.id}/hide")
    assert hidden.status_code == 200 and "masqué" in hidden.get_data(as_text=True)
    assert "en entreprise" not in facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    assert "en entreprise" in facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{note.id}/restore")
    assert "en entreprise" in facilitator_client.get(f"/w/{workshop.id}/projector").get_data(as_text=True)
    before = len(ideas.wall(question))
    for _ in range(2):  # promoting twice makes one idea
        assert facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{note.id}/promote").status_code == 200
    db.session.refresh(note)
    promoted = db.session.get(Idea, note.promoted_idea_id)
    assert promoted.activity_id == question.id and promoted.participant_id == note.participant_id
    assert len(ideas.wall(question)) == before + 1
    # Voting and the next round take it like any idea of the question.
    from workshop.voting import logic as voting

    assert any(c.idea_id == promoted.id for c in voting.candidates(workshop, "ideas"))
    assert promoted.id in {i.id for i in logic._ideas(bw)}


def test_a_build_is_pushed_to_the_big_screens_once_per_room(app, facilitator_client, workshop, room):
    clients, _question, bw = room
    projector, answer = watcher(app, facilitator_client, workshop, "projector")
    assert answer["ok"]
    control, _ = watcher(app, facilitator_client, workshop, "control")
    projector.get_received()
    control.get_received()
    idea_id, _page = handed(clients[0], workshop, bw)
    build(clients[0], workshop, bw, idea_id, "Oui, et des repas partagés", "push-000001")
    pushed = swaps(projector)
    assert [s["op"] for s in pushed] == ["remove", "upsert"]
    assert pushed[1]["id"] == f"bw-chain-{idea_id}" and pushed[1]["first"] and "repas partagés" in pushed[1]["html"]
    on_control, counts = swaps(control)  # the chain, then the round's figures
    assert on_control["op"] == "replace" and "Masquer" in on_control["html"]
    assert counts["id"] == "bw-round-counts" and "6 téléphones" in counts["html"]
    note = db.session.scalar(db.select(Build))
    facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{note.id}/hide")
    assert "repas partagés" not in swaps(projector)[1]["html"]


def test_a_late_joiner_is_served_and_a_leaver_is_not(app, facilitator_client, workshop, room):
    clients, _question, bw = room
    late = joined_phones(app, workshop, 1, prefix="L")[0]
    idea_id, _page = handed(late, workshop, bw)
    assert idea_id is not None
    assert handed(late, workshop, bw)[0] == idea_id  # asking again keeps the same idea
    leaver = clients[1]
    leaver.post(f"/j/{workshop.join_code}/leave", data={"confirm": "yes"})
    facilitator_client.post(f"/w/{workshop.id}/brainwriting/{bw.id}/next-round")
    gone = participants_of(workshop)[1]
    assert db.session.scalar(db.select(Serve).where(Serve.round_no == 2, Serve.participant_id == gone.id)) is None
    assert db.session.query(Serve).filter(Serve.round_no == 2).count() == 6  # five stayed, one came


def test_the_archive_keeps_rounds_builds_and_promotions(app, facilitator_client, workshop, room):
    clients, _question, bw = room
    for n, phone in enumerate(clients[:4]):
        idea_id, _page = handed(phone, workshop, bw)
        build(phone, workshop, bw, idea_id, f"Oui, et une suite {n}", f"arch-{n:06d}")
    notes = list(db.session.scalars(db.select(Build).order_by(Build.id)))
    facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{notes[0].id}/promote")
    facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{notes[1].id}/hide")
    for note in notes:
        db.session.refresh(note)
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    entry = next(a for a in document["activities"] if a["kind"] == "brainwriting")["brainwriting"]
    assert len(entry["serves"]) == 6 and len(entry["builds"]) == 4 and entry["round_no"] == 1
    response = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert response.status_code == 302
    copy = db.session.scalar(db.select(Brainwriting).order_by(Brainwriting.id.desc()))
    assert copy.id != bw.id and copy.source.workshop_id == copy.activity.workshop_id != workshop.id
    restored = list(db.session.scalars(db.select(Build).where(Build.brainwriting_id == copy.id).order_by(Build.id)))
    assert [(b.text, b.hidden, b.kind) for b in restored] == [(b.text, b.hidden, b.kind) for b in notes]
    assert db.session.get(Idea, restored[0].promoted_idea_id).text == notes[0].text
    assert db.session.query(Serve).filter(Serve.brainwriting_id == copy.id).count() == 6
    again = facilitator_client.get(f"/w/{copy.activity.workshop_id}/export/workshop.json").get_json(force=True)
    assert next(a for a in again["activities"] if a["kind"] == "brainwriting")["brainwriting"] == entry
    # A broken part is refused whole.
    entry["builds"][0]["kind"] = "maybe"
    refused = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                      data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert refused.status_code == 400 and "brainwriting.builds.kind" in refused.get_data(as_text=True)


def test_removing_a_participant_takes_their_builds_and_the_builds_on_their_ideas(
        app, facilitator_client, workshop, room):
    from workshop.participants.logic import remove

    clients, _question, bw = room
    for n, phone in enumerate(clients):
        idea_id, _page = handed(phone, workshop, bw)
        build(phone, workshop, bw, idea_id, f"Et si {n}", f"rm-{n:07d}")
    gone = participants_of(workshop)[0]
    their_ideas = {i.id for i in db.session.scalars(db.select(Idea).where(Idea.participant_id == gone.id))}
    assert remove(workshop, [gone.id]) == 1
    left = list(db.session.scalars(db.select(Build)))
    assert all(b.participant_id != gone.id and b.idea_id not in their_ideas for b in left)
    assert db.session.scalar(db.select(Serve).where(Serve.participant_id == gone.id)) is None
    assert facilitator_client.get(f"/w/{workshop.id}/projector").status_code == 200


def test_a_new_round_reaches_every_phone_with_its_announcement(app, facilitator_client, workshop, room):
    clients, _question, bw = room
    phone, answer = watcher(app, clients[0], workshop, "phones")
    assert answer["ok"]
    phone.get_received()
    first, _page = handed(clients[0], workshop, bw)
    assert facilitator_client.post(f"/w/{workshop.id}/brainwriting/{bw.id}/next-round").status_code == 200
    pushed = {s["id"]: s for s in swaps(phone)}
    panel = pushed["activity-panel"]["html"]
    assert "tour 2" in panel and '-r2"' in panel and "/mine" in panel  # each phone then asks for its idea
    assert "timer" in pushed
    second, page = handed(clients[0], workshop, bw)
    assert second != first and "Tour 2" in page
    # Once closed, the facilitator cannot start another round.
    facilitator_client.post(f"/w/{workshop.id}/activities/{bw.activity_id}/close")
    assert facilitator_client.post(f"/w/{workshop.id}/brainwriting/{bw.id}/next-round").status_code == 422
    db.session.refresh(bw)
    assert bw.round_no == 2
