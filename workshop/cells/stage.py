"""Innovation cells' stage, as its templates read it: built once per change
from the database, then rendered for each room with no query."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from workshop.cells import logic
from workshop.cells.models import Cell, CellMember
from workshop.extensions import db

if TYPE_CHECKING:
    from workshop.cells.models import CellSignup
    from workshop.workshops.models import Activity, StakeholderGroup


@dataclass(frozen=True)
class CellsStage:
    """What a cells stage shows: the sign-up, its cells (with their members)
    and, on the control view after a ranked assignment, its outcome."""

    signup: CellSignup
    cells: tuple[Cell, ...]
    # The workshop's stakeholder groups, held so that a member's group is read
    # from the session rather than by one query each.
    groups: tuple[StakeholderGroup, ...]
    outcome: dict[str, Any] | None = None

    @staticmethod
    def group_counts(cell: Cell) -> list[tuple[str | None, int]]:
        """How many members of each stakeholder group a cell holds, the most first:
        with nicknames hidden, 14 members read as 6 lines rather than 14 badges,
        and the room sees at a glance whether the cell mixes groups."""
        counts = Counter(m.participant.group.name if m.participant.group else None for m in cell.members)
        return sorted(counts.items(), key=lambda pair: (-pair[1], pair[0] is None, pair[0] or ""))


def view(activity: Activity, audience: str) -> CellsStage:
    signup = activity.signup
    if signup is None:
        raise LookupError(f"activity {activity.id} is cells without a sign-up")
    assigned = audience == "control" and signup.mode == "ranked" and signup.assigned
    # Read afresh with their members in two queries: cells the session kept
    # from before a change would load their members one query each.
    cells = db.session.scalars(
        select(Cell).where(Cell.signup_id == signup.id).order_by(Cell.position)
        .options(selectinload(Cell.members).joinedload(CellMember.participant))
        .execution_options(populate_existing=True)).all()
    return CellsStage(signup=signup, cells=tuple(cells), groups=tuple(activity.workshop.groups),
                      outcome=logic.outcome(signup) if assigned else None)


@dataclass(frozen=True)
class CellsForm:
    """What the form adding the sign-up lists: the retained priorities (one cell each)."""

    priorities: tuple = ()


def add_form(workshop) -> CellsForm:
    from workshop.voting.stage import projects_of

    return CellsForm(priorities=tuple(p for p in projects_of(workshop) if p.status == "priority"))
