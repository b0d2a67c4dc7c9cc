"""Jumelage rules: sign-ups and their review, the proposal (run, lock, swap,
accept), Law 25 export and erasure, and the CSV export. Views only call these."""

from __future__ import annotations

import calendar
import json
import secrets
import unicodedata
from collections import Counter
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, datetime, timedelta

from sqlalchemy import delete, func, or_, select

from analysis import forcefield
from analysis import jumelage as solver
from analysis.csv_files import Table, first_of_each
from workshop import dates, refusals, uploads
from workshop.extensions import db
from workshop.jumelage.messages import REFUSALS
from workshop.jumelage.models import (
    EVENT_KINDS,
    STATUSES,
    CheckIn,
    Confirmation,
    Event,
    Invitation,
    Match,
    NeverTogether,
    Program,
    Signup,
    SurveyAnswer,
)

ROLES = solver.ROLES
GROUP_SIZES = solver.GROUP_SIZES
FRENCH_LEVELS = solver.FRENCH_LEVELS
GOALS = ("french", "network", "job", "culture", "housing")
INTERESTS = ("sports", "cooking", "music", "outdoors", "arts", "games", "volunteering", "technology", "reading",
             "travel")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
PARTS = ("am", "pm", "ev")
SLOTS = tuple(f"{d}-{p}" for d in DAYS for p in PARTS)
# The five MRCs of Saguenay–Lac-Saint-Jean, and which ones touch: a neighbour counts half.
PLACES = ("Saguenay", "Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est", "Le Domaine-du-Roy", "Maria-Chapdelaine")
NEIGHBOURS = {
    "Saguenay": frozenset({"Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est"}),
    "Le Fjord-du-Saguenay": frozenset({"Saguenay", "Lac-Saint-Jean-Est", "Maria-Chapdelaine"}),
    "Lac-Saint-Jean-Est": frozenset({"Saguenay", "Le Fjord-du-Saguenay", "Le Domaine-du-Roy", "Maria-Chapdelaine"}),
    "Le Domaine-du-Roy": frozenset({"Lac-Saint-Jean-Est", "Maria-Chapdelaine"}),
    "Maria-Chapdelaine": frozenset({"Le Fjord-du-Saguenay", "Lac-Saint-Jean-Est", "Le Domaine-du-Roy"}),
}
INACTIVE_WEEKS = 4  # a match with no meeting logged for this long is flagged to the coordinator
LIMITS = {"name": 120, "email": 254, "phone": 40, "languages": 300, "field": 120, "constraints": 2000,
          "status_message": 2000}


class JumelageRefused(refusals.Refused):
    """A sign-up or a command that cannot be done; the code names the message
    (workshop/jumelage/messages.py)."""

    messages = REFUSALS



def can_coordinate(user) -> bool:
    return bool(user and getattr(user, "is_authenticated", False) and user.role in ("coordinator", "admin"))


def create_program(name: str, retention_months: int = 24) -> Program:
    name = " ".join((name or "").split())[:200]
    if not name:
        raise JumelageRefused("name_required")
    program = Program(name=name, retention_months=max(1, min(retention_months, 120)))
    db.session.add(program)
    db.session.commit()
    return program


def programs() -> list[Program]:
    return list(db.session.scalars(select(Program).order_by(Program.id.desc())))


def set_open(program: Program, is_open: bool) -> None:
    program.open = is_open
    db.session.commit()


def words(raw: str) -> list[str]:
    return [w for w in (x.strip() for x in (raw or "").replace(";", ",").split(",")) if w]


def chosen(values: list[str], allowed: tuple[str, ...]) -> list[str]:
    return [v for v in allowed if v in set(values)]


def _text(form, key: str) -> str:
    return " ".join((form.get(key) or "").split())[:LIMITS.get(key, 300)]


def profile_from(form) -> dict:
    """The profile fields of a sign-up form (public or the coordinator's edit), checked."""
    role = form.get("role", "")
    if role not in ROLES:
        raise JumelageRefused("role_required")
    data = {
        "role": role, "name": _text(form, "name"), "email": _text(form, "email").lower(),
        "phone": _text(form, "phone"), "languages": ", ".join(words(_text(form, "languages")))[:300],
        "french_level": form.get("french_level") if form.get("french_level") in FRENCH_LEVELS else "native",
        "interests": ", ".join(chosen(form.getlist("interests"), INTERESTS)),
        "field": _text(form, "field"),
        "place": form.get("place") if form.get("place") in PLACES else "",
        "slots": " ".join(chosen(form.getlist("slots"), SLOTS)),
        "goals": ", ".join(chosen(form.getlist("goals"), GOALS)),
        "group_size": form.get("group_size") if form.get("group_size") in GROUP_SIZES else "either",
        "meetings_per_month": max(1, min(form.get("meetings_per_month", 2, type=int) or 2, 8)),
        "constraints": (form.get("constraints") or "").strip()[:LIMITS["constraints"]],
        "capacity": max(1, min(form.get("capacity", 1, type=int) or 1, 20)) if role == "employer" else 1,
    }
    if not data["name"] or "@" not in data["email"]:
        raise JumelageRefused("contact_required")
    if not data["slots"]:
        raise JumelageRefused("slots_required")
    return data


def sign_up(program: Program, form, consent_text: str, language: str) -> Signup:
    if not program.open:
        raise JumelageRefused("closed")
    if form.get("consent") != "yes":
        raise JumelageRefused("consent_required")
    profile = profile_from(form)
    known = db.session.scalar(select(Signup).where(Signup.program_id == program.id, Signup.email == profile["email"]))
    if known is not None:
        # The same form sent twice in a moment (a double tap, an answer lost): the same
        # sign-up. Otherwise one email is one person: its private link is never handed to
        # whoever types that email again.
        if _sent_again(known, profile):
            return known
        raise JumelageRefused("already_signed_up")
    signup = Signup(program_id=program.id, consent_text=consent_text, token=secrets.token_urlsafe(24),
                    language=language, **profile)
    db.session.add(signup)
    db.session.commit()
    return signup


RESEND_WINDOW = timedelta(minutes=10)


def _sent_again(known: Signup, profile: dict) -> bool:
    from workshop.workshops.logic import utcnow

    recent = known.created_at is not None and utcnow() - known.created_at.replace(tzinfo=None) < RESEND_WINDOW
    return recent and all(getattr(known, key) == value for key, value in profile.items())


def _own_email(signup: Signup, email: str) -> None:
    """One email is one person in a program, as at sign-up: a profile completed or
    edited with someone else's email would make two people one in every list, export
    and Law 25 request that goes by email."""
    taken = db.session.scalar(select(Signup.id).where(Signup.program_id == signup.program_id, Signup.id != signup.id,
                                                      func.lower(Signup.email) == email.lower()).limit(1))
    if taken is not None:
        raise JumelageRefused("email_taken")


def edit(signup: Signup, form) -> int:
    """The coordinator's edit of a profile. Returns how many proposed matches a new
    role withdrew (the coordinator is told, and the next run proposes the person
    in their new role)."""
    profile = profile_from(form)
    _own_email(signup, profile["email"])
    withdrawn = 0
    if profile["role"] != signup.role:
        # A match holds each member in a role's place (the student, the citizen, the
        # employer): a new role under way would leave a "student" as the host, in the
        # match, its exports and its report. Refused until the coordinator ends the match.
        if db.session.scalar(select(Match.id).where(Match.status == "accepted", _involving(signup.id)).limit(1)):
            raise JumelageRefused("role_in_match")
        withdrawn = len(db.session.scalars(select(Match.id).where(Match.status == "proposed",
                                                                  _involving(signup.id))).all())
        db.session.execute(delete(Match).where(Match.status == "proposed", _involving(signup.id)))
    for key, value in profile.items():
        setattr(signup, key, value)
    db.session.commit()
    return withdrawn


def review(signup: Signup, status: str, message: str = "") -> None:
    """Accept, put on hold or refuse; a refusal says why to the person."""
    if status not in STATUSES:
        raise JumelageRefused("bad_status")
    message = (message or "").strip()[:LIMITS["status_message"]]
    if status == "refused" and not message:
        raise JumelageRefused("message_required")
    signup.status, signup.status_message = status, message
    if status != "accepted":  # out of the pool: no longer proposed, and out of the matches accepted
        db.session.execute(delete(Match).where(Match.status == "proposed", _involving(signup.id)))
        for match in db.session.scalars(select(Match).where(Match.status == "accepted", _involving(signup.id))):
            leave_match(match, signup)
    db.session.commit()


def leave_match(match: Match, person: Signup) -> None:
    """`person` is out of an accepted match: an employer leaves a trio, which goes on as a
    duo; a student or a citizen leaving ends it. Either way the others no longer see the
    person's details, and whoever is free is proposed again by the next run."""
    if match.employer_id == person.id and match.student_id != person.id and match.citizen_id != person.id:
        match.employer_id = None
        match.employer = None
    else:
        match.status = "ended"


def end_match(match: Match) -> None:
    """The coordinator ends an accepted match (it stopped meeting, someone moved away):
    its members no longer see each other's details and are free for the next run; its
    meetings stay in the program's figures."""
    if match.status != "accepted":
        raise JumelageRefused("not_accepted")
    match.status = "ended"
    db.session.commit()


def signups(program: Program, status: str = "") -> list[Signup]:
    query = select(Signup).where(Signup.program_id == program.id)
    if status in STATUSES:
        query = query.where(Signup.status == status)
    return list(db.session.scalars(query.order_by(Signup.role, Signup.name, Signup.id)))


def signup_of(program: Program, signup_id: int) -> Signup | None:
    signup = db.session.get(Signup, signup_id)
    return signup if signup and signup.program_id == program.id else None


def by_token(token: str) -> Signup | None:
    return db.session.scalar(select(Signup).where(Signup.token == token)) if token else None


def shown_names(program: Program) -> dict[int, str]:
    """Each person's name as lists and pickers show it: with their email when another
    person of the program has the same name (accents and case aside), or two Marie
    Tremblay read as one and the coordinator picks, pairs or ends the wrong one."""
    people = signups(program)
    named = Counter(folded(s.name) for s in people)
    return {s.id: f"{s.name} ({s.email})" if named[folded(s.name)] > 1 else s.name for s in people}


def counts(program: Program) -> dict[tuple[str, str], int]:
    found = {(r, s): 0 for r in ROLES for s in STATUSES}
    for signup in signups(program):
        found[signup.role, signup.status] += 1
    return found


def new_link(signup: Signup) -> None:
    """Revoke the private link: the old address answers 404 from now on."""
    signup.token = secrets.token_urlsafe(24)
    db.session.commit()


def complete(signup: Signup, form, consent_text: str) -> None:
    """An invited person (imported by the coordinator) fills in the profile and consents on their private link."""
    if form.get("consent") != "yes":
        raise JumelageRefused("consent_required")
    profile = profile_from(form)
    _own_email(signup, profile["email"])
    for key, value in profile.items():
        setattr(signup, key, value)
    signup.consent_text, signup.consent_at = consent_text, dates.utcnow()
    db.session.commit()


# --- import -------------------------------------------------------------------

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 5000
IMPORT_HEADERS = {"name": "name", "nom": "name", "nom complet": "name", "nom de famille": "name", "last name": "name",
                  "surname": "name", "prenom": "first_name", "first name": "first_name", "given name": "first_name",
                  "email": "email", "courriel": "email",
                  "adresse courriel": "email", "e mail": "email", "role": "role", "profil": "role",
                  "phone": "phone", "telephone": "phone", "languages": "languages", "langues": "languages",
                  "field": "field", "domaine": "field", "secteur": "field", "domaine d etudes": "field",
                  "place": "place", "mrc": "place", "municipalite": "place",
                  # the export's own headers (labels.column_labels), so that it imports back
                  "field of study or work": "field",
                  "domaine d etudes ou de travail": "field", "territory rcm": "place", "territoire mrc": "place"}
ROLE_WORDS = {"student": "student", "etudiant": "student", "etudiante": "student", "etudiant e": "student",
              "etudiant international": "student", "etudiante internationale": "student",
              "citizen": "citizen", "citoyen": "citizen", "citoyenne": "citizen", "citoyen ne": "citizen",
              "employer": "employer", "employeur": "employer", "employeuse": "employer", "employeur se": "employer",
              "employeur euse": "employer", "entreprise": "employer",
              # the export's words (labels.value_labels)
              "international student": "student",
              "citizen host": "citizen", "citoyenne accueil": "citizen"}


class ImportRefused(JumelageRefused):
    """A refused list of people: the line and the value that is wrong (params)."""

    messages = {**REFUSALS, **uploads.REFUSALS}

    def __init__(self, code: str, line: int = 0, value: str = ""):
        super().__init__(code, line=line, value=value)

    @property
    def line(self) -> int:
        return self.params["line"]

    @property
    def value(self) -> str:
        return self.params["value"]


def folded(text: str) -> str:
    """Lower case, no accents, punctuation as spaces: "Rôle" and "role" are one header."""
    plain = unicodedata.normalize("NFKD", text or "").encode("ascii", "ignore").decode().lower()
    return " ".join("".join(c if c.isalnum() else " " for c in plain).split())


def _place_of(raw: str) -> str:
    wanted = folded(raw).removeprefix("mrc ").removeprefix("de ").removeprefix("du ")
    return next((p for p in PLACES if wanted and (folded(p) == wanted or folded(p).endswith(wanted))), "")


def _import_rows(table: Table) -> list[dict]:
    from workshop.security import clean_field

    header = table.rows[0] if table.rows else []
    numbered = list(zip(table.lines[1:], table.rows[1:]))
    fields = first_of_each([IMPORT_HEADERS.get(folded(h)) for h in header])
    if not ({"email", "role"} <= set(fields) and {"name", "first_name"} & set(fields)):
        raise ImportRefused("csv_columns")
    rows: list[dict] = []
    for line, values in numbered:
        if len(rows) >= MAX_IMPORT_ROWS:
            raise ImportRefused("csv_too_many", line, str(MAX_IMPORT_ROWS))
        row = {f: uploads.unneutralised(" ".join(clean_field(v).split())) for f, v in zip(fields, values) if f}
        if not any(row.values()):
            continue
        role = ROLE_WORDS.get(folded(row.get("role", "")))
        if role is None:
            raise ImportRefused("csv_role", line, row.get("role", ""))
        # French Excel lists often split "Prénom;Nom": the person is both, first name first.
        name = " ".join(filter(None, (row.get("first_name", ""), row.get("name", ""))))
        if "@" not in row.get("email", "") or not name:
            raise ImportRefused("csv_contact", line, row.get("email", ""))
        rows.append({"role": role, "name": name[:120], "email": row["email"].lower()[:254],
                     "phone": row.get("phone", "")[:40], "languages": row.get("languages", "")[:300],
                     "field": row.get("field", "")[:120], "place": _place_of(row.get("place", ""))})
    return rows


def import_signups(program: Program, data: bytes) -> tuple[int, int]:
    """Invite a list (the coordinator's spreadsheet, CSV from Excel in French
    or English): each new email becomes a pending sign-up without consent, to
    be completed and consented on its private link. Known emails are skipped;
    the first wrong line refuses the whole file. Returns (invited, skipped)."""
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportRefused("csv_too_large", 0, str(MAX_IMPORT_BYTES // (1024 * 1024)))
    table = uploads.table(data, ImportRefused)  # Excel's "CSV" in French Windows, UTF-16, "sep=;"...
    known = {s.email for s in signups(program)}
    added = skipped = 0
    for row in _import_rows(table):
        if row["email"] in known:
            skipped += 1
            continue
        known.add(row["email"])
        db.session.add(Signup(program_id=program.id, consent_text="", token=secrets.token_urlsafe(24), **row))
        added += 1
    db.session.commit()
    return added, skipped


# --- never together ---------------------------------------------------------

def never_together(program: Program, first: Signup, second: Signup) -> None:
    if first.id == second.id or first.program_id != program.id or second.program_id != program.id:
        raise JumelageRefused("never_same")
    low, high = sorted((first.id, second.id))
    exists = db.session.scalar(select(NeverTogether).where(NeverTogether.first_id == low,
                                                          NeverTogether.second_id == high))
    if not exists:
        db.session.add(NeverTogether(program_id=program.id, first_id=low, second_id=high))
    db.session.execute(delete(Match).where(Match.program_id == program.id, Match.status == "proposed",
                                           _involving(low), _involving(high)))
    db.session.commit()


def never_pairs(program: Program) -> list[NeverTogether]:
    return list(db.session.scalars(select(NeverTogether).where(NeverTogether.program_id == program.id)
                                   .order_by(NeverTogether.id)))


# --- the proposal -------------------------------------------------------------

def weights_of(program: Program) -> dict[str, float]:
    stored = json.loads(program.weights) if program.weights else {}
    return {k: float(stored.get(k, v)) for k, v in solver.DEFAULT_WEIGHTS.items()}


def set_weights(program: Program, form) -> None:
    weights = {}
    for key, default in solver.DEFAULT_WEIGHTS.items():
        value = form.get(f"w_{key}", default, type=float)
        weights[key] = max(0.0, min(value if value is not None else default, 10.0))
    program.weights = json.dumps(weights)


def person(signup: Signup) -> solver.Person:
    return solver.Person(
        id=signup.id, role=signup.role, languages=frozenset(w.casefold() for w in words(signup.languages)),
        french_level=signup.french_level, interests=frozenset(words(signup.interests)), field=signup.field,
        place=signup.place, slots=frozenset(signup.slots.split()), goals=frozenset(words(signup.goals)),
        group_size=signup.group_size, capacity=signup.capacity)


def matches(program: Program, status: str | None = None) -> list[Match]:
    query = select(Match).where(Match.program_id == program.id)
    if status:
        query = query.where(Match.status == status)
    return list(db.session.scalars(query.order_by(Match.score.desc(), Match.id)).unique())


def _involving(signup_id: int):
    return or_(Match.student_id == signup_id, Match.citizen_id == signup_id, Match.employer_id == signup_id)


def _pool(program: Program) -> list[tuple[Signup, int]]:
    """Accepted people not already in an accepted match (employers: while capacity is left)."""
    accepted = matches(program, "accepted")
    busy = {m.student_id for m in accepted} | {m.citizen_id for m in accepted}
    load: dict[int, int] = {}
    for m in accepted:
        if m.employer_id:
            load[m.employer_id] = load.get(m.employer_id, 0) + 1
    pool = []
    for signup in signups(program, "accepted"):
        if not signup.consent_text:  # invited, not consented yet: not matched
            continue
        if signup.role == "employer":
            if signup.capacity > load.get(signup.id, 0):
                pool.append((signup, signup.capacity - load.get(signup.id, 0)))
        elif signup.id not in busy:
            pool.append((signup, 1))
    return pool


def run(program: Program) -> solver.Proposal:
    """Propose again: locked proposed matches stay, the rest is recomputed."""
    pool = _pool(program)
    people = [replace(person(s), capacity=left) for s, left in pool]
    ids = {p.id for p in people}
    locked = [m for m in matches(program, "proposed") if m.locked
              and {m.student_id, m.citizen_id, m.employer_id or m.student_id} <= ids]
    never = {(n.first_id, n.second_id) for n in never_pairs(program)}
    proposal = solver.assign(people, weights_of(program), never,
                             [(m.student_id, m.citizen_id, m.employer_id) for m in locked], NEIGHBOURS)
    db.session.execute(delete(Match).where(Match.program_id == program.id, Match.status == "proposed"))
    for found in proposal.matches:
        db.session.add(Match(program_id=program.id, student_id=found.student, citizen_id=found.citizen,
                             employer_id=found.employer, score=found.score, reasons=json.dumps(found.reasons),
                             locked=found.locked))
    db.session.commit()
    return proposal


def unmatched(program: Program) -> dict[str, list[Signup]]:
    """Accepted students and citizens in no match, proposed or accepted."""
    placed: set[int] = set()
    for m in matches(program):
        if m.status in ("proposed", "accepted"):  # an ended match's members are free again
            placed.update((m.student_id, m.citizen_id))
    left: dict[str, list[Signup]] = {"student": [], "citizen": []}
    for signup in signups(program, "accepted"):
        if signup.role in left and signup.id not in placed and signup.consent_text:
            left[signup.role].append(signup)
    return left


def reasons(match: Match) -> list[tuple[str, str]]:
    return [tuple(r) for r in json.loads(match.reasons or "[]")]


def lock(match: Match, locked: bool) -> None:
    if match.status != "proposed":
        raise JumelageRefused("not_proposed")
    match.locked = locked
    db.session.commit()


def rescore(program: Program, match: Match) -> None:
    members = [person(s) for s in match.members]
    weights = weights_of(program)
    scores = [solver.pair_score(members[0], members[1], weights, NEIGHBOURS)]
    if len(members) == 3:
        scores += [solver.pair_score(members[0], members[2], weights, NEIGHBOURS),
                   solver.pair_score(members[1], members[2], weights, NEIGHBOURS)]
    value, found = solver.combined(match.student_id, match.citizen_id, match.employer_id, *scores)
    match.score, match.reasons = value, json.dumps(found)


def swap(program: Program, first: Match, second: Match, role: str) -> None:
    """Exchange two matches' students (or citizens, or employers); the result
    must respect the hard constraints, and both matches are then locked so
    that a re-run keeps the coordinator's choice."""
    if role not in ROLES or first.id == second.id or {first.status, second.status} != {"proposed"}:
        raise JumelageRefused("swap_refused")
    attr = f"{role}_id"
    a, b = getattr(first, attr), getattr(second, attr)
    setattr(first, attr, b)
    setattr(second, attr, a)
    db.session.flush()
    db.session.expire(first)
    db.session.expire(second)
    never = {(n.first_id, n.second_id) for n in never_pairs(program)}
    for match in (first, second):
        people = [person(s) for s in match.members]
        fits = (solver.feasible_pair(people[0], people[1], never) if len(people) == 2
                else solver.feasible_trio(people[0], people[1], people[2], never))
        if not fits:
            db.session.rollback()
            raise JumelageRefused("swap_infeasible")
        rescore(program, match)
        match.locked = True
    db.session.commit()


def accept_proposal(program: Program) -> int:
    proposed = matches(program, "proposed")
    for match in proposed:
        match.status, match.accepted_at = "accepted", dates.utcnow()
    db.session.commit()
    return len(proposed)


def matches_of(signup: Signup) -> list[Match]:
    """Every accepted match of a person still accepted (an employer may be in
    several trios): someone refused or put on hold afterwards no longer sees
    their partners' details through their link."""
    if signup.status != "accepted":
        return []
    return list(db.session.scalars(select(Match).where(Match.status == "accepted", _involving(signup.id))
                                   .order_by(Match.id)).unique())


def match_of(signup: Signup, match_id: int | None = None) -> Match | None:
    """One of the person's matches: the one named, else their only (or first) one."""
    found = matches_of(signup)
    if match_id is not None:
        return next((m for m in found if m.id == match_id), None)
    return found[0] if found else None


# --- the contract and the follow-up ---------------------------------------

def contract_of(match: Match) -> dict:
    """The contract as it reads, and who confirmed it."""
    confirmed = {c.signup_id: c.at for c in db.session.scalars(select(Confirmation)
                                                                .where(Confirmation.match_id == match.id))}
    return {"goals": match.contract_goals, "commitments": match.contract_commitments, "confirmed": confirmed,
            "complete": bool(match.contract_goals) and all(m.id in confirmed for m in match.members)}


def write_contract(match: Match, goals: str, commitments: str) -> None:
    """Any member may write it; a changed text must be confirmed again by everyone."""
    goals, commitments = (goals or "").strip()[:4000], (commitments or "").strip()[:4000]
    if not goals or not commitments:
        raise JumelageRefused("contract_incomplete")
    if (goals, commitments) != (match.contract_goals, match.contract_commitments):
        match.contract_goals, match.contract_commitments = goals, commitments
        db.session.execute(delete(Confirmation).where(Confirmation.match_id == match.id))
    db.session.commit()


def confirm_contract(match: Match, member: Signup) -> None:
    if not match.contract_goals:
        raise JumelageRefused("contract_incomplete")
    exists = db.session.scalar(select(Confirmation).where(Confirmation.match_id == match.id,
                                                          Confirmation.signup_id == member.id))
    if not exists:
        db.session.add(Confirmation(match_id=match.id, signup_id=member.id))
    db.session.commit()


def log_check_in(match: Match, member: Signup, met_on: date | None, what: str, satisfaction: int | None,
                 note: str = "", today: date | None = None) -> CheckIn:
    what = " ".join((what or "").split())[:300]
    today = today or dates.today()
    if met_on is None or met_on > today or met_on < today - timedelta(days=366):
        raise JumelageRefused("bad_date")
    if not what:
        raise JumelageRefused("what_required")
    if satisfaction not in range(1, 6):
        raise JumelageRefused("satisfaction_required")
    logged = db.session.scalar(select(CheckIn).where(  # the same meeting sent twice (a double tap) is one
        CheckIn.match_id == match.id, CheckIn.signup_id == member.id, CheckIn.met_on == met_on, CheckIn.what == what))
    if logged is not None:
        return logged
    entry = CheckIn(match_id=match.id, signup_id=member.id, met_on=met_on, what=what, satisfaction=satisfaction,
                    note=(note or "").strip()[:2000])
    db.session.add(entry)
    db.session.commit()
    return entry


def check_ins(match: Match) -> list[CheckIn]:
    return list(db.session.scalars(select(CheckIn).where(CheckIn.match_id == match.id)
                                   .order_by(CheckIn.met_on.desc(), CheckIn.id.desc())))


DUE_SOON_DAYS = 7


def set_follow_up(match: Match, when: date | None) -> None:
    """The day the coordinator follows the match up next (None: no date)."""
    match.next_follow_up = when
    db.session.commit()


def follow_up(program: Program, weeks: int = INACTIVE_WEEKS, today: date | None = None) -> list[dict]:
    """Each accepted match with its last meeting, its contract's state,
    whether it has not met for `weeks` (counted from acceptance if never) and
    whether its follow-up is overdue or due within a week; the ones to act on
    first (overdue, then not meeting, then due soon)."""
    today = today or dates.today()
    accepted = matches(program, "accepted")
    last: dict[int, date] = {}
    for entry in db.session.scalars(select(CheckIn).join(Match, Match.id == CheckIn.match_id)
                                    .where(Match.program_id == program.id)):
        last[entry.match_id] = max(last.get(entry.match_id, entry.met_on), entry.met_on)
    rows = []
    for match in accepted:
        since = last.get(match.id) or dates.local(match.accepted_at or match.created_at).date()
        due = match.next_follow_up
        rows.append({"match": match, "last": last.get(match.id), "contract": contract_of(match),
                     "inactive": (today - since).days >= weeks * 7,
                     "overdue": due is not None and due < today,
                     "due_soon": due is not None and today <= due <= today + timedelta(days=DUE_SOON_DAYS)})
    return sorted(rows, key=lambda r: (not r["overdue"], not r["inactive"], not r["due_soon"], r["match"].id))


def unplaced(program: Program) -> list[Signup]:
    """Accepted people in no match under way (an employer: in no trio), by role then
    name: those the coordinator still has to place, or to invite to consent first."""
    placed = {m.id for match in matches(program, "accepted") for m in match.members}
    return [s for s in signups(program, "accepted") if s.id not in placed]


def figures(program: Program, rows: list[dict], ended: Sequence[Match] = ()) -> dict:
    """The program's figures: matches formed (those under way, `rows` of follow_up, and
    those `ended` since: the report counts both, as it counts their meetings), still
    meeting, meetings, satisfaction, contracts."""
    entries = list(db.session.scalars(select(CheckIn).join(Match, Match.id == CheckIn.match_id)
                                      .where(Match.program_id == program.id)))
    formed = [r["match"] for r in rows] + list(ended)
    return {"matches": len(formed), "trios": sum(1 for match in formed if match.employer_id),
            "active": sum(1 for r in rows if not r["inactive"]), "meetings": len(entries),
            "satisfaction": round(sum(e.satisfaction for e in entries) / len(entries), 1) if entries else None,
            "contracts": sum(1 for r in rows if r["contract"]["complete"])}


# Each member's email and phone beside their name: the sheet is the coordinator's call
# list (the sign-up export, coordinators only too, holds the same details).
MATCH_COLUMNS = ["match", "kind", "student", "student_email", "student_phone", "citizen", "citizen_email",
                 "citizen_phone", "employer", "employer_email", "employer_phone", "score", "contract_confirmed",
                 "meetings", "last_meeting", "next_follow_up", "mean_satisfaction", "inactive"]


def match_rows(program: Program, weeks: int = INACTIVE_WEEKS) -> tuple[list[str], list[list]]:
    """One line per accepted match, for the coordinator's spreadsheet."""
    rows = []
    for r in follow_up(program, weeks):
        match = r["match"]
        scores = [c.satisfaction for c in check_ins(match)]
        people = [[p.name, p.email, p.phone] if p else ["", "", ""]
                  for p in (match.student, match.citizen, match.employer)]
        rows.append([match.id, match.kind, *people[0], *people[1], *people[2], match.score,
                     r["contract"]["complete"], len(scores), r["last"], match.next_follow_up,
                     round(sum(scores) / len(scores), 1) if scores else "", r["inactive"]])
    return MATCH_COLUMNS, rows


# --- events ----------------------------------------------------------------------

def create_event(program: Program, kind: str, title: str, held_on: date | None, place: str = "") -> Event:
    title = " ".join((title or "").split())[:200]
    if kind not in EVENT_KINDS:
        raise JumelageRefused("event_kind")
    if not title or held_on is None:
        raise JumelageRefused("event_incomplete")
    event = Event(program_id=program.id, kind=kind, title=title, held_on=held_on,
                  place=" ".join((place or "").split())[:200])
    db.session.add(event)
    db.session.commit()
    return event


def events(program: Program) -> list[Event]:
    return list(db.session.scalars(select(Event).where(Event.program_id == program.id)
                                   .order_by(Event.held_on.desc(), Event.id.desc())))


def event_of(program: Program, event_id: int) -> Event | None:
    event = db.session.get(Event, event_id)
    return event if event and event.program_id == program.id else None


def invite(event: Event, roles: list[str], matched_only: bool = False) -> int:
    """Invite the accepted people of these roles (only those in an accepted match, if asked); never twice."""
    program = db.session.get_one(Program, event.program_id)
    already = {i.signup_id for i in invitations(event)}
    placed = {m.id for match in matches(program, "accepted") for m in match.members}
    added = 0
    for signup in signups(program, "accepted"):
        if not signup.consent_text:  # invited from a list, not consented yet: nothing is sent to them
            continue
        if signup.role in roles and signup.id not in already and (not matched_only or signup.id in placed):
            db.session.add(Invitation(event_id=event.id, signup_id=signup.id))
            added += 1
    db.session.commit()
    return added


def invitations(event: Event) -> list[Invitation]:
    return list(db.session.scalars(select(Invitation).where(Invitation.event_id == event.id)
                                   .order_by(Invitation.id)))


def invited_to(signup: Signup) -> list[Event]:
    """The events a person is invited to, soonest last."""
    return list(db.session.scalars(select(Event).join(Invitation, Invitation.event_id == Event.id)
                                   .where(Invitation.signup_id == signup.id).order_by(Event.held_on, Event.id)))


def record_attendance(event: Event, present: set[int]) -> int:
    """Who came, ticked on the list of the invited."""
    came = 0
    for invitation in invitations(event):
        invitation.attended = invitation.signup_id in present
        came += invitation.attended
    db.session.commit()
    return came


# --- evaluation ------------------------------------------------------------------

EVALUATION_WEEKS = 4  # the evaluation opens this many weeks before the program's last day


def evaluation_window(program: Program, today: date | None = None) -> dict:
    """Whether members may evaluate now: in the program's last EVALUATION_WEEKS
    weeks and after its end, or earlier if the coordinator opened it. Without
    an end date, only the coordinator opens it."""
    today = today or dates.today()
    opens_on = program.ends_on - timedelta(weeks=EVALUATION_WEEKS) if program.ends_on else None
    return {"open": program.evaluation_open or (opens_on is not None and today >= opens_on), "opens_on": opens_on}


def set_schedule(program: Program, ends_on: date | None, evaluation_open: bool) -> None:
    """The program's last day (retention and evaluation count from it) and an early evaluation."""
    program.ends_on, program.evaluation_open = ends_on, evaluation_open
    db.session.commit()


def answer_survey(signup: Signup, overall: int | None, impacts: str, helped: str, hindered: str,
                  today: date | None = None) -> SurveyAnswer:
    """A member's evaluation, while it is open; answering again replaces the earlier answer."""
    if not evaluation_window(db.session.get_one(Program, signup.program_id), today)["open"]:
        raise JumelageRefused("evaluation_closed")
    if overall is None or overall not in range(1, 6):
        raise JumelageRefused("satisfaction_required")
    answer = survey_of(signup) or SurveyAnswer(program_id=signup.program_id, signup_id=signup.id)
    answer.overall = overall
    answer.impacts, answer.helped, answer.hindered = ((t or "").strip()[:2000] for t in (impacts, helped, hindered))
    answer.answered_at = dates.utcnow()
    db.session.add(answer)
    db.session.commit()
    return answer


def survey_of(signup: Signup) -> SurveyAnswer | None:
    return db.session.scalar(select(SurveyAnswer).where(SurveyAnswer.signup_id == signup.id))


def evaluation_field(answers: list[SurveyAnswer], roles: dict[int, str]) -> dict:
    """What helped and what got in the way, weighed as a force field
    (analysis/forcefield.py): each answer's "helped" is a driving force and its
    "hindered" a restraining one. The survey asks no strength per force, so a
    force's strength is what its author's overall mark says of it: what helped
    someone who found the jumelage very useful (5) pushes harder, and what got
    in the way of someone who found it not useful (1) holds back harder (6 − mark)."""
    posted, said = [], {}
    for n, answer in enumerate(answers):
        for offset, side, text, strength in ((0, forcefield.DRIVING, answer.helped, answer.overall),
                                             (1, forcefield.RESTRAINING, answer.hindered, 6 - answer.overall)):
            if text:
                said[2 * n + offset] = (roles.get(answer.signup_id, ""), text)
                posted.append(forcefield.Posted(id=2 * n + offset, side=side, strength=strength))
    field = forcefield.aggregate(posted, len(answers))
    return {"driving": [(said[f.id], f) for f in field.driving],
            "restraining": [(said[f.id], f) for f in field.restraining],
            "driving_sum": field.driving_sum, "restraining_sum": field.restraining_sum, "balance": field.balance}


def report(program: Program) -> dict:
    """The program report: figures, retention, the evaluation's impacts and its
    driving and restraining forces (what helped, what hindered), by role."""
    rows, ended = follow_up(program), matches(program, "ended")
    answers = list(db.session.scalars(select(SurveyAnswer).where(SurveyAnswer.program_id == program.id)
                                      .order_by(SurveyAnswer.id)))
    roles = {s.id: s.role for s in signups(program)}
    accepted = sum(1 for s in signups(program, "accepted"))
    # Everyone the program matched, in a match under way or ended since (an evaluation counts both).
    placed = {m.id for match in [r["match"] for r in rows] + ended for m in match.members}
    counted = figures(program, rows, ended)
    return {"figures": counted, "signups": len(roles), "accepted": accepted,
            "placed": len(placed), "unplaced": unplaced(program), "answers": len(answers),
            "overall": round(sum(a.overall for a in answers) / len(answers), 1) if answers else None,
            # Of the matches formed, the share still meeting: an ended match is not retained.
            "retention": round(100 * counted["active"] / counted["matches"]) if counted["matches"] else None,
            "impacts": [(roles.get(a.signup_id, ""), a.impacts) for a in answers if a.impacts],
            "helped": [(roles.get(a.signup_id, ""), a.helped) for a in answers if a.helped],
            "hindered": [(roles.get(a.signup_id, ""), a.hindered) for a in answers if a.hindered],
            "field": evaluation_field(answers, roles)}


# --- Law 25 ---------------------------------------------------------------------

EXPORT_FIELDS = ("role", "name", "email", "phone", "languages", "french_level", "interests", "field", "place",
                 "slots", "goals", "group_size", "meetings_per_month", "constraints", "capacity", "status",
                 "status_message", "language")


def export_person(signup: Signup) -> dict:
    """Everything kept about one person, with the consent they gave and their matches."""
    data = {key: getattr(signup, key) for key in EXPORT_FIELDS}
    program = db.session.get_one(Program, signup.program_id)
    data.update(program=program.name, consent_text=signup.consent_text,
                consent_at=dates.stamped(signup.consent_at), signed_up_at=dates.stamped(signup.created_at),
                matches=[{"kind": m.kind, "status": m.status, "with": [x.name for x in m.members if x.id != signup.id]}
                         for m in db.session.scalars(select(Match).where(_involving(signup.id))).unique()],
                check_ins=[{"met_on": c.met_on.isoformat(), "what": c.what, "satisfaction": c.satisfaction,
                            "note": c.note} for c in db.session.scalars(select(CheckIn)
                                                                         .where(CheckIn.signup_id == signup.id))],
                evaluation=({"overall": answer.overall, "impacts": answer.impacts, "helped": answer.helped,
                             "hindered": answer.hindered} if (answer := survey_of(signup)) else None),
                exported_at=datetime.now(dates.zone()).isoformat(timespec="seconds"))
    return data


def erase(signup: Signup) -> dict[str, int]:
    """Gone for good: the sign-up, its confirmations, its never-together pairs
    and the duos it was in with their contract and check-ins (the duo no
    longer exists); a trio it was the employer of becomes a duo, and the
    check-ins it wrote there stay without its name. Returns how many of each
    went (matches formed, meetings, evaluation, invitations, never-together
    pairs) and how many trios go on as duos, for the coordinator's confirmation."""
    gone = select(Match.id).where(or_(Match.student_id == signup.id, Match.citizen_id == signup.id))

    def count(query) -> int:
        return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0

    erased = {
        "matches": count(gone.where(Match.status != "proposed")),  # a proposal is redrawn at the next run
        "meetings": count(select(CheckIn.id).where(CheckIn.match_id.in_(gone))),
        "evaluation": count(select(SurveyAnswer.id).where(SurveyAnswer.signup_id == signup.id)),
        "invitations": count(select(Invitation.id).where(Invitation.signup_id == signup.id)),
        "never": count(select(NeverTogether.id).where(or_(NeverTogether.first_id == signup.id,
                                                          NeverTogether.second_id == signup.id))),
        "trios_left": count(select(Match.id).where(Match.employer_id == signup.id, Match.status != "proposed")),
    }
    db.session.execute(delete(Confirmation).where(Confirmation.signup_id == signup.id))
    db.session.execute(delete(Invitation).where(Invitation.signup_id == signup.id))
    db.session.execute(delete(SurveyAnswer).where(SurveyAnswer.signup_id == signup.id))
    for entry in db.session.scalars(select(CheckIn).where(CheckIn.signup_id == signup.id)):
        entry.signup_id = None
    db.session.execute(delete(CheckIn).where(CheckIn.match_id.in_(gone)))
    db.session.execute(delete(Confirmation).where(Confirmation.match_id.in_(gone)))
    db.session.execute(delete(NeverTogether).where(or_(NeverTogether.first_id == signup.id,
                                                       NeverTogether.second_id == signup.id)))
    for match in db.session.scalars(select(Match).where(Match.employer_id == signup.id)):
        match.employer_id = None
    db.session.execute(delete(Match).where(or_(Match.student_id == signup.id, Match.citizen_id == signup.id)))
    db.session.delete(signup)
    db.session.commit()
    return erased


# --- retention ---------------------------------------------------------------------

def add_months(day: date, months: int) -> date:
    """The same day `months` later, or the month's last day (31 Jan + 1 = 28/29 Feb)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def purge_date(program: Program) -> date | None:
    """The first day nothing personal of the program may be kept any more.

    The consent text says a sign-up "is kept N months after the program ends,
    then erased": so every sign-up of the program (whatever its status, matched
    or not, invited or consented) is erased on the day after its last day plus
    `retention_months` months, with everything tied to it (matches, contracts,
    meetings, invitations, evaluations; see `erase`). A program without an end
    date has not ended: nothing is purged until the coordinator gives one. The
    program itself, its events and its name stay: they name nobody."""
    if program.ends_on is None:
        return None
    return add_months(program.ends_on, program.retention_months) + timedelta(days=1)


def erases_at_once(program: Program, ends_on: date | None, today: date | None = None) -> bool:
    """Whether this last day would put every sign-up past its retention already
    (a year typed wrong): the next daily purge would erase them all."""
    return ends_on is not None and (
        add_months(ends_on, program.retention_months) + timedelta(days=1) <= (today or dates.today()))


def due_for_purge(program: Program, today: date | None = None) -> list[Signup]:
    when = purge_date(program)
    if when is None or (today or dates.today()) < when:
        return []
    return signups(program)


def purge_expired(program: Program, today: date | None = None) -> int:
    """Erase the sign-ups kept past the retention period the consent promised (see purge_date)."""
    expired = due_for_purge(program, today)
    for signup in expired:
        erase(signup)
    return len(expired)


def purge_all(today: date | None = None) -> dict[str, int]:
    """Every program's expired sign-ups: what the daily command runs."""
    return {program.name: count for program in programs() if (count := purge_expired(program, today))}


# --- privacy search -------------------------------------------------------------------

def find_people(program: Program, query: str, limit: int = 20) -> list[Signup]:
    """The program's sign-ups whose name or email holds the words typed (accents and case ignored)."""
    wanted = folded(query).split()
    if not wanted:
        return []
    found = [s for s in signups(program) if all(w in folded(f"{s.name} {s.email}") for w in wanted)]
    return found[:limit]


# An organisation's "interests" is free text: here they are leisure codes, so
# their column has its own code and the export writes them in words.
CSV_COLUMNS = ["id", *("leisure" if k == "interests" else k for k in EXPORT_FIELDS), "created_at"]


def signup_rows(program: Program) -> tuple[list[str], list[list]]:
    return CSV_COLUMNS, [[s.id, *(getattr(s, k) for k in EXPORT_FIELDS), s.created_at and dates.local(s.created_at)]
                         for s in signups(program)]
