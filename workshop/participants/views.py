from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from workshop import guards, kinds, live
from workshop.cells import pushes as cells_pushes
from workshop.extensions import limiter
from workshop.guards import facilitated, guessing_too_much, joined, reads_a_code
from workshop.hats import pushes as hats_pushes
from workshop.i18n import speak
from workshop.ideas import logic as ideas
from workshop.participants import logic, phone_pages, pushes
from workshop.workshops import logic as workshops
from workshop.workshops.models import Workshop

bp = Blueprint("participants", __name__)


# --- guessing join codes: the budget is in workshop/guards.py ----------------------

@bp.before_app_request
def slow_down_guessers():
    """The join pages, which say whether a code exists, answer 429 once over."""
    if request.method == "POST" or request.endpoint == "participants.join":
        if request.endpoint in ("participants.enter_code", "participants.join") and guessing_too_much():
            abort(429)


@bp.after_app_request
def count_refused_codes(response):
    if response.status_code in (403, 404) and guards.counting_guesses() and reads_a_code():
        try:
            for item in guards.guess_limits():
                limiter.limiter.hit(item, guards.GUESSES, request.remote_addr or "")
        except Exception:  # noqa: BLE001
            current_app.logger.warning("could not count a join-code guess", exc_info=True)
    return response


def wrong_code(code: str):
    error = _("No workshop has this code. Check it on the screen and try again.")
    return render_template("participants/enter_code.html", error=error, code=code), 404


@bp.route("/join", methods=["GET", "POST"])
def enter_code():
    """Typed join code, for people who cannot scan."""
    if request.method == "POST":
        workshop = workshops.find_by_code(request.form.get("code", ""))
        if workshop is None:
            return wrong_code(request.form.get("code", ""))
        return redirect(url_for("participants.join", code=workshop.join_code))
    return render_template("participants/enter_code.html")


@bp.route("/j/<code>", methods=["GET", "POST"])
def join(code: str):
    pushes_seen = live.pushes_so_far("phones")  # before any read: see workshop/live.py
    workshop = logic.workshop_to_join(code)
    if workshop is None:
        return wrong_code(code)
    speak(workshop.language)
    if logic.current(workshop) is not None:
        return redirect(url_for("participants.phone", code=workshop.join_code))
    error = None
    back = logic.returning(workshop)  # this phone left earlier: the same person comes back
    status = 200
    # An archived workshop is over: nobody new joins it (the facilitator restores it first).
    if request.method == "POST" and back is None and (workshop.joining_locked or workshop.archived_at):
        error, status = _("Joining is closed for this workshop. Ask the facilitator."), 409  # not 403: a closed door is no wrong code to count
    elif request.method == "POST" and back is None and not room_for_one_more(workshop):
        error, status = _("Many people joined from this network in a short time: wait a minute, "
                          "then try again."), 429
    elif request.method == "POST":
        group_id = request.form.get("group", type=int)
        try:
            participant = logic.join(workshop, request.form.get("nickname", ""), group_id,
                                     language=request.form.get("lang"), returning=back,
                                     key=request.form.get("join_key"))
        except logic.JoinRejected as failure:
            error = failure.message()  # the form again, with what was typed
        else:
            logic.remember(participant)
            pushes.room_changed(workshop)
            if back is not None:
                hats_pushes.hat_wearers_changed(workshop)  # back under the hat they wore, if hats are worn now
                came_back(workshop)
            # The phone page itself, not a redirect to it: a room joins within the same
            # seconds, and a second request per phone was a third of each join.
            # phone.js puts the page's own address in the history, so a reload is a GET.
            return phone_page(workshop, participant, pushes_seen)
    if error and status == 200:
        status = 422
    # The form sent again after a refusal keeps its key: nothing was stored under it.
    return render_template("participants/join.html", workshop=workshop, error=error, back=back,
                           join_key=request.form.get("join_key") or logic.new_join_key()), status


def came_back(workshop: Workshop) -> None:
    """Someone back under the name and group they gave now, which a cell's members
    list: the big screens' stage again, and on phones only the cells' list. A
    whole phone panel re-rendered would close the keyboard of everyone typing."""
    activity = workshop.current_activity
    if activity is not None and activity.kind == kinds.CELLS and activity.signup is not None:
        cells_pushes.cells_changed(workshop, activity.signup)
    else:
        live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES)


def room_for_one_more(workshop: Workshop) -> bool:
    """One more new participant from this address in this workshop, within JOIN_LIMIT."""
    if not guards.counting_guesses():
        return True
    from workshop.rate_limits import parsed

    try:
        return all(limiter.limiter.hit(item, "joins", request.remote_addr or "", str(workshop.id))
                   for item in parsed(current_app.config["JOIN_LIMIT"]))
    except Exception:  # noqa: BLE001 - the limits' store away: let people in
        current_app.logger.warning("could not count a join", exc_info=True)
        return True


@bp.route("/j/<code>/leave", methods=["GET", "POST"])
def leave(code: str):
    """Leaving takes two steps: a tap that lands on the leave button by mistake
    (the ballot above it grows and shrinks) only asks; `confirm` leaves."""
    workshop, participant = joined(code)
    if request.method == "GET" or request.form.get("confirm") != "yes":
        return render_template("participants/leave.html", workshop=workshop, participant=participant)
    logic.leave(participant)
    pushes.room_changed(workshop)
    hats_pushes.hat_wearers_changed(workshop)  # if hats are worn now, one fewer
    return redirect(url_for("participants.join", code=workshop.join_code, left=1))


@bp.get("/j/<code>/phone")
def phone(code: str):
    pushes_seen = live.pushes_so_far("phones")  # before any read: see workshop/live.py
    participant = guards.phone_participant(code)
    if participant is None:
        # Known or not, the code goes through the (rate-limited) join page.
        return redirect(url_for("participants.join", code=code))
    return phone_page(participant.workshop, participant, pushes_seen)


def phone_page(workshop: Workshop, participant, pushes_seen: str | None):
    """The phone's page, in the workshop's language (set by the guard or the join).
    `pushes_seen`: the phones' pushes counted before the request read the database,
    so that live.js skips re-rendering the panel it has if none went out since."""
    # Its own address, which the page may not be at: a join answers with it.
    page_url = url_for("participants.phone", code=workshop.join_code)
    who = participant.nickname or _("anonymous")
    if participant.group:
        who = f"{who} · {participant.group.name}"

    def render(**personal) -> str:  # when the room's page is not kept: its stage is read then
        logic.read_stage(workshop)
        return render_template("participants/phone.html", workshop=workshop, page_url=page_url,
                               pushes_seen=pushes_seen, **kinds.stage_context(workshop, "phone"), **personal)

    return phone_pages.page(workshop, who, pushes_seen, render)


@bp.get("/j/<code>/panel")
def panel(code: str):
    """What a reconnecting phone re-renders from the database: the activity
    panel and the timer (stopped or started while the phone was away)."""
    workshop, _participant = joined(code)
    return render_template("participants/_live_state.html", workshop=workshop, **kinds.stage_context(workshop, "phone"))


@bp.get("/j/<code>/mine")
def mine(code: str):
    """This phone's own ideas for the activity on screen."""
    workshop, participant = joined(code)
    activity = workshop.current_activity
    own = ideas.ideas_of(participant, activity) if activity else []
    return render_template("participants/_my_ideas.html", ideas=own, workshop=workshop)


# --- the facilitator's defences against a flood ---------------------------------

@bp.get("/w/<int:workshop_id>/participants")
@login_required
def roster(workshop_id: int):
    workshop = facilitated(workshop_id)
    return render_template("participants/roster.html", workshop=workshop, people=logic.roster(workshop))


@bp.post("/w/<int:workshop_id>/participants/joining")
@login_required
def lock_joining(workshop_id: int):
    workshop = facilitated(workshop_id)
    logic.set_joining_locked(workshop, request.form.get("locked") == "1")
    return redirect(url_for("participants.roster", workshop_id=workshop.id))


@bp.post("/w/<int:workshop_id>/participants/remove")
@login_required
def remove(workshop_id: int):
    """Removed with everything they sent; every screen shows the workshop without them."""
    workshop = facilitated(workshop_id)
    ids = [int(i) for i in request.form.getlist("participant") if i.isdecimal()]
    removed = logic.remove(workshop, ids)
    if removed:
        pushes.room_changed(workshop)
        live.stage_changed(workshop)
        flash(ngettext("%(num)d participant removed with everything they sent.",
                       "%(num)d participants removed with everything they sent.", removed), "info")
    return redirect(url_for("participants.roster", workshop_id=workshop.id))
