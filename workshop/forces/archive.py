"""The force field's part of the workshop's JSON archive (the document is
described in workshop/reports/archive.py): subject, forces, merges, groups,
"+1"s, impacts (the group they affect by name, null for everyone)."""

from __future__ import annotations

from sqlalchemy import select

from workshop.extensions import db
from workshop.forces import models  # its limits
from workshop.forces.logic import EFFECTS, SIDES, STRENGTHS, forces_of, impacts_of
from workshop.forces.models import Force, ForceAgreement, ForceField, ForceImpact
from workshop.reports.archive import ImportProblem, _dated, _flag, _list, _ref, _text, _ts, _unique, _whole
from workshop.reports.archive_parts import one_of, sender
from workshop.reports.logic import RefMap
from workshop.workshops.models import Activity


def export(activity: Activity, refs, names: bool) -> dict:
    field = db.session.scalar(select(ForceField).where(ForceField.activity_id == activity.id))
    if field is None:
        return {"forces": None}
    rows = forces_of(field)
    ref: RefMap = {force.id: f"F{n}" for n, force in enumerate(rows, start=1)}
    agreements: dict[int, list[str]] = {}
    for force_id, pid in db.session.execute(
            select(ForceAgreement.force_id, ForceAgreement.participant_id)
            .where(ForceAgreement.force_id.in_(list(ref))).order_by(ForceAgreement.id)):
        agreements.setdefault(force_id, []).append(refs.participants[pid])
    return {"forces": {
        "subject": field.subject, "project": refs.projects.get(field.project_id),
        "forces": [{"ref": ref[f.id], "participant": refs.participants[f.participant_id], "side": f.side,
                    "strength": f.strength, "text": f.text, "explanation": f.explanation,
                    "submission_key": f.submission_key, "hidden": f.hidden,
                    "merged_into": ref.get(f.merged_into_id), "theme": f.theme,
                    "agreed_by": agreements.get(f.id, []),
                    "created_at": _ts(f.created_at)} for f in rows],
        "impacts": [{"participant": refs.participants[i.participant_id], "effect": i.effect, "text": i.text,
                     "group": i.group.name if i.group else None, "submission_key": i.submission_key,
                     "hidden": i.hidden, "created_at": _ts(i.created_at)} for i in impacts_of(field)],
    }}


def restore(importer, activity: Activity, entry: dict) -> None:
    project = _ref(importer.projects, entry.get("project"), "forces.project", optional=True)
    field = ForceField(activity_id=activity.id, subject=_text(entry["subject"], 5000, "forces.subject"),
                       project_id=project.id if project else None)
    db.session.add(field)
    db.session.flush()
    made: dict[str, Force] = {}
    merges = []
    keys: set[tuple[int, str]] = set()
    for item in _list(entry["forces"], "forces.forces"):
        person, key = sender(importer, item, keys, "forces")
        force = Force(field_id=field.id, participant_id=person.id, side=one_of(item["side"], SIDES, "forces.side"),
                      strength=_whole(item["strength"], "forces.strength", STRENGTHS.start, STRENGTHS.stop - 1),
                      text=_text(item["text"], models.MAX_FORCE_LENGTH, "forces.text"),
                      explanation=_text(item.get("explanation", ""), models.MAX_EXPLANATION_LENGTH, "forces.explanation",
                                        empty=True),
                      submission_key=key, hidden=_flag(item["hidden"], "forces.hidden"),
                      theme=_text(item.get("theme") or "", models.MAX_THEME_LENGTH, "forces.theme", empty=True) or None)
        db.session.add(_dated(force, item.get("created_at"), "forces.created_at"))
        _unique(made, item["ref"], force, "forces.ref")
        merges.append((force, item.get("merged_into"), _list(item.get("agreed_by", []), "forces.agreed_by")))
    db.session.flush()
    merged_into_of = {force.id: into for force, into, _agreed in merges}
    for force, into, agreed_by in merges:
        target = _ref(made, into, "forces.merged_into", optional=True)
        if target is not None:
            # The app merges into a kept force only: no chains, so no cycles.
            if target is force or target.side != force.side or merged_into_of.get(target.id):
                raise ImportProblem("forces.merged_into")
            force.merged_into_id = target.id
        people = [_ref(importer.people, who, "forces.agreed_by").id for who in agreed_by]
        if len(set(people)) != len(people):
            raise ImportProblem("forces.agreed_by")
        db.session.add_all(ForceAgreement(force_id=force.id, participant_id=pid) for pid in people)
    _restore_impacts(importer, field, entry.get("impacts", []))


def _restore_impacts(importer, field: ForceField, impacts) -> None:
    keys: set[tuple[int, str]] = set()
    for item in _list(impacts, "forces.impacts"):
        person, key = sender(importer, item, keys, "forces.impacts")
        effect = one_of(item["effect"], EFFECTS, "forces.impacts.effect")
        group = _ref(importer.groups, item.get("group"), "forces.impacts.group", optional=True)
        impact = ForceImpact(field_id=field.id, participant_id=person.id, effect=effect,
                             text=_text(item["text"], models.MAX_IMPACT_LENGTH, "forces.impacts.text"),
                             group_id=group.id if group else None, submission_key=key,
                             hidden=_flag(item["hidden"], "forces.impacts.hidden"))
        db.session.add(_dated(impact, item.get("created_at"), "forces.impacts.created_at"))
