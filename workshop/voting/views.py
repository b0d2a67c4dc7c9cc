from __future__ import annotations

from flask import Blueprint, abort, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import login_required

from workshop import live
from workshop.errors import message_fragment
from workshop.extensions import limiter
from workshop.ideas.views import participant_key
from workshop.participants.views import joined
from workshop.voting import logic
from workshop.workshops.views import facilitated

bp = Blueprint("voting", __name__)


def rejection_message(error: logic.VoteRejected) -> str:
    limit = error.limit or 0  # every message below is built; only some have a limit
    return {
        "closed": _("This vote is closed: your vote was not changed."),
        "over_budget": _("You have no dots left: take one back from another item first."),
        "too_many_on_item": ngettext("%(num)d dot at most on one item.", "%(num)d dots at most on one item.", limit),
        "invalid_dots": _("There is no dot to take back here."),
        "too_many_approved": ngettext("Choose %(num)d item at most.", "Choose %(num)d items at most.", limit),
        "too_many_ranked": ngettext("Rank %(num)d item at most.", "Rank %(num)d items at most.", limit),
        "duplicate_rank": _("Each item can have one place only."),
        "score_out_of_range": _("Scores go from 1 to 5."),
        "unknown_item": _("This item is not part of the vote."),
        "busy": _("Many votes at once: try again."),
        "no_ideas": _("There are no ideas to vote on yet."),
        "no_themes": _("Group the ideas into themes first."),
        "nothing_picked": _("Tick the themes and ideas to vote on first."),
        "unknown_pick": _("One of the ticked items no longer exists: reload and tick again."),
        "no_previous_round": _("There is no previous round to carry from."),
        "unknown_question": _("This question has not been opened yet: there is nothing to vote on from it."),
        "bad_source": _("Choose what to vote on."),
        "too_few_items": _("A vote needs at least two items."),
        "bad_rules": _("Check the numbers: dots, dots per item and places must fit the items."),
        "bad_retain": _("Tick the projects to keep as priorities."),
    }.get(error.code, _("This could not be done."))


# --- facilitator ---------------------------------------------------------------

@bp.post("/w/<int:workshop_id>/rounds")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    form = request.form
    try:
        source, activity_id, theme_id = logic.parse_source(form.get("source", "ideas"))
        previous = latest_round(workshop) if source == "shortlist" else None
        picked = [(kind, int(item_id)) for kind, _sep, item_id in (p.partition(":") for p in form.getlist("pick"))
                  if item_id.isdigit()]
        projects = logic.candidates(workshop, source, previous=previous, carry=form.get("carry", type=int),
                                    theme_id=theme_id, picked=picked, activity_id=activity_id)
        logic.create_round(
            workshop, form.get("title", ""), form.get("kind", "dots"), projects,
            dots=form.get("dots", 5, type=int), max_per_item=form.get("max_per_item", 3, type=int),
            top_k=form.get("top_k", 3, type=int), show_live=bool(form.get("show_live")),
            impact_label=form.get("impact_label", ""), feasibility_label=form.get("feasibility_label", ""),
            previous=previous,
        )
    except logic.VoteRejected as error:
        return message_fragment(rejection_message(error))
    # New candidate projects (hats subjects) and a previous round to carry from:
    # the control view's forms are sent again (control_forms.js puts them in place).
    push_control_forms(workshop)
    return render_template("workshops/_agenda.html", workshop=workshop)


def push_control_forms(workshop) -> None:
    """Only the forms, once per control room: the stage may hold what the facilitator types."""
    live.broadcast(workshop.id, ["control"], lambda _audience: [live.replace(
        "control-forms-next", render_template("workshops/_control_forms_next.html", workshop=workshop))])


def latest_round(workshop):
    rounds = [a.round for a in workshop.activities if a.kind == "vote" and a.round]
    return rounds[-1] if rounds else None


@bp.post("/w/<int:workshop_id>/projects/retain")
@login_required
def retain(workshop_id: int):
    workshop = facilitated(workshop_id)
    try:
        logic.retain(workshop, [int(i) for i in request.form.getlist("project") if i.isdigit()])
    except logic.VoteRejected as error:
        return message_fragment(rejection_message(error))
    live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES)
    return render_template("workshops/_control_stage.html", workshop=workshop)


# --- participant -------------------------------------------------------------

def voting_phone(code: str, round_id: int):
    workshop, participant = joined(code)
    try:
        return workshop, participant, logic.round_of(workshop, round_id)
    except logic.VoteRejected:
        abort(404)


def my_ballot(round_, participant, error: str | None = None, status: int = 200, ballot=None):
    """The phone's ballot fragment; `ballot` when it was just saved (no need to read it again)."""
    if ballot is None:
        ballot = logic.ballot_of(round_, participant)
    return render_template("voting/_my_ballot.html", round=round_, ballot=ballot, error=error), status


@bp.get("/j/<code>/rounds/<int:round_id>/ballot")
def ballot(code: str, round_id: int):
    _workshop, participant, round_ = voting_phone(code, round_id)
    return my_ballot(round_, participant)


def vote_limit() -> str:
    from flask import current_app

    return current_app.config["VOTE_LIMIT"]


@bp.post("/j/<code>/rounds/<int:round_id>/dots")
@limiter.limit(vote_limit, key_func=participant_key)
def dots(code: str, round_id: int):
    _workshop, participant, round_ = voting_phone(code, round_id)
    try:
        saved = logic.move_dots(round_, participant, request.form.get("project", type=int),
                                request.form.get("delta", type=int))
    except logic.VoteRejected as error:
        return my_ballot(round_, participant, rejection_message(error), 422)
    live.results_changed(round_)
    return my_ballot(round_, participant, ballot=saved)


@bp.post("/j/<code>/rounds/<int:round_id>/ballot")
@limiter.limit(vote_limit, key_func=participant_key)
def save(code: str, round_id: int):
    """Approval, ranking and impact × feasibility: the whole ballot at once."""
    _workshop, participant, round_ = voting_phone(code, round_id)
    try:
        new = ballot_from_form(round_, request.form)
        saved = logic.save_ballot(round_, participant, lambda _current: new)
    except logic.VoteRejected as error:
        return my_ballot(round_, participant, rejection_message(error), 422)
    live.results_changed(round_)
    return my_ballot(round_, participant, ballot=saved)


def ballot_from_form(round_, form):
    ids = {item.project_id for item in round_.items}

    def project(value):
        number = int(value) if str(value).isdigit() else None
        if number not in ids:
            raise logic.VoteRejected("unknown_item")
        return number

    if round_.kind == "approval":
        return [project(v) for v in form.getlist("project")]
    if round_.kind == "ranking":
        return [project(form[f"place{n}"]) for n in range(1, round_.top_k + 1) if form.get(f"place{n}")]
    scores = {}
    for item_id in ids:
        impact, feasibility = form.get(f"impact{item_id}", type=int), form.get(f"feasibility{item_id}", type=int)
        if impact or feasibility:
            if not (impact and feasibility):
                raise logic.VoteRejected("score_out_of_range")
            scores[item_id] = (impact, feasibility)
    return scores
