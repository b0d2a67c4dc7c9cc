from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_login import login_required

from workshop import anonymity, live
from workshop.errors import retargeted, sent
from workshop.guards import facilitated, facilitated_part, idea_limit, joined_part, participant_key
from workshop.hats import logic, pushes
from workshop.rate_limits import counted

bp = Blueprint("hats", __name__)


# --- facilitator -------------------------------------------------------------------

@bp.post("/w/<int:workshop_id>/hats")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    logic.create(workshop, (request.form.get("subjects") or "").splitlines(),
                 [int(i) for i in request.form.getlist("project") if i.isdecimal()],
                 request.form.get("mode", "balanced"),
                 idea_ids=[int(i) for i in request.form.getlist("idea") if i.isdecimal()])
    return render_template("workshops/_agenda.html", workshop=workshop)


def facilitated_hats(workshop_id: int, hats_id: int):
    return facilitated_part(workshop_id, lambda workshop: logic.hats_of(workshop, hats_id))


@bp.post('/w/<int:workshop_id>/hats/<int:hats_id>/<any("advance", "next-round", "rebalance", "subject", "assign"):action>')
@login_required
def steer(workshop_id: int, hats_id: int, action: str):
    """Every facilitator move on hats: the whole room follows live."""
    workshop, hats = facilitated_hats(workshop_id, hats_id)
    if action == "advance":
        logic.advance(hats)
    elif action == "next-round":
        logic.next_round(hats)
    elif action == "rebalance":
        logic.rebalance(hats)
    elif action == "subject":
        logic.switch_subject(hats, request.form.get("subject", type=int) or 0)
    else:
        logic.set_hat(hats, request.form.get("participant", type=int) or 0, request.form.get("hat", ""))
    return live.stage_answer(workshop)


@bp.post("/w/<int:workshop_id>/hat-comments/<int:comment_id>/<any(hide, restore):action>")
@login_required
def moderate(workshop_id: int, comment_id: int, action: str):
    workshop, note = facilitated_part(workshop_id, lambda workshop: logic.comment_in(workshop, comment_id))
    logic.set_hidden(note, action == "hide")
    pushes.hat_comment_changed(workshop, note)
    return render_template("hats/_comment_control.html", note=note, workshop=workshop,
                           note_activity=anonymity.activity_of(note))


@bp.get("/w/<int:workshop_id>/hats/<int:hats_id>/subjects/<int:subject_id>.csv")
@login_required
def export(workshop_id: int, hats_id: int, subject_id: int):
    _workshop, hats = facilitated_hats(workshop_id, hats_id)
    subject = next((s for s in hats.subjects if s.id == subject_id), None)
    if subject is None:
        abort(404)
    from workshop.reports.downloads import download, reader_layout

    return download(logic.export_csv(subject, reader_layout()), "text/csv", f"hats-subject-{subject.id}.csv")


# --- participant ---------------------------------------------------------------------

def hats_phone(code: str, hats_id: int):
    return joined_part(code, lambda workshop: logic.hats_of(workshop, hats_id))


def my_hat(hats, participant, status: int = 200, error: str | None = None):
    hat, late = logic.take_hat(hats, participant)
    if late:  # the big screens count one more wearer
        pushes.hat_wearers_changed(hats.activity.workshop)
    return render_template("hats/_my_hat.html", hats=hats, hat=hat, error=error), status


@bp.post("/j/<code>/hats/<int:hats_id>/mine")
def mine(code: str, hats_id: int):
    """A POST: a phone that joined late is handed its hat here (a write, so never on a GET)."""
    _workshop, participant, hats = hats_phone(code, hats_id)
    return my_hat(hats, participant)


@bp.post("/j/<code>/hats/<int:hats_id>/comments")
@counted(idea_limit, participant_key)
def send(code: str, hats_id: int):
    _workshop, participant, hats = hats_phone(code, hats_id)
    try:
        note, stored_now = logic.comment(hats, participant, request.form.get("hat", ""),
                                         request.form.get("text", ""), request.form.get("key", ""),
                                         request.form.get("subject", type=int))
    except logic.HatsRejected as error:
        if error.code == "not_your_hat":
            # Show the phone its real hat (and subject), with the reason, in place of the old one.
            return retargeted(my_hat(hats, participant, 409, error.message()), "#my-hat")
        raise  # its message in the form's message area
    if stored_now:
        pushes.hat_comment_changed(hats.activity.workshop, note)
    return sent("hats/_my_comment.html", note=note)
