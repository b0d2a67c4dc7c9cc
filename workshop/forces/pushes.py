"""Pushes of the force field: rendered once per room through workshop.live.

The whole drawing is replaced on each change: one force's weight moves every
arrow's length (they are scaled to the heaviest) and the order of its side.
Forces and "+1"s arrive by the dozen at once, so the push is coalesced like
ballots (at most one per RESULTS_PUSH_INTERVAL per field)."""

from __future__ import annotations

from flask import render_template

from workshop import live
from workshop.extensions import db
from workshop.forces import stage
from workshop.workshops.models import Workshop


def _on_stage(workshop: Workshop, field) -> bool:
    shown = workshop.stage_activity
    return shown is not None and shown.id == field.activity_id


def field_changed(workshop: Workshop, field, phones: bool = False) -> None:
    """A force arrived, was agreed with, hidden or merged: the big screens redraw the
    field; with `phones`, the phones' list of forces to agree with changes too."""
    workshop_id, field_id = workshop.id, field.id

    def push() -> None:
        from workshop.forces.models import ForceField

        found = db.session.get(ForceField, field_id)
        here = db.session.get(Workshop, workshop_id)
        if found is None or here is None:
            return
        if _on_stage(here, found):
            live.broadcast(workshop_id, live.FACILITATOR_AUDIENCES, lambda audience: _big_screen(here, found, audience))
        if phones and here.current_activity_id == found.activity_id:
            # Built inside the broadcast's change: once for the phones of every language.
            live.broadcast(workshop_id, ["phones"], lambda _audience: [live.replace("force-list", render_template(
                "forces/_phone_list.html", workshop=here, field=found, stage=stage.of_field(found, "phone")))])

    live.coalesced(("forces", field_id, phones), push)


def _big_screen(workshop: Workshop, field, audience: str) -> list[live.Swap]:
    seen = stage.of_field(field, audience)  # its weighing is shared by the rooms (logic.view)
    swaps = [live.replace("force-field", render_template(
        "forces/_field.html", workshop=workshop, field=field, audience=audience, stage=seen))]
    if audience == "control":
        swaps.append(live.replace("force-moderation", render_template(
            "forces/_moderation.html", workshop=workshop, field=field, stage=seen)))
    return swaps
