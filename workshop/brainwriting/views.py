from __future__ import annotations

from flask import Blueprint, render_template, request
from flask_login import login_required

from workshop import live
from workshop.brainwriting import logic, pushes
from workshop.brainwriting.stage import author_activities
from workshop.errors import message_fragment, retargeted, sent
from workshop.guards import facilitated, facilitated_part, idea_limit, joined_part, participant_key
from workshop.rate_limits import counted

bp = Blueprint("brainwriting", __name__)


# --- facilitator -----------------------------------------------------------------------

@bp.post("/w/<int:workshop_id>/brainwriting")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    logic.create(workshop, request.form.get("source", type=int) or 0,
                 request.form.get("minutes", type=int) or 0)
    return render_template("workshops/_agenda.html", workshop=workshop)


@bp.post("/w/<int:workshop_id>/brainwriting/<int:bw_id>/next-round")
@login_required
def next_round(workshop_id: int, bw_id: int):
    """Everyone is handed another idea; the timer starts for the round."""
    workshop, bw = facilitated_part(workshop_id, lambda workshop: logic.in_workshop(workshop, bw_id))
    logic.next_round(bw)  # a closed activity's refusal goes up: its message in the form's message area
    live.timer_changed(workshop)
    return live.stage_answer(workshop)


def facilitated_build(workshop_id: int, build_id: int):
    return facilitated_part(workshop_id, lambda workshop: logic.build_in(workshop, build_id))


@bp.post("/w/<int:workshop_id>/brainwriting/builds/<int:build_id>/<any(hide, restore):action>")
@login_required
def moderate(workshop_id: int, build_id: int, action: str):
    workshop, note = facilitated_build(workshop_id, build_id)
    logic.set_hidden(note, action == "hide")
    bw = logic.in_workshop(workshop, note.brainwriting_id)
    pushes.build_changed(bw, note)
    return render_template("brainwriting/_build_control.html", note=note, workshop=workshop,
                           author_activities=author_activities([note]))


@bp.post("/w/<int:workshop_id>/brainwriting/builds/<int:build_id>/promote")
@login_required
def promote(workshop_id: int, build_id: int):
    """The build becomes an idea of the source question (its wall, grouping and votes)."""
    workshop, note = facilitated_build(workshop_id, build_id)
    try:
        logic.promote(note)
    except logic.BrainwritingRejected as error:
        return message_fragment(error.message(), 409)
    # The big screens may show the source question's wall: it has one idea more.
    live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES)
    return render_template("brainwriting/_build_control.html", note=note, workshop=workshop,
                           author_activities=author_activities([note]))


# --- participant -----------------------------------------------------------------------

def brainwriting_phone(code: str, bw_id: int):
    return joined_part(code, lambda workshop: logic.in_workshop(workshop, bw_id))


def my_turn(bw, participant, status: int = 200, error: str | None = None):
    served, late = logic.serve(bw, participant)
    if late:
        pushes.counts_changed(bw)
    mine = logic.builds_of(bw, participant, served.idea_id) if served else []
    return render_template("brainwriting/_my_turn.html", bw=bw, served=served, mine=mine, error=error,
                           workshop=bw.activity.workshop, may_inspire=bool(served) and logic.may_inspire(bw)), status


@bp.post("/j/<code>/brainwriting/<int:bw_id>/mine")
def mine(code: str, bw_id: int):
    """A POST: a phone that joined during the round is handed its idea here (a write)."""
    _workshop, participant, bw = brainwriting_phone(code, bw_id)
    return my_turn(bw, participant)


@bp.post("/j/<code>/brainwriting/<int:bw_id>/builds")
@counted(idea_limit, participant_key)
def send(code: str, bw_id: int):
    _workshop, participant, bw = brainwriting_phone(code, bw_id)
    try:
        note, stored_now = logic.build(bw, participant, request.form.get("idea", type=int) or 0,
                                       request.form.get("kind", ""), request.form.get("text", ""),
                                       request.form.get("key", ""))
    except logic.BrainwritingRejected as error:
        if error.code == "not_served":  # a stale screen: show the idea of this round, with the reason
            return retargeted(my_turn(bw, participant, 409, error.message()), "#my-turn")
        raise  # its message in the form's message area
    if stored_now:
        pushes.build_changed(bw, note)
    return sent("brainwriting/_my_build.html", note=note)
