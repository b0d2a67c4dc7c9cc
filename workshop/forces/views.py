from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from workshop.errors import sent
from workshop.forces import exports, logic, pushes, stage
from workshop.guards import (
    facilitated,
    facilitated_part,
    found_or_404,
    idea_limit,
    joined_part,
    participant_key,
    readable,
)
from workshop.rate_limits import counted
from workshop.reports.downloads import download, reader_layout
from workshop.reports.logic import to_csv

bp = Blueprint("forces", __name__)


@bp.app_template_global()
def fresh_impact_key() -> str:
    import secrets

    return secrets.token_hex(16)




# --- facilitator -------------------------------------------------------------------

@bp.post("/w/<int:workshop_id>/forces")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    logic.create(workshop, request.form.get("subject", ""), request.form.get("project", type=int))
    return render_template("workshops/_agenda.html", workshop=workshop)


def facilitated_field(workshop_id: int, field_id: int):
    return facilitated_part(workshop_id, lambda workshop: logic.field_in(workshop, field_id))


def control_fragment(workshop, field):
    return render_template("forces/_control.html", workshop=workshop, activity=field.activity,
                           stage=stage.of_field(field, "control"))


@bp.post("/w/<int:workshop_id>/forces/<int:field_id>/items/<int:force_id>/<any(hide, restore):action>")
@login_required
def moderate(workshop_id: int, field_id: int, force_id: int, action: str):
    workshop, field = facilitated_field(workshop_id, field_id)
    logic.set_hidden(found_or_404(logic.force_in, field, force_id), action == "hide")
    pushes.field_changed(workshop, field, phones=True)
    return control_fragment(workshop, field)


@bp.post("/w/<int:workshop_id>/forces/<int:field_id>/merge")
@login_required
def merge(workshop_id: int, field_id: int):
    workshop, field = facilitated_field(workshop_id, field_id)
    logic.merge(field, request.form.get("keep", type=int) or 0, request.form.get("gone", type=int) or 0)
    pushes.field_changed(workshop, field, phones=True)
    return control_fragment(workshop, field)


@bp.post("/w/<int:workshop_id>/forces/<int:field_id>/items/<int:force_id>/group")
@login_required
def group(workshop_id: int, field_id: int, force_id: int):
    """Put a force in a group of its side (a label the facilitator types or picks); empty: no group."""
    workshop, field = facilitated_field(workshop_id, field_id)
    try:
        logic.set_theme(field, force_id, request.form.get("theme", ""))
    except logic.ForcesRejected as error:
        if error.code == "unknown_force":
            abort(404)
        raise  # its message in the form's message area
    pushes.field_changed(workshop, field)  # phones list no groups: only the big screens change
    return control_fragment(workshop, field)


@bp.post("/w/<int:workshop_id>/forces/<int:field_id>/impacts/<int:impact_id>/<any(hide, restore):action>")
@login_required
def moderate_impact(workshop_id: int, field_id: int, impact_id: int, action: str):
    workshop, field = facilitated_field(workshop_id, field_id)
    logic.set_impact_hidden(found_or_404(logic.impact_in, field, impact_id), action == "hide")
    pushes.field_changed(workshop, field)
    return control_fragment(workshop, field)


@bp.get("/w/<int:workshop_id>/export/forces.csv")
@login_required
def forces_csv(workshop_id: int):
    workshop = readable(workshop_id)
    layout = reader_layout()
    names = request.args.get("names") == "1"  # pseudonymous unless asked, as every export
    body = to_csv(exports.header(names, layout), exports.rows(workshop, names, layout), layout)
    return download(body, "text/csv", f"workshop-{workshop.id}-forces.csv")


# --- participant ---------------------------------------------------------------------

def field_phone(code: str, field_id: int):
    return joined_part(code, lambda workshop: logic.field_in(workshop, field_id))


@bp.get("/j/<code>/forces/<int:field_id>/mine")
def mine(code: str, field_id: int):
    """The list is pushed once for every phone; each phone then marks, from here,
    the forces it agreed with and its own (out-of-band swaps, nothing else moves)."""
    _workshop, participant, field = field_phone(code, field_id)
    agreed, own = logic.marks_of(field, participant)
    listed = {d.force.id for d in logic.view(field).driving + logic.view(field).restraining}
    return render_template("forces/_mine.html", agreed=sorted(agreed & listed), own=sorted(own & listed))


@bp.post("/j/<code>/forces/<int:field_id>/impacts")
@counted(idea_limit, participant_key)
def send_impact(code: str, field_id: int):
    workshop, participant, field = field_phone(code, field_id)
    form = request.form
    impact, stored_now = logic.post_impact(field, participant, form.get("effect", ""), form.get("text", ""),
                                           form.get("affected", ""), form.get("key", ""))
    if stored_now:  # phones list no impacts: only the big screens change
        pushes.field_changed(workshop, field)
    return sent("forces/_my_impact.html", impact=impact, field=field, workshop=workshop)


@bp.post("/j/<code>/forces/<int:field_id>")
@counted(idea_limit, participant_key)
def send(code: str, field_id: int):
    workshop, participant, field = field_phone(code, field_id)
    form = request.form
    force, stored_now = logic.post(field, participant, form.get("side", ""), form.get("strength"),
                                   form.get("text", ""), form.get("explanation", ""), form.get("key", ""))
    if stored_now:
        pushes.field_changed(workshop, field, phones=True)
    return sent("forces/_my_force.html", force=force)


def agree_limit() -> str:
    # A "+1" is a tap like a vote: a phone runs down 30 forces in a minute.
    from flask import current_app

    return current_app.config["VOTE_LIMIT"]


@bp.post("/j/<code>/forces/<int:field_id>/agree/<int:force_id>")
@counted(agree_limit, participant_key)
def agree(code: str, field_id: int, force_id: int):
    workshop, participant, field = field_phone(code, field_id)
    try:
        force, counted_now = logic.agree(field, participant, force_id)
    except logic.ForcesRejected as error:
        if error.code == "unknown_force":
            abort(404)
        raise  # its message in the form's message area
    if counted_now:  # phones list no counts: only the big screens change
        pushes.field_changed(workshop, field)
    return render_template("forces/_agreed.html", force=force, asked=force_id, workshop=workshop, field=field)
