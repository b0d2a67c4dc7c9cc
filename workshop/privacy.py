"""Participants' personal data (Québec's Law 25): what a workshop holds about
people can be exported, and purged while the ideas themselves stay; and, on one
person's request weeks later, what it holds about that person can be found,
exported and erased, names typed in free text (cell logs, ideas, comments) included.

Free text cannot be matched with certainty: a full name ("Julie Tremblay") is
taken as the person; a single word ("Julie", a one-word nickname) may be
someone else, so those entries are offered for review and only the ticked ones
are exported or erased."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field

from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select, update

from workshop import kinds
from workshop.cells.models import Cell, CellLogEntry, CellMember, CellPreference, CellSignup
from workshop.extensions import db
from workshop.hats.models import HatComment, HatsActivity, HatSubject
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.voting.models import Ballot, Project, Round
from workshop.workshops.logic import can_facilitate
from workshop.workshops.models import Activity, Workshop

bp = Blueprint("privacy", __name__)

ERASED = "[effacé]"
# Words too short or too common in names to point at anyone ("de", "la", "Le").
NAME_PARTICLES = {"de", "du", "des", "la", "le", "les", "van", "von", "da", "di", "el", "al", "ben", "mc"}


def participant_data(workshop: Workshop) -> list[dict]:
    """Everything the workshop holds about each participant. Content written
    under an anonymous activity is not listed beside its author: the promise
    was that no name goes with it, in exports too."""
    from workshop.workshops.models import Activity

    people = db.session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                                .order_by(Participant.id)).all()
    named = Activity.anonymity != "anonymous"
    ideas = db.session.execute(select(Idea.participant_id, Idea.original_text).join(Idea.activity)
                               .where(Idea.participant_id.in_([p.id for p in people]), named)).all()
    comments = db.session.execute(
        select(HatComment.participant_id, HatComment.text)
        .join(HatSubject, HatSubject.id == HatComment.subject_id)
        .join(HatsActivity, HatsActivity.id == HatSubject.hats_activity_id)
        .join(Activity, Activity.id == HatsActivity.activity_id)
        .where(HatComment.participant_id.in_([p.id for p in people]), named)).all()
    members = db.session.scalars(select(CellMember).where(CellMember.participant_id.in_([p.id for p in people]))).all()
    by_person: dict[int, dict] = {
        p.id: {"participant": p.id, "nickname": p.nickname, "stakeholder_group": p.group.name if p.group else None,
               "language": p.language, "joined_at": p.joined_at.isoformat(), "ideas": [], "hat_comments": [],
               "cell_contacts": []}
        for p in people
    }
    for pid, text in ideas:
        by_person[pid]["ideas"].append(text)
    for pid, text in comments:
        by_person[pid]["hat_comments"].append(text)
    for member in members:
        if member.contact_consent:
            by_person[member.participant_id]["cell_contacts"].append(
                {"name": member.contact_name, "email": member.contact_email})
    return list(by_person.values())


def purge(workshop: Workshop) -> int:
    """Remove what identifies people; ideas, comments, votes and groups stay.
    Returns how many participants were made anonymous."""
    ids = list(db.session.scalars(select(Participant.id).where(Participant.workshop_id == workshop.id)))
    if not ids:
        return 0
    db.session.execute(update(Participant).where(Participant.id.in_(ids)).values(nickname=None, language=None))
    for model in (CellMember, CellPreference):
        db.session.execute(update(model).where(model.participant_id.in_(ids))
                           .values(contact_consent=False, contact_name=None, contact_email=None))
    db.session.commit()
    return len(ids)


# --------------------------------------------------------------------------- one person

def fold(text: str) -> str:
    """Case and accents set aside, one character for one ("Hélène" → "helene"),
    so that a match's position in the folded text is its position in the text."""
    return "".join((unicodedata.normalize("NFD", ch)[0].casefold()[:1] or ch) for ch in text)


def name_words(name: str) -> list[str]:
    """The words of a name that may point at a person on their own."""
    return [w for w in re.findall(r"[^\W\d_]+(?:[-'’][^\W\d_]+)*", name)
            if len(w) >= 3 and fold(w) not in NAME_PARTICLES]


def name_spans(text: str, name: str) -> list[tuple[int, int]]:
    """Where `name` stands in `text` as whole words, case and accents aside."""
    if not name.strip():
        return []
    pattern = r"(?<!\w)" + r"\s+".join(re.escape(fold(w)) for w in name.split()) + r"(?!\w)"
    return [m.span() for m in re.finditer(pattern, fold(text))]


@dataclass
class Mention:
    """A text record that names the person: a cell log entry, an idea, a hat comment."""

    kind: str  # "log", "idea", "comment"
    id: int
    where: str  # the cell's project, the question, the six-hats subject
    text: str
    names: list[str]  # the names found in it
    certain: bool  # a full name; else only a first name or a one-word nickname

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class Person:
    """What a workshop holds about one person: their participant row (if known)
    and every record that names them."""

    participant: Participant | None
    full_names: list[str]  # certain: two words or more
    single_names: list[str]  # uncertain: first names, one-word nicknames
    ideas: list[Idea] = field(default_factory=list)
    hat_comments: list[HatComment] = field(default_factory=list)
    ballots: list[Ballot] = field(default_factory=list)
    cells: list[CellMember] = field(default_factory=list)
    preferences: list[CellPreference] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def certain(self) -> list[Mention]:
        return [m for m in self.mentions if m.certain]

    @property
    def to_review(self) -> list[Mention]:
        return [m for m in self.mentions if not m.certain]


def cells_of(workshop: Workshop) -> list[Cell]:
    return list(db.session.scalars(select(Cell).join(CellSignup).join(Activity, Activity.id == CellSignup.activity_id)
                                   .where(Activity.workshop_id == workshop.id).order_by(Cell.id)))


def find_people(workshop: Workshop, query: str) -> list[Participant]:
    """Participants whose nickname, or contact name or email given for a cell, matches
    what the request says (a name, part of one, or an email)."""
    wanted = fold(" ".join(query.split()))
    if len(wanted) < 2:
        return []
    found = []
    people = db.session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                                .order_by(Participant.id)).all()
    contacts: dict[int, list[str]] = {}
    for model in (CellMember, CellPreference):
        for row in db.session.scalars(select(model).where(model.participant_id.in_([p.id for p in people] or [-1]))):
            contacts.setdefault(row.participant_id, []).extend([row.contact_name or "", row.contact_email or ""])
    for person in people:
        said = [person.nickname or ""] + contacts.get(person.id, [])
        if any(wanted in fold(value) or (value and fold(value) in wanted and len(value) >= 3) for value in said):
            found.append(person)
    return found


def known_names(participant: Participant | None, typed: str = "") -> tuple[list[str], list[str]]:
    """(full names, single names) the person goes by: their nickname, the contact
    names they gave for a cell, the name the request gives. A full name's words
    count as single names too: a log may say only "Julie"."""
    names = [" ".join(typed.split())] if typed.strip() and "@" not in typed else []
    if participant is not None:
        names.append(participant.nickname or "")
        for model in (CellMember, CellPreference):
            names += [row.contact_name or "" for row in db.session.scalars(
                select(model).where(model.participant_id == participant.id))]
    full, single = [], []
    for name in names:
        name = " ".join(name.split())
        words = name_words(name)
        if len(words) >= 2 and name not in full and name != ERASED:
            full.append(name)
        for word in words:
            if word not in single and fold(word) != fold(ERASED.strip("[]")):
                single.append(word)
    return full, single


def _texts(workshop: Workshop):
    """(kind, id, where, text) for every free text of the workshop that may name someone."""
    for cell in cells_of(workshop):
        for entry in db.session.scalars(select(CellLogEntry).where(CellLogEntry.cell_id == cell.id)
                                        .order_by(CellLogEntry.id)):
            yield "log", entry.id, cell.project.title, f"{entry.author} — {entry.body}"
    for idea in db.session.scalars(select(Idea).join(Activity, Activity.id == Idea.activity_id)
                                   .where(Activity.workshop_id == workshop.id).order_by(Idea.id)):
        text = idea.text if idea.text == idea.original_text else f"{idea.text} / {idea.original_text}"
        yield "idea", idea.id, idea.activity.prompt, text
    for note, title in db.session.execute(
            select(HatComment, HatSubject.title).join(HatSubject, HatSubject.id == HatComment.subject_id)
            .join(HatsActivity, HatsActivity.id == HatSubject.hats_activity_id)
            .join(Activity, Activity.id == HatsActivity.activity_id)
            .where(Activity.workshop_id == workshop.id).order_by(HatComment.id)).all():
        yield "comment", note.id, title, note.text


def mentions(workshop: Workshop, full: list[str], single: list[str]) -> list[Mention]:
    found = []
    for kind, id_, where, text in _texts(workshop):
        certain = [n for n in full if name_spans(text, n)]
        maybe = [n for n in single if name_spans(text, n)]
        if certain or maybe:
            found.append(Mention(kind, id_, where, text, certain or maybe, bool(certain)))
    return found


def person_data(workshop: Workshop, participant: Participant | None, typed: str = "") -> Person:
    """Everything the workshop holds about one person."""
    full, single = known_names(participant, typed)
    person = Person(participant, full, single, mentions=mentions(workshop, full, single))
    if participant is not None:
        pid = participant.id
        person.ideas = list(db.session.scalars(select(Idea).where(Idea.participant_id == pid).order_by(Idea.id)))
        person.hat_comments = list(db.session.scalars(select(HatComment).where(HatComment.participant_id == pid)
                                                      .order_by(HatComment.id)))
        person.ballots = list(db.session.scalars(select(Ballot).where(Ballot.participant_id == pid)
                                                 .order_by(Ballot.id)))
        person.cells = list(db.session.scalars(select(CellMember).where(CellMember.participant_id == pid)))
        person.preferences = list(db.session.scalars(select(CellPreference)
                                                     .where(CellPreference.participant_id == pid)))
        own = {("idea", i.id) for i in person.ideas} | {("comment", c.id) for c in person.hat_comments}
        # Their own idea saying "Julie" is theirs already: listed with their ideas, not for review.
        person.mentions = [m for m in person.mentions if m.certain or (m.kind, m.id) not in own]
    return person


def chosen(person: Person, reviewed: set[str]) -> list[Mention]:
    """The mentions to act on: every certain one, and those ticked after review."""
    return [m for m in person.mentions if m.certain or m.key in reviewed]


def person_export(workshop: Workshop, person: Person, reviewed: set[str]) -> dict:
    """One person's data as a document they can read: profile, ideas, hat comments,
    votes, cells and the records that name them."""
    from workshop.reports.logic import ballot_cells

    participant = person.participant
    titles = {p.id: p.title for p in db.session.scalars(select(Project).where(Project.workshop_id == workshop.id))}
    votes = []
    for ballot in person.ballots:
        round_ = db.session.get(Round, ballot.round_id)
        votes.append({"round": round_.activity.prompt, "kind": round_.kind,
                      "items": [{"item": titles.get(pid, ""), "vote": value}
                                for pid, value in ballot_cells(round_.kind, ballot.content)]})
    cell_titles = {c.id: c.project.title for c in cells_of(workshop)}
    from_kinds = {}  # what the other kinds (force field, brainwriting...) hold of this person
    for kind in kinds.kinds():
        if kind.personal_data is not None and participant is not None:
            from_kinds.update(kind.personal_data(participant.id))
    return {
        "workshop": workshop.title,
        "participant": None if participant is None else {
            "nickname": participant.nickname, "stakeholder_group": participant.group.name if participant.group else None,
            "language": participant.language, "joined_at": participant.joined_at.isoformat(),
            "left_at": participant.left_at.isoformat() if participant.left_at else None},
        "ideas": [{"question": i.activity.prompt, "text": i.text, "text_as_sent": i.original_text,
                   "hidden": i.hidden, "sent_at": i.created_at.isoformat()} for i in person.ideas],
        "hat_comments": [{"subject": db.session.get(HatSubject, c.subject_id).title, "hat": c.hat, "text": c.text,
                          "sent_at": c.created_at.isoformat()} for c in person.hat_comments],
        "votes": votes,
        "cells": [{"cell": cell_titles.get(m.cell_id, ""), "contact_consent": m.contact_consent,
                   "contact_name": m.contact_name, "contact_email": m.contact_email,
                   "joined_at": m.joined_at.isoformat()} for m in person.cells],
        "cell_preferences": [{"ranking": [cell_titles.get(c, "") for c in json.loads(p.ranking or "[]")],
                              "contact_consent": p.contact_consent, "contact_name": p.contact_name,
                              "contact_email": p.contact_email} for p in person.preferences],
        **from_kinds,
        "named_in": [{"record": m.kind, "where": m.where, "text": m.text, "names": m.names,
                      "certain": m.certain} for m in chosen(person, reviewed)],
    }


def _erase_names(text: str, names: list[str]) -> str:
    for name in sorted(names, key=len, reverse=True):  # "Julie Gagnon" before "Julie"
        for start, end in reversed(name_spans(text, name)):
            text = text[:start] + ERASED + text[end:]
    return text


def erase_person(workshop: Workshop, person: Person, reviewed: set[str]) -> int:
    """Erase one person: their nickname and language, the contact details they gave
    for cells, and their names wherever a chosen record typed them. Their ideas,
    comments and votes stay, with nothing left that identifies them.
    Returns how many rows changed."""
    changed = 0
    participant = person.participant
    if participant is not None:
        participant.nickname, participant.language = None, None
        changed += 1
        for row in person.cells + person.preferences:
            row.contact_consent, row.contact_name, row.contact_email = False, None, None
            changed += 1
    names = person.full_names + person.single_names
    for mention in chosen(person, reviewed):
        if mention.kind == "log":
            entry = db.session.get(CellLogEntry, mention.id)
            entry.author, entry.body = _erase_names(entry.author, names), _erase_names(entry.body, names)
        elif mention.kind == "idea":
            idea = db.session.get(Idea, mention.id)
            idea.text, idea.original_text = _erase_names(idea.text, names), _erase_names(idea.original_text, names)
        else:
            note = db.session.get(HatComment, mention.id)
            note.text = _erase_names(note.text, names)
        changed += 1
    db.session.commit()
    return changed


# --------------------------------------------------------------------------- pages

def privacy_workshop(workshop_id: int) -> Workshop:
    """Its facilitator, an admin, and the coordinators who receive people's requests
    weeks later act on a workshop's personal data."""
    from workshop.guards import readable

    return readable(workshop_id)


def requested_person(workshop: Workshop) -> tuple[Participant | None, str]:
    """The participant a request points at (?participant=) and the name it gives."""
    typed = " ".join(request.values.get("name", "").split())[:120]
    participant_id = request.values.get("participant", type=int)
    participant = None
    if participant_id is not None:
        participant = db.session.get(Participant, participant_id)
        if participant is None or participant.workshop_id != workshop.id:
            abort(404)
    return participant, typed


@bp.get("/w/<int:workshop_id>/privacy/participants.json")
@login_required
def export(workshop_id: int):
    workshop = privacy_workshop(workshop_id)
    response = jsonify({"workshop": workshop.title, "participants": participant_data(workshop)})
    response.headers["Content-Disposition"] = f'attachment; filename="workshop-{workshop.id}-participants.json"'
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.route("/w/<int:workshop_id>/privacy", methods=["GET", "POST"])
@login_required
def page(workshop_id: int):
    workshop = privacy_workshop(workshop_id)
    done = None
    if request.method == "POST":
        # Purging a whole workshop is its facilitator's (or an admin's) decision;
        # coordinators act on one person's request (below).
        if not can_facilitate(current_user, workshop):
            abort(403)
        if request.form.get("confirm") == workshop.join_code:
            done = ngettext("Done: %(num)d participant is now anonymous. Their ideas, comments and votes are kept.",
                            "Done: %(num)d participants are now anonymous. Their ideas, comments and votes are kept.",
                            purge(workshop))
        else:
            done = _("Type the workshop's join code to confirm.")
    query = " ".join(request.args.get("q", "").split())[:120]
    participant, typed = requested_person(workshop)
    person = person_data(workshop, participant, typed) if (participant or typed) else None
    return render_template("privacy.html", workshop=workshop, done=done, query=query,
                           matches=find_people(workshop, query) if query else None, person=person, typed=typed,
                           facilitating=can_facilitate(current_user, workshop))


@bp.post("/w/<int:workshop_id>/privacy/person")
@login_required
def person(workshop_id: int):
    """One person's request: export what is held (JSON), or erase it (confirmed)."""
    workshop = privacy_workshop(workshop_id)
    participant, typed = requested_person(workshop)
    if participant is None and not typed:
        abort(422)
    found = person_data(workshop, participant, typed)
    reviewed = set(request.form.getlist("mention"))
    if request.form.get("action") == "export":
        response = jsonify(person_export(workshop, found, reviewed))
        response.headers["Content-Disposition"] = f'attachment; filename="workshop-{workshop.id}-person.json"'
        response.headers["Cache-Control"] = "no-store"
        return response
    if request.form.get("confirm") != "1":
        return render_template("privacy.html", workshop=workshop, person=found, typed=typed, query="", matches=None,
                               facilitating=can_facilitate(current_user, workshop),
                               done=_("Tick the confirmation to erase this person.")), 422
    count = erase_person(workshop, found, reviewed)
    done = ngettext("Erased: %(num)d record changed. What still names them is listed below, if anything.",
                    "Erased: %(num)d records changed. What still names them is listed below, if anything.", count)
    return render_template("privacy.html", workshop=workshop, done=done, query="", matches=None, typed=typed,
                           person=person_data(workshop, participant, typed),
                           facilitating=can_facilitate(current_user, workshop))
