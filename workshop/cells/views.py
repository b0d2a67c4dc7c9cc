from __future__ import annotations

from flask import Blueprint, abort, render_template, request, url_for
from flask_login import current_user, login_required

from workshop import kinds, live
from workshop.cells import logic, pushes
from workshop.extensions import limiter
from workshop.forces import logic as forces
from workshop.guards import facilitated, facilitated_part, joined_part, participant_key
from workshop.rate_limits import counted
from workshop.workshops.logic import can_facilitate

bp = Blueprint("cells", __name__)


# --- facilitator -------------------------------------------------------------------

@bp.post("/w/<int:workshop_id>/cells")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    logic.create(workshop, request.form.get("mode", "first_come"), request.form.get("capacity", type=int),
                 show_nicknames=bool(request.form.get("show_nicknames")))
    return render_template("workshops/_agenda.html", workshop=workshop)


@bp.post("/w/<int:workshop_id>/cells/<int:signup_id>/assign")
@login_required
def assign(workshop_id: int, signup_id: int):
    workshop = facilitated(workshop_id)
    signup = logic.signup_of(workshop, signup_id)
    logic.run_assignment(signup)
    return live.stage_answer(workshop)  # every phone learns its cell


@bp.post("/w/<int:workshop_id>/cells/<int:signup_id>/place")
@login_required
def place(workshop_id: int, signup_id: int):
    workshop = facilitated(workshop_id)
    signup = logic.signup_of(workshop, signup_id)
    logic.place(signup, request.form.get("participant", type=int) or 0, request.form.get("cell", type=int) or 0)
    pushes.cells_changed(workshop, signup)
    return live.stage_answer(workshop)  # the placed phone learns its cell


def facilitated_cell(workshop_id: int, cell_id: int, reading: bool = False):
    """The cell, for its workshop's facilitator (or, reading only, a coordinator)."""
    return facilitated_part(workshop_id, lambda workshop: logic.cell_of(workshop, cell_id), reading)


@bp.post("/w/<int:workshop_id>/cell/<int:cell_id>/capacity")
@login_required
def capacity(workshop_id: int, cell_id: int):
    workshop, cell = facilitated_cell(workshop_id, cell_id)
    logic.set_capacity(cell, request.form.get("capacity", type=int))
    signup = logic.signup_of(workshop, cell.signup_id)
    pushes.cells_changed(workshop, signup)
    return render_template("workshops/_control_stage.html", workshop=workshop, **kinds.stage_context(workshop, "control"))


@bp.get("/w/<int:workshop_id>/cell/<int:cell_id>")
@login_required
def page(workshop_id: int, cell_id: int):
    workshop, cell = facilitated_cell(workshop_id, cell_id, reading=True)
    return render_template("cells/page.html", workshop=workshop, cell=cell, log=logic.log_of(cell),
                           lineage=logic.lineage(cell),
                           log_url=url_for("cells.log", token=cell.log_token, _external=True),
                           force_summaries=forces.summaries_for_project(cell.project, current_user),
                           facilitating=can_facilitate(current_user, workshop))


@bp.get("/w/<int:workshop_id>/cell/<int:cell_id>/contacts.csv")
@login_required
def contacts(workshop_id: int, cell_id: int):
    _workshop, cell = facilitated_cell(workshop_id, cell_id, reading=True)
    from workshop.reports.downloads import download, reader_layout

    return download(logic.contacts_csv(cell, reader_layout()), "text/csv", f"cell-{cell.id}-contacts.csv")


# --- members after the workshop: a private link, no account --------------------------

@bp.route("/c/<token>", methods=["GET", "POST"])
@limiter.limit("30 per hour", methods=["POST"])
def log(token: str):
    cell = logic.cell_by_token(token)
    if cell is None:
        abort(404)
    error = None
    if request.method == "POST":
        try:
            logic.add_log(cell, request.form.get("author", ""), request.form.get("body", ""))
        except logic.CellsRejected as rejected:
            error = rejected.message()
    return render_template("cells/log.html", cell=cell, log=logic.log_of(cell), error=error), (422 if error else 200)


# --- participant ----------------------------------------------------------------------

def cells_phone(code: str, signup_id: int):
    return joined_part(code, lambda workshop: logic.signup_of(workshop, signup_id))


def my_cell(signup, participant, error: str | None = None, status: int = 200):
    saved = logic.preference_of(signup, participant)
    return render_template("cells/_my_cell.html", signup=signup, member=logic.membership(signup, participant),
                           workshop=signup.activity.workshop, ranking=logic.ranking_of(saved), saved=saved,
                           error=error), status


@bp.get("/j/<code>/cells/<int:signup_id>/mine")
def mine(code: str, signup_id: int):
    _workshop, participant, signup = cells_phone(code, signup_id)
    return my_cell(signup, participant)


@bp.post("/j/<code>/cells/<int:signup_id>/join")
@counted(lambda: "30 per minute", participant_key)
def join(code: str, signup_id: int):
    workshop, participant, signup = cells_phone(code, signup_id)
    form = request.form
    try:
        if signup.mode == "first_come":
            logic.join(signup, participant, form.get("cell", type=int) or 0, bool(form.get("consent")),
                       form.get("name", ""), form.get("email", ""))
        else:
            ranking = [int(form[f"place{n}"]) for n in range(1, len(signup.cells) + 1)
                       if form.get(f"place{n}", "").isdecimal()]
            logic.prefer(signup, participant, ranking, bool(form.get("consent")),
                         form.get("name", ""), form.get("email", ""))
    except logic.CellsRejected as error:
        return my_cell(signup, participant, error.message(), 422)
    pushes.cells_changed(workshop, signup)
    return my_cell(signup, participant)
