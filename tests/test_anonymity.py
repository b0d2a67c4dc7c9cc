"""Anonymity chosen per activity: the rule, the helper every card uses, and an
anonymous session of 40 phones whose nicknames appear on no screen and in no export."""

from __future__ import annotations

import io
import re
import zipfile
from types import SimpleNamespace

import pytest

from tests.conftest import joined_phones
from workshop import anonymity
from workshop.anonymity import author_label, may_change
from workshop.extensions import db
from workshop.participants.models import Participant

NICKNAME = re.compile(r"Zorglub\d+")


# --- the rule -----------------------------------------------------------------------------

@pytest.mark.parametrize("current", anonymity.LEVELS)
@pytest.mark.parametrize("wanted", anonymity.LEVELS)
def test_before_content_every_level_may_be_chosen(current, wanted):
    assert may_change(current, wanted, has_content=False)


def test_once_content_exists_anonymity_only_strengthens():
    assert may_change("nickname", "group", True) and may_change("group", "anonymous", True)
    assert may_change("nickname", "anonymous", True) and may_change("group", "group", True)
    assert not may_change("anonymous", "group", True)
    assert not may_change("anonymous", "nickname", True)
    assert not may_change("group", "nickname", True)
    assert not may_change("group", "everyone", False)


# --- the helper ---------------------------------------------------------------------------

def person(nickname, group):
    return SimpleNamespace(nickname=nickname, group=SimpleNamespace(name=group) if group else None)


def activity(level, show_names=False):
    return SimpleNamespace(anonymity=level, workshop=SimpleNamespace(show_names_on_projector=show_names))


def test_author_label_says_only_what_the_level_allows(app):
    authors = [person("Zorglub1", "Recherche"), person(None, "Recherche"), person("Zorglub2", None)]
    with app.test_request_context():
        assert author_label(authors, activity("anonymous"), "control") == ""
        assert author_label(authors, activity("anonymous", show_names=True), "projector") == ""
        assert author_label(authors, activity("group"), "control") == "Recherche"
        assert author_label(authors, activity("group", show_names=True), "projector") == ""
        assert author_label(authors, activity("nickname"), "control") == "Zorglub1 (Recherche), anonyme (Recherche), Zorglub2"
        assert author_label(authors, activity("nickname"), "projector") == ""
        assert author_label(authors, activity("nickname", show_names=True), "projector") == "Zorglub1, Zorglub2"


# --- an anonymous session, every screen and export ----------------------------------------

def everyone(workshop) -> list[Participant]:
    return list(db.session.query(Participant).filter_by(workshop_id=workshop.id).order_by(Participant.id))


def set_level(client, workshop, activity_id, level):
    return client.post(f"/w/{workshop.id}/activities/{activity_id}/anonymity", data={"anonymity": level})


def anonymous_session(app, facilitator_client, workshop):
    """40 phones named Zorglub0…39 write under four anonymous activities: a question
    (some ideas merged), six hats, a force field and brainwriting built on the question."""
    from workshop.brainwriting import logic as brainwriting
    from workshop.forces import logic as forces
    from workshop.hats import logic as hats
    from workshop.ideas import logic as ideas
    from workshop.kinds import kind_of
    from workshop.workshops.logic import close_activity, open_activity

    workshop.show_names_on_projector = True  # even so: the activity's anonymity wins
    db.session.commit()
    phones = joined_phones(app, workshop, 40, prefix="Zorglub")
    people = everyone(workshop)
    question = workshop.activities[0]
    six = hats.create(workshop, ["Le jumelage étudiant·e–employeur"], [], "balanced")
    field = forces.create(workshop, "Le jumelage", None)
    for activity_id in (question.id, six.activity_id, field.activity_id):
        assert set_level(facilitator_client, workshop, activity_id, "anonymous").status_code == 200
    open_activity(workshop, question)
    sent = [ideas.submit_idea(p, question, f"Idée numéro {n} pour l'accueil", f"anon-idea-{n:04d}")[0]
            for n, p in enumerate(people)]
    ideas.merge(sent[0], sent[1:4])  # a card with several authors
    close_activity(workshop, question)
    passing = brainwriting.create(workshop, question.id, 5)
    assert set_level(facilitator_client, workshop, passing.activity_id, "anonymous").status_code == 200
    open_activity(workshop, six.activity)
    kind_of(six.activity).on_open(six.activity)
    for n, p in enumerate(people):
        hats.comment(six, p, hats.hat_of(six, p), f"Commentaire {n}", f"anon-hat-{n:04d}")
    open_activity(workshop, field.activity)
    for n, p in enumerate(people):
        forces.post(field, p, "driving" if n % 2 else "restraining", 1 + n % 5, f"Force {n}", "", f"anon-force-{n:04d}")
    open_activity(workshop, passing.activity)
    kind_of(passing.activity).on_open(passing.activity)
    for n, p in enumerate(people):
        served, _new = brainwriting.serve(passing, p)
        if served is not None:
            brainwriting.build(passing, p, served.idea_id, "yes_and", f"Et puis {n}", f"anon-build-{n:04d}")
    return phones, [question, six.activity, field.activity, passing.activity]


def screens(facilitator_client, workshop, activities, phone):
    """Every screen of each activity: control view and projector pages, their live
    re-renders, the phone's panel; then the report."""
    for act in activities:
        response = facilitator_client.post(f"/w/{workshop.id}/activities/{act.id}/open")
        assert response.status_code == 200, act.kind
        for url in (f"/w/{workshop.id}/control", f"/w/{workshop.id}/projector",
                    f"/w/{workshop.id}/stage/control", f"/w/{workshop.id}/stage/projector"):
            yield f"{act.kind} {url}", facilitator_client.get(url)
        yield f"{act.kind} phone", phone.get(f"/j/{workshop.join_code}/panel")
        yield f"{act.kind} mine", phone.get(f"/j/{workshop.join_code}/mine")
    yield "report", facilitator_client.get(f"/w/{workshop.id}/report")


def exports(facilitator_client, workshop):
    for name in ("ideas.csv", "hats.csv", "workshop.json"):
        yield name, facilitator_client.get(f"/w/{workshop.id}/export/{name}?names=1").get_data(as_text=True)
    from workshop.hats.models import HatsActivity

    for hats in db.session.query(HatsActivity):  # a subject's own record, from the six-hats stage
        for subject in hats.subjects:
            url = f"/w/{workshop.id}/hats/{hats.id}/subjects/{subject.id}.csv"
            yield f"hats subject {subject.id}", facilitator_client.get(url).get_data(as_text=True)
    xlsx = facilitator_client.get(f"/w/{workshop.id}/export/workshop.xlsx?names=1").get_data()
    with zipfile.ZipFile(io.BytesIO(xlsx)) as book:  # the shared strings and every sheet, as written
        yield "workshop.xlsx", " ".join(book.read(n).decode("utf-8") for n in book.namelist() if n.endswith(".xml"))


def test_an_anonymous_activity_names_no_one_on_any_screen_or_export(app, facilitator_client, workshop):
    phones, activities = anonymous_session(app, facilitator_client, workshop)
    # The content is there, and so are the nicknames in the database.
    assert db.session.query(Participant).filter(Participant.nickname.like("Zorglub%")).count() == 40
    shown = ""
    for where, response in screens(facilitator_client, workshop, activities, phones[5]):
        assert response.status_code == 200, where
        html = response.get_data(as_text=True)
        found = set(NICKNAME.findall(html)) - {"Zorglub5"}  # a phone may greet its own person
        assert not found, (where, sorted(found)[:5])
        shown += html
    # The screens did show every kind's content, and the groups were not named beside it.
    assert all(shown.count(text) >= 10 for text in ("Idée numéro", "Commentaire", "Force ", "Et puis"))
    written = dict(exports(facilitator_client, workshop))
    assert len(written) == 5
    for name, body in written.items():
        assert not NICKNAME.search(body), name
        # Anonymous: not even the group beside a comment (the hats record names its groups otherwise).
        assert "Étudiant·e international·e" not in body or name in ("workshop.json", "workshop.xlsx"), name
    assert "Idée numéro" in written["ideas.csv"] and "Commentaire 1" in written["hats.csv"]
    assert all("Commentaire 1" in body for name, body in written.items() if name.startswith("hats subject"))


def test_participants_see_the_promise_before_they_write(app, facilitator_client, workshop):
    from workshop.workshops.logic import open_activity

    phone = joined_phones(app, workshop, 1, prefix="Zorglub")[0]
    question = workshop.activities[0]
    open_activity(workshop, question)
    assert "Votre pseudo, si vous en avez choisi un, apparaît" in phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert set_level(facilitator_client, workshop, question.id, "anonymous").status_code == 200
    page = phone.get(f"/j/{workshop.join_code}/panel").get_data(as_text=True)
    assert "Anonyme : votre pseudo n'apparaît nulle part" in page.replace("&#39;", "'")


# --- the rule over HTTP -------------------------------------------------------------------

def test_anonymity_cannot_be_weakened_once_content_exists(app, facilitator_client, workshop):
    from workshop.ideas import logic as ideas
    from workshop.workshops.logic import open_activity

    question = workshop.activities[0]
    assert question.anonymity == "nickname"  # a question's cards named their authors before: still so
    # Before anyone writes: any choice, back and forth.
    for level in ("anonymous", "nickname", "group"):
        assert set_level(facilitator_client, workshop, question.id, level).status_code == 200
        db.session.refresh(question)
        assert question.anonymity == level
    joined_phones(app, workshop, 3, prefix="Zorglub")
    open_activity(workshop, question)
    ideas.submit_idea(everyone(workshop)[0], question, "Une idée", "rule-0001")
    # Afterwards: weakening refused with a message, strengthening accepted.
    refused = set_level(facilitator_client, workshop, question.id, "nickname")
    assert refused.status_code == 422
    assert "ne peut plus qu'être renforcé" in refused.get_data(as_text=True).replace("&#39;", "'")
    assert set_level(facilitator_client, workshop, question.id, "anonymous").status_code == 200
    assert set_level(facilitator_client, workshop, question.id, "group").status_code == 422
    assert set_level(facilitator_client, workshop, question.id, "everyone").status_code == 422
    db.session.refresh(question)
    assert question.anonymity == "anonymous"
    # The control view then offers only what is left: nothing stronger than anonymous.
    control = facilitator_client.get(f"/w/{workshop.id}/control").get_data(as_text=True)
    assert f"/activities/{question.id}/anonymity" not in control


def test_a_group_level_shows_groups_not_nicknames_on_the_control_view(app, facilitator_client, workshop):
    from workshop.ideas import logic as ideas
    from workshop.workshops.logic import open_activity

    question = workshop.activities[0]
    joined_phones(app, workshop, 3, prefix="Zorglub")
    open_activity(workshop, question)
    ideas.submit_idea(everyone(workshop)[0], question, "Une idée", "group-0001")
    named = facilitator_client.get(f"/w/{workshop.id}/stage/control").get_data(as_text=True)
    assert "Zorglub0 (Étudiant·e international·e)" in named  # today's behaviour, the default
    assert set_level(facilitator_client, workshop, question.id, "group").status_code == 200
    grouped = facilitator_client.get(f"/w/{workshop.id}/stage/control").get_data(as_text=True)
    assert not NICKNAME.search(grouped) and "Étudiant·e international·e" in grouped


def test_an_other_participant_than_the_anonymous_ones_keeps_a_name_in_a_json_with_names(app, facilitator_client,
                                                                                        workshop):
    from workshop.hats import logic as hats
    from workshop.ideas import logic as ideas
    from workshop.workshops.logic import open_activity

    joined_phones(app, workshop, 2, prefix="Zorglub")
    writer, silent = everyone(workshop)
    question = workshop.activities[0]
    hats.create(workshop, ["Un sujet"], [], "balanced")
    set_level(facilitator_client, workshop, question.id, "anonymous")
    open_activity(workshop, question)
    ideas.submit_idea(writer, question, "Une idée anonyme", "json-0001")
    document = facilitator_client.get(f"/w/{workshop.id}/export/workshop.json?names=1").get_json()
    names = {p["nickname"] for p in document["participants"]}
    assert names == {None, "Zorglub1"}
    assert [a["anonymity"] for a in document["activities"]] == ["anonymous", "group"]


def test_a_group_level_exports_no_nickname_even_when_names_are_asked(app, facilitator_client, workshop):
    """"Group only" promises no nickname: the CSV and XLSX exports with names keep the group, not the name."""
    from workshop.hats import logic as hats
    from workshop.kinds import kind_of
    from workshop.workshops.logic import open_activity

    joined_phones(app, workshop, 40, prefix="Zorglub")
    six = hats.create(workshop, ["Le jumelage"], [], "balanced")  # six hats default to "group"
    open_activity(workshop, six.activity)
    kind_of(six.activity).on_open(six.activity)
    for n, p in enumerate(everyone(workshop)):
        hats.comment(six, p, hats.hat_of(six, p), f"Commentaire {n}", f"group-hat-{n:04d}")
    page = facilitator_client.get(f"/w/{workshop.id}/export/hats.csv?names=1").get_data(as_text=True)
    assert "Commentaire 39" in page and workshop.groups[0].name in page
    assert "Zorglub" not in page


def test_a_build_on_cannot_carry_its_author_into_a_less_anonymous_question(app, facilitator_client, workshop):
    from workshop.brainwriting import logic as brainwriting
    from workshop.brainwriting.models import Build
    from workshop.ideas import logic as ideas
    from workshop.ideas.models import Idea
    from workshop.kinds import kind_of
    from workshop.workshops.logic import close_activity, open_activity

    joined_phones(app, workshop, 40, prefix="Zorglub")
    people = everyone(workshop)
    question = workshop.activities[0]  # ideas default to nicknames
    open_activity(workshop, question)
    for n, p in enumerate(people):
        ideas.submit_idea(p, question, f"Idée {n}", f"weak-idea-{n:04d}")
    close_activity(workshop, question)
    passing = brainwriting.create(workshop, question.id, 5)
    assert set_level(facilitator_client, workshop, passing.activity_id, "anonymous").status_code == 200
    open_activity(workshop, passing.activity)
    kind_of(passing.activity).on_open(passing.activity)
    served, _new = brainwriting.serve(passing, people[0])
    note, _stored = brainwriting.build(passing, people[0], served.idea_id, "yes_and", "Et puis", "weak-build-1")
    ideas_before = db.session.query(Idea).count()
    refused = facilitator_client.post(f"/w/{workshop.id}/brainwriting/builds/{note.id}/promote")
    assert refused.status_code == 409 and "anonymat" in refused.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.query(Idea).count() == ideas_before
    assert db.session.get(Build, note.id).promoted_idea_id is None


def test_the_whole_workshop_data_export_lists_no_anonymous_content_beside_a_name(app, facilitator_client, workshop):
    _phones, _activities = anonymous_session(app, facilitator_client, workshop)
    people = facilitator_client.get(f"/w/{workshop.id}/privacy/participants.json").get_json()["participants"]
    assert len(people) == 40
    assert all(person["ideas"] == [] and person["hat_comments"] == [] for person in people)
