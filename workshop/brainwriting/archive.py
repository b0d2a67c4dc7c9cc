"""Brainwriting's part of the workshop's JSON archive (the document is described
in workshop/reports/archive.py): the source question, rounds, who was handed
which idea, and the builds with their moderation and promotion."""

from __future__ import annotations

from sqlalchemy import select

from workshop import kinds
from workshop.brainwriting.models import MAX_BUILD_LENGTH, NOTE_KINDS, Brainwriting, Build, Serve
from workshop.extensions import db
from workshop.reports.archive import ImportProblem, _dated, _flag, _list, _ref, _text, _ts, _whole
from workshop.reports.archive_parts import one_of, sender
from workshop.workshops.models import Activity


def export(activity: Activity, refs, names: bool) -> dict:
    bw = db.session.scalar(select(Brainwriting).where(Brainwriting.activity_id == activity.id))
    if bw is None:
        return {"brainwriting": None}
    serves = db.session.scalars(select(Serve).where(Serve.brainwriting_id == bw.id)
                                .order_by(Serve.round_no, Serve.participant_id))
    builds = db.session.scalars(select(Build).where(Build.brainwriting_id == bw.id).order_by(Build.id))
    return {"brainwriting": {
        "source": refs.activities[bw.source_activity_id], "round_minutes": bw.round_minutes,
        "round_no": bw.round_no,
        "serves": [{"participant": refs.participants[s.participant_id], "idea": refs.ideas[s.idea_id],
                    "round": s.round_no} for s in serves],
        "builds": [{"participant": refs.participants[b.participant_id], "idea": refs.ideas[b.idea_id],
                    "round": b.round_no, "kind": b.kind, "text": b.text, "submission_key": b.submission_key,
                    "hidden": b.hidden, "promoted_idea": refs.ideas.get(b.promoted_idea_id),
                    "created_at": _ts(b.created_at)} for b in builds],
    }}


def restore(importer, activity: Activity, entry: dict) -> None:
    source = _ref(importer.activities, entry["source"], "brainwriting.source")
    if source.kind != kinds.IDEAS:
        raise ImportProblem("brainwriting.source")
    bw = Brainwriting(activity_id=activity.id, source_activity_id=source.id,
                      round_minutes=_whole(entry["round_minutes"], "brainwriting.round_minutes", 1, 60),
                      round_no=_whole(entry["round_no"], "brainwriting.round_no"))
    db.session.add(bw)
    db.session.flush()
    served, rounds = set(), set()
    for item in _list(entry["serves"], "brainwriting.serves"):
        person = _ref(importer.people, item["participant"], "brainwriting.serves.participant")
        idea = _ref(importer.ideas, item["idea"], "brainwriting.serves.idea")
        round_no = _whole(item["round"], "brainwriting.serves.round")
        if (person.id, idea.id) in served or (person.id, round_no) in rounds:
            raise ImportProblem("brainwriting.serves.duplicate")
        served.add((person.id, idea.id))
        rounds.add((person.id, round_no))
        db.session.add(Serve(brainwriting_id=bw.id, participant_id=person.id, idea_id=idea.id, round_no=round_no))
    keys: set[tuple[int, str]] = set()
    for item in _list(entry["builds"], "brainwriting.builds"):
        person, key = sender(importer, item, keys, "brainwriting.builds")
        kind = one_of(item["kind"], NOTE_KINDS, "brainwriting.builds.kind")
        promoted = _ref(importer.ideas, item.get("promoted_idea"), "brainwriting.builds.promoted_idea",
                        optional=True)
        note = Build(brainwriting_id=bw.id, participant_id=person.id, kind=kind,
                     idea_id=_ref(importer.ideas, item["idea"], "brainwriting.builds.idea").id,
                     round_no=_whole(item["round"], "brainwriting.builds.round"),
                     text=_text(item["text"], MAX_BUILD_LENGTH, "brainwriting.builds.text"), submission_key=key,
                     hidden=_flag(item["hidden"], "brainwriting.builds.hidden"),
                     promoted_idea_id=promoted.id if promoted else None)
        db.session.add(_dated(note, item.get("created_at"), "brainwriting.builds.created_at"))
