"""Six-hats rules: handing hats out (balanced, sequence, rotation, manual),
late joiners, re-balancing, and comments made only under one's own hat."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from analysis import hat_assignment as assign
from workshop import anonymity, dates, kinds
from workshop.extensions import db
from workshop.hats.messages import REFUSALS
from workshop.hats.models import HAT_MODES, HatAssignment, HatComment, HatsActivity, HatSubject
from workshop.ideas.logic import clean_text, kind_row_in, stored_once
from workshop.ideas.models import Idea
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.voting.models import Project
from workshop.workshops.models import Activity, Workshop

HAT_IDS = tuple(hat.value for hat in assign.HATS)


class HatsRejected(Refused):
    """Nothing was changed; `code` says why (workshop/hats/messages.py)."""

    messages = REFUSALS


def create(workshop: Workshop, typed_subjects: list[str], project_ids: list[int], mode: str,
           idea_ids: Sequence[int] = ()) -> HatsActivity:
    """A six-hats activity on projects or ideas of the workshop, and/or typed subjects."""
    if mode not in HAT_MODES:
        raise HatsRejected("bad_mode")
    projects = [db.session.get(Project, pid) for pid in project_ids]
    if any(p is None or p.workshop_id != workshop.id for p in projects):
        raise HatsRejected("unknown_subject")
    ideas = [db.session.get(Idea, iid) for iid in idea_ids]
    if any(i is None or i.activity.workshop_id != workshop.id for i in ideas):
        raise HatsRejected("unknown_subject")
    titles = ([(p.title, p.id) for p in projects if p is not None] + [(i.text, None) for i in ideas if i is not None]
              + [(t.strip(), None) for t in typed_subjects if t.strip()])
    if not titles:
        raise HatsRejected("no_subject")
    position = workshop.end_of_agenda()
    activity = Activity(workshop_id=workshop.id, kind=kinds.HATS, position=position, prompt=titles[0][0][:300])
    db.session.add(activity)
    db.session.flush()
    hats = HatsActivity(activity_id=activity.id, mode=mode)
    hats.subjects = [HatSubject(title=title, project_id=pid, position=i) for i, (title, pid) in enumerate(titles)]
    db.session.add(hats)
    db.session.flush()
    hats.current_subject = hats.subjects[0]
    db.session.commit()
    return hats


def people(hats: HatsActivity) -> list[tuple[int, int | None]]:
    """Everyone still in the workshop (not those who left), with their stakeholder group."""
    return [(pid, group_id) for pid, group_id in db.session.execute(
        select(Participant.id, Participant.group_id).where(Participant.workshop_id == hats.activity.workshop_id,
                                                           Participant.left_at.is_(None))
    )]


def sequence_hat(hats: HatsActivity) -> str:
    """Sequence mode: the hat the whole room wears now."""
    return assign.hat_for_step(hats.sequence_step).value


def assignment(hats: HatsActivity) -> dict[int, str]:
    """Who wears which hat now (current subject and round)."""
    if hats.mode == "sequence":
        hat = sequence_hat(hats)
        return {pid: hat for pid, _group in people(hats)}
    rows = db.session.execute(select(HatAssignment.participant_id, HatAssignment.hat).where(
        HatAssignment.subject_id == hats.current_subject_id, HatAssignment.round_no == hats.round_no)).all()
    return dict(rows)


def _store(hats: HatsActivity, hats_by_participant: Mapping[int, assign.Hat | str]) -> None:
    existing = {row.participant_id: row for row in db.session.scalars(select(HatAssignment).where(
        HatAssignment.subject_id == hats.current_subject_id, HatAssignment.round_no == hats.round_no))}
    for pid, hat in hats_by_participant.items():
        value: str = getattr(hat, "value", hat)
        if pid in existing:
            existing[pid].hat = value
        else:
            db.session.add(HatAssignment(subject_id=hats.current_subject_id, participant_id=pid,
                                         round_no=hats.round_no, hat=value))
    db.session.commit()


def hand_out(hats: HatsActivity) -> None:
    """Give everyone a hat for the current subject, balanced across hats and groups."""
    if hats.mode == "sequence" or assignment(hats):
        return
    _store(hats, assign.balanced(people(hats), seed=f"{hats.current_subject_id}:{hats.round_no}"))


def hat_of(hats: HatsActivity, participant: Participant) -> str:
    """This participant's hat now; a late joiner gets one that keeps the balance."""
    return take_hat(hats, participant)[0]


def take_hat(hats: HatsActivity, participant: Participant) -> tuple[str, bool]:
    """(this participant's hat, whether it was handed out just now to a late joiner)."""
    current = assignment(hats)
    if participant.id in current:
        return current[participant.id], False
    if not hats.activity.is_open:  # a hat is handed out while the room wears them, not after
        raise HatsRejected("closed_no_hat")
    groups = dict(people(hats))
    here = {p: assign.Hat(h) for p, h in current.items() if p in groups}  # those who left count no more
    hat = assign.add_late_joiner(here, groups,
                                 (participant.id, participant.group_id), seed=hats.current_subject_id).value
    db.session.add(HatAssignment(subject_id=hats.current_subject_id, participant_id=participant.id,
                                 round_no=hats.round_no, hat=hat))
    try:
        db.session.commit()
    except IntegrityError:  # the same phone asked twice at once: the other request handed it out
        db.session.rollback()
        return assignment(hats)[participant.id], False
    return hat, True


def advance(hats: HatsActivity) -> None:
    """Sequence mode: the whole room moves to the next hat."""
    if hats.mode != "sequence":
        raise HatsRejected("wrong_mode")
    if hats.sequence_step + 1 >= len(assign.DEFAULT_SEQUENCE):
        raise HatsRejected("sequence_done")
    hats.sequence_step += 1
    db.session.commit()


def next_round(hats: HatsActivity) -> None:
    """Rotation: everyone gets a hat not yet worn on this subject."""
    if hats.mode != "rotation":
        raise HatsRejected("wrong_mode")
    history: dict[int, list] = {}
    for pid, hat in db.session.execute(select(HatAssignment.participant_id, HatAssignment.hat).where(
            HatAssignment.subject_id == hats.current_subject_id).order_by(HatAssignment.round_no)):
        history.setdefault(pid, []).append(assign.Hat(hat))
    new = assign.rotation(history, people(hats), seed=f"{hats.current_subject_id}:{hats.round_no + 1}")
    hats.round_no += 1
    _store(hats, new)


def rebalance(hats: HatsActivity) -> None:
    """Restore the balance (after people left or joined), moving as few as possible."""
    if hats.mode == "sequence":
        raise HatsRejected("wrong_mode")
    present = dict(people(hats))
    current = {p: assign.Hat(h) for p, h in assignment(hats).items() if p in present}
    _store(hats, assign.rebalance(current, present, seed=hats.current_subject_id))


def set_hat(hats: HatsActivity, participant_id: int, hat: str) -> None:
    """Manual mode: the facilitator chooses someone's hat."""
    if hat not in HAT_IDS:
        raise HatsRejected("bad_hat")
    if participant_id not in dict(people(hats)):
        raise HatsRejected("unknown_participant")
    _store(hats, {participant_id: hat})


def switch_subject(hats: HatsActivity, subject_id: int) -> None:
    subject = db.session.get(HatSubject, subject_id)
    if subject is None or subject.hats_activity_id != hats.id:
        raise HatsRejected("unknown_subject")
    hats.current_subject, hats.round_no, hats.sequence_step = subject, 0, 0
    db.session.commit()
    hand_out(hats)


def comment(hats: HatsActivity, participant: Participant, claimed_hat: str, text: str, key: str,
            subject_id: int | None = None):
    """Store a comment under the participant's own current hat; returns (comment, newly_stored).
    `subject_id`: the subject the phone showed. A comment written on one subject and sent
    (or resent after a drop) once the facilitator moved on is refused, not filed under the
    next: in a sequence the same hat often comes up on both."""

    def make(key: str) -> HatComment:
        text_ = clean_text(text)
        db.session.refresh(hats.activity)
        db.session.refresh(hats)
        if not hats.activity.is_open:
            raise HatsRejected("closed")
        if claimed_hat != hat_of(hats, participant) or (subject_id is not None and subject_id != hats.current_subject_id):
            raise HatsRejected("not_your_hat")
        return HatComment(subject_id=hats.current_subject_id, participant_id=participant.id, hat=claimed_hat,
                          text=text_, submission_key=key)

    return stored_once(HatComment, participant, key, make, HatsRejected)


def comments_by_hat(subject: HatSubject, include_hidden: bool = False) -> dict[str, list[HatComment]]:
    query = select(HatComment).where(HatComment.subject_id == subject.id).order_by(HatComment.id)
    if not include_hidden:
        query = query.where(HatComment.hidden.is_(False))
    columns: dict[str, list[HatComment]] = {hat: [] for hat in HAT_IDS}
    for note in db.session.scalars(query):
        columns[note.hat].append(note)
    return columns


def wearers(hats: HatsActivity) -> dict[str, int]:
    """How many of the people still here wear each hat now."""
    present = dict(people(hats))
    counts = {hat: 0 for hat in HAT_IDS}
    for pid, hat in assignment(hats).items():
        counts[hat] += pid in present
    return counts


def comment_in(workshop: Workshop, comment_id: int) -> HatComment:
    note = db.session.get(HatComment, comment_id)
    subject = None if note is None else db.session.get(HatSubject, note.subject_id)
    hats = None if subject is None else db.session.get(HatsActivity, subject.hats_activity_id)
    if note is None or hats is None or hats.activity.workshop_id != workshop.id:
        raise HatsRejected("unknown_comment")
    return note


def set_hidden(note: HatComment, hidden: bool) -> None:
    note.hidden = hidden
    db.session.commit()


EXPORT_COLUMNS = ("subject", "hat", "comment", "group", "created_at", "hidden")


def export_rows(subject: HatSubject) -> tuple[list[str], list[list]]:
    """The subject's hats record, hidden comments included and marked: subject, hat,
    comment, stakeholder group, time. Column codes as the report's hats table."""
    rows = []
    # An anonymous activity's comments name no one, not even by their group.
    named = anonymity.level_of(db.session.get_one(HatsActivity, subject.hats_activity_id).activity) != "anonymous"
    for note in db.session.scalars(select(HatComment).where(HatComment.subject_id == subject.id)
                                   .order_by(HatComment.id)):
        group = note.participant.group.name if named and note.participant.group else ""
        rows.append([subject.title, note.hat, note.text, group,
                     dates.local_text(note.created_at), "yes" if note.hidden else "no"])
    return list(EXPORT_COLUMNS), rows


def export_csv(subject: HatSubject, layout=None) -> str:
    """The subject's record through the one export layer (reports.logic.to_csv):
    formulas neutralised, byte-order mark, the reader's separator and language."""
    from workshop.reports.logic import INTERCHANGE, to_csv  # the reports import this module

    return to_csv(*export_rows(subject), layout or INTERCHANGE)


def hats_of(workshop: Workshop, hats_id: int) -> HatsActivity:
    return kind_row_in(workshop, HatsActivity, hats_id, HatsRejected("unknown_activity"))


def remove_participants(ids: list[int]) -> None:
    """Their comments and the hats they wore go."""
    from sqlalchemy import delete

    for model in (HatComment, HatAssignment):
        db.session.execute(delete(model).where(model.participant_id.in_(ids)))
