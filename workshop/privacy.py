"""Participants' personal data (Québec's Law 25): what a workshop holds about
people can be exported, and purged while the ideas themselves stay; and, on one
person's request weeks later, what it holds about that person can be found,
exported and erased, names typed in free text (cell logs, ideas, comments) included.

Free text cannot be matched with certainty: a full name ("Julie Tremblay") is
taken as the person; a single word ("Julie", a one-word nickname) may be
someone else, so those entries are offered for review and only the ticked ones
are exported or erased."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from flask import Blueprint, abort, jsonify, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy import select, update

from workshop import dates, kinds, live
from workshop.extensions import db
from workshop.kinds import FreeText
from workshop.participants.models import Participant
from workshop.workshops.logic import can_facilitate
from workshop.workshops.models import Workshop

bp = Blueprint("privacy", __name__)

ERASED = "[effacé]"
# Words too short or too common in names to point at anyone ("de", "la", "Le").
NAME_PARTICLES = {"de", "du", "des", "la", "le", "les", "van", "von", "da", "di", "el", "al", "ben", "mc"}


def _asked(hook: str) -> list:
    """The kinds' answers to one question of this module (see kinds.PRIVACY_HOOKS)."""
    return [answer for kind in kinds.kinds() if (answer := kind.privacy_hook(hook)) is not None]


def participant_data(workshop: Workshop) -> list[dict]:
    """Everything the workshop holds about each participant. Content written
    under an anonymous activity is not listed beside its author: the promise
    was that no name goes with it, in exports too."""
    people = db.session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                                .order_by(Participant.id)).all()
    by_person: dict[int, dict] = {
        p.id: {"participant": p.id, "nickname": p.nickname, "stakeholder_group": p.group.name if p.group else None,
               "language": p.language, "joined_at": dates.stamped(p.joined_at)}
        for p in people
    }
    for sent_in in _asked("participants_data"):
        for section, by_id in sent_in(workshop).items():
            for pid, person in by_person.items():
                person[section] = by_id.get(pid, [])
    return list(by_person.values())


def purge(workshop: Workshop) -> int:
    """Remove what identifies people; ideas, comments, votes and groups stay.
    Returns how many participants were made anonymous."""
    ids = list(db.session.scalars(select(Participant.id).where(Participant.workshop_id == workshop.id)))
    if not ids:
        return 0
    db.session.execute(update(Participant).where(Participant.id.in_(ids)).values(nickname=None, language=None))
    for forget in _asked("forget"):
        forget(ids)
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
    """A text record that names the person: a cell log entry, an idea, a hat comment, a force..."""

    source: FreeText
    names: list[str]  # the names found in it
    certain: bool  # a full name; else only a first name or a one-word nickname

    @property
    def kind(self) -> str:
        return self.source.kind

    @property
    def id(self) -> int:
        return self.source.id

    @property
    def label(self) -> str:
        return str(self.source.label)

    @property
    def where(self) -> str:
        return str(self.source.where)

    @property
    def text(self) -> str:
        return self.source.text

    @property
    def key(self) -> str:
        return f"{self.kind}:{self.id}"


@dataclass
class Person:
    """What a workshop holds about one person: their participant row (if known),
    what they sent, counted by kind ("2 ideas"), and every record that names them."""

    participant: Participant | None
    full_names: list[str]  # certain: two words or more
    single_names: list[str]  # uncertain: first names, one-word nicknames
    held: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)

    @property
    def certain(self) -> list[Mention]:
        return [m for m in self.mentions if m.certain]

    @property
    def to_review(self) -> list[Mention]:
        return [m for m in self.mentions if not m.certain]


def _contacts(ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    """The (name, email) pairs these participants gave in any kind (a cell's contact details)."""
    given: dict[int, list[tuple[str, str]]] = {}
    for contacts in _asked("contacts"):
        for pid, pairs in contacts(ids).items():
            given.setdefault(pid, []).extend(pairs)
    return given


def find_people(workshop: Workshop, query: str) -> list[Participant]:
    """Participants whose nickname, or contact name or email given for a cell, matches
    what the request says (a name, part of one, or an email)."""
    wanted = fold(" ".join(query.split()))
    if len(wanted) < 2:
        return []
    found = []
    people = db.session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                                .order_by(Participant.id)).all()
    contacts = _contacts([p.id for p in people])
    for person in people:
        said = [person.nickname or ""] + [value for pair in contacts.get(person.id, []) for value in pair]
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
        names += [name for name, _email in _contacts([participant.id]).get(participant.id, [])]
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
    """Every free text of the workshop that may name someone: what the
    facilitator typed as each activity's question or subject, then kind by kind."""
    for activity in workshop.activities:
        yield FreeText("activity", activity, ("prompt",), activity.prompt, _l("Activity"), workshop.title)
    for texts in _asked("texts"):
        yield from texts(workshop)


def mentions(workshop: Workshop, full: list[str], single: list[str]) -> list[Mention]:
    found = []
    for source in _texts(workshop):
        certain = [n for n in full if name_spans(source.text, n)]
        maybe = [n for n in single if name_spans(source.text, n)]
        if certain or maybe:
            found.append(Mention(source, certain or maybe, bool(certain)))
    return found


def person_data(workshop: Workshop, participant: Participant | None, typed: str = "") -> Person:
    """Everything the workshop holds about one person."""
    full, single = known_names(participant, typed)
    person = Person(participant, full, single, mentions=mentions(workshop, full, single))
    if participant is not None:
        person.held = [line for held in _asked("held") for line in held(participant.id)]
        # Their own idea saying "Julie" is theirs already: listed with their ideas, not for review.
        person.mentions = [m for m in person.mentions if m.certain or m.source.author_id != participant.id]
    return person


def chosen(person: Person, reviewed: set[str]) -> list[Mention]:
    """The mentions to act on: every certain one, and those ticked after review."""
    return [m for m in person.mentions if m.certain or m.key in reviewed]


def person_export(workshop: Workshop, person: Person, reviewed: set[str]) -> dict:
    """One person's data as a document they can read: profile, what they sent in
    each kind (ideas, hat comments, votes, cells, forces, build-ons...) and the
    records that name them."""
    participant = person.participant
    sent = {}
    if participant is not None:
        for personal_data in _asked("personal_data"):
            sent.update(personal_data(participant.id))
    return {
        "workshop": workshop.title,
        "participant": None if participant is None else {
            "nickname": participant.nickname, "stakeholder_group": participant.group.name if participant.group else None,
            "language": participant.language, "joined_at": dates.stamped(participant.joined_at),
            "left_at": participant.left_at.isoformat() if participant.left_at else None},
        **sent,
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
        changed += sum(forget([participant.id]) for forget in _asked("forget"))
    names = person.full_names + person.single_names
    for mention in chosen(person, reviewed):
        record = mention.source.record
        for attribute in mention.source.fields:
            if getattr(record, attribute):
                setattr(record, attribute, _erase_names(getattr(record, attribute), names))
        for attribute in mention.source.derived:
            setattr(record, attribute, None)
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
            live.stage_changed(workshop)  # no screen, nor a phone page kept for the room, shows a name any more
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
    live.stage_changed(workshop)  # no screen, nor a phone page kept for the room, shows the erased name any more
    done = ngettext("Erased: %(num)d record changed. What still names them is listed below, if anything.",
                    "Erased: %(num)d records changed. What still names them is listed below, if anything.", count)
    return render_template("privacy.html", workshop=workshop, done=done, query="", matches=None, typed=typed,
                           person=person_data(workshop, participant, typed),
                           facilitating=can_facilitate(current_user, workshop))
