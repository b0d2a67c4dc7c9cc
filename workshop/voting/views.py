from __future__ import annotations

import json
import typing
import zlib
from dataclasses import dataclass

from flask import Blueprint, abort, render_template, request
from flask_babel import get_locale
from flask_login import login_required
from sqlalchemy import bindparam, select

from workshop import kinds, live
from workshop.extensions import db
from workshop.guards import facilitated, found_or_404, participant_key, phone_participant, refuse_code
from workshop.i18n import speak
from workshop.participants import logic as participants
from workshop.participants.models import Participant
from workshop.rate_limits import counted
from workshop.voting import items_import, logic, pushes
from workshop.voting.models import VoteKind
from workshop.workshops.logic import normalise_join_code
from workshop.workshops.models import Workshop

bp = Blueprint("voting", __name__)


# --- facilitator ---------------------------------------------------------------

@bp.post("/w/<int:workshop_id>/rounds")
@login_required
def create(workshop_id: int):
    workshop = facilitated(workshop_id)
    form = request.form
    # A VoteRejected or ImportRefused goes up: its message in the form's message area.
    source, activity_id, theme_id = logic.parse_source(form.get("source", "ideas"))
    previous = latest_round(workshop) if source == "shortlist" else None
    picked = [(kind, int(item_id)) for kind, _sep, item_id in (p.partition(":") for p in form.getlist("pick"))
              if item_id.isdecimal()]
    imported = brought_in(form) if source == "list" else None
    projects = logic.candidates(workshop, source, previous=previous, carry=form.get("carry", type=int),
                                theme_id=theme_id, picked=picked, activity_id=activity_id, imported=imported)
    logic.create_round(
        workshop, form.get("title", ""), form.get("kind", "dots"), projects,
        dots=form.get("dots", 5, type=int), max_per_item=form.get("max_per_item", 3, type=int),
        top_k=form.get("top_k", 3, type=int), show_live=bool(form.get("show_live")),
        impact_label=form.get("impact_label", ""), feasibility_label=form.get("feasibility_label", ""),
        previous=previous, min_choices=form.get("min_choices", 0, type=int),
    )
    # New candidate projects (hats subjects) and a previous round to carry from:
    # the control view's forms are sent again (control_forms.js puts them in place).
    push_control_forms(workshop)
    return render_template("workshops/_agenda.html", workshop=workshop)


def brought_in(form) -> items_import.ItemList:
    """The items of the pasted list, or of the chosen file (which wins)."""
    upload = request.files.get("items_file")
    data = upload.read(items_import.MAX_FILE_BYTES + 1) if upload and upload.filename else b""
    return items_import.read(form.get("items_text", ""), (upload.filename or "") if upload else "", data)


@bp.post("/w/<int:workshop_id>/rounds/items-preview")
@login_required
def items_preview(workshop_id: int):
    """What a pasted list or a file would bring in, before the round is added."""
    facilitated(workshop_id)
    try:
        found = brought_in(request.form)
    except items_import.ImportRefused as error:
        return render_template("voting/_items_preview.html", error=error.message()), 422
    return render_template("voting/_items_preview.html", found=found, limit=items_import.MAX_ITEMS)


def push_control_forms(workshop) -> None:
    """Only the forms, once per control room: the stage may hold what the facilitator types."""
    live.broadcast(workshop.id, ["control"], lambda _audience: [live.replace(
        "control-forms-next", render_template("workshops/_control_forms_next.html", workshop=workshop,
                                              forms=kinds.forms_view(workshop)))])


def latest_round(workshop):
    rounds = [a.round for a in workshop.activities if a.round]
    return rounds[-1] if rounds else None


@bp.post("/w/<int:workshop_id>/projects/retain")
@login_required
def retain(workshop_id: int):
    workshop = facilitated(workshop_id)
    shown = request.form.get("round", type=int)  # the round whose items the form listed
    logic.retain(workshop, [int(i) for i in request.form.getlist("project") if i.isdecimal()],
                 logic.round_of(workshop, shown) if shown is not None else None)
    return live.stage_answer(workshop, audiences=live.FACILITATOR_AUDIENCES)


# --- participant -------------------------------------------------------------

def refuse_stranger() -> typing.NoReturn:
    """The same words for any code, known or not: nothing told to a guesser."""
    refuse_code()


@dataclass(frozen=True)
class Voter:
    id: int
    workshop_id: int


# Built once, run on the session's connection (see logic._read).
_VOTER = (
    select(Participant.id, Participant.workshop_id, Workshop.language)
    .join(Workshop, Workshop.id == Participant.workshop_id)
    .where(Participant.id.in_(bindparam("ids", expanding=True)), Participant.left_at.is_(None),
           Workshop.join_code == bindparam("code"))
)


def voter(code: str) -> Voter:
    """This phone's participant as a vote needs it: two numbers, read in one
    query under the rule of participants.logic.current_by_code (the cookie's
    participant for this code's workshop, not gone). Loading the participant,
    its workshop and the activity on screen as objects was a third of a vote."""
    known = participants.phone_ids()
    row = None
    if known:
        row = db.session.connection().execute(
            _VOTER, {"ids": list(known.values()), "code": normalise_join_code(code)}).first()
    if row is None or known.get(str(row.workshop_id)) != row.id:
        refuse_stranger()
    speak(row.language)
    return Voter(row.id, row.workshop_id)


def voting_phone(code: str, round_id: int):
    """This phone's participant and what a vote needs of the round (no items
    as objects: logic.RoundFacts); a phone that has not joined is told to join."""
    known = participants.phone_ids()
    found = logic.voter_and_round(list(known.values()), normalise_join_code(code), round_id) if known else None
    if found is not None and known.get(str(found[2].workshop_id)) == found[0]:
        speak(found[1])
        return Voter(found[0], found[2].workshop_id), found[2]
    participant = voter(code)  # a stranger is told to join; a phone that joined asked for no round of its workshop
    return participant, found_or_404(logic.round_facts, participant.workshop_id, round_id)


def ballot_bar(facts, ballot, error: str | None = None, status: int = 200, saved: bool = False):
    """What a save answers: the sticky bar (count, budget, message) and nothing
    else. The list stays as the phone has it, so a refusal loses no tick.
    The bar depends on a few numbers only: rendered once per language and
    numbers in a process (a forum sends thousands of the same few bars)."""
    used = sum(ballot.values()) if facts.kind == VoteKind.DOTS else len([c for c in ballot if c is not None])
    total = (facts.dots_per_participant if facts.kind == VoteKind.DOTS
             else len(facts.item_ids) if facts.kind == VoteKind.IMPACT_FEASIBILITY else facts.top_k)
    # A saved bar announces itself by a key drawn from the ballot's content
    # (focus.js says "saved" again only when the key changes). The bar is
    # cached without it and the key put in afterwards: with the content in the
    # cache key, nearly every save rendered its bar again.
    key = (str(get_locale()), facts.kind, used, total, error, saved)
    html = _BARS.get(key)
    if html is None:
        if len(_BARS) > 2048:
            _BARS.clear()
        html = _BARS[key] = render_template("voting/_ballot_bar.html", round=facts, ballot=ballot, error=error,
                                            saved=saved, announce_key=_CONTENT_KEY)
    content = zlib.crc32(json.dumps(ballot, sort_keys=True).encode()) if saved else 0
    return html.replace(_CONTENT_KEY, str(content)), status


_CONTENT_KEY = "ballot-content-key"
_BARS: dict[tuple, str] = {}


@bp.get("/j/<code>/rounds/<int:round_id>/ballot")
def ballot(code: str, round_id: int):
    """The phone's whole ballot: the list, once when the round opens or the phone reloads."""
    participant = phone_participant(code)
    if participant is None:
        refuse_stranger()
    facts = found_or_404(logic.round_facts, participant.workshop_id, round_id)
    round_ = logic.round_of(participant.workshop, facts.id)
    if round_.activity.state == "pending":  # prepared, not opened: its items are not the room's yet
        abort(404)
    return render_template("voting/_my_ballot.html", round=round_, facts=facts,
                           ballot=logic.ballot_of(facts, participant), view=logic.ballot_view(round_))


def vote_limit() -> str:
    from flask import current_app

    return current_app.config["VOTE_LIMIT"]


def change_number(form) -> int | None:
    """The phone's number for this change (see logic.save_ballot); None from scripts without one."""
    value = form.get("seq", "")
    return int(value) if value.isdecimal() and len(value) <= 18 else None


@bp.post("/j/<code>/rounds/<int:round_id>/dots")
@counted(vote_limit, participant_key)
def dots(code: str, round_id: int):
    """One dot on or off one item; answers only that item's controls and the budget."""
    participant, facts = voting_phone(code, round_id)
    if facts.kind != VoteKind.DOTS:  # a forged or stale request: this round's ballot is saved whole
        return ballot_bar(facts, logic.ballot_of(facts, participant), logic.VoteRejected("other_kind").message(), 422)
    project_id = request.form.get("project", type=int)
    try:
        saved = logic.move_dots(facts, participant, project_id, request.form.get("delta", type=int),
                                change_number(request.form))
    except logic.VoteRejected as error:
        return dot_change(facts, logic.ballot_of(facts, participant), project_id, error.message(), 422)
    pushes.results_changed(facts)
    return dot_change(facts, saved, project_id)


def dot_change(facts, ballot, project_id, error: str | None = None, status: int = 200):
    """What a dot answers: its item's controls and the bar. Like the bar, it
    depends on a few numbers only, so it is rendered once per language and
    numbers, for a stand-in item and ballot, whose id and content key are
    then put in (a forum's dots send thousands of the same few answers)."""
    item = project_id if project_id in facts.item_ids else None
    mine, used = ballot.get(item, 0), sum(ballot.values())
    key = ("dot", str(get_locale()), facts.dots_per_participant, facts.max_dots_per_item, used, mine,
           item is not None, error)
    html = _BARS.get(key)
    if html is None:
        if len(_BARS) > 2048:
            _BARS.clear()
        stand_in = {_ITEM_STAND_IN: mine, 0: used - mine}
        html = _BARS[key] = render_template("voting/_dot_change.html", round=facts, ballot=stand_in, error=error,
                                            project_id=_ITEM_STAND_IN if item else None,
                                            announce_key=_CONTENT_KEY)
    content = zlib.crc32(json.dumps(ballot, sort_keys=True).encode())
    return html.replace(str(_ITEM_STAND_IN), str(item)).replace(_CONTENT_KEY, str(content)), status


_ITEM_STAND_IN = 987654321  # no round has this item: it marks where the item's id goes


@bp.post("/j/<code>/rounds/<int:round_id>/ballot")
@counted(vote_limit, participant_key)
def save(code: str, round_id: int):
    """Approval, ranking and impact × feasibility: the whole ballot at once."""
    participant, facts = voting_phone(code, round_id)
    try:
        if facts.kind == VoteKind.DOTS:  # dots move one at a time: a whole ballot would wipe them
            raise logic.VoteRejected("other_kind")
        new = ballot_from_form(facts, request.form)
        saved = logic.save_ballot(facts, participant, lambda _current: new, change_number(request.form))
    except logic.VoteRejected as error:
        return ballot_bar(facts, logic.ballot_of(facts, participant), error.message(), 422)
    pushes.results_changed(facts)
    return ballot_bar(facts, saved, saved=True)


def ballot_from_form(facts, form):
    ids = set(facts.item_ids)

    def project(value):
        number = int(value) if str(value).isdecimal() else None
        if number not in ids:
            raise logic.VoteRejected("unknown_item")
        return number

    if facts.kind == VoteKind.APPROVAL:
        return [project(v) for v in form.getlist("project")]
    if facts.kind == VoteKind.RANKING:
        # An empty place stays empty (None): a gap is refused, never closed up.
        places = [project(form[f"place{n}"]) if form.get(f"place{n}") else None for n in range(1, facts.top_k + 1)]
        while places and places[-1] is None:
            places.pop()
        return places
    if facts.kind != VoteKind.IMPACT_FEASIBILITY:
        raise logic.VoteRejected("other_kind")
    scores = {}
    for item_id in facts.item_ids:  # in the ballot's order: the first item half scored is named
        impact, feasibility = form.get(f"impact{item_id}", type=int), form.get(f"feasibility{item_id}", type=int)
        if impact or feasibility:
            if not (impact and feasibility):  # which of sixty items, the phone must say
                raise logic.VoteRejected("half_scored", item=logic.item_title(item_id))
            scores[item_id] = (impact, feasibility)
    return scores
