"""Cell rules: sign-up first come first served, or ranked preferences then an
assignment (analysis.cell_assignment); members, contacts with consent, logs."""

from __future__ import annotations

import json

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError

from analysis.cell_assignment import assign_cells
from workshop import kinds
from workshop.cells.messages import REFUSALS
from workshop.cells.models import SIGNUP_MODES, Cell, CellLogEntry, CellMember, CellPreference, CellSignup
from workshop.extensions import db
from workshop.ideas.logic import kind_row_in
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.voting.models import Project
from workshop.workshops.models import Activity, Workshop

MAX_CAPACITY = 500


class CellsRejected(Refused):
    """Nothing was changed; `code` says why (workshop/cells/messages.py)."""

    messages = REFUSALS


def create(workshop: Workshop, mode: str, capacity: int | None, show_nicknames: bool = False) -> CellSignup:
    """A sign-up with one cell per retained priority."""
    if mode not in SIGNUP_MODES:
        raise CellsRejected("bad_mode")
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise CellsRejected("bad_capacity")
    priorities = db.session.scalars(select(Project).where(
        Project.workshop_id == workshop.id, Project.status == "priority").order_by(Project.id)).all()
    if not priorities:
        raise CellsRejected("no_priorities")
    position = workshop.end_of_agenda()
    activity = Activity(workshop_id=workshop.id, kind=kinds.CELLS, position=position, prompt="cells")
    db.session.add(activity)
    db.session.flush()
    signup = CellSignup(activity_id=activity.id, mode=mode, show_nicknames=show_nicknames)
    signup.cells = [Cell(project_id=p.id, capacity=capacity, position=i) for i, p in enumerate(priorities)]
    db.session.add(signup)
    db.session.commit()
    return signup


def _contact(consent: bool, name: str, email: str) -> tuple[bool, str | None, str | None]:
    name, email = (name or "").strip()[:120], (email or "").strip()[:254]
    if not consent:
        return False, None, None  # nothing kept without consent
    if email and "@" not in email:
        raise CellsRejected("bad_email")
    return True, name or None, email or None


def _check_open(signup: CellSignup) -> None:
    db.session.refresh(signup.activity)
    if not signup.activity.is_open:
        raise CellsRejected("closed")


def membership(signup: CellSignup, participant: Participant) -> CellMember | None:
    return db.session.scalar(select(CellMember).where(CellMember.signup_id == signup.id,
                                                      CellMember.participant_id == participant.id))


def join(signup: CellSignup, participant: Participant, cell_id: int, consent: bool = False,
         name: str = "", email: str = "") -> CellMember:
    """First come, first served: one cell per phone, never over capacity."""
    if signup.mode != "first_come":
        raise CellsRejected("wrong_mode")
    _check_open(signup)
    cell = next((c for c in signup.cells if c.id == cell_id), None)
    if cell is None:
        raise CellsRejected("unknown_cell")
    if membership(signup, participant) is not None:
        raise CellsRejected("already_member")
    return _seat(signup, cell, participant, _contact(consent, name, email), taken_code="already_member",
                 full_code="full")


def _seat(signup: CellSignup, cell: Cell, participant: Participant, contact: tuple, taken_code: str,
          full_code: str) -> CellMember:
    """Give the participant a seat in the cell, or none: never over capacity, once per sign-up."""
    consent, name, email = contact
    # Lock the cell (PostgreSQL) or take SQLite's write lock with the insert,
    # then count in the same transaction: two phones never take one last seat.
    db.session.execute(select(Cell.id).where(Cell.id == cell.id).with_for_update())
    member = CellMember(signup_id=signup.id, cell_id=cell.id, participant_id=participant.id,
                        contact_consent=consent, contact_name=name, contact_email=email)
    db.session.add(member)
    try:
        db.session.flush()
    except IntegrityError:
        db.session.rollback()
        raise CellsRejected(taken_code) from None
    taken = db.session.execute(select(func.count(CellMember.id)).where(CellMember.cell_id == cell.id)).scalar_one()
    if cell.capacity is not None and taken > cell.capacity:
        db.session.rollback()
        raise CellsRejected(full_code)
    db.session.commit()
    return member


def set_capacity(cell: Cell, capacity: int | None) -> None:
    """Change one cell's capacity (None: no limit); never below its members."""
    if capacity is not None and not 1 <= capacity <= MAX_CAPACITY:
        raise CellsRejected("bad_capacity")
    if capacity is not None and capacity < len(cell.members):
        raise CellsRejected("below_members")
    cell.capacity = capacity
    db.session.commit()


def prefer(signup: CellSignup, participant: Participant, ranking: list[int], consent: bool = False,
           name: str = "", email: str = "") -> CellPreference:
    """Ranked mode: the participant's cells, best first (changeable until assignment)."""
    if signup.mode != "ranked":
        raise CellsRejected("wrong_mode")
    _check_open(signup)
    if signup.assigned:
        raise CellsRejected("already_assigned")
    known = {c.id for c in signup.cells}
    if not ranking or len(set(ranking)) != len(ranking) or not set(ranking) <= known:
        raise CellsRejected("bad_ranking")
    consent, contact_name, contact_email = _contact(consent, name, email)
    row = db.session.scalar(select(CellPreference).where(CellPreference.signup_id == signup.id,
                                                         CellPreference.participant_id == participant.id))
    if row is None:
        row = CellPreference(signup_id=signup.id, participant_id=participant.id)
        db.session.add(row)
    row.ranking, row.contact_consent, row.contact_name, row.contact_email = (json.dumps(ranking), consent,
                                                                             contact_name, contact_email)
    try:
        db.session.commit()
    except IntegrityError:  # the same phone twice at once: the other answer stands
        db.session.rollback()
        raise CellsRejected("busy") from None
    return row


def run_assignment(signup: CellSignup) -> dict:
    """Ranked mode: place everyone who ranked and is still here (someone who left
    the workshop would hold a seat a person in the room needs), within
    capacities, groups mixed."""
    if signup.mode != "ranked":
        raise CellsRejected("wrong_mode")
    if signup.assigned:
        raise CellsRejected("already_assigned")
    rows = db.session.scalars(select(CellPreference).join(Participant, Participant.id == CellPreference.participant_id)
                              .where(CellPreference.signup_id == signup.id, Participant.left_at.is_(None))).all()
    if not rows:
        raise CellsRejected("no_preferences")
    groups = dict(db.session.execute(select(Participant.id, Participant.group_id).where(
        Participant.id.in_([r.participant_id for r in rows]))).all())
    result = assign_cells({r.participant_id: json.loads(r.ranking) for r in rows}, groups,
                          {c.id: c.capacity for c in signup.cells}, seed=signup.id)
    by_participant = {r.participant_id: r for r in rows}
    for participant_id, cell_id in result.cell_by_participant.items():
        row = by_participant[participant_id]
        db.session.add(CellMember(signup_id=signup.id, cell_id=cell_id, participant_id=participant_id,
                                  contact_consent=row.contact_consent, contact_name=row.contact_name,
                                  contact_email=row.contact_email))
    signup.assigned = True
    db.session.commit()
    return {"placed": len(result.cell_by_participant), "unassigned": list(result.unassigned),
            "first_choice": result.stats.choice_counts.get(1, 0)}


def outcome(signup: CellSignup) -> dict:
    """After a ranked assignment: how many were placed, how many got their first
    choice, and who ranked cells but has no place (the facilitator places them)."""
    members = {m.participant_id: m.cell_id for c in signup.cells for m in c.members}
    rankings = {r.participant_id: json.loads(r.ranking) for r in db.session.scalars(
        select(CellPreference).where(CellPreference.signup_id == signup.id))}
    unplaced = [pid for pid in sorted(rankings) if pid not in members]
    people = {p.id: p for p in db.session.scalars(select(Participant).where(Participant.id.in_(unplaced or [-1])))}
    return {"placed": len(members),
            "first_choice": sum(1 for pid, cell_id in members.items() if rankings.get(pid, [None])[0] == cell_id),
            "unplaced": [people[pid] for pid in unplaced if people[pid].left_at is None]}  # gone: no seat to find


def place(signup: CellSignup, participant_id: int, cell_id: int) -> CellMember:
    """The facilitator puts someone in a cell by hand (someone the assignment could not
    place, or who signs up on paper): within capacity, once per sign-up, with the
    contact details they consented to when ranking."""
    participant = db.session.get(Participant, participant_id)
    if participant is None or participant.workshop_id != signup.activity.workshop_id:
        raise CellsRejected("unknown_participant")
    cell = next((c for c in signup.cells if c.id == cell_id), None)
    if cell is None:
        raise CellsRejected("unknown_cell")
    if membership(signup, participant) is not None:
        raise CellsRejected("already_placed")
    preference = db.session.scalar(select(CellPreference).where(CellPreference.signup_id == signup.id,
                                                                CellPreference.participant_id == participant.id))
    contact = ((preference.contact_consent, preference.contact_name, preference.contact_email) if preference
               else (False, None, None))
    return _seat(signup, cell, participant, contact, taken_code="already_placed", full_code="full_for_facilitator")


def preference_of(signup: CellSignup, participant: Participant) -> CellPreference | None:
    """What the participant saved in ranked mode (their order, and the contact details they
    consented to share), or None: the form shows it again, so that changing the order
    does not silently drop the consent."""
    return db.session.scalar(select(CellPreference).where(CellPreference.signup_id == signup.id,
                                                          CellPreference.participant_id == participant.id))


def ranking_of(preference: CellPreference | None) -> list[int]:
    return json.loads(preference.ranking) if preference else []


def add_log(cell: Cell, author: str, body: str) -> CellLogEntry:
    author, body = " ".join((author or "").split())[:120], (body or "").strip()
    if not author or not body:
        raise CellsRejected("empty_log")
    if len(body) > 5000:
        raise CellsRejected("long_log")
    entry = CellLogEntry(cell_id=cell.id, author=author, body=body)
    db.session.add(entry)
    db.session.commit()
    return entry


def log_of(cell: Cell) -> list[CellLogEntry]:
    return list(db.session.scalars(select(CellLogEntry).where(CellLogEntry.cell_id == cell.id)
                                   .order_by(CellLogEntry.id.desc())))


CONTACT_COLUMNS = ("cell", "contact_name", "contact_email", "group")


def contact_rows(cell: Cell) -> tuple[list[str], list[list]]:
    """Members who agreed to share their contact details, and only them."""
    rows = []
    for member in cell.members:
        if member.contact_consent:
            group = member.participant.group.name if member.participant.group else ""
            rows.append([cell.project.title, member.contact_name or "", member.contact_email or "", group])
    return list(CONTACT_COLUMNS), rows


def contacts_csv(cell: Cell, layout=None) -> str:
    """The consenting members' contacts through the one export layer (reports.logic.to_csv):
    a name typed "=HYPERLINK(…)" stays text, accents survive Excel, the reader's separator."""
    from workshop.reports.logic import INTERCHANGE, to_csv  # the reports import this module

    return to_csv(*contact_rows(cell), layout or INTERCHANGE)


def cell_by_token(token: str) -> Cell | None:
    return db.session.scalar(select(Cell).where(Cell.log_token == token))


def signup_of(workshop: Workshop, signup_id: int) -> CellSignup:
    return kind_row_in(workshop, CellSignup, signup_id, CellsRejected("unknown_signup"))


def cell_of(workshop: Workshop, cell_id: int) -> Cell:
    cell = db.session.get(Cell, cell_id)
    if cell is None:
        raise CellsRejected("unknown_cell")
    signup_of(workshop, cell.signup_id)
    return cell


def lineage(cell: Cell) -> tuple[list, list]:
    """The ideas and the six-hats comments that led to the cell's priority."""
    from workshop.voting.logic import project_lineage

    return project_lineage(cell.project)


def remove_participants(ids: list[int]) -> None:
    """Their places in cells and their preferences go."""
    from sqlalchemy import delete

    for model in (CellMember, CellPreference):
        db.session.execute(delete(model).where(model.participant_id.in_(ids)))
