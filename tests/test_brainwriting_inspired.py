"""Brainwriting: besides building on the idea it holds, a phone sends a new idea
inspired by it. The new idea is an idea of the question (its wall, grouping,
votes and the next rounds), linked to the idea that inspired it, shown on both
chains; stored once per submission key; never under a question that would name
people more than the brainwriting promised. At real size: 40 phones, 60 ideas."""

from __future__ import annotations

import io
import json

from tests.conftest import joined_phones
from tests.test_brainwriting import add, build, handed, start, with_ideas
from tests.test_live import swaps, watcher
from workshop.brainwriting import logic
from workshop.brainwriting.models import Build
from workshop.extensions import db
from workshop.ideas.logic import wall
from workshop.ideas.models import Idea


def session(app, facilitator_client, workshop, phones=40, count=60):
    clients = joined_phones(app, workshop, phones, prefix="Surnom")
    question = with_ideas(workshop, count)
    bw = add(facilitator_client, workshop, question)
    start(facilitator_client, workshop, bw)
    return clients, question, bw


def test_forty_phones_send_twenty_inspired_ideas_and_twenty_build_ons(app, facilitator_client, workshop):
    clients, question, bw = session(app, facilitator_client, workshop)
    phone_page = handed(clients[0], workshop, bw)[1]
    assert 'value="inspired"' in phone_page and "Une nouvelle idée inspirée de celle-ci" in phone_page
    sources = {}
    for n, phone in enumerate(clients):
        idea_id, _page = handed(phone, workshop, bw)
        kind = "inspired" if n % 2 == 0 else "yes_and"
        response = build(phone, workshop, bw, idea_id, f"Proposition {n} : un mentorat le samedi", f"insp-{n:05d}",
                         kind=kind)
        assert response.status_code == 200, response.get_data(as_text=True)
        if kind == "inspired":
            sources[f"Proposition {n} : un mentorat le samedi"] = idea_id
            assert "Nouvelle idée inspirée" in response.get_data(as_text=True)
    db.session.expire_all()
    # Twenty ideas more on the question's wall, each by its author, each linked to its source.
    shown = wall(question, with_authors=False)
    assert len(shown) == 80
    links = logic.inspirations(bw)
    assert len(links) == 20
    for new_id, source in links.items():
        new = db.session.get(Idea, new_id)
        assert new.activity_id == question.id and sources[new.text] == source.id
        note = db.session.scalar(db.select(Build).where(Build.promoted_idea_id == new_id))
        assert note.kind == "inspired" and note.participant_id == new.participant_id and note.idea_id == source.id
    # Twenty build-ons stay build-ons.
    assert db.session.scalar(db.select(db.func.count(Build.id)).where(Build.kind == "yes_and")) == 20

    # The projector shows "inspired by" on the new idea's chain and the new idea on its source's chain.
    projector = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    new_id, source = next(iter(links.items()))
    chain = projector.split(f'id="bw-chain-{new_id}"')[1].split("</li>")[0]
    assert "Inspirée de" in chain and source.text[-25:] in chain
    source_chain = projector.split(f'id="bw-chain-{source.id}"')[1].split('id="bw-chain-')[0]
    assert "Nouvelle idée inspirée" in source_chain
    assert projector.count('class="bw-inspired-by"') == 20
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert control.count('class="bw-inspired-by"') == 20

    # The next round hands the new ideas around too, never to their authors.
    assert facilitator_client.post(f"/w/{workshop.id}/brainwriting/{bw.id}/next-round").status_code == 200
    for phone in clients:
        handed(phone, workshop, bw)
    db.session.expire_all()
    from workshop.brainwriting.models import Serve

    served = db.session.execute(db.select(Serve.participant_id, Idea.id, Idea.participant_id)
                                .join(Idea, Idea.id == Serve.idea_id)
                                .where(Serve.brainwriting_id == bw.id, Serve.round_no == 2)).all()
    assert len(served) == 40 and {idea for _pid, idea, _author in served} & set(links)
    assert all(pid != author for pid, _idea, author in served)


def test_an_inspired_idea_is_stored_once_per_key_and_only_on_the_idea_handed(app, facilitator_client, workshop):
    clients, question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    idea_id, _page = handed(clients[0], workshop, bw)
    for _ in range(3):  # a phone that lost our answer sends again
        assert build(clients[0], workshop, bw, idea_id, "Un café-rencontre mensuel", "insp-once-01",
                     kind="inspired").status_code == 200
    db.session.expire_all()
    assert len(logic.inspirations(bw)) == 1 and len(wall(question, with_authors=False)) == 13
    other = next(i.id for i in wall(question, with_authors=False) if i.id != idea_id)
    refused = build(clients[0], workshop, bw, other, "Ailleurs", "insp-once-02", kind="inspired")
    assert refused.status_code == 409
    assert build(clients[0], workshop, bw, idea_id, "x" * 301, "insp-once-03", kind="inspired").status_code == 422
    assert build(clients[0], workshop, bw, idea_id, "Autre", "insp-once-04", kind="nouveau").status_code == 422
    db.session.expire_all()
    assert len(wall(question, with_authors=False)) == 13


def test_an_inspired_idea_respects_the_question_anonymity(app, facilitator_client, workshop):
    clients, question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    # The brainwriting promises anonymity; the question names nicknames: no new idea may go there.
    bw.activity.anonymity = "anonymous"
    db.session.commit()
    idea_id, page = handed(clients[0], workshop, bw)
    assert 'value="inspired"' not in page and 'value="yes_and"' in page
    refused = build(clients[0], workshop, bw, idea_id, "Une idée anonyme", "insp-anon-01", kind="inspired")
    assert refused.status_code == 422 and "anonymat" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert len(wall(question, with_authors=False)) == 12
    # Both anonymous: it goes, and no nickname shows beside it anywhere.
    question.anonymity = "anonymous"
    db.session.commit()
    assert build(clients[0], workshop, bw, idea_id, "Une idée anonyme", "insp-anon-02",
                 kind="inspired").status_code == 200
    for url in (f"/w/{workshop.id}/control", f"/w/{workshop.id}/stage/projector"):
        html = facilitator_client.get(url).get_data(as_text=True)
        assert "Une idée anonyme" in html and "Surnom0" not in html
    ideas_csv = facilitator_client.get(f"/w/{workshop.id}/export/ideas.csv?names=1").get_data(as_text=True)
    assert "Une idée anonyme" in ideas_csv and "Surnom0" not in ideas_csv


def test_an_inspired_idea_reaches_the_big_screens_live(app, facilitator_client, workshop):
    clients, _question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    control, _ = watcher(app, facilitator_client, workshop, "control")
    for client in (projector, control):
        client.get_received()
    idea_id, _page = handed(clients[0], workshop, bw)
    build(clients[0], workshop, bw, idea_id, "Une halte-garderie pendant les stages", "insp-live-01", kind="inspired")
    db.session.expire_all()
    [new_id] = logic.inspirations(bw)
    on_projector = {s["id"]: s for s in swaps(projector) if s.get("html")}
    assert f"bw-chain-{idea_id}" in on_projector and "Nouvelle idée inspirée" in on_projector[f"bw-chain-{idea_id}"]["html"]
    assert "Inspirée de" in on_projector[f"bw-chain-{new_id}"]["html"]
    assert {f"bw-chain-{idea_id}", f"bw-chain-{new_id}"} <= {s["id"] for s in swaps(control)}


def test_the_archive_keeps_the_link(app, facilitator_client, workshop):
    clients, _question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    idea_id, _page = handed(clients[0], workshop, bw)
    build(clients[0], workshop, bw, idea_id, "Un jumelage des familles", "insp-arch-01", kind="inspired")
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json").get_json(force=True)
    restored = facilitator_client.post("/workshops/import", content_type="multipart/form-data",
                                       data={"file": (io.BytesIO(json.dumps(document).encode()), "w.json")})
    assert restored.status_code == 302
    from workshop.brainwriting.models import Brainwriting

    copy = db.session.scalars(db.select(Brainwriting).order_by(Brainwriting.id.desc())).first()
    assert copy.id != bw.id
    [(new_id, source)] = logic.inspirations(copy).items()
    assert db.session.get(Idea, new_id).text == "Un jumelage des familles"
    assert source.text == db.session.get(Idea, idea_id).text


def test_the_control_view_counts_the_round_live(app, facilitator_client, workshop):
    """Builds arriving and late phones served move the round's figures on the control view."""
    from tests.conftest import join

    clients, _question, bw = session(app, facilitator_client, workshop, phones=40, count=60)
    control, _ = watcher(app, facilitator_client, workshop, "control")
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    for n, phone in enumerate(clients[:10]):
        idea_id, _page = handed(phone, workshop, bw)
        build(phone, workshop, bw, idea_id, f"Un ajout {n}", f"count-{n:05d}",
              kind="inspired" if n % 2 else "what_if")
    counts = [s["html"] for s in swaps(control) if s.get("id") == "bw-round-counts"]
    assert len(counts) == 10 and "40 téléphones" in counts[-1] and "10 ajouts" in counts[-1]
    assert not [s for s in swaps(projector) if s.get("id") == "bw-round-counts"]
    late = app.test_client()
    join(late, workshop, nickname="Tardive")
    control.get_received()
    handed(late, workshop, bw)
    [told] = [s["html"] for s in swaps(control) if s.get("id") == "bw-round-counts"]
    assert "41 téléphones" in told
    handed(late, workshop, bw)  # asked again: nothing new to tell
    assert not [s for s in swaps(control) if s.get("id") == "bw-round-counts"]
    page = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert page.count('id="bw-round-counts"') == 1


def test_the_question_wall_on_the_big_screens_gets_the_inspired_idea_live(app, facilitator_client, workshop):
    """During brainwriting the facilitator may put the question's wall on the projector: a new idea joins it."""
    clients, question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    projector, _ = watcher(app, facilitator_client, workshop, "projector")
    assert facilitator_client.post(f"/w/{workshop.id}/activities/{question.id}/show").status_code == 200
    projector.get_received()
    idea_id, _page = handed(clients[0], workshop, bw)
    build(clients[0], workshop, bw, idea_id, "Des paniers de bienvenue", "insp-wall-01", kind="inspired")
    pushed = swaps(projector)
    assert [s["id"] for s in pushed] == ["stage"] and "Des paniers de bienvenue" in pushed[0]["html"]
    assert 'id="bw-chains"' not in pushed[0]["html"]  # the question's wall, not the chains
    # A build-on is not an idea of the question: that wall does not move.
    build(clients[0], workshop, bw, idea_id, "et des recettes", "insp-wall-02", kind="yes_and")
    assert swaps(projector) == []


def test_a_build_that_became_an_idea_names_its_author_no_more_than_the_question(app, facilitator_client, workshop):
    """Brainwriting names nicknames, the question is anonymous: the inspired idea is anonymous
    on the question's wall, so its build on the chain must not name its author either."""
    clients, question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    bw.activity.anonymity = "nickname"
    question.anonymity = "anonymous"
    db.session.commit()
    first, _page = handed(clients[0], workshop, bw)
    second, _page = handed(clients[1], workshop, bw)
    build(clients[0], workshop, bw, first, "Un potager partagé au cégep", "insp-name-01", kind="inspired")
    build(clients[1], workshop, bw, second, "et des bénévoles", "insp-name-02", kind="yes_and")
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    db.session.expire_all()
    notes = {n.kind: n.id for n in db.session.scalars(db.select(Build).where(Build.brainwriting_id == bw.id))}
    inspired = control.split(f'id="bw-build-{notes["inspired"]}"')[1].split("</li>")[0]
    built_on = control.split(f'id="bw-build-{notes["yes_and"]}"')[1].split("</li>")[0]
    assert "Tour 1" in inspired and "Surnom0" not in inspired and "Surnom1" in built_on


def test_what_the_facilitator_hides_stays_off_the_projector(app, facilitator_client, workshop):
    """Hiding an inspired idea's build hides the idea it became; an idea hidden
    on the question is no longer quoted as what inspired another."""
    clients, _question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    idea_id, _page = handed(clients[0], workshop, bw)
    assert build(clients[0], workshop, bw, idea_id, "Un texte inspiré à masquer", "key-00000002",
                 kind="inspired").status_code == 200
    note = db.session.scalar(db.select(Build).where(Build.submission_key == "key-00000002"))
    source = db.session.get(Idea, idea_id)
    source_words = source.text.split(":")[-1].strip() + "<"  # the projector spaces French colons its own way
    projector = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert "Un texte inspiré à masquer" in projector and source_words in projector

    source.hidden = True
    db.session.commit()
    assert logic.inspirations(bw) == {}
    logic.set_hidden(note, True)
    db.session.expire_all()
    assert db.session.get(Idea, note.promoted_idea_id).hidden
    projector = facilitator_client.get(f"/w/{workshop.id}/stage/projector").get_data(as_text=True)
    assert "Un texte inspiré à masquer" not in projector and source_words not in projector


def test_no_key_a_phone_may_send_is_the_one_an_inspired_idea_takes(app, facilitator_client, workshop):
    from workshop.ideas.logic import IdeaRejected, clean_key

    clients, _question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    idea_id, _page = handed(clients[0], workshop, bw)
    assert build(clients[0], workshop, bw, idea_id, "Nouvelle idée", "key-00000003", kind="inspired").status_code == 200
    note = db.session.scalar(db.select(Build).where(Build.submission_key == "key-00000003"))
    taken = db.session.get(Idea, note.promoted_idea_id).submission_key
    try:
        clean_key(taken)
    except IdeaRejected:
        pass
    else:
        raise AssertionError(f"a phone could send under {taken!r}")
