from __future__ import annotations

from flask import Blueprint, current_app, make_response, render_template, request
from flask_babel import gettext as _
from flask_login import login_required

from workshop import live
from workshop.errors import message_fragment, sent
from workshop.guards import facilitated, facilitated_part, idea_limit, participant_key, phone_participant
from workshop.ideas import logic, pushes
from workshop.rate_limits import counted

bp = Blueprint("ideas", __name__)


def ideas_per_address_limit() -> str:
    return current_app.config["IDEAS_PER_ADDRESS_LIMIT"]


def address_and_activity() -> str:
    # Fresh participants from one address share this budget: re-joining to
    # get a new per-phone limit no longer floods the wall. The activity is the
    # one on the phones now, read here: a field the phone sends could be varied.
    from sqlalchemy import select

    from workshop.extensions import db
    from workshop.guards import participant_of_request
    from workshop.workshops.logic import normalise_join_code
    from workshop.workshops.models import Workshop

    code = (request.view_args or {}).get("code", "")
    participant = participant_of_request(code)  # the view reads it next: one query for both
    if participant is not None:
        activity = participant.workshop.current_activity_id
    else:
        activity = db.session.scalar(select(Workshop.current_activity_id)
                                     .where(Workshop.join_code == normalise_join_code(code)))
    return f"ideas:{request.remote_addr}:{activity}"


@bp.post("/j/<code>/ideas")
# The venue's budget is tested first: a send it refuses does not use the phone's own.
@counted(ideas_per_address_limit, address_and_activity, answered_only=True)
@counted(idea_limit, participant_key)
def send(code: str):
    participant = phone_participant(code)
    if participant is None:
        return message_fragment(_("Join the workshop first."), 403)
    activity = participant.workshop.current_activity
    sent_for = request.form.get("activity", type=int)
    if activity is None or (sent_for is not None and sent_for != activity.id):
        # Written for an activity that is no longer on screen: a resend after a
        # drop gets its stored idea back (only its answer was lost), else refused.
        stored = logic.sent_idea(participant, request.form.get("key", ""))
        if stored is None:
            raise logic.IdeaRejected("closed")
        return sent("participants/_my_idea.html", idea=stored, workshop=participant.workshop)
    idea, stored_now = logic.submit_idea(
        participant, activity, request.form.get("text", ""), request.form.get("key", ""))
    if stored_now:
        pushes.idea_changed(idea, arrival=True)
    # phone.js skips a card it already shows (a resend's).
    return sent("participants/_my_idea.html", idea=idea, workshop=participant.workshop)


def moderated(workshop_id: int, idea_id: int):
    return facilitated_part(workshop_id, lambda workshop: logic.idea_in(workshop.id, idea_id))


def control_card(idea):
    return pushes.idea_card(idea, "control")


@bp.post("/w/<int:workshop_id>/ideas/<int:idea_id>/<any(hide, restore):action>")
@login_required
def hide_or_restore(workshop_id: int, idea_id: int, action: str):
    _workshop, idea = moderated(workshop_id, idea_id)
    logic.hide(idea) if action == "hide" else logic.restore(idea)
    pushes.idea_changed(idea)
    return control_card(idea)


@bp.route("/w/<int:workshop_id>/ideas/<int:idea_id>/edit", methods=["GET", "POST"])
@login_required
def edit(workshop_id: int, idea_id: int):
    _workshop, idea = moderated(workshop_id, idea_id)
    if request.method == "GET":
        return render_template("ideas/_edit.html", idea=idea)
    try:
        logic.edit_text(idea, request.form.get("text", ""))
    except logic.IdeaRejected as rejected:
        return render_template("ideas/_edit.html", idea=idea, error=rejected.message()), 422
    pushes.idea_changed(idea)
    return control_card(idea)


@bp.get("/w/<int:workshop_id>/ideas/<int:idea_id>")
@login_required
def card(workshop_id: int, idea_id: int):
    """The control card again, e.g. when an edit is cancelled."""
    _workshop, idea = moderated(workshop_id, idea_id)
    return control_card(idea)


@bp.post("/w/<int:workshop_id>/ideas/merge")
@login_required
def merge(workshop_id: int):
    workshop = facilitated(workshop_id)
    ids = sorted({int(i) for i in request.form.getlist("idea") if i.isdecimal()})
    if len(ids) < 2:
        raise logic.IdeaRejected("merge_needs_two")
    chosen = [logic.idea_in(workshop.id, i) for i in ids]
    logic.merge(chosen[0], chosen[1:])  # the oldest idea stays; later duplicates fold into it
    # Phones show no wall: re-rendering them would wipe what people are typing.
    response = make_response(live.stage_answer(workshop, audiences=live.FACILITATOR_AUDIENCES))
    response.headers["HX-Retarget"] = "#stage"
    response.headers["HX-Reswap"] = "outerHTML"
    return response
