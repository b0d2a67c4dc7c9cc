from __future__ import annotations

from flask import Blueprint, abort, current_app, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from workshop import live
from workshop.extensions import limiter
from workshop.ideas import logic as ideas
from workshop.participants import logic
from workshop.workshops import logic as workshops
from workshop.workshops.models import Workshop

bp = Blueprint("participants", __name__)


def join_failure_limit() -> str:
    return current_app.config["JOIN_FAILURE_LIMIT"]


def workshop_by_code(code: str) -> Workshop:
    """The workshop of a phone route. An unknown code is answered like a known
    one the phone has not joined (403), so these routes tell a guesser nothing;
    only the join pages, which are rate-limited, say that a code is wrong."""
    workshop = workshops.find_by_code(code)
    if workshop is None:
        abort(403)
    g.workshop_language = workshop.language
    return workshop


def wrong_code(code: str):
    error = _("No workshop has this code. Check it on the screen and try again.")
    return render_template("participants/enter_code.html", error=error, code=code), 404


@bp.route("/join", methods=["GET", "POST"])
# Only wrong codes count, so a whole venue behind one address can still join.
@limiter.limit(join_failure_limit, methods=["POST"], deduct_when=lambda r: r.status_code == 404)
def enter_code():
    """Typed join code, for people who cannot scan."""
    if request.method == "POST":
        workshop = workshops.find_by_code(request.form.get("code", ""))
        if workshop is None:
            return wrong_code(request.form.get("code", ""))
        return redirect(url_for("participants.join", code=workshop.join_code))
    return render_template("participants/enter_code.html")


@bp.route("/j/<code>", methods=["GET", "POST"])
@limiter.limit(join_failure_limit, deduct_when=lambda r: r.status_code == 404)
def join(code: str):
    workshop = workshops.find_by_code(code)
    if workshop is None:
        return wrong_code(code)
    g.workshop_language = workshop.language
    if logic.current(workshop) is not None:
        return redirect(url_for("participants.phone", code=workshop.join_code))
    error = None
    back = logic.returning(workshop)  # this phone left earlier: the same person comes back
    if request.method == "POST":
        group_id = request.form.get("group", type=int)
        try:
            participant = logic.join(workshop, request.form.get("nickname", ""), group_id,
                                     language=request.form.get("lang"), returning=back)
        except logic.JoinError as failure:
            error = {
                "nickname_too_long": _("A nickname has 40 characters at most."),
                "unknown_group": _("Choose a group from the list."),
            }[failure.code]
        else:
            logic.remember(participant)
            live.count_changed(workshop, workshops.participant_count(workshop))
            if back is not None:
                live.hat_wearers_changed(workshop)  # back under the hat they wore, if hats are worn now
            return redirect(url_for("participants.phone", code=workshop.join_code))
    return render_template("participants/join.html", workshop=workshop, error=error,
                           back=back), (422 if error else 200)


def phone_participant(code: str):
    """This phone's participant in the workshop of this code, or None if it has
    not joined (an unknown code is refused, 403, like in workshop_by_code).
    One query: every phone request comes this way."""
    participant = logic.current_by_code(code)
    if participant is None:
        workshop_by_code(code)
        return None
    g.workshop_language = participant.workshop.language
    return participant


def joined(code: str):
    """The workshop and this phone's participant; refused (403) if it has not joined."""
    participant = phone_participant(code)
    if participant is None:
        abort(403)
    return participant.workshop, participant


@bp.route("/j/<code>/leave", methods=["GET", "POST"])
def leave(code: str):
    """Leaving takes two steps: a tap that lands on the leave button by mistake
    (the ballot above it grows and shrinks) only asks; `confirm` leaves."""
    workshop, participant = joined(code)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("participants/leave.html", workshop=workshop, participant=participant)
    logic.leave(participant)
    live.count_changed(workshop, workshops.participant_count(workshop))
    live.hat_wearers_changed(workshop)  # if hats are worn now, one fewer
    return redirect(url_for("participants.join", code=workshop.join_code, left=1))


@bp.get("/j/<code>/phone")
def phone(code: str):
    workshop = workshops.find_by_code(code)
    participant = logic.current(workshop) if workshop else None
    if participant is None:
        # Known or not, the code goes through the (rate-limited) join page.
        return redirect(url_for("participants.join", code=code))
    g.workshop_language = workshop.language
    return render_template("participants/phone.html", workshop=workshop, participant=participant)


@bp.get("/j/<code>/panel")
def panel(code: str):
    """What a reconnecting phone re-renders from the database: the activity
    panel and the timer (stopped or started while the phone was away)."""
    workshop, _participant = joined(code)
    return render_template("participants/_live_state.html", workshop=workshop)


@bp.get("/j/<code>/mine")
def mine(code: str):
    """This phone's own ideas for the activity on screen."""
    workshop, participant = joined(code)
    activity = workshop.current_activity
    own = ideas.ideas_of(participant, activity) if activity else []
    return render_template("participants/_my_ideas.html", ideas=own)
