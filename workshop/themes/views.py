from __future__ import annotations

import logging
from collections.abc import Sequence

from flask import Blueprint, current_app, render_template, request
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_login import login_required

from analysis import clustering
from workshop import kinds, live
from workshop.extensions import db, socketio
from workshop.guards import facilitated, facilitated_activity, facilitated_part
from workshop.ideas import logic as ideas
from workshop.themes import logic, pushes
from workshop.workshops.models import Activity

bp = Blueprint("themes", __name__)
log = logging.getLogger(__name__)


def fallback_labels(language: str) -> dict[str, str]:
    """The analysis package's bilingual fallback labels, in the workshop's language."""
    with force_locale(language):
        return {clustering.OTHER_LABEL: _("Other"), clustering.EMPTY_LABEL: _("No text")}


def off_loop(fn, *args, **kwargs):
    """CPU-heavy work in a real thread under gevent, so sockets keep flowing.
    The grouping runs here: its clustering (half a second at 1,000 ideas, on one
    numeric thread) and the embedding of at most 200 ideas the features worker has
    not reached yet. The encoder once ran here for every idea as it arrived, and
    pushes between workers went missing (see themes/features.py); moving the
    grouping into the features worker would remove the last of it."""
    from gevent import monkey

    if monkey.is_module_patched("threading"):
        import gevent

        return gevent.get_hub().threadpool.apply(fn, args, kwargs)
    return fn(*args, **kwargs)


def run_grouping(app, activity_id: int, k: int | None, seeds: list[str], together_ids: Sequence[int] = ()) -> None:
    # A request context of its own: templates build URLs, and the request that
    # started the grouping has long answered.
    with app.test_request_context("/"):
        activity = db.session.get_one(Activity, activity_id)
        workshop = activity.workshop
        try:
            together = logic.companions(activity, together_ids)
            logic.group(activity, k, seeds, fallback_labels(workshop.language), run=off_loop,
                        progress=lambda done, total: pushes.grouping_progress(workshop, done, total),
                        together_with=together, features_wait=app.config["FEATURES_WAIT_AT_PRESS"])
        except Exception:
            log.exception("grouping failed for activity %s", activity_id)
            db.session.rollback()
            try:  # group() clears the mark; a failure before it began must too
                activity.grouping_started_at = None
                db.session.commit()
            except Exception:
                db.session.rollback()
            pushes.grouping_failed(workshop)
        else:
            live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES)


def stage_answer(workshop):
    """Phones show no wall, and re-rendering them would wipe what people type."""
    return live.stage_answer(workshop, audiences=live.FACILITATOR_AUDIENCES)


@bp.post("/w/<int:workshop_id>/activities/<int:activity_id>/group")
@login_required
def group(workshop_id: int, activity_id: int):
    workshop, activity = facilitated_activity(workshop_id, activity_id)
    k, seeds = logic.parse_request(request.form.get("k"), request.form.get("seed_themes"))
    # The other questions whose ideas this grouping takes in (its themes stay this activity's).
    together = logic.companions(activity, [int(i) for i in request.form.getlist("together") if i.isdecimal()])
    logic.start_grouping(activity, together)
    together_ids = [a.id for a in together]
    app = current_app._get_current_object()  # type: ignore[attr-defined]  # a LocalProxy, typed as the app
    if app.config.get("GROUPING_INLINE"):
        run_grouping(app, activity.id, k, seeds, together_ids)
        db.session.refresh(activity)
        return render_template("workshops/_control_stage.html", workshop=workshop,
                               **kinds.stage_context(workshop, "control"))
    # Progress and result reach every screen by push, in order; an answer
    # rendered now could arrive after the result and put the old wall back.
    pushes.grouping_progress(workshop, 0, 0)
    socketio.start_background_task(run_grouping, app, activity.id, k, seeds, together_ids)
    return "", 202, {"HX-Reswap": "none"}


@bp.post("/w/<int:workshop_id>/activities/<int:activity_id>/ungroup")
@login_required
def ungroup(workshop_id: int, activity_id: int):
    workshop, activity = facilitated_activity(workshop_id, activity_id)
    logic.clear(activity)
    return stage_answer(workshop)


@bp.post("/w/<int:workshop_id>/activities/<int:activity_id>/split")
@login_required
def split(workshop_id: int, activity_id: int):
    workshop, activity = facilitated_activity(workshop_id, activity_id)
    chosen = [ideas.idea_in(workshop.id, int(i)) for i in request.form.getlist("idea") if i.isdecimal()]
    logic.split(activity, chosen, (request.form.get("label") or "").strip() or _("New theme"))
    return stage_answer(workshop)


def facilitated_theme(workshop_id: int, theme_id: int):
    """A theme of any question of the workshop: an earlier one can be edited while shown."""
    return facilitated_part(workshop_id, lambda workshop: logic.theme_of_workshop(workshop.id, theme_id))


@bp.post("/w/<int:workshop_id>/themes/<int:theme_id>/rename")
@login_required
def rename(workshop_id: int, theme_id: int):
    workshop, theme = facilitated_theme(workshop_id, theme_id)
    logic.rename(theme, request.form.get("label", ""))
    return stage_answer(workshop)


@bp.post("/w/<int:workshop_id>/themes/<int:theme_id>/merge")
@login_required
def merge(workshop_id: int, theme_id: int):
    workshop, theme = facilitated_theme(workshop_id, theme_id)
    target = logic.theme_in(db.session.get_one(Activity, theme.activity_id), request.form.get("into", type=int) or 0)
    logic.merge(target, theme)
    return stage_answer(workshop)


@bp.post("/w/<int:workshop_id>/ideas/<int:idea_id>/move")
@login_required
def move(workshop_id: int, idea_id: int):
    workshop = facilitated(workshop_id)
    idea = ideas.idea_in(workshop.id, idea_id)
    theme_id = request.form.get("theme", type=int)
    theme = logic.theme_in(idea.activity, theme_id) if theme_id else None
    logic.move(idea, theme)
    return stage_answer(workshop)
