"""Law 25 at the edges: a name erased from an idea leaves its computed
features too, and the copies of a text (a hat subject made from an idea, a
question's prompt, a force field's subject) are searched and erased with it;
a whole-workshop export names no one beside an idea sent to an anonymous
question through brainwriting."""
from __future__ import annotations

import json

from tests.test_brainwriting import build, handed
from tests.test_brainwriting_inspired import session
from workshop.extensions import db
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.privacy import ERASED


def test_an_inspired_idea_of_an_anonymous_question_is_named_in_no_export(app, facilitator_client, workshop):
    clients, question, bw = session(app, facilitator_client, workshop, phones=6, count=12)
    question.anonymity = "anonymous"          # the question promised anonymity
    bw.activity.anonymity = "nickname"        # brainwriting names people (allowed: question is stronger)
    db.session.commit()
    idea_id, page = handed(clients[0], workshop, bw)
    assert 'value="inspired"' in page
    r = build(clients[0], workshop, bw, idea_id, "Secret anonyme inspiré", "key-00000001", kind="inspired")
    assert r.status_code == 200
    data = facilitator_client.get(f"/w/{workshop.id}/privacy/participants.json").get_json()["participants"]
    hits = [(p["nickname"], p.get("build_ons")) for p in data
            if "Secret anonyme inspiré" in json.dumps(p, ensure_ascii=False)]
    assert hits == []


def named_in_a_session(workshop):
    """40 participants (Zorglub among them) and 60 ideas on the first question;
    one idea, sent by someone else, names Zorglub Tremblay. The question is left open."""
    from workshop.ideas import logic as ideas
    from workshop.workshops.logic import open_activity

    people = [Participant(workshop_id=workshop.id, nickname="Zorglub" if n == 0 else f"Personne {n}",
                          group_id=workshop.groups[n % len(workshop.groups)].id, language="fr") for n in range(40)]
    db.session.add_all(people)
    db.session.commit()
    question = workshop.activities[0]
    open_activity(workshop, question)
    for n in range(59):
        ideas.submit_idea(people[1 + n % 39], question, f"Idée {n} : un accueil au quartier {n}", f"key-1{n:07d}")
    idea, _ = ideas.submit_idea(people[1], question, "Inviter Zorglub Tremblay au comité", "key-00000001")
    return people[0], idea, question


def erase_zorglub(facilitator_client, workshop, zorglub):
    answer = facilitator_client.post(f"/w/{workshop.id}/privacy/person", data={
        "participant": zorglub.id, "name": "Zorglub Tremblay", "action": "erase", "confirm": "1"})
    assert answer.status_code == 200
    db.session.expire_all()


def test_erasing_a_name_from_an_idea_empties_its_features_for_a_new_computation(app, facilitator_client, workshop):
    from workshop.themes import features

    zorglub, idea, _question = named_in_a_session(workshop)
    features.compute([i.id for i in db.session.scalars(db.select(Idea))])
    db.session.expire_all()
    erase_zorglub(facilitator_client, workshop, zorglub)
    idea = db.session.get(Idea, idea.id)
    assert ERASED in idea.text and idea.features is None  # the features worker computes them again
    features.compute([idea.id])
    db.session.expire_all()
    assert "tremblay" not in db.session.get(Idea, idea.id).features.lower()
    # The 59 other ideas keep their features: nothing else is computed again.
    assert db.session.scalar(db.select(db.func.count(Idea.id)).where(Idea.features.is_not(None))) == 60


def test_copies_of_a_text_are_searched_and_erased_with_it(app, facilitator_client, workshop):
    from workshop.forces import logic as forces
    from workshop.forces.models import ForceField
    from workshop.hats import logic as hats
    from workshop.hats.models import HatSubject
    from workshop.workshops.logic import close_activity
    from workshop.workshops.models import Activity

    zorglub, idea, question = named_in_a_session(workshop)
    close_activity(workshop, question)
    h = hats.create(workshop, [], [], "balanced", [idea.id])
    field = forces.create(workshop, "Le projet de Zorglub Tremblay", None)
    page = facilitator_client.get(f"/w/{workshop.id}/privacy", query_string={
        "participant": zorglub.id, "name": "Zorglub Tremblay"}).get_data(as_text=True)
    # The idea, the hats' and the force field's activities (their prompts), the hat subject and the field's subject.
    assert "5 enregistrements la nomment avec certitude" in page
    erase_zorglub(facilitator_client, workshop, zorglub)
    left = {"idea": db.session.get(Idea, idea.id).text,
            "hat_subject": db.session.get(HatSubject, h.subjects[0].id).title,
            "hat_prompt": db.session.get(Activity, h.activity_id).prompt,
            "force_subject": db.session.get(ForceField, field.id).subject}
    assert not any("Tremblay" in v for v in left.values())
