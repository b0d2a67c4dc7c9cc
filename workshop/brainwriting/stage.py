"""A brainwriting rotation's stage, as its templates read it: built once per
change from the database, then rendered for each room with no query."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.brainwriting import logic
from workshop.extensions import db
from workshop.participants.models import Participant

if TYPE_CHECKING:
    from workshop.brainwriting.models import Brainwriting, Build
    from workshop.ideas.models import Idea
    from workshop.workshops.models import Activity


@dataclass(frozen=True)
class RotationStage:
    """What a brainwriting stage shows: each idea of the question with its
    build-ons (`chains`; hidden ones on the control view only) and where the
    ideas sent as inspired came from; on the control view, the round's figures
    and, per build-on, the activity whose anonymity names its author."""

    bw: Brainwriting
    source: Activity | None = None
    chains: tuple[tuple[Idea, list[Build]], ...] = ()
    inspired: dict[int, Idea] = field(default_factory=dict)
    counts: tuple[int, int] = (0, 0)
    author_activities: dict[int, Activity] = field(default_factory=dict)
    # The build-ons' authors (with their group), held so that the control
    # view's cards read them from the session rather than one query each.
    authors: tuple[Participant, ...] = ()


def author_activities(builds) -> dict[int, Activity]:
    """Per build-on, the activity whose anonymity names its author (_build_control.html)."""
    return {note.id: logic.governing_activity(note) for note in builds}


def view(activity: Activity, audience: str) -> RotationStage:
    bw = logic.of_activity(activity)
    if bw is None:
        raise LookupError(f"activity {activity.id} is brainwriting without its rotation")
    if audience == "phone":  # each phone is handed its own idea
        return RotationStage(bw=bw)
    control = audience == "control"
    chains = tuple(logic.chains(bw, include_hidden=control))
    inspired = logic.inspirations(bw)
    if not control:
        return RotationStage(bw=bw, source=bw.source, chains=chains, inspired=inspired)
    builds = [note for _idea, notes in chains for note in notes]
    ids = {note.participant_id for note in builds}
    authors = tuple(db.session.scalars(select(Participant).options(selectinload(Participant.group))
                                       .where(Participant.id.in_(ids or [-1]))))
    return RotationStage(bw=bw, source=bw.source, chains=chains, inspired=inspired, counts=logic.round_counts(bw),
                         author_activities=author_activities(builds), authors=authors)


@dataclass(frozen=True)
class RotationForm:
    """What the form adding a rotation offers: the questions with ideas on their wall."""

    sources: tuple = ()


def add_form(workshop) -> RotationForm:
    return RotationForm(sources=tuple(logic.sources(workshop)))
