from __future__ import annotations

from datetime import date
from functools import wraps

from flask import Blueprint, abort, make_response, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user, login_required

from analysis import matching

from workshop.extensions import db, limiter
from workshop.orphans import logic, pipeline
from workshop.orphans.models import ORGANISATION_KINDS, Adoption, Interest, Organisation
from workshop.security import local_target
from workshop.voting.models import Project

bp = Blueprint("orphans", __name__)


def error_message(code: str) -> str:
    return {
        "note_required": _("Going back, or reopening a closed adoption, needs a note that says why."),
        "same_stage": _("The adoption is at this stage already."),
        "unknown_stage": _("Choose a stage from the list."),
        "name_required": _("An organisation needs a name."),
        "bad_kind": _("Choose a type of organisation from the list."),
        "bad_email": _("This email address does not look right."),
        "archived": _("This organisation is archived."),
        "already_offered": _("This project is already offered to this organisation."),
        "not_offered": _("This project is not offered to partners."),
        "interest_incomplete": _("Give your organisation's name, your name and a valid email."),
        "closed_adoption": _("This adoption is closed: no follow-up needed."),
        "csv_columns": _("The CSV needs at least a “name” column (the export's columns work)."),
        "long_description": _("The description and the needs are limited to %(num)d characters each.",
                              num=logic.MAX_DESCRIPTION_LENGTH),
    }.get(code, _("This could not be done."))


def coordinator_required(view):
    """Coordinators and admins only, for every request and every method."""
    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not logic.can_coordinate(current_user):
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def who() -> str:
    return current_user.email


def parse_date(raw: str | None) -> date | None:
    try:
        return date.fromisoformat(raw) if raw else None
    except ValueError:
        return None


def download(body: str, mimetype: str, filename: str):
    response = make_response(body)
    response.headers["Content-Type"] = mimetype
    response.headers["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@bp.get("/orphans")
@coordinator_required
def dashboard():
    overdue, due = logic.follow_ups()
    return render_template("orphans/dashboard.html", adoptions=logic.all_adoptions(), overdue=overdue, due=due,
                           figures=logic.figures(), interests=logic.pending_interests(),
                           projects=logic.orphan_projects(include_all=True), stages=pipeline.STAGES,
                           today=date.today())


def project_page(found: Project, status: int = 200, **extra):
    """The project's page: origin, description, offers and the organisations that fit it."""
    return render_template("orphans/project.html", project=found, adoptions=logic.adoptions_of(found),
                           organisations=logic.organisations(), suggestions=suggestions_for(found),
                           stages=pipeline.STAGES, origin=logic.origin(found), kinds=ORGANISATION_KINDS,
                           **extra), status


@bp.route("/orphans/projects/<int:project_id>", methods=["GET", "POST"])
@coordinator_required
def project(project_id: int):
    found = db.session.get(Project, project_id) or abort(404)
    if request.method == "POST":
        try:
            logic.describe(found, request.form.get("description"), request.form.get("needs"))
        except logic.OrphansRejected as error:  # the typed text comes back, nothing is lost
            return project_page(found, 422, error=error_message(error.code), draft=request.form)
        return project_page(found, message=_("Saved."))
    return project_page(found)


def suggestions_for(project: Project):
    """Organisations most likely to adopt it, with the reason shown."""
    orgs = logic.organisations()
    matches = matching.organisations_for(
        matching.Project(project.id, project.title, project.description or ""),
        [matching.Organisation(o.id, o.name, o.kind, o.sector, o.territory, o.mission, o.interests) for o in orgs],
        territory=request.args.get("territory") or None, kind=request.args.get("kind") or None, limit=5)
    by_id = {o.id: o for o in orgs}
    return [(by_id[m.id], m) for m in matches if m.score > 0]


@bp.post("/orphans/projects/<int:project_id>/offer")
@coordinator_required
def offer(project_id: int):
    found = db.session.get(Project, project_id) or abort(404)
    organisation = db.session.get(Organisation, request.form.get("organisation", type=int) or 0) or abort(404)
    try:
        logic.offer(found, organisation, who(), request.form.get("note", ""))
    except logic.OrphansRejected as error:
        return project_page(found, 422, error=error_message(error.code))
    return redirect(url_for("orphans.project", project_id=found.id))


@bp.post("/orphans/adoptions/<int:adoption_id>/move")
@coordinator_required
def move(adoption_id: int):
    adoption = db.session.get(Adoption, adoption_id) or abort(404)
    try:
        logic.move(adoption, request.form.get("stage", ""), request.form.get("note", ""), who(),
                   parse_date(request.form.get("next_follow_up")))
    except logic.OrphansRejected as error:
        if request.headers.get("HX-Request"):  # a drag on the board
            from workshop.errors import message_fragment

            return message_fragment(error_message(error.code))
        return project_page(adoption.project, 422, error=error_message(error.code))
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Refresh": "true"}
    return redirect(local_target(request.form.get("back"),
                                 url_for("orphans.project", project_id=adoption.project_id)))


@bp.route("/orphans/organisations", methods=["GET", "POST"])
@coordinator_required
def organisations():
    error = None
    if request.method == "POST":
        try:
            logic.save_organisation(None, request.form)
        except logic.OrphansRejected as rejected:
            error = error_message(rejected.code)
        else:
            return redirect(url_for("orphans.organisations"))
    return render_template("orphans/organisations.html", organisations=logic.organisations(include_archived=True),
                           kinds=ORGANISATION_KINDS, error=error), (422 if error else 200)


@bp.route("/orphans/organisations/<int:organisation_id>", methods=["GET", "POST"])
@coordinator_required
def organisation(organisation_id: int):
    found = db.session.get(Organisation, organisation_id) or abort(404)
    error = None
    if request.method == "POST":
        try:
            logic.save_organisation(found, request.form)
        except logic.OrphansRejected as rejected:
            error = error_message(rejected.code)
    projects = logic.orphan_projects()
    by_id = {p.id: p for p in projects}
    fitting = [(by_id[m.id], m) for m in matching.projects_for(
        matching.Organisation(found.id, found.name, found.kind, found.sector, found.territory, found.mission,
                              found.interests),
        [matching.Project(p.id, p.title, p.description or "") for p in projects], limit=5) if m.score > 0]
    return render_template("orphans/organisation.html", organisation=found, kinds=ORGANISATION_KINDS,
                           fitting=fitting, error=error), (422 if error else 200)


@bp.post("/orphans/organisations/<int:organisation_id>/archive")
@coordinator_required
def archive(organisation_id: int):
    logic.archive(db.session.get(Organisation, organisation_id) or abort(404))
    return redirect(url_for("orphans.organisations"))


@bp.get("/orphans/organisations.csv")
@coordinator_required
def organisations_csv():
    return download(logic.organisations_csv(), "text/csv; charset=utf-8", "organisations.csv")


@bp.post("/orphans/organisations/import")
@coordinator_required
def import_organisations():
    upload = request.files.get("file")
    try:
        count = logic.import_organisations(upload.read().decode("utf-8") if upload else "")
    except (logic.OrphansRejected, UnicodeDecodeError) as error:
        message = error_message(getattr(error, "code", "csv_columns"))
        return render_template("orphans/organisations.html", organisations=logic.organisations(include_archived=True),
                               kinds=ORGANISATION_KINDS, error=message), 422
    return render_template("orphans/organisations.html", organisations=logic.organisations(include_archived=True),
                           kinds=ORGANISATION_KINDS, message=_("%(n)s organisations imported.", n=count))


@bp.post("/orphans/interests/<int:interest_id>/<any(confirm, dismiss):action>")
@coordinator_required
def interest(interest_id: int, action: str):
    found = db.session.get(Interest, interest_id) or abort(404)
    if action == "confirm":
        logic.confirm_interest(found, who())
    else:
        found.dismissed = True
        db.session.commit()
    return redirect(url_for("orphans.dashboard"))


@bp.get("/orphans/pipeline.csv")
@coordinator_required
def pipeline_csv():
    return download(logic.pipeline_csv(), "text/csv; charset=utf-8", "pipeline.csv")


@bp.get("/orphans/follow-ups.ics")
@coordinator_required
def follow_ups_ics():
    return download(logic.follow_ups_ics(), "text/calendar; charset=utf-8", "follow-ups.ics")


# --- partner organisations: public, read-only, no sign-in -------------------------------

@bp.get("/catalogue")
def catalogue():
    return render_template("orphans/catalogue.html", projects=logic.orphan_projects())


@bp.post("/catalogue/<int:project_id>/interest")
@limiter.limit("5 per hour")
def express_interest(project_id: int):
    found = db.session.get(Project, project_id) or abort(404)
    form = request.form
    try:
        logic.express_interest(found, form.get("organisation", ""), form.get("contact", ""),
                               form.get("email", ""), form.get("message", ""))
    except logic.OrphansRejected as error:
        return render_template("orphans/catalogue.html", projects=logic.orphan_projects(), error=error_message(error.code),
                               error_project=found.id), 422
    return render_template("orphans/catalogue.html", projects=logic.orphan_projects(), thanks=found.id)
