"""Six thinking hats' stage, as its templates read it: built once per change
from the database, then rendered for each room with no query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.extensions import db
from workshop.hats import logic
from workshop.participants.models import Participant

if TYPE_CHECKING:
    from workshop.hats.models import HatComment, HatsActivity, HatSubject
    from workshop.workshops.models import Activity


@dataclass(frozen=True)
class HatsStage:
    """What a six hats stage shows: the subject now, each hat's wearers and
    comments (hidden ones on the control view only), the hat everyone wears in
    sequence mode, and the control view's manual assignment."""

    activity: Activity
    hats: HatsActivity
    subject: HatSubject | None
    subjects: tuple[HatSubject, ...] = ()
    # "Subject 2 of 3", for the room and the phones, when there are several.
    subject_number: int = 0
    subject_count: int = 0
    wearing: dict[str, int] = field(default_factory=dict)
    columns: dict[str, list[HatComment]] = field(default_factory=dict)
    sequence_hat: str | None = None
    # Manual mode, on the control view: who wears which hat, and everyone still here.
    assignment: dict[int, str] = field(default_factory=dict)
    people: tuple[tuple[int, int | None], ...] = ()
    # The comments' authors (with their group), held so that the control view's
    # cards read them from the session rather than one query each.
    authors: tuple[Participant, ...] = ()


def view(activity: Activity, audience: str) -> HatsStage:
    hats = activity.hats
    if hats is None:
        raise LookupError(f"activity {activity.id} is six hats without its hats")
    subject = hats.current_subject
    order = [s.id for s in hats.subjects]
    number = order.index(subject.id) + 1 if subject is not None and subject.id in order else 0
    if audience == "phone":  # each phone loads its own hat
        return HatsStage(activity=activity, hats=hats, subject=subject, subject_number=number,
                         subject_count=len(order))
    control = audience == "control"
    columns = logic.comments_by_hat(subject, include_hidden=control) if subject is not None else {}
    authors: tuple[Participant, ...] = ()
    if control:
        ids = {note.participant_id for notes in columns.values() for note in notes}
        authors = tuple(db.session.scalars(select(Participant).options(selectinload(Participant.group))
                                           .where(Participant.id.in_(ids or [-1]))))
    manual = control and hats.mode == "manual"
    return HatsStage(
        activity=activity, hats=hats, subject=subject,
        subjects=tuple(hats.subjects) if control else (),
        wearing=logic.wearers(hats), columns=columns,
        sequence_hat=logic.sequence_hat(hats) if hats.mode == "sequence" else None,
        assignment=logic.assignment(hats) if manual else {},
        people=tuple(logic.people(hats)) if manual else (),
        authors=authors, subject_number=number, subject_count=len(order))


@dataclass(frozen=True)
class HatsForm:
    """What the form adding six hats offers to discuss: the projects, and the
    visible ideas of the questions opened so far."""

    projects: tuple = ()
    questions: tuple = ()
    walls: dict = field(default_factory=dict)


def add_form(workshop) -> HatsForm:
    from workshop.voting.stage import projects_of, questions_of, walls_of

    questions = tuple(questions_of(workshop))
    return HatsForm(projects=tuple(projects_of(workshop)), questions=questions, walls=walls_of(questions))
