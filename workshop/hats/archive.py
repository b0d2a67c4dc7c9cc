"""Six thinking hats' part of the workshop's JSON archive (the document is
described in workshop/reports/archive.py): subjects, hats worn and comments."""

from __future__ import annotations

from sqlalchemy import select

from workshop.extensions import db
from workshop.hats.logic import HAT_IDS
from workshop.hats.models import HAT_MODES, HatAssignment, HatComment, HatsActivity, HatSubject
from workshop.ideas.models import MAX_IDEA_LENGTH
from workshop.reports.archive import ImportProblem, _dated, _flag, _list, _ref, _text, _ts, _unique, _whole
from workshop.reports.archive_parts import one_of, sender
from workshop.workshops.models import Activity


def export(activity: Activity, refs, names: bool) -> dict:
    hats = db.session.scalar(select(HatsActivity).where(HatsActivity.activity_id == activity.id))
    return {"hats": _hats(hats, refs) if hats else None}


def _hats(hats: HatsActivity, refs) -> dict:
    subjects = []
    for subject in hats.subjects:
        worn = db.session.scalars(select(HatAssignment).where(HatAssignment.subject_id == subject.id)
                                  .order_by(HatAssignment.round_no, HatAssignment.participant_id))
        notes = db.session.scalars(select(HatComment).where(HatComment.subject_id == subject.id)
                                   .order_by(HatComment.id))
        subjects.append({
            "ref": refs.subjects[subject.id], "title": subject.title, "project": refs.projects.get(subject.project_id),
            "hats_worn": [{"participant": refs.participants[a.participant_id], "round": a.round_no, "hat": a.hat}
                          for a in worn],
            "comments": [{"participant": refs.participants[c.participant_id], "hat": c.hat, "text": c.text,
                          "submission_key": c.submission_key, "hidden": c.hidden, "created_at": _ts(c.created_at)}
                         for c in notes],
        })
    return {"mode": hats.mode, "sequence_step": hats.sequence_step, "round_no": hats.round_no,
            "current_subject": refs.subjects.get(hats.current_subject_id), "subjects": subjects}


def restore(importer, activity: Activity, entry: dict) -> None:
    hats = HatsActivity(activity_id=activity.id, mode=one_of(entry["mode"], HAT_MODES, "hats.mode"),
                        sequence_step=_whole(entry["sequence_step"], "hats.sequence_step"),
                        round_no=_whole(entry["round_no"], "hats.round_no"))
    db.session.add(hats)
    db.session.flush()
    subjects: dict[str, HatSubject] = {}
    for position, item in enumerate(_list(entry["subjects"], "hats.subjects")):
        project = _ref(importer.projects, item.get("project"), "hats.subject.project", optional=True)
        subject = HatSubject(hats_activity_id=hats.id, title=_text(item["title"], 5000, "hats.subject.title"),
                             project_id=project.id if project else None, position=position)
        db.session.add(subject)
        db.session.flush()
        _unique(subjects, item["ref"], subject, "hats.subject.ref")
        worn = set()
        for wearing in _list(item["hats_worn"], "hats.hats_worn"):
            person = _ref(importer.people, wearing["participant"], "hats.hats_worn.participant")
            round_no = _whole(wearing["round"], "hats.hats_worn.round")
            if (person.id, round_no) in worn:
                raise ImportProblem("hats.hats_worn.participant")
            worn.add((person.id, round_no))
            db.session.add(HatAssignment(subject_id=subject.id, participant_id=person.id, round_no=round_no,
                                         hat=one_of(wearing["hat"], HAT_IDS, "hats.hats_worn.hat")))
        keys: set[tuple[int, str]] = set()
        for note in _list(item["comments"], "hats.comments"):
            person, key = sender(importer, note, keys, "hats.comments")
            comment = HatComment(subject_id=subject.id, participant_id=person.id,
                                 hat=one_of(note["hat"], HAT_IDS, "hats.comments.hat"),
                                 text=_text(note["text"], MAX_IDEA_LENGTH * 4, "hats.comments.text"),
                                 submission_key=key, hidden=_flag(note["hidden"], "hats.comments.hidden"))
            db.session.add(_dated(comment, note.get("created_at"), "hats.comments.created_at"))
    current = _ref(subjects, entry.get("current_subject"), "hats.current_subject", optional=True)
    hats.current_subject_id = current.id if current else None
