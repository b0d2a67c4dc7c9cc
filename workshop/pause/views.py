from __future__ import annotations

from flask import Blueprint, make_response, render_template, request
from flask_login import login_required

from workshop import kinds
from workshop.guards import facilitated
from workshop.pause import logic

bp = Blueprint("pause", __name__)


@bp.post("/w/<int:workshop_id>/pause")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    typed = request.form.get("message", "")
    try:
        logic.create(workshop, typed)
    except logic.PauseRejected as error:
        # The form again, open, with what was typed and why it was refused.
        response = make_response(render_template("pause/_new.html", workshop=workshop, typed=typed,
                                                 error=error.message(),
                                                 forms=kinds.forms_view(workshop)), 422)
        response.headers["HX-Retarget"] = "#new-pause-form"
        response.headers["HX-Reswap"] = "outerHTML"
        return response
    return render_template("workshops/_agenda.html", workshop=workshop)
