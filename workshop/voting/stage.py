"""A voting round's stage, as its templates read it: built once per change
from the database (one tally whatever the number of rooms and languages),
then rendered for each room with no query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workshop import snapshot
from workshop.voting import logic

if TYPE_CHECKING:
    from analysis.tally import TallyResult
    from workshop.ideas.models import Idea
    from workshop.voting.models import Project, Round, RoundItem
    from workshop.workshops.models import Activity, Workshop


@dataclass(frozen=True)
class RoundStage:
    """What a round's stage shows: the round, its items (with their projects),
    the projects by id and, where a screen shows them, its results."""

    round: Round
    items: tuple[RoundItem, ...] = ()
    projects: dict[int, Project] | None = None
    results: TallyResult | None = None


def tallied(round_: Round) -> TallyResult:
    """The round's results, tallied once per change (the projector and the
    control view show the same)."""
    return snapshot.once(("results", round_.id), lambda: logic.results(round_))


def view(activity: Activity, audience: str) -> RoundStage:
    round_ = activity.round
    if round_ is None:
        raise LookupError(f"activity {activity.id} is a vote without a round")
    if audience == "phone":
        # Each phone loads its own ballot: the shared panel needs the round's rules only.
        return RoundStage(round=round_)
    items = tuple(round_.items)  # with their projects (joined)
    return RoundStage(round=round_, items=items, projects={item.project_id: item.project for item in items},
                      results=tallied(round_))


# --- the control sidebar's add forms (kinds.forms_view) -----------------------------

def projects_of(workshop: Workshop) -> list[Project]:
    """The workshop's candidate projects, priorities first, read once per change
    (the six hats', cells' and force field's forms list them)."""
    return snapshot.once(("workshop_projects", workshop.id), lambda: logic.workshop_projects(workshop))


def questions_of(workshop: Workshop) -> list[Activity]:
    """The questions opened so far, once per change (the vote's and six hats' forms)."""
    return snapshot.once(("ideas_activities", workshop.id), lambda: logic.ideas_activities(workshop))


def walls_of(questions) -> dict[int, list[Idea]]:
    """Each question's visible ideas, once per change; the forms show their text only."""
    from workshop.ideas.logic import wall

    def visible(question: Activity) -> list[Idea]:
        return snapshot.once(("form-wall", question.id), lambda: wall(question, with_authors=False))

    return {question.id: visible(question) for question in questions}


@dataclass(frozen=True)
class RoundForm:
    """What the form adding a round offers to vote on: the questions opened, the
    groupings, each question's themes' owner (a grouping over several questions
    has one) and its visible ideas."""

    questions: tuple[Activity, ...]
    groupings: tuple[Activity, ...]
    owners: dict[int, Activity]
    walls: dict[int, list[Idea]]


def add_form(workshop: Workshop) -> RoundForm:
    from workshop.themes.logic import theme_owner, with_themes

    questions = tuple(questions_of(workshop))
    owners = {question.id: theme_owner(question) for question in questions}
    with_themes({*questions, *owners.values()})  # the form lists them
    return RoundForm(questions=questions, groupings=tuple(logic.groupings(workshop)), owners=owners,
                     walls=walls_of(questions))
