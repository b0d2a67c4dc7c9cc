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
    from workshop.voting.models import Project, Round, RoundItem
    from workshop.workshops.models import Activity


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
