"""Brainwriting rules: rounds, who is served which idea (analysis.rotation),
build-ons sent once per submission key, moderation and promotion to an idea."""

from __future__ import annotations

from sqlalchemy import delete, func, inspect, select
from sqlalchemy.exc import IntegrityError

from analysis import rotation
from workshop import dates, kinds
from workshop.brainwriting.messages import REFUSALS
from workshop.brainwriting.models import INSPIRED, KEY, MAX_BUILD_LENGTH, NOTE_KINDS, Brainwriting, Build, Serve
from workshop.extensions import db
from workshop.ideas.logic import clean_text, has_ideas, kind_row_in, stored_once, wall
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.workshops import logic as workshops
from workshop.workshops.models import Activity, Workshop

MAX_ROUND_MINUTES = 60


class BrainwritingRejected(Refused):
    """Nothing was changed; `code` says why (workshop/brainwriting/messages.py)."""

    messages = REFUSALS


# --- the facilitator's moves ---------------------------------------------------------

def create(workshop: Workshop, source_id: int, round_minutes: int) -> Brainwriting:
    """A brainwriting activity over an ideas question that already has ideas."""
    source = db.session.get(Activity, source_id)
    if source is None or source.workshop_id != workshop.id or source.kind != kinds.IDEAS:
        raise BrainwritingRejected("unknown_question")
    if not wall(source, with_authors=False):
        raise BrainwritingRejected("no_ideas")
    if not 1 <= round_minutes <= MAX_ROUND_MINUTES:
        raise BrainwritingRejected("bad_minutes")
    position = workshop.end_of_agenda()
    # Its build-ons may become ideas of the question: the same promise as the question's to start with.
    activity = Activity(workshop_id=workshop.id, kind=KEY, position=position,
                        prompt=source.prompt[:300], anonymity=source.anonymity)
    db.session.add(activity)
    db.session.flush()
    bw = Brainwriting(activity_id=activity.id, source_activity_id=source.id, round_minutes=round_minutes)
    db.session.add(bw)
    db.session.commit()
    return bw


def sources(workshop: Workshop) -> list[Activity]:
    return [a for a in workshop.activities if a.kind == kinds.IDEAS and has_ideas(a)]


def of_activity(activity: Activity) -> Brainwriting | None:
    """The activity's rotation: found in the session when this request has loaded it
    (the stage's view-model has, and the phone panel's announcement asks again while
    it renders), else read."""
    for row in db.session.identity_map.values():
        # Loaded state only: an expired row is read again by the query below, not here.
        if isinstance(row, Brainwriting) and inspect(row).dict.get("activity_id") == activity.id:
            return row
    return db.session.scalar(select(Brainwriting).where(Brainwriting.activity_id == activity.id))


def in_workshop(workshop: Workshop, bw_id: int) -> Brainwriting:
    return kind_row_in(workshop, Brainwriting, bw_id, BrainwritingRejected("unknown_activity"))


def start_first_round(bw: Brainwriting) -> None:
    """Opening the activity starts round 1 (reopening it later changes nothing)."""
    if bw.round_no == 0:
        _new_round(bw)


def next_round(bw: Brainwriting) -> None:
    """Everyone is handed another idea, and the round's timer starts."""
    db.session.refresh(bw.activity)
    if not bw.activity.is_open:
        raise BrainwritingRejected("closed")
    _new_round(bw)


def _new_round(bw: Brainwriting) -> None:
    bw.round_no += 1
    served = rotation.assign(_people(bw), _ideas(bw), _history(bw), groups_of=_groups(bw),
                             seed=f"{bw.id}:{bw.round_no}")
    db.session.add_all(Serve(brainwriting_id=bw.id, round_no=bw.round_no, participant_id=pid, idea_id=iid)
                       for pid, iid in served.items() if iid is not None)
    db.session.commit()
    workshops.start_timer(bw.activity.workshop, bw.round_minutes)


# --- what the rotation reads ----------------------------------------------------------

def _people(bw: Brainwriting) -> list[rotation.Person]:
    """Everyone still in the workshop (not those who left)."""
    return [rotation.Person(pid, group) for pid, group in db.session.execute(
        select(Participant.id, Participant.group_id).where(
            Participant.workshop_id == bw.activity.workshop_id, Participant.left_at.is_(None)))]


def _groups(bw: Brainwriting) -> dict[int, int | None]:
    """Everyone's group, leavers included (their serves count in the spread)."""
    return dict(db.session.execute(select(Participant.id, Participant.group_id).where(
        Participant.workshop_id == bw.activity.workshop_id)).all())


def _ideas(bw: Brainwriting) -> list[rotation.Idea]:
    """The source question's ideas on its wall (hidden ones and merged duplicates stay out)."""
    groups = _groups(bw)
    return [rotation.Idea(idea.id, idea.participant_id, groups.get(idea.participant_id))
            for idea in wall(bw.source, with_authors=False)]


def _history(bw: Brainwriting) -> list[tuple[int, int]]:
    return [(pid, idea_id) for pid, idea_id in db.session.execute(
        select(Serve.participant_id, Serve.idea_id).where(Serve.brainwriting_id == bw.id))]


# --- phones ----------------------------------------------------------------------------

def _serve_now(bw: Brainwriting, participant: Participant) -> Serve | None:
    return db.session.scalar(select(Serve).where(Serve.brainwriting_id == bw.id, Serve.round_no == bw.round_no,
                                                 Serve.participant_id == participant.id))


def serve(bw: Brainwriting, participant: Participant) -> tuple[Serve | None, bool]:
    """(the idea this phone builds on this round, whether it was handed out just now).

    A phone that joined after the round began is served here, keeping the balance;
    None when no idea is left for it (all its own, or all served to it before)."""
    found = _serve_now(bw, participant)
    if found is not None or bw.round_no == 0 or not bw.activity.is_open:
        return found, False
    person = rotation.Person(participant.id, participant.group_id)
    idea_id = rotation.assign([person], _ideas(bw), _history(bw), groups_of=_groups(bw),
                              seed=f"{bw.id}:{bw.round_no}:{participant.id}")[participant.id]
    if idea_id is None:
        return None, False
    db.session.add(Serve(brainwriting_id=bw.id, round_no=bw.round_no, participant_id=participant.id,
                         idea_id=idea_id))
    try:
        db.session.commit()
    except IntegrityError:  # the same phone asked twice at once: the other request served it
        db.session.rollback()
        return _serve_now(bw, participant), False
    return _serve_now(bw, participant), True


def build(bw: Brainwriting, participant: Participant, idea_id: int, kind: str, text: str,
          key: str) -> tuple[Build, bool]:
    """Store a build-on once per submission key; returns (build, newly_stored).
    A resend of a stored build returns it, even after the round or the activity moved on."""

    def make(key: str) -> Build:
        text_ = clean_text(text, MAX_BUILD_LENGTH)
        if kind not in NOTE_KINDS:
            raise BrainwritingRejected("bad_kind")
        if kind == INSPIRED and not may_inspire(bw):
            raise BrainwritingRejected("weaker_question")
        db.session.refresh(bw.activity)
        if not bw.activity.is_open:
            raise BrainwritingRejected("closed")
        # Only on an idea this phone was handed (a text written in an earlier round still counts).
        served = db.session.scalar(select(Serve).where(Serve.brainwriting_id == bw.id,
                                                       Serve.participant_id == participant.id,
                                                       Serve.idea_id == idea_id))
        if served is None:
            raise BrainwritingRejected("not_served")
        return Build(brainwriting_id=bw.id, idea_id=idea_id, participant_id=participant.id,
                     round_no=served.round_no, kind=kind, text=text_, submission_key=key)

    def inspired(note: Build) -> None:
        if kind == INSPIRED:  # the idea's key names the build, as a promotion's does
            note.promoted_idea_id = _new_idea(bw, note).id

    return stored_once(Build, participant, key, make, BrainwritingRejected, then=inspired)


def builds_of(bw: Brainwriting, participant: Participant, idea_id: int) -> list[Build]:
    return list(db.session.scalars(select(Build).where(
        Build.brainwriting_id == bw.id, Build.participant_id == participant.id, Build.idea_id == idea_id)
        .order_by(Build.id.desc())))


# --- the wall of chains --------------------------------------------------------------

def chains(bw: Brainwriting, include_hidden: bool = False) -> list[tuple[Idea, list[Build]]]:
    """Each idea of the source question with its builds, newest first; the ideas
    built on most recently come first, then the others, newest first."""
    ideas = wall(bw.source, with_authors=False)
    query = select(Build).where(Build.brainwriting_id == bw.id).order_by(Build.id.desc())
    if not include_hidden:
        query = query.where(Build.hidden.is_(False))
    by_idea: dict[int, list[Build]] = {}
    for note in db.session.scalars(query):
        by_idea.setdefault(note.idea_id, []).append(note)
    latest = {idea_id: notes[0].id for idea_id, notes in by_idea.items()}
    ideas.sort(key=lambda idea: (latest.get(idea.id, 0), idea.id), reverse=True)
    return [(idea, by_idea.get(idea.id, [])) for idea in ideas]


def chain(bw: Brainwriting, idea: Idea, include_hidden: bool = False) -> list[Build]:
    query = select(Build).where(Build.brainwriting_id == bw.id, Build.idea_id == idea.id).order_by(Build.id.desc())
    if not include_hidden:
        query = query.where(Build.hidden.is_(False))
    return list(db.session.scalars(query))


def round_counts(bw: Brainwriting) -> tuple[int, int]:
    """(phones served this round, builds sent this round)."""
    served = db.session.execute(select(func.count(Serve.id)).where(Serve.brainwriting_id == bw.id,
                                                                   Serve.round_no == bw.round_no)).scalar_one()
    built = db.session.execute(select(func.count(Build.id)).where(Build.brainwriting_id == bw.id,
                                                                 Build.round_no == bw.round_no)).scalar_one()
    return served, built


# --- moderation ------------------------------------------------------------------------

def build_in(workshop: Workshop, build_id: int) -> Build:
    note = db.session.get(Build, build_id)
    bw = None if note is None else db.session.get(Brainwriting, note.brainwriting_id)
    if note is None or bw is None or bw.activity.workshop_id != workshop.id:
        raise BrainwritingRejected("unknown_build")
    return note


def set_hidden(note: Build, hidden: bool) -> None:
    """Hide a build-on, or show it again; a new idea sent as inspired by
    another is the same words on the question's wall: it goes with it."""
    note.hidden = hidden
    if note.kind == INSPIRED and note.promoted_idea_id is not None:
        idea = db.session.get(Idea, note.promoted_idea_id)
        if idea is not None:
            idea.hidden = hidden
    db.session.commit()


def may_inspire(bw: Brainwriting) -> bool:
    """Whether what phones write here may become ideas of the question: not when the
    question names people more than this activity promised its writers."""
    from workshop import anonymity

    promised = anonymity.LEVELS.index(anonymity.level_of(bw.activity))
    return anonymity.LEVELS.index(anonymity.level_of(db.session.get(Activity, bw.source_activity_id))) <= promised


def _new_idea(bw: Brainwriting, note: Build) -> Idea:
    """The build's text as an idea of the source question, by the build's author."""
    idea = Idea(activity_id=bw.source_activity_id, participant_id=note.participant_id,
                # ":" is never in a phone's key (ideas.logic.clean_key): no send can take this one.
                submission_key=f"brainwriting:build:{note.id}", text=note.text, original_text=note.text,
                merged=[])
    db.session.add(idea)
    db.session.flush()
    return idea


def governing_activity(note: Build) -> Activity:
    """The activity whose anonymity names a build's author: its brainwriting's, or,
    once the build is also an idea of the question, the stronger of the two (the
    same words must not name someone beside the build that the idea does not)."""
    from workshop import anonymity

    bw = db.session.get_one(Brainwriting, note.brainwriting_id)
    if note.promoted_idea_id is None:
        return bw.activity
    source = db.session.get_one(Activity, bw.source_activity_id)
    stronger = anonymity.LEVELS.index(anonymity.level_of(source)) < anonymity.LEVELS.index(
        anonymity.level_of(bw.activity))
    return source if stronger else bw.activity


def inspirations(bw: Brainwriting) -> dict[int, Idea]:
    """Each idea a phone sent as inspired by another, with the idea that inspired
    it; not when the facilitator hid that one (its words would show again)."""
    rows = db.session.execute(select(Build.promoted_idea_id, Idea).join(Idea, Idea.id == Build.idea_id).where(
        Build.brainwriting_id == bw.id, Build.kind == INSPIRED, Build.promoted_idea_id.is_not(None),
        Idea.hidden.is_(False)))
    return {new_id: source for new_id, source in rows if new_id is not None}  # None is filtered out above


def promote(note: Build) -> Idea:
    """The build becomes an idea of the source question, written by the build's
    author: it reaches that wall, the grouping, the votes and the rotation."""
    if note.promoted_idea_id is not None:
        return db.session.get_one(Idea, note.promoted_idea_id)
    bw = db.session.get_one(Brainwriting, note.brainwriting_id)
    # Written under a stronger promise than the question's, it would show its author there.
    if not may_inspire(bw):
        raise BrainwritingRejected("weaker_question")
    idea = _new_idea(bw, note)
    note.promoted_idea_id = idea.id
    db.session.commit()
    return idea


def remove_participants(ids: list[int]) -> None:
    """Their builds go, and the ideas they were handed."""
    for model in (Build, Serve):
        db.session.execute(delete(model).where(model.participant_id.in_(ids)))


def personal_data(participant_id: int) -> dict:
    """One person's build-ons, for their Law 25 data export."""
    builds = db.session.scalars(select(Build).where(Build.participant_id == participant_id).order_by(Build.id))
    return {"build_ons": [{"kind": b.kind, "text": b.text, "round": b.round_no, "hidden": b.hidden,
                           "sent_at": dates.stamped(b.created_at)} for b in builds]}
