from __future__ import annotations

from contextlib import nullcontext

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    send_from_directory,
    url_for,
)
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from flask_wtf import FlaskForm
from wtforms import SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from workshop import anonymity, live, qr, venue
from workshop.extensions import db
from workshop.guards import facilitated, facilitated_activity, managed
from workshop.kinds import kind_of, stage_context
from workshop.workshops import logic
from workshop.workshops.models import Workshop

bp = Blueprint("workshops", __name__)


class WorkshopForm(FlaskForm):
    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)])
    language = SelectField(_l("Language of the participants"),
                           choices=[("fr", "Français"), ("en", "English")])
    groups = TextAreaField(_l("Stakeholder groups, one per line"))
    prompts = TextAreaField(
        _l("Idea-generation questions, one per line (each becomes an activity of the agenda)"),
        validators=[DataRequired()],
    )


def lines(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def join_url(workshop: Workshop) -> str:
    # Behind a proxy or on a venue network, PUBLIC_URL says what phones can reach;
    # otherwise the address the facilitator opened (the control view warns when
    # that is 127.0.0.1, which on a phone means the phone).
    base = current_app.config["PUBLIC_URL"] or request.host_url
    return f"{base.rstrip('/')}/j/{workshop.join_code}"


@bp.get("/favicon.ico")
def favicon():
    """Browsers ask for /favicon.ico whatever the page links: answer with the icon."""
    static = current_app.static_folder
    assert static is not None  # create_app gives the app its static folder
    return send_from_directory(static, "favicon.svg", max_age=7 * 24 * 3600)


@bp.get("/")
@login_required
def index():
    archived = request.args.get("archived") == "1"
    return render_template("workshops/index.html", workshops=logic.workshops_of(current_user, archived),
                           archived=archived, can_facilitate=logic.can_facilitate, can_manage=logic.can_manage)


@bp.post("/w/<int:workshop_id>/rename")
@login_required
def rename(workshop_id: int):
    workshop = managed(workshop_id)
    try:
        logic.rename(workshop, request.form.get("title", ""))
    except logic.WorkshopRejected as error:
        flash(error.message(), "error")
    return redirect(url_for("workshops.index", archived="1" if workshop.archived_at else None))


@bp.post("/w/<int:workshop_id>/archive")
@login_required
def archive(workshop_id: int):
    """Archive (out of the list and the program totals) or, with restore=1, bring back."""
    workshop = managed(workshop_id)
    restore = request.form.get("restore") == "1"
    logic.archive(workshop, archived=not restore)
    flash(_("“%(title)s” is back in the list.", title=workshop.title) if restore else
          _("“%(title)s” is archived: out of the list and the program totals, kept in full.", title=workshop.title),
          "info")
    return redirect(url_for("workshops.index"))


@bp.route("/workshops/new", methods=["GET", "POST"])
@login_required
def new():
    form = WorkshopForm()
    if request.method == "GET":
        language = request.args.get("language", "fr")
        form.language.data = language if language in logic.DEFAULT_GROUPS else "fr"
        form.groups.data = "\n".join(logic.DEFAULT_GROUPS[form.language.data])
    if form.validate_on_submit():
        try:
            workshop = logic.create_workshop(
                current_user, form.title.data or "", form.language.data,  # the title is required
                lines(form.groups.data or ""), lines(form.prompts.data or ""),
            )
        except logic.WorkshopRejected as error:
            form.prompts.errors = [error.message()]
        else:
            return redirect(url_for("workshops.control", workshop_id=workshop.id))
    return render_template("workshops/new.html", form=form)


@bp.get("/w/<int:workshop_id>/control")
@login_required
def control(workshop_id: int):
    workshop = facilitated(workshop_id)
    url = join_url(workshop)
    advice = venue.join_advice(url, current_app.config["HOST"], request.path)
    return render_template("workshops/control.html", workshop=workshop, join_url=url,
                           join_advice=advice, count=logic.participant_count(workshop),
                           **stage_context(workshop, "control"))


@bp.get("/w/<int:workshop_id>/projector")
@login_required
def projector(workshop_id: int):
    workshop = facilitated(workshop_id)
    url = join_url(workshop)
    # The room reads the projector: it speaks the workshop's language, not the
    # facilitator's own choice (its socket room follows, through data-lang).
    with force_locale(workshop.language):
        return render_template("workshops/projector.html", workshop=workshop, join_url=url,
                               qr_svg=qr.svg(url), count=logic.participant_count(workshop),
                               **stage_context(workshop, "projector"))


@bp.get("/w/<int:workshop_id>/stage/<audience>")
@login_required
def stage(workshop_id: int, audience: str):
    """What a reconnecting projector or control view re-renders from the database."""
    workshop = facilitated(workshop_id)
    if audience not in live.FACILITATOR_AUDIENCES:
        abort(404)
    # As projector(): the projector in the workshop's language, the control view in the facilitator's.
    with force_locale(workshop.language) if audience == "projector" else nullcontext():
        return render_template("workshops/_live_state.html", workshop=workshop, audience=audience,
                               count=logic.participant_count(workshop), **stage_context(workshop, audience))


@bp.post("/w/<int:workshop_id>/activities/<int:activity_id>/<any(open, close):action>")
@login_required
def switch_activity(workshop_id: int, activity_id: int, action: str):
    workshop, activity = facilitated_activity(workshop_id, activity_id)
    if action == "open":
        logic.open_activity(workshop, activity)
        kind_of(activity).on_open(activity)
    else:
        logic.close_activity(workshop, activity)
    live.stage_changed(workshop, agenda=True)
    live.timer_changed(workshop)
    return render_template("workshops/_agenda.html", workshop=workshop)


@bp.post("/w/<int:workshop_id>/activities/<int:activity_id>/anonymity")
@login_required
def set_anonymity(workshop_id: int, activity_id: int):
    """Who is named beside what this activity's participants write; once
    content exists, only a stronger anonymity is accepted (a promise kept)."""
    workshop, activity = facilitated_activity(workshop_id, activity_id)
    wanted = request.form.get("anonymity", "")
    if not anonymity.may_change(activity.anonymity, wanted, anonymity.has_content(activity)):
        raise logic.WorkshopRejected("unknown_anonymity" if wanted not in anonymity.LEVELS else "anonymity_weaker")
    activity.anonymity = wanted
    db.session.commit()
    if activity.id in (workshop.current_activity_id, workshop.stage_activity and workshop.stage_activity.id):
        live.stage_changed(workshop, agenda=True)  # phones read the new promise before they write
    return render_template("workshops/_agenda.html", workshop=workshop)


@bp.post("/w/<int:workshop_id>/activities/<int:activity_id>/show")
@login_required
def show_on_projector(workshop_id: int, activity_id: int):
    """An earlier activity on the projector and the control view; phones stay where they are."""
    workshop = facilitated(workshop_id)
    try:
        logic.show_on_projector(workshop, logic.activity_of(workshop, activity_id))
    except logic.WorkshopRejected:
        abort(404)
    live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES, agenda=True)
    return render_template("workshops/_agenda.html", workshop=workshop)


@bp.post("/w/<int:workshop_id>/timer")
@login_required
def timer(workshop_id: int):
    workshop = facilitated(workshop_id)
    raw = request.form.get("minutes", "").strip()
    if not raw:  # the stop button sends no minutes
        logic.stop_timer(workshop)
    else:
        try:
            minutes = float(raw.replace(",", "."))
        except ValueError:  # a typo never stops a running timer
            raise logic.WorkshopRejected("timer_range") from None
        logic.start_timer(workshop, minutes)  # a refusal goes to the control view's message area
    live.timer_changed(workshop)
    return render_template("workshops/_timer.html", workshop=workshop)


