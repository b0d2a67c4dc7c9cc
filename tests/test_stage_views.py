"""A stage is built once per change, then rendered per room from data.

Each converted kind's stage view-model (`kind.view`, built by
`kinds.stage_view`) holds what its stage templates show: rendering them runs
no SQL statement, whatever the workshop's size (a database global called from
a template, or a relationship the view-model did not load, would show here as
statements). And one push of the stage to rooms in two languages builds each
audience's view-model once."""

from __future__ import annotations

import traceback
from contextlib import contextmanager
from typing import NamedTuple

import pytest
from flask import render_template
from markupsafe import escape
from sqlalchemy import event

from tests.session_data import IDEAS
from tests.test_live import swaps, watcher
from tests.test_voting import group, three_questions
from workshop import kinds, live
from workshop.extensions import db
from workshop.ideas import logic as ideas
from workshop.participants.models import Participant
from workshop.voting import logic as voting
from workshop.voting.models import Project
from workshop.workshops.logic import open_activity
from workshop.workshops.models import Workshop

PARTICIPANTS = 40
ITEMS = 60
AUDIENCES = ("projector", "control", "phone")


@contextmanager
def counted_statements():
    statements: list[str] = []

    def count(_conn, _cursor, statement, parameters, *_args):
        # Where the template asked for it, so that a failure names the line.
        frames = [f"{frame.filename}:{frame.lineno}" for frame in traceback.extract_stack()
                  if frame.filename.endswith(".html")]
        statements.append(f"{statement.split(chr(10))[-1]} {parameters} from {frames}")

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


class OnStage(NamedTuple):
    workshop: Workshop
    phone: str  # a text the phones' stage shows
    screens: str  # one the projector's and the control view's show


def words(text: str) -> str:
    """The first words of a text as a page shows them (escaped; French spacing
    ties punctuation, and a long title may be truncated, further on)."""
    return escape(" ".join(text.split()[:3]))


def participants(workshop) -> list[Participant]:
    people = [Participant(workshop_id=workshop.id, nickname=f"P{n}", group_id=workshop.groups[n % 3].id)
              for n in range(PARTICIPANTS)]
    db.session.add_all(people)
    db.session.commit()
    return people


def round_on_stage(workshop, kind="dots", show_live=False, close=False):
    """A round of ITEMS projects, a ballot from each participant, on stage;
    returns it with a text the phones show and one the big screens show."""
    titles = [text for question in IDEAS for text in question]
    projects = [Project(workshop_id=workshop.id, title=titles[n % len(titles)] + f" ({n})", status="candidate")
                for n in range(ITEMS)]
    db.session.add_all(projects)
    db.session.commit()
    round_ = voting.create_round(workshop, "Priorisation", kind, projects, dots=5, max_per_item=3,
                                 show_live=show_live)
    open_activity(workshop, round_.activity)
    for n, person in enumerate(participants(workshop)):
        if kind == "impact_feasibility":
            chosen = {projects[(n + k) % ITEMS].id: (1 + (n + k) % 5, 1 + (n * k) % 5) for k in range(8)}
        else:
            chosen = {projects[(n + k) % ITEMS].id: 1 for k in range(5)}
        voting.save_ballot(round_, person, lambda _current, chosen=chosen: chosen)
    if close:
        round_.activity.state = "closed"
        db.session.commit()
    return OnStage(workshop, "Priorisation", projects[7].title)


def wall_on_stage(workshop):
    """The second of three questions (60 ideas from 40 people) open again, one
    of its ideas hidden and two merged."""
    workshop = three_questions(workshop.owner)
    question = workshop.activities[1]
    open_activity(workshop, question)
    shown = ideas.wall(question)
    ideas.hide(shown[0])
    ideas.merge(shown[1], [shown[2]])
    return OnStage(workshop, question.prompt, shown[5].text)


def themes_on_stage(workshop, show_first=False):
    """The first question grouped together with the second, on stage (the phones
    on the third when `show_first`, else on the second, which shows the grouping)."""
    workshop = three_questions(workshop.owner)
    first, second, third = workshop.activities[:3]
    group(first, 4, together=[second])
    if show_first:
        open_activity(workshop, third)
        workshop.projector_activity_id = first.id
        db.session.commit()
    else:
        open_activity(workshop, second)
    return OnStage(workshop, second.prompt if not show_first else third.prompt, first.themes[0].label)


def hats_on_stage(workshop, mode="balanced"):
    """Six hats on two subjects, each of 40 people wearing a hat and commenting
    under it, two comments hidden."""
    from workshop.hats import logic as hats_logic

    people = participants(workshop)
    hats = hats_logic.create(workshop, ["Un guichet unique pour les démarches", "Un réseau de mentors"], [], mode)
    open_activity(workshop, hats.activity)
    hats_logic.hand_out(hats)
    if mode == "manual":
        for n, person in enumerate(people[:10]):
            hats_logic.set_hat(hats, person.id, hats_logic.HAT_IDS[n % 6])
    notes = [hats_logic.comment(hats, person, hats_logic.hat_of(hats, person), f"Commentaire {n}", f"key-{n:08d}")[0]
             for n, person in enumerate(people) if mode != "manual" or n < 10]
    for note in notes[:2]:
        hats_logic.set_hidden(note, True)
    return OnStage(workshop, "Un guichet unique", "Commentaire 5")


def cells_on_stage(workshop, mode="first_come"):
    """Cells for six priorities, 40 people signed up (ranked: with room for
    all but four, assigned)."""
    from workshop.cells import logic as cells

    people = participants(workshop)
    titles = [f"Priorité {n}" for n in range(6)]
    db.session.add_all([Project(workshop_id=workshop.id, title=title, status="priority") for title in titles])
    db.session.commit()
    signup = cells.create(workshop, mode, 6 if mode == "ranked" else None, show_nicknames=True)
    open_activity(workshop, signup.activity)
    ids = [cell.id for cell in signup.cells]
    for n, person in enumerate(people):
        if mode == "ranked":
            cells.prefer(signup, person, [ids[n % 6], ids[(n + 1) % 6]])
        else:
            cells.join(signup, person, ids[n % 6])
    if mode == "ranked":
        cells.run_assignment(signup)
    return OnStage(workshop, "Priorité 3", "Priorité 3")


def forces_on_stage(workshop):
    """A force field with 40 forces (some agreed with, one hidden, two merged,
    some grouped) and 20 impacts from 40 people."""
    from workshop.forces import logic as forces

    people = participants(workshop)
    field = forces.create(workshop, "Un guichet unique pour les démarches", None)
    open_activity(workshop, field.activity)
    posted = [forces.post(field, person, "driving" if n % 3 else "restraining", 1 + n % 5, f"Force {n}",
                          "Parce que" if n % 4 == 0 else "", f"key-{n:08d}")[0]
              for n, person in enumerate(people)]
    for n, person in enumerate(people):
        forces.agree(field, person, posted[(n + 1) % len(posted)].id)
    for n, person in enumerate(people[:20]):
        group = workshop.groups[n % 3].id if n % 2 else "everyone"
        forces.post_impact(field, person, "positive" if n % 2 else "negative", f"Impact {n}", str(group),
                           f"impact-{n:08d}")
    forces.set_hidden(posted[0], True)
    forces.merge(field, posted[1].id, posted[4].id)
    forces.set_theme(field, posted[2].id, "Financement")
    return OnStage(workshop, "Un guichet unique", "Force 5")


def rotation_on_stage(workshop):
    """Brainwriting on a question of 60 ideas: 40 phones served and building on
    their idea in round 1 (a build-on hidden, another made an idea)."""
    from workshop.brainwriting import logic as brainwriting

    workshop = three_questions(workshop.owner)
    people = db.session.scalars(db.select(Participant).where(Participant.workshop_id == workshop.id)).all()
    bw = brainwriting.create(workshop, workshop.activities[0].id, 5)
    open_activity(workshop, bw.activity)
    brainwriting.start_first_round(bw)
    built = []
    for n, person in enumerate(people):
        served, _late = brainwriting.serve(bw, person)
        kind = "what_if" if n % 3 else "yes_and"
        built.append(brainwriting.build(bw, person, served.idea_id, kind, f"Et si {n}", f"key-{n:08d}")[0])
    brainwriting.set_hidden(built[0], True)
    brainwriting.promote(built[1])
    return OnStage(workshop, workshop.activities[0].prompt, "Et si 5")


def pause_on_stage(workshop):
    """A break with its message, open."""
    from workshop.pause import logic as pause

    activity = pause.create(workshop, "Pause café — retour à 10 h 30")
    open_activity(workshop, activity)
    return OnStage(workshop, "Pause café — retour", "Pause café — retour")


STAGES = {
    "brainwriting": rotation_on_stage,
    "forces": forces_on_stage,
    "cells, first come": cells_on_stage,
    "cells, ranked and assigned": lambda workshop: cells_on_stage(workshop, "ranked"),
    "hats, balanced": hats_on_stage,
    "hats, sequence": lambda workshop: hats_on_stage(workshop, "sequence"),
    "hats, manual": lambda workshop: hats_on_stage(workshop, "manual"),
    "ideas, wall": wall_on_stage,
    "ideas, grouped, shown": lambda workshop: themes_on_stage(workshop, show_first=True),
    "ideas, grouped with another": themes_on_stage,
    "vote, open": lambda workshop: round_on_stage(workshop),
    "vote, live results": lambda workshop: round_on_stage(workshop, show_live=True),
    "vote, closed": lambda workshop: round_on_stage(workshop, close=True),
    "vote, impact x feasibility, closed": lambda workshop: round_on_stage(workshop, "impact_feasibility", close=True),
    "pause": pause_on_stage,
}


def test_every_kind_has_a_stage_view_tried_here(app):
    """A kind's stage is built by its `view`, and a case above renders it."""
    tried = {name.split(",")[0] for name in STAGES}
    for kind in kinds.kinds():
        assert kind.view is not None and kind.key in tried, kind.key


@pytest.mark.parametrize("stage", STAGES)
def test_a_stage_template_runs_no_query(app, workshop, stage):
    built = STAGES[stage](workshop)
    workshop_id = built.workshop.id
    for audience in AUDIENCES:
        db.session.expire_all()  # as after a command's commit: what the render reads, the view-model loads
        with app.test_request_context():
            found = db.session.get(Workshop, workshop_id)
            context = kinds.stage_context(found, audience)
            activity = kinds.on_stage(found, audience)
            kind = kinds.kind_of(activity)
            assert context["stage"] is not None, kind.key
            with counted_statements() as statements:
                html = render_template(kind.stage[audience], workshop=found, activity=activity, audience=audience,
                                       **context)
            assert statements == [], (audience, statements)
            if audience == "control":  # the sidebar's add forms, sent with every control stage
                with counted_statements() as statements:
                    forms = render_template("workshops/_control_forms_next.html", workshop=found, **context)
                assert statements == [], ("forms", statements)
                assert 'id="new-round-form"' in forms and 'id="new-hats-form"' in forms
            assert words(built.phone if audience == "phone" else built.screens) in html, audience


@pytest.mark.parametrize("stage", STAGES)
def test_the_whole_stage_with_its_heading_and_announcement_runs_no_query(app, workshop, stage):
    """The shared stage templates around a kind's (the projector's and control
    view's heading, the phone panel's announcement) read only what the
    view-model loaded."""
    workshop_id = STAGES[stage](workshop).workshop.id
    for audience in AUDIENCES:
        db.session.expire_all()
        with app.test_request_context():
            found = db.session.get(Workshop, workshop_id)
            context = kinds.stage_context(found, audience)
            template = ("participants/_activity_panel.html" if audience == "phone"
                        else f"workshops/_{audience}_stage.html")
            with counted_statements() as statements:
                render_template(template, workshop=found, **context)
            assert statements == [], (audience, statements)


def test_one_push_to_two_languages_builds_each_view_once(app, workshop, facilitator_client, monkeypatch):
    round_on_stage(workshop, show_live=True)
    phone = app.test_client()
    from tests.conftest import join

    join(phone, workshop, nickname="Témoin")
    screens = [watcher(app, facilitator_client, workshop, audience, lang)[0]
               for audience in ("projector", "control") for lang in ("fr", "en")]
    screens += [watcher(app, phone, workshop, "phones", lang)[0] for lang in ("fr", "en")]
    for screen in screens:
        swaps(screen)  # what watching sent

    kind = kinds.kind_of(db.session.get(Workshop, workshop.id).current_activity)
    built: list[str] = []
    real_view = kind.view
    monkeypatch.setattr(kinds, "kind_of", lambda activity: _Counted(kinds._REGISTRY[activity.kind], built,
                                                                    real_view))
    with app.test_request_context():
        live.stage_changed(db.session.get(Workshop, workshop.id))
    assert sorted(built) == ["control", "phone", "projector"]
    stages = [next(s["html"] for s in swaps(screen) if s["id"] in ("stage", "activity-panel")) for screen in screens]
    assert all("Priorisation" in html for html in stages)


class _Counted:
    """A kind whose view-model builds are counted by audience."""

    def __init__(self, kind, built, real_view):
        self._kind, self._built, self._real_view = kind, built, real_view

    def __getattr__(self, name):
        return getattr(self._kind, name)

    def view(self, activity, audience):
        self._built.append(audience)
        return self._real_view(activity, audience)


def test_retaining_answers_and_pushes_from_one_tally(app, workshop, facilitator_client, monkeypatch):
    """The acting control view's answer and the pushes to the other screens (two
    languages) are one change: the round's tally runs once for all of them."""
    from analysis import tally

    round_on_stage(workshop, close=True)
    screens = [watcher(app, facilitator_client, workshop, audience, lang)[0]
               for audience in ("projector", "control") for lang in ("fr", "en")]
    for screen in screens:
        swaps(screen)
    tallies = []
    real_tally = tally.tally
    monkeypatch.setattr(tally, "tally", lambda *args, **kw: tallies.append(1) or real_tally(*args, **kw))
    project = db.session.scalars(db.select(Project).where(Project.workshop_id == workshop.id)).first()
    answer = facilitator_client.post(f"/w/{workshop.id}/projects/retain", data={"project": [str(project.id)]})
    assert answer.status_code == 200 and 'badge-priority' in answer.get_data(as_text=True)
    assert all(any(s["id"] == "stage" for s in swaps(screen)) for screen in screens)
    assert len(tallies) == 1


def test_the_round_form_reads_every_question_s_themes_in_one_query(app, facilitator):
    """The control view's add forms list each question's themes: read together,
    not one lazy query per question (a session has two or three questions)."""
    from tests.test_voting import three_questions
    from workshop.themes.logic import with_themes

    with app.test_request_context():
        questions = three_questions(facilitator).activities[:3]
        for question in questions:
            group(question, 4)
        db.session.expire_all()
        questions = [db.session.get(type(question), question.id) for question in questions]
        with counted_statements() as statements:
            with_themes(questions)
            labels = [theme.label for question in questions for theme in question.themes]
        assert len(statements) == 2, statements  # the questions, then all their themes
        assert len(labels) == 12
        with counted_statements() as statements:
            with_themes(questions)
        assert statements == []  # read already: nothing more
