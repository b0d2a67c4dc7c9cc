"""A force field's stage, as its templates read it: weighed once per change
from the database, then rendered for each room with no query. Its pushes (the
drawing, the moderation list, the phones' list) render from the same."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workshop.forces import logic

if TYPE_CHECKING:
    from workshop.forces.models import ForceField
    from workshop.workshops.models import Activity, StakeholderGroup


@dataclass(frozen=True)
class FieldStage:
    """What a force field's stage shows: the field weighed (`view`) and its
    impacts, as the projector and phones see them; on the control view, also
    every force and impact, hidden ones included, for moderation."""

    field: ForceField
    view: logic.FieldView
    impacts: logic.ImpactsView
    moderated: logic.FieldView | None = None
    every_impact: logic.ImpactsView | None = None
    # The workshop's stakeholder groups (whom an impact affects), held so that
    # an impact's group is read from the session rather than by one query each.
    groups: tuple[StakeholderGroup, ...] = ()


def of_field(field: ForceField, audience: str) -> FieldStage:
    control = audience == "control"
    return FieldStage(field=field, view=logic.view(field), impacts=logic.impacts_view(field),
                      moderated=logic.view(field, include_hidden=True) if control else None,
                      every_impact=logic.impacts_view(field, include_hidden=True) if control else None,
                      groups=tuple(field.activity.workshop.groups))


def view(activity: Activity, audience: str) -> FieldStage:
    field = logic.field_of_activity(activity)
    if field is None:
        raise LookupError(f"activity {activity.id} is a force field without its field")
    return of_field(field, audience)


@dataclass(frozen=True)
class FieldForm:
    """What the form adding a force field offers as its subject: the retained
    priorities and the adopted orphan projects."""

    priorities: tuple = ()
    adopted: tuple = ()


def add_form(workshop) -> FieldForm:
    from workshop.voting.stage import projects_of

    return FieldForm(priorities=tuple(p for p in projects_of(workshop) if p.status == "priority"),
                     adopted=tuple(logic.adopted_orphans(workshop)))
