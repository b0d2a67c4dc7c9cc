from __future__ import annotations

import json
from datetime import date

from flask import Blueprint, abort, current_app, flash, make_response, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _

from analysis import jumelage as solver
from workshop import dates
from workshop.dates import typed_date
from workshop.errors import answer, over_limit
from workshop.extensions import db, limiter
from workshop.guards import allowed_only
from workshop.i18n import speak
from workshop.jumelage import cli as jumelage_cli
from workshop.jumelage import logic
from workshop.jumelage.labels import code_labels, worded
from workshop.jumelage.models import EVENT_KINDS, STATUSES, Match, Program
from workshop.reports.downloads import download, table_download

bp = Blueprint("jumelage", __name__)
bp.cli.add_command(jumelage_cli.purge_command)  # `flask jumelage purge`


def refusal(code: str) -> str:
    """A refusal's message where a view refuses before the rules (a date it cannot read)."""
    return logic.JumelageRefused(code).message()


def consent_text(program: Program) -> str:
    """The words a person agrees to, kept with the sign-up exactly as shown."""
    return _("The coordinator of “%(program)s” keeps what you type in this form (your contact details, languages, "
             "interests, municipality, availability, goals and constraints) to form duos and trios. Only the "
             "program's coordinators see it; once you are matched, the people of your duo or trio see your name, "
             "email and phone. It is kept %(months)d months after the program ends, then erased. You can ask the "
             "coordinator for a copy or its erasure at any time.",
             program=program.name, months=program.retention_months)


# Coordinators and admins only, for every request and every method.
coordinator_required = allowed_only(logic.can_coordinate)


def program_or_404(program_id: int) -> Program:
    return db.get_or_404(Program, program_id)


def signup_or_404(program_id: int, signup_id: int):
    """The program and one of its sign-ups."""
    found = program_or_404(program_id)
    return found, logic.signup_of(found, signup_id) or abort(404)


def acted(program_id: int, act, back: str = "jumelage.program", refused_page=None):
    """The coordinator's usual POST: load the program, act on it, go back to a
    page. A refusal shows `refused_page(program_id, message, 422)` if given."""
    found = program_or_404(program_id)
    try:
        act(found)
    except logic.JumelageRefused as refused:
        if refused_page is None:  # the reason, in words, with the way back
            return answer(422, refused.message())
        return refused_page(program_id, refused.message(), 422)
    return redirect(url_for(back, program_id=found.id))


def match_or_404(program: Program, match_id: int | None) -> Match:
    match = db.session.get(Match, match_id) if match_id else None
    if match is None or match.program_id != program.id:
        abort(404)
    return match


@bp.context_processor
def choices():
    return {"roles": logic.ROLES, "goals": logic.GOALS, "interests_list": logic.INTERESTS, "days": logic.DAYS,
            "parts": logic.PARTS, "places": logic.PLACES, "french_levels": logic.FRENCH_LEVELS,
            "group_sizes": logic.GROUP_SIZES, "statuses": STATUSES}


@bp.route("/jumelage", methods=["GET", "POST"])
@coordinator_required
def programs():
    error = None
    if request.method == "POST":
        try:
            program = logic.create_program(request.form.get("name", ""),
                                           request.form.get("retention_months", 24, type=int) or 24)
            return redirect(url_for("jumelage.program", program_id=program.id))
        except logic.JumelageRefused as refused:
            error = refused.message()
    return render_template("jumelage/programs.html", programs=logic.programs(), error=error), 422 if error else 200


def program_page(found: Program, code: int = 200, **extra):
    status, query = request.args.get("status", ""), request.args.get("q", "").strip()[:200]
    return render_template("jumelage/program.html", program=found, signups=logic.signups(found, status),
                           status=status, counts=logic.counts(found), never=logic.never_pairs(found),
                           everyone=logic.signups(found), query=query,
                           found_people=logic.find_people(found, query) if query else None,
                           purge_on=logic.purge_date(found), purged=len(logic.due_for_purge(found)),
                           evaluation=logic.evaluation_window(found), evaluation_weeks=logic.EVALUATION_WEEKS,
                           shown=logic.shown_names(found), **extra), code


@bp.get("/jumelage/<int:program_id>")
@coordinator_required
def program(program_id: int):
    return program_page(program_or_404(program_id))


@bp.post("/jumelage/<int:program_id>/schedule")
@coordinator_required
def schedule(program_id: int):
    """The program's last day (retention and evaluation count from it), and opening the evaluation early."""
    raw = request.form.get("ends_on", "")
    try:
        ends_on = typed_date(raw, logic.JumelageRefused("bad_end"))  # a year past 2199 is a typo
    except logic.JumelageRefused:
        return program_page(program_or_404(program_id), 422, error=refusal("bad_end"))
    found = program_or_404(program_id)
    if logic.erases_at_once(found, ends_on) and request.form.get("confirm_purge") != "1" and logic.signups(found):
        return program_page(found, 409, error=refusal("purge_at_once"), confirm_purge=raw)
    return acted(program_id, lambda found: logic.set_schedule(found, ends_on,
                                                              request.form.get("evaluation_open") == "1"))


@bp.post("/jumelage/<int:program_id>/open")
@coordinator_required
def set_open(program_id: int):
    return acted(program_id, lambda found: logic.set_open(found, request.form.get("open") == "1"))


def signup_form(found: Program, status: int = 200, **extra):
    return render_template("jumelage/signup.html", program=found, consent=consent_text(found),
                           v=lambda key: request.form.get(key, ""), vs=request.form.getlist, **extra), status


@bp.route("/jumelage/<int:program_id>/inscription", methods=["GET", "POST"])
# Sign-up sessions on a campus share one address: the bound stops a script, not a room of students.
@limiter.limit("300 per hour", methods=["POST"], deduct_when=lambda response: response.status_code == 200)
def signup(program_id: int):
    """The public sign-up: no account; the answer gives the private link."""
    found = program_or_404(program_id)
    if request.method == "GET":
        return signup_form(found, 200 if found.open else 410)
    try:
        person = logic.sign_up(found, request.form, consent_text(found), str(get_locale() or "fr"))
    except logic.JumelageRefused as refused:
        return signup_form(found, 422, error=refused.message())
    return render_template("jumelage/signed_up.html", program=found, signup=person,
                           link=url_for("jumelage.member", token=person.token, _external=True))


def profile_values(person, key: str) -> list[str]:
    """A stored list field as the checkboxes read it."""
    return person.slots.split() if key == "slots" else logic.words(getattr(person, key, ""))


@bp.route("/jumelage/<int:program_id>/inscriptions/<int:signup_id>", methods=["GET", "POST"])
@coordinator_required
def edit(program_id: int, signup_id: int):
    found, person = signup_or_404(program_id, signup_id)
    error = None
    if request.method == "POST":
        try:
            withdrawn = logic.edit(person, request.form)
            if withdrawn:
                flash(ngettext("%(num)d proposed match with this person is withdrawn (their role changed): run the "
                               "matching again to place them in their new role.",
                               "%(num)d proposed matches with this person are withdrawn (their role changed): run "
                               "the matching again to place them in their new role.", withdrawn), "info")
            return redirect(url_for("jumelage.program", program_id=found.id))
        except logic.JumelageRefused as refused:
            error = refused.message()
    # A refused form comes back as typed (shown_values), saying why beside it.
    return render_template("jumelage/edit.html", program=found, signup=person, error=error, **shown_values(person),
                           link=url_for("jumelage.member", token=person.token, _external=True)), 422 if error else 200


@bp.post("/jumelage/<int:program_id>/inscriptions/<int:signup_id>/status")
@coordinator_required
def review(program_id: int, signup_id: int):
    found, person = signup_or_404(program_id, signup_id)
    try:
        logic.review(person, request.form.get("status", ""), request.form.get("message", ""))
    except logic.JumelageRefused as refused:
        if request.headers.get("HX-Request"):  # the row stays, saying why, with the message as typed
            db.session.refresh(person)
            return render_template("jumelage/_signup_row.html", program=found, s=person, error=refused.message(),
                                   typed=request.form.get("message", "")), 422
        return render_template("_message.html", message=refused.message()), 422
    if request.headers.get("HX-Request"):  # the row, and the counts above it out of band: both changed
        return (render_template("jumelage/_signup_row.html", program=found, s=person)
                + render_template("jumelage/_counts.html", counts=logic.counts(found), oob=True))
    return redirect(url_for("jumelage.program", program_id=found.id))


@bp.get("/jumelage/<int:program_id>/inscriptions/<int:signup_id>/export")
@coordinator_required
def export_person(program_id: int, signup_id: int):
    _program, person = signup_or_404(program_id, signup_id)
    return download(json.dumps(logic.export_person(person), ensure_ascii=False, indent=2), "application/json",
                    f"jumelage-{person.id}.json")


@bp.post("/jumelage/<int:program_id>/inscriptions/<int:signup_id>/erase")
@coordinator_required
def erase(program_id: int, signup_id: int):
    found, person = signup_or_404(program_id, signup_id)
    if request.form.get("confirm", "").strip().casefold() != person.email.strip().casefold():
        return answer(422, _("To erase this person, type their email as it is shown."))
    name = person.name
    flash(erased_words(name, logic.erase(person)), "info")
    return redirect(url_for("jumelage.program", program_id=found.id))


def erased_words(name: str, erased: dict[str, int]) -> str:
    """The erasure said back to the coordinator (the record of a Law 25 request): who, and what went with them."""
    parts = [_("their sign-up")]
    if erased["matches"]:
        parts.append(ngettext("%(num)d match", "%(num)d matches", erased["matches"]))
    if erased["meetings"]:
        parts.append(ngettext("%(num)d meeting logged", "%(num)d meetings logged", erased["meetings"]))
    if erased["evaluation"]:
        parts.append(_("their evaluation"))
    if erased["invitations"]:
        parts.append(ngettext("%(num)d activity invitation", "%(num)d activity invitations", erased["invitations"]))
    if erased["never"]:
        parts.append(ngettext("%(num)d never-together pair", "%(num)d never-together pairs", erased["never"]))
    said = _("Everything kept about %(name)s is erased for good: %(what)s.", name=name, what=", ".join(parts))
    if erased["trios_left"]:
        said += " " + ngettext("%(num)d trio they were the employer of goes on as a duo.",
                               "%(num)d trios they were the employer of go on as duos.", erased["trios_left"])
    return said


@bp.post("/jumelage/<int:program_id>/import")
@coordinator_required
def import_signups(program_id: int):
    """Invite a list: each person completes their profile and consents on their private link."""
    found = program_or_404(program_id)
    upload = request.files.get("file")
    try:
        count, skipped = logic.import_signups(found, upload.read(logic.MAX_IMPORT_BYTES + 1) if upload else b"")
    except logic.JumelageRefused as refused:
        return program_page(found, 422, error=refused.message())
    message = ngettext("%(num)d person invited.", "%(num)d people invited.", count)
    if skipped:  # a list imported again: say why so few
        message += " " + ngettext("%(num)d was already in the program (same email).",
                                  "%(num)d were already in the program (same email).", skipped)
    return program_page(found, message=message)


@bp.post("/jumelage/<int:program_id>/inscriptions/<int:signup_id>/link")
@coordinator_required
def new_link(program_id: int, signup_id: int):
    found, person = signup_or_404(program_id, signup_id)
    logic.new_link(person)
    return redirect(url_for("jumelage.edit", program_id=found.id, signup_id=signup_id))


@bp.post("/jumelage/<int:program_id>/never")
@coordinator_required
def never(program_id: int):
    def act(found: Program):
        first = logic.signup_of(found, request.form.get("first", type=int) or 0)
        second = logic.signup_of(found, request.form.get("second", type=int) or 0)
        if not first or not second:
            raise logic.JumelageRefused("never_same")
        logic.never_together(found, first, second)
    return acted(program_id, act)


@bp.get("/jumelage/<int:program_id>/export")
@coordinator_required
def export(program_id: int):
    found = program_or_404(program_id)
    return table_download(logic.signup_rows(found), f"jumelage-{found.id}", "jumelage")


# --- the proposal ---------------------------------------------------------------

def reason_text(code: str, detail: str, labels: dict[str, str] | None = None) -> str:
    if code in ("interests", "goals", "slots"):
        detail = worded(detail, labels or code_labels())
    return {
        "interests": _("shared interests: %(detail)s", detail=detail),
        "french_practice": _("French practice with a French speaker"),
        "common_language": _("a common language: %(detail)s", detail=detail),
        "same_place": _("same MRC: %(detail)s", detail=detail),
        "near_place": _("neighbouring MRCs: %(detail)s", detail=detail),
        "slots": _("available together: %(detail)s", detail=detail),
        "goals": _("same goals: %(detail)s", detail=detail),
        "field": _("same field: %(detail)s", detail=detail),
    }.get(code, detail)


def worded_reasons(proposed: list[Match], shown: dict[int, str]) -> dict[int, list[tuple[str, list[str]]]]:
    """Each match's reasons in the reader's words, grouped by pair for a trio
    (whose pair, then why, each named as `shown`), so that the coordinator reads who fits whom."""
    labels = code_labels()
    grouped = {}
    for match in proposed:
        names = {m.id: shown.get(m.id, m.name) for m in match.members}
        groups: list[tuple[str, list[str]]] = [("", [])]
        for code, detail in logic.reasons(match):
            if code == "pair":
                groups.append((" – ".join(names.get(int(i), "?") for i in detail.split()), []))
            else:
                groups[-1][1].append(reason_text(code, detail, labels))
        grouped[match.id] = [g for g in groups if g[1]]
    return grouped


@bp.get("/jumelage/<int:program_id>/proposition")
@coordinator_required
def proposal(program_id: int, error: str | None = None, status: int = 200):
    found = program_or_404(program_id)
    proposed = logic.matches(found, "proposed")
    shown = logic.shown_names(found)
    return render_template("jumelage/proposal.html", program=found, proposed=proposed,
                           accepted=logic.matches(found, "accepted"), left=logic.unmatched(found),
                           weights=logic.weights_of(found), weight_keys=list(solver.DEFAULT_WEIGHTS),
                           reasons=worded_reasons(proposed, shown), shown=shown,
                           error=error), status


@bp.post("/jumelage/<int:program_id>/proposition/run")
@coordinator_required
def run(program_id: int):
    def act(found: Program):
        logic.set_weights(found, request.form)
        logic.run(found)
    return acted(program_id, act, "jumelage.proposal")


@bp.post("/jumelage/<int:program_id>/proposition/<int:match_id>/lock")
@coordinator_required
def lock(program_id: int, match_id: int):
    return acted(program_id, lambda found: logic.lock(match_or_404(found, match_id),
                                                      request.form.get("locked") == "1"),
                 "jumelage.proposal", proposal)


@bp.post("/jumelage/<int:program_id>/proposition/swap")
@coordinator_required
def swap(program_id: int):
    def act(found: Program):
        first = match_or_404(found, request.form.get("first", type=int))
        second = match_or_404(found, request.form.get("second", type=int))
        logic.swap(found, first, second, request.form.get("role", ""))
    return acted(program_id, act, "jumelage.proposal", proposal)


@bp.post("/jumelage/<int:program_id>/proposition/accept")
@coordinator_required
def accept(program_id: int):
    """Accept every proposed match, once the coordinator has ticked that they mean it:
    from then on the members see each other's details, which no re-run takes back."""
    def act(found: Program):
        if not request.form.get("confirm"):
            raise logic.JumelageRefused("accept_unconfirmed")
        logic.accept_proposal(found)

    return acted(program_id, act, "jumelage.proposal", proposal)


# --- a member by private link -------------------------------------------------

def shown_values(person) -> dict:
    """What the profile fields show: what was just typed (a refused form), else what is stored."""
    if request.method == "POST":
        return {"v": lambda key: request.form.get(key, ""), "vs": request.form.getlist}
    return {"v": lambda key: getattr(person, key, ""), "vs": lambda key: profile_values(person, key)}


def private(response):
    """A private-link page: no address leaks through a referrer, nothing is cached."""
    response.headers["Referrer-Policy"] = "no-referrer"
    response.headers["Cache-Control"] = "private, no-store"
    return response


def member_page(person, status: int = 200, error: str | None = None, error_match: int | None = None,
                error_form: str = ""):
    """The member's page; a refused form (`error_form`: contract, check-ins or evaluation,
    of match `error_match`) comes back with what was typed in it and why, beside it."""
    # The language the person signed up in, on any device, unless they switch (the link is theirs).
    speak(person.language)
    program = db.session.get_one(Program, person.program_id)
    if not person.consent_text:  # invited from a list: the profile and the consent come first
        return private(make_response(render_template(
            "jumelage/complete.html", signup=person, program=program, consent=consent_text(program), error=error,
            **shown_values(person)), status))
    today = dates.today()
    found = logic.matches_of(person)
    return private(make_response(render_template(
        "jumelage/member.html", signup=person, program=program, matches=found,
        contracts={m.id: logic.contract_of(m) for m in found}, check_ins={m.id: logic.check_ins(m) for m in found},
        today=today, events=logic.invited_to(person), survey=logic.survey_of(person),
        evaluation=logic.evaluation_window(program, today), error=error, error_match=error_match,
        error_form=error_form, draft=request.form if error_form else {}), status))


# --- guessing private links -------------------------------------------------------
# A private link is the only key, so its routes must not help a guesser: an
# unknown link and a revoked one answer the same 404 (in the reader's language,
# never the member's), every 404 there counts against the address, and once
# over the budget every private-link route answers 429 from that address,
# whether the link exists or not. Each link's POSTs and each address's POSTs
# have a ceiling too, checked before the link is read.

LINK_GUESSES = "jumelage-link-guesses"
GUESS_BUDGET = "30 per hour"  # 404s from one address: a revoked link or two, never a scan
LINK_POSTS = "40 per hour"  # one member's forms: a contract, meetings, an evaluation
# A campus room behind one address on an activity day: 80 members each confirming a contract,
# logging a meeting and answering the evaluation, with retries. 300 refused such a room.
ADDRESS_POSTS = "2000 per hour"


def on_private_link() -> bool:
    return request.blueprint == bp.name and request.view_args is not None and "token" in request.view_args


def guess_items():
    from workshop.rate_limits import parsed

    return parsed(GUESS_BUDGET)


def counting() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


@bp.before_request
def slow_down_link_guessers():
    if on_private_link() and counting():
        try:
            over = not all(limiter.limiter.test(item, LINK_GUESSES, request.remote_addr or "")
                           for item in guess_items())
        except Exception:  # noqa: BLE001 - the limits' store away: never lock members out for it
            current_app.logger.warning("could not read the private-link guesses", exc_info=True)
            over = False
        if over:
            abort(429)


@bp.after_request
def count_unknown_links(response):
    # Only a link that does not exist counts: a member's stale form (a match
    # dissolved since) answers 404 too, and must not lock a campus out.
    if (response.status_code == 404 and on_private_link() and counting()
            and logic.by_token((request.view_args or {})["token"]) is None):
        try:
            for item in guess_items():
                limiter.limiter.hit(item, LINK_GUESSES, request.remote_addr or "")
        except Exception:  # noqa: BLE001
            current_app.logger.warning("could not count a private-link guess", exc_info=True)
    return response


def link_key() -> str:
    """Per link, whether it exists or not: the same ceiling for both."""
    return "jumelage-link:" + (request.view_args or {}).get("token", "")


def link_limited(view):
    """Every POST reachable by a private link: per link and per address, each
    one ceiling for all these forms together (not one per form)."""
    per_address = limiter.shared_limit(ADDRESS_POSTS, scope="jumelage-address-posts", on_breach=posts_refused)
    per_link = limiter.shared_limit(LINK_POSTS, scope="jumelage-link-posts", key_func=link_key,
                                    on_breach=posts_refused)
    return per_address(per_link(view))


def posts_refused(limit):
    return over_limit(limit, lambda wait: ngettext(
        "Many forms were sent in the last hour: this one was not saved. Try again in %(num)d minute.",
        "Many forms were sent in the last hour: this one was not saved. Try again in %(num)d minutes.", wait))


@bp.get("/jumelage/m/<token>")
def member(token: str):
    """A member's own page: where their sign-up stands and, once matched, who
    they are with (an employer: every trio), each contract and its meetings.
    The link is the only key."""
    return member_page(logic.by_token(token) or abort(404))


def member_and_match(token: str):
    """The member and the match the form names (one of theirs); without a name,
    their only match. Anything else is the same 404 as an unknown link."""
    person = logic.by_token(token) or abort(404)
    named = request.form.get("match", type=int)
    if named is None and len(logic.matches_of(person)) > 1:
        abort(404)
    return person, logic.match_of(person, named) or abort(404)


@bp.post("/jumelage/m/<token>/complete")
@link_limited
def complete(token: str):
    person = logic.by_token(token) or abort(404)
    if person.consent_text:
        return redirect(url_for("jumelage.member", token=token))
    program = db.session.get_one(Program, person.program_id)
    try:
        logic.complete(person, request.form, consent_text(program))
    except logic.JumelageRefused as refused:
        return member_page(person, 422, refused.message())
    return redirect(url_for("jumelage.member", token=token))


def form_date(field: str) -> date | None:
    """The form's date field (ISO, as the browser sends it); None if empty or
    unreadable: the rules then refuse a missing date in their own words."""
    try:
        return typed_date(request.form.get(field, ""), logic.JumelageRefused("bad_date"))
    except logic.JumelageRefused:
        return None


def acted_on_match(token: str, act, part: str):
    """A member's usual POST: `act(person, match)` on one of their matches, then
    back to that match's `part` of their page, or the page again with why it was refused."""
    person, match = member_and_match(token)
    try:
        act(person, match)
    except logic.JumelageRefused as refused:
        return member_page(person, 422, refused.message(), match.id, part)
    return redirect(url_for("jumelage.member", token=token) + f"#{part}-{match.id}")


@bp.post("/jumelage/m/<token>/contract")
@link_limited
def contract(token: str):
    return acted_on_match(token, lambda _person, match: logic.write_contract(
        match, request.form.get("goals", ""), request.form.get("commitments", "")), "contract")


@bp.post("/jumelage/m/<token>/confirm")
@link_limited
def confirm(token: str):
    return acted_on_match(token, lambda person, match: logic.confirm_contract(match, person), "contract")


@bp.post("/jumelage/m/<token>/check-in")
@link_limited
def check_in(token: str):
    return acted_on_match(token, lambda person, match: logic.log_check_in(
        match, person, form_date("met_on"), request.form.get("what", ""),
        request.form.get("satisfaction", type=int), request.form.get("note", "")), "check-ins")


@bp.get("/jumelage/<int:program_id>/suivi")
@coordinator_required
def follow_up(program_id: int, error: str | None = None, status: int = 200):
    """Accepted matches, those to act on first (a follow-up overdue, not met for N weeks)."""
    found = program_or_404(program_id)
    weeks = max(1, min(request.args.get("weeks", logic.INACTIVE_WEEKS, type=int) or logic.INACTIVE_WEEKS, 52))
    rows = logic.follow_up(found, weeks)
    return render_template("jumelage/follow_up.html", program=found, rows=rows, weeks=weeks,
                           figures=logic.figures(found, rows), unplaced=logic.unplaced(found),
                           shown=logic.shown_names(found), error=error), status


@bp.post("/jumelage/<int:program_id>/suivi/<int:match_id>/fin")
@coordinator_required
def end_match(program_id: int, match_id: int):
    """End an accepted match, once the coordinator has ticked that they mean it."""
    def act(found: Program):
        if not request.form.get("confirm"):
            raise logic.JumelageRefused("end_unconfirmed")
        logic.end_match(match_or_404(found, match_id))

    return acted(program_id, act, "jumelage.follow_up", follow_up)


@bp.post("/jumelage/<int:program_id>/suivi/<int:match_id>/relance")
@coordinator_required
def set_follow_up(program_id: int, match_id: int):
    """The day the coordinator follows a match up next (typed 2027-03-15 or 15/03/2027; empty: none)."""
    def act(found: Program):
        when = typed_date(request.form.get("next_follow_up"), logic.JumelageRefused("bad_follow_up_date"))
        logic.set_follow_up(match_or_404(found, match_id), when)

    return acted(program_id, act, "jumelage.follow_up", follow_up)


@bp.get("/jumelage/<int:program_id>/suivi/export")
@coordinator_required
def follow_up_export(program_id: int):
    found = program_or_404(program_id)
    return table_download(logic.match_rows(found), f"jumelages-{found.id}", "jumelages")


# --- events -----------------------------------------------------------------------

def events_page(found: Program, code: int = 200, **extra):
    listed = logic.events(found)
    extra.setdefault("draft", {})
    return render_template("jumelage/events.html", program=found, events=listed, event_kinds=EVENT_KINDS,
                           invited={e.id: logic.invitations(e) for e in listed},
                           shown=logic.shown_names(found), **extra), code


@bp.route("/jumelage/<int:program_id>/activites", methods=["GET", "POST"])
@coordinator_required
def events(program_id: int):
    found = program_or_404(program_id)
    if request.method == "POST":
        try:
            logic.create_event(found, request.form.get("kind", ""), request.form.get("title", ""), form_date("held_on"),
                               request.form.get("place", ""))
        except logic.JumelageRefused as refused:  # the new activity as typed, saying why
            return events_page(found, 422, error=refused.message(), draft=request.form)
        return redirect(url_for("jumelage.events", program_id=found.id))
    return events_page(found)


@bp.post("/jumelage/<int:program_id>/activites/<int:event_id>/invite")
@coordinator_required
def invite(program_id: int, event_id: int):
    return acted(program_id, lambda found: logic.invite(
        logic.event_of(found, event_id) or abort(404), [r for r in request.form.getlist("roles") if r in logic.ROLES],
        request.form.get("matched_only") == "1"), "jumelage.events")


@bp.post("/jumelage/<int:program_id>/activites/<int:event_id>/attendance")
@coordinator_required
def attendance(program_id: int, event_id: int):
    return acted(program_id, lambda found: logic.record_attendance(
        logic.event_of(found, event_id) or abort(404), set(request.form.getlist("present", type=int))),
        "jumelage.events")


# --- evaluation --------------------------------------------------------------------

@bp.post("/jumelage/m/<token>/evaluation")
@link_limited
def evaluation(token: str):
    person = logic.by_token(token) or abort(404)
    if not logic.matches_of(person):
        abort(404)
    try:
        logic.answer_survey(person, request.form.get("overall", type=int), request.form.get("impacts", ""),
                            request.form.get("helped", ""), request.form.get("hindered", ""))
    except logic.JumelageRefused as refused:
        return member_page(person, 422, refused.message(), error_form="evaluation")
    return redirect(url_for("jumelage.member", token=token) + "#evaluation")


@bp.get("/jumelage/<int:program_id>/rapport")
@coordinator_required
def program_report(program_id: int):
    """The printable program report, in the reader's language (the switch at the top)."""
    found = program_or_404(program_id)
    return render_template("jumelage/report.html", program=found, report=logic.report(found),
                           shown=logic.shown_names(found))
