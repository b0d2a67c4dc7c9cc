from __future__ import annotations

import typing
from collections import Counter

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import force_locale, get_locale, ngettext
from flask_babel import gettext as _
from flask_login import current_user

from analysis import matching
from workshop import dates
from workshop.errors import over_limit
from workshop.extensions import db, limiter
from workshop.forces import logic as forces
from workshop.guards import allowed_only
from workshop.i18n import LANGUAGES
from workshop.orphans import logic, pipeline
from workshop.orphans.models import DECLINE_REASONS, ENTRY_KINDS, ORGANISATION_KINDS, Adoption, Interest, Organisation
from workshop.reports.downloads import download, table_download
from workshop.security import local_target
from workshop.voting.models import Project

bp = Blueprint("orphans", __name__)


def refusal(code: str) -> str:
    """A refusal's message where a view refuses without the rules (a choice left out of a form)."""
    return logic.OrphansRejected(code).message()


@bp.context_processor
def orphan_lists():
    return {"territories": logic.territories(), "erased": erased}


def erased(text: str | None) -> str:
    """A stored text with an erased contact's mark said in the page's language
    (the database keeps one mark, logic.ERASED, whatever the language)."""
    return (text or "").replace(logic.ERASED, _("[erased]"))


# Coordinators and admins only, for every request and every method.
coordinator_required = allowed_only(logic.can_coordinate)


def who() -> str:
    return current_user.email


@bp.get("/orphans")
@coordinator_required
def dashboard():
    filters = {key: request.args.get(key, "") for key in logic.BOARD_FILTERS}
    everything = logic.all_adoptions()
    adoptions = logic.filtered(everything, filters)
    overdue, due = logic.follow_ups(adoptions=adoptions)
    interests = logic.pending_interests()
    return render_template("orphans/dashboard.html", adoptions=adoptions, overdue=overdue, due=due,
                           figures=logic.figures(adoptions), interests=interests,
                           dismissed=logic.pending_interests(dismissed=True),
                           matches={i.id: logic.matching_organisations(i.organisation_name, i.contact_email)
                                    for i in interests},
                           pickers={i.id: picker_for("picked", key=str(i.id)) for i in interests},
                           on_board=logic.organisations_on_board(),
                           projects=logic.orphan_projects(include_all=True), stages=pipeline.STAGES,
                           # Which projects still need work: never offered, not in the catalogue.
                           offers_by_project=Counter(a.project_id for a in everything),
                           published=logic.published_ids(),
                           workshops=logic.workshop_titles(), filters=filters, kinds=ORGANISATION_KINDS,
                           today=dates.today())


def project_page(found: Project, status: int = 200, **extra):
    """The project's page: origin, description, catalogue switch, offers with
    their timelines, public updates and the organisations that fit it."""
    adopting = extra.pop("adopting", request.values.get("adopt", type=int))
    why = extra.pop("why", request.args.get("why", type=int))  # a board drag to declined or abandoned: asks why
    asked_stage = extra.pop("asked_stage", request.args.get("stage"))
    if why and "error" not in extra:
        extra["error"] = refusal("reason_required")
    return render_template("orphans/project.html", project=found, adoptions=logic.adoptions_of(found),
                           interests=logic.confirmed_interests(found),
                           has_organisations=logic.has_organisations(), picker=picker_for("organisation"),
                           suggestions=suggestions_for(found),
                           stages=pipeline.STAGES, adopted_stages=logic.ADOPTED_STAGES,
                           open_stages=pipeline.OPEN, origin=logic.origin(found),
                           kinds=ORGANISATION_KINDS,
                           force_summaries=forces.summaries_for_project(found, current_user),
                           listing=logic.listing(found), needs_partner=logic.needs_partner(found),
                           original=logic.original_of(found), progress=logic.progress(found),
                           entry_kinds=ENTRY_KINDS, reasons=DECLINE_REASONS, today=dates.today(),
                           adopting=adopting, why=why, asked_stage=asked_stage,
                           timeline=logic.timeline, **extra), status


@bp.route("/orphans/projects/<int:project_id>", methods=["GET", "POST"])
@coordinator_required
def project(project_id: int):
    found = db.get_or_404(Project, project_id)
    if request.method == "POST":
        try:
            logic.describe(found, request.form.get("description"), request.form.get("needs"))
        except logic.OrphansRejected as error:  # the typed text comes back, nothing is lost
            return project_page(found, 422, error=error.message(), draft=request.form)
        return project_page(found, message=_("Saved."))
    return project_page(found)


PICKER_FIELDS = ("organisation", "into", "picked")  # the offer form's field, the merge form's, an interest's


def picker_for(field: str, exclude: int | None = None, page_path: str | None = None, key: str = "") -> dict:
    """An organisation picker: a search box (?org_q=), at most 20 matching
    choices a page (?org_page=), the page it sits on for links that work
    without script, and the address of its choices alone for htmx. `key`
    tells apart several pickers of one page (an interest's id)."""
    page_path = local_target(page_path or request.path, request.path)
    key = key if key.isdecimal() else ""
    search = request.args.get("org_q", "")
    if key and not search.strip():  # one of several on a page: no choices until a name is typed
        picked = logic.PickedOrganisations(organisations=[], page=1, pages=1, total=0, search="")
    else:
        picked = logic.picked_organisations(search, request.args.get("org_page", 1, type=int), exclude)
    return {"field": field, "picked": picked, "page_path": page_path, "dom": f"{field}{key}", "lazy": bool(key),
            "choices_url": url_for("orphans.pick_organisation", field=field, exclude=exclude, on=page_path,
                                   key=key or None)}


@bp.get("/orphans/organisations/pick")
@coordinator_required
def pick_organisation():
    """A picker's choices alone, for the name typed (htmx swaps them in as one types)."""
    field = request.args.get("field")
    if field not in PICKER_FIELDS:
        abort(404)
    picker = picker_for(field, request.args.get("exclude", type=int), request.args.get("on"),
                        request.args.get("key", ""))
    return render_template("orphans/_organisation_choices.html", picker=picker)


def suggestions_for(project: Project):
    """Organisations most likely to adopt it, with the reason shown; not those
    it is offered to already (who said yes, no, or nothing yet)."""
    territory, kind = logic.territory_of(request.args.get("territory")) or None, request.args.get("kind") or None
    offered = {a.organisation_id for a in logic.adoptions_of(project)}
    profiles = [row for row in logic.organisation_profiles() if row[0] not in offered]
    pool = logic.suggestion_pool(f"{project.title} {project.description or ''}", profiles, territory, kind)
    matches = matching.organisations_for(
        matching.Project(project.id, project.title, project.description or ""),
        [matching.Organisation(*row) for row in pool], territory=territory, kind=kind, limit=5)
    by_id = logic.organisations_by_id([m.id for m in matches if m.score > 0])
    return [(by_id[m.id], m) for m in matches if m.score > 0]


def acted_on(project: Project, act):
    """A coordinator's command on a project: back to its page, or the page again with why it was refused."""
    try:
        act()
    except logic.OrphansRejected as error:
        return project_page(project, 422, error=error.message())
    return redirect(url_for("orphans.project", project_id=project.id))


@bp.post("/orphans/projects/<int:project_id>/offer")
@coordinator_required
def offer(project_id: int):
    found = db.get_or_404(Project, project_id)
    organisation = logic.pickable(request.form.get("organisation", type=int))
    if organisation is None:
        return project_page(found, 422, error=refusal("pick_organisation"))
    return acted_on(found, lambda: logic.offer(found, organisation, who(), request.form.get("note", "")))


@bp.post("/orphans/adoptions/<int:adoption_id>/move")
@coordinator_required
def move(adoption_id: int):
    adoption = db.get_or_404(Adoption, adoption_id)
    form = request.form
    try:
        if logic.adopts(adoption, form.get("stage", "")) and logic.other_open_offers(adoption) and not form.get("others"):
            raise logic.OrphansRejected("others_choice_required")  # ask, never decide for the coordinator
        logic.move(adoption, form.get("stage", ""), form.get("note", ""), who(),
                   logic.parse_date(form.get("next_follow_up")), others=form.get("others") or None,
                   reason=form.get("reason", ""))
    except logic.OrphansRejected as error:
        asks = error.code in ("others_choice_required", "reason_required")  # the project page asks
        if request.headers.get("HX-Request"):  # a drag on the board: nothing typed to keep
            if not asks:
                raise  # the app answers in its message area
            asking: dict[str, typing.Any] = {"adopt" if error.code == "others_choice_required" else "why": adoption.id}
            asked = url_for("orphans.project", project_id=adoption.project_id, stage=form.get("stage"),
                            _anchor=f"adoption-{adoption.id}", **asking)
            return "", 204, {"HX-Redirect": asked}
        # The project page, asking what is missing, with what the coordinator typed (note, date, reason).
        return project_page(adoption.project, 422, error=error.message(), move_draft=form, move_adoption=adoption.id,
                            adopting=adoption.id if error.code == "others_choice_required" or form.get("others") else None,
                            why=adoption.id if error.code == "reason_required" else None,
                            asked_stage=form.get("stage"))
    if request.headers.get("HX-Request"):
        return "", 204, {"HX-Refresh": "true"}
    return redirect(local_target(form.get("back"), url_for("orphans.project", project_id=adoption.project_id)))


@bp.post("/orphans/adoptions/<int:adoption_id>/log")
@coordinator_required
def log_contact(adoption_id: int):
    adoption = db.get_or_404(Adoption, adoption_id)
    form = request.form
    try:
        logic.log_contact(adoption, form.get("kind", ""), form.get("note", ""), who(), form.get("contact", ""),
                          logic.parse_date(form.get("on")), logic.parse_date(form.get("next_follow_up")))
    except logic.OrphansRejected as error:
        return project_page(adoption.project, 422, error=error.message(), log_draft=form,
                            log_adoption=adoption.id)
    return redirect(url_for("orphans.project", project_id=adoption.project_id, _anchor=f"adoption-{adoption.id}"))


@bp.post("/orphans/adoptions/<int:adoption_id>/follow-up")
@coordinator_required
def reschedule(adoption_id: int):
    adoption = db.get_or_404(Adoption, adoption_id)
    try:
        logic.set_follow_up(adoption, logic.parse_date(request.form.get("next_follow_up")), who())
    except logic.OrphansRejected as error:
        return project_page(adoption.project, 422, error=error.message())
    return redirect(local_target(request.form.get("back"),
                                 url_for("orphans.project", project_id=adoption.project_id)))


@bp.post("/orphans/projects/<int:project_id>/<any(publish, withdraw):action>")
@coordinator_required
def publish(project_id: int, action: str):
    found = db.get_or_404(Project, project_id)
    return acted_on(found, lambda: logic.publish(found, action == "publish", who()))


@bp.post("/orphans/projects/<int:project_id>/updates")
@coordinator_required
def progress_update(project_id: int):
    found = db.get_or_404(Project, project_id)
    try:
        logic.add_progress_update(found, request.form.get("text", ""), who(),
                                  logic.parse_date(request.form.get("on")))
    except logic.OrphansRejected as error:
        return project_page(found, 422, error=error.message(), update_draft=request.form.get("text", ""))
    return redirect(url_for("orphans.project", project_id=found.id, _anchor="progress"))


@bp.route("/orphans/organisations", methods=["GET", "POST"])
@coordinator_required
def organisations():
    error = None
    if request.method == "POST":
        try:
            logic.refuse_a_second(request.form.get("name", ""))
            logic.save_organisation(None, request.form)
        except logic.OrphansRejected as rejected:
            error = rejected.message()
        else:
            return redirect(url_for("orphans.organisations"))
    # Refused: the form shows what was typed, not an empty one.
    return organisations_list(error=error, typed=request.form if error else None), (422 if error else 200)


def organisations_list(**extra) -> str:
    """The list page: one page of organisations (?page=N), searched by name (?q=)."""
    search = request.args.get("q", "").strip()[:200]
    listed = logic.organisations_page(request.args.get("page", 1, type=int), search)
    return render_template("orphans/organisations.html", organisations=listed.organisations, listed=listed,
                           search=search, kinds=ORGANISATION_KINDS, **extra)


@bp.route("/orphans/organisations/<int:organisation_id>", methods=["GET", "POST"])
@coordinator_required
def organisation(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    error = None
    if request.method == "POST":
        try:
            logic.refuse_a_second(request.form.get("name", ""), found)
            logic.save_organisation(found, request.form)
        except logic.OrphansRejected as rejected:
            error = rejected.message()
    return organisation_page(found, error, typed=request.form if error else None)


def organisation_page(found: Organisation, error: str | None = None, typed=None):
    """Its offers with their timelines, the projects that fit it (not those offered
    to it already, nor those another partner carries), merge and archive."""
    offers = logic.offers_of(found)
    taken = logic.carried_ids() | {a.project_id for a in offers}
    projects = [p for p in logic.orphan_projects() if p.id not in taken]
    by_id = {p.id: p for p in projects}
    fitting = [(by_id[m.id], m) for m in matching.projects_for(
        matching.Organisation(found.id, found.name, found.kind, found.sector, found.territory, found.mission,
                              found.interests),
        [matching.Project(p.id, p.title, p.description or "") for p in projects], limit=5) if m.score > 0]
    return render_template("orphans/organisation.html", organisation=found, kinds=ORGANISATION_KINDS,
                           fitting=fitting, offers=offers, timeline=logic.timeline,
                           picker=picker_for("into", exclude=found.id), territories=logic.territories(),
                           merged_into=db.session.get(Organisation, found.merged_into_id) if found.merged_into_id
                           else None, error=error, typed=typed), (422 if error else 200)


@bp.post("/orphans/organisations/<int:organisation_id>/<any(archive, unarchive):action>")
@coordinator_required
def archive(organisation_id: int, action: str):
    found = db.get_or_404(Organisation, organisation_id)
    try:
        logic.archive(found) if action == "archive" else logic.unarchive(found)
    except logic.OrphansRejected as error:
        return organisation_page(found, error.message())
    return redirect(url_for("orphans.organisations"))


@bp.post("/orphans/organisations/<int:organisation_id>/merge")
@coordinator_required
def merge(organisation_id: int):
    found = db.get_or_404(Organisation, organisation_id)
    target = logic.pickable(request.form.get("into", type=int), exclude=found.id)
    if target is None:
        return organisation_page(found, refusal("pick_organisation"))
    try:
        logic.merge(found, target, who())
    except logic.OrphansRejected as error:
        return organisation_page(found, error.message())
    return redirect(url_for("orphans.organisation", organisation_id=target.id))


@bp.get("/orphans/organisations.csv")
@coordinator_required
def organisations_csv():
    return table_download(logic.organisation_rows(), "organisations", _("Partner organisations"))


LARGE_IMPORT = 1000  # rows


@bp.post("/orphans/organisations/import")
@coordinator_required
def import_organisations():
    upload = request.files.get("file")
    try:
        # Read no further than the import's limit: a bigger file is refused, never held whole.
        count = logic.import_organisations(upload.read(logic.MAX_IMPORT_BYTES + 1) if upload else b"")
    except logic.OrphansRejected as error:
        return organisations_list(error=error.message()), 422
    if count > LARGE_IMPORT:
        # The answer of a big import is short: the list of every organisation
        # is a page of its own, loaded next (its render is not the import's).

        flash(ngettext("%(num)d organisation imported.", "%(num)d organisations imported.", count), "info")
        return redirect(url_for("orphans.organisations"), 303)
    return organisations_list(message=ngettext("%(num)d organisation imported.", "%(num)d organisations imported.", count))


@bp.post("/orphans/interests/<int:interest_id>/<any(confirm, dismiss, restore):action>")
@coordinator_required
def interest(interest_id: int, action: str):
    """Confirm, linked to the organisation chosen (or the one that matches), or as a new one;
    dismiss, or bring a dismissed one back."""
    found = db.get_or_404(Interest, interest_id)
    if action == "confirm":
        chosen = request.form.get("organisation", "")
        if chosen == "picked":  # another organisation, found with the picker
            organisation = logic.pickable(request.form.get("picked", type=int))
            if organisation is None:
                flash(refusal("pick_organisation"), "error")
                return redirect(url_for("orphans.dashboard", _anchor=f"interest-{found.id}"))
        else:
            organisation = db.session.get(Organisation, int(chosen)) if chosen.isdecimal() else None
        logic.confirm_interest(found, who(), organisation=organisation, create=chosen == "new")
    elif action == "dismiss":
        logic.set_aside(found)
        flash(_("The interest of %(organisation)s is dismissed. It stays under “Dismissed interests” if you need it back.",
                organisation=found.organisation_name), "info")
    else:
        logic.set_aside(found, dismissed=False)
        return redirect(url_for("orphans.dashboard", _anchor=f"interest-{found.id}"))
    return redirect(url_for("orphans.dashboard"))


@bp.get("/orphans/pipeline.csv")
@coordinator_required
def pipeline_csv():
    filters = {key: request.args.get(key, "") for key in logic.BOARD_FILTERS}
    return table_download(logic.pipeline_rows(logic.filtered(logic.all_adoptions(), filters)), "pipeline",
                          _("Adoption"))


def install_id() -> str:
    """Names this install in calendar UIDs: two installs never share one."""
    import hashlib

    secret = str(current_app.config.get("SECRET_KEY") or "")
    return f"{hashlib.sha256(secret.encode()).hexdigest()[:16]}@{request.host.split(':')[0]}"


def follow_ups_calendar():
    body = logic.follow_ups_ics(install=install_id(), link=lambda a: url_for(
        "orphans.project", project_id=a.project_id, _anchor=f"adoption-{a.id}", _external=True))
    response = download(body, "text/calendar", "follow-ups.ics")  # the charset comes with text/
    response.headers["Cache-Control"] = "private, no-store"
    return response


@bp.get("/orphans/follow-ups.ics")
@coordinator_required
def follow_ups_ics():
    return follow_ups_calendar()


@bp.route("/orphans/calendar", methods=["GET", "POST"])
@coordinator_required
def calendar():
    """The private subscription address: shown if there is one; made, renewed
    (the old one stops) or revoked only by the form's POST, never by a visit."""
    action = request.form.get("action") if request.method == "POST" else None
    if action == "revoke":
        logic.revoke_calendar_feed(current_user)
        feed = None
    elif action in ("make", "renew"):
        feed = logic.calendar_feed(current_user, renew=action == "renew")
    else:
        feed = logic.existing_calendar_feed(current_user)
    # The address carries the coordinator's language: a calendar app sends no cookie to say it.
    address = url_for("orphans.calendar_feed", token=feed.token, lang=str(get_locale()),
                      _external=True) if feed else None
    return render_template("orphans/calendar.html", address=address, revoked=action == "revoke")


@bp.get("/calendar/<token>.ics")
def calendar_feed(token: str):
    """For calendar apps, which cannot sign in: the secret token is the key."""
    if logic.calendar_owner(token) is None:
        abort(404)
    language = request.args.get("lang")
    if language not in LANGUAGES:
        return follow_ups_calendar()
    with force_locale(language):  # stages and the calendar's name in the words it was made in
        return follow_ups_calendar()


@bp.route("/orphans/privacy", methods=["GET", "POST"])
@coordinator_required
def privacy():
    """A partner contact's request (Law 25), weeks later: see what is held, export it, erase it."""
    email, name = request.values.get("email", "").strip(), request.values.get("name", "").strip()
    found, message, error = None, None, None
    if request.method == "POST" and request.form.get("action") == "erase":
        try:
            if not request.form.get("confirm"):  # one click would erase for good: the form asks to tick first
                raise logic.OrphansRejected("erase_unconfirmed")
            count = logic.erase_partner_contact(email, name)
        except logic.OrphansRejected as rejected:
            error = rejected.message()
        else:
            message = ngettext("%(num)d record erased.", "%(num)d records erased.", count)
    if (email or name) and (request.method == "GET" or error):
        found = logic.partner_contact_data(email, name)
        if request.args.get("format") == "json":
            import json

            return download(json.dumps(found, ensure_ascii=False, indent=1), "application/json",
                            "partner-contact.json")
    return render_template("orphans/privacy.html", email=email, name=name, found=found, message=message,
                           error=error), (422 if error else 200)


# --- partner organisations: public, read-only, no sign-in -------------------------------

@bp.get("/catalogue")
def catalogue():
    return catalogue_page()


def catalogue_page(status: int = 200, **extra):
    search = request.args.get("q", "").strip()[:logic.MAX_SEARCH_LENGTH]
    return render_template("orphans/catalogue.html", projects=logic.catalogue_projects(search), search=search,
                           carried=logic.progress_projects(), **extra), status


def interest_key() -> str:
    """Per organisation and email, not per address: a partners' forum shares one Wi-Fi."""
    form = request.form
    return f"interest:{logic.normalised(form.get('organisation', ''))}:{form.get('email', '').strip().casefold()}"


def interest_refused(limit):
    return over_limit(limit, lambda wait: ngettext(
        "Many interests were sent for this organisation in the last hour: try again in %(num)d minute.",
        "Many interests were sent for this organisation in the last hour: try again in %(num)d minutes.", wait))


@bp.post("/catalogue/<int:project_id>/interest")
@limiter.limit("10 per hour", key_func=interest_key, deduct_when=lambda response: response.status_code == 200,
               on_breach=interest_refused)
@limiter.limit("300 per hour", deduct_when=lambda response: response.status_code == 200, on_breach=interest_refused)
def express_interest(project_id: int):
    found = db.get_or_404(Project, project_id)
    form = request.form
    try:
        logic.express_interest(found, form.get("organisation", ""), form.get("contact", ""),
                               form.get("email", ""), form.get("message", ""))
    except logic.OrphansRejected as error:
        return catalogue_page(422, error=error.message(), error_project=found.id, draft=form)
    return catalogue_page(thanks=found.id)


@bp.get("/catalogue/projects/<int:project_id>")
def progress(project_id: int):
    """The public page of a project a partner carries: stage, partners, dated updates, origin."""
    found = db.get_or_404(Project, project_id)
    if not logic.is_published(found):
        abort(404)  # withdrawn, or never published: not public
    page = logic.progress(found) or abort(404)
    return render_template("orphans/progress.html", **page)
