"""A voting round's part of the workshop's JSON archive (the document is
described in workshop/reports/archive.py): its settings, items and ballots."""

from __future__ import annotations

import json

from sqlalchemy import select

from analysis import tally
from workshop.extensions import db
from workshop.reports.archive import ImportProblem, _dated, _flag, _list, _ref, _text, _ts, _whole
from workshop.reports.archive_parts import one_of
from workshop.voting.models import SCORED, VOTE_KINDS, Ballot, Round, RoundItem, VoteKind
from workshop.workshops.models import Activity


def export(activity: Activity, refs, names: bool) -> dict:
    return {"round": _round(activity.round, refs)} if activity.round is not None else {}


def _ballot_content(kind: str, content: str, projects: dict[int, str]):
    data = json.loads(content or "null")
    if kind in SCORED:
        return {projects[int(k)]: v for k, v in (data or {}).items()}
    return [projects[int(p)] for p in (data or [])]


def _round(round_: Round, refs) -> dict:
    previous = db.session.get(Round, round_.previous_round_id) if round_.previous_round_id else None
    ballots = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id).order_by(Ballot.participant_id))
    return {
        "kind": round_.kind, "dots_per_participant": round_.dots_per_participant,
        "max_dots_per_item": round_.max_dots_per_item, "top_k": round_.top_k,
        "impact_label": round_.impact_label, "feasibility_label": round_.feasibility_label,
        "show_live_results": round_.show_live_results,
        "previous": refs.activities.get(previous.activity_id) if previous else None,
        "items": [refs.projects[item.project_id] for item in round_.items],
        "ballots": [{"participant": refs.participants[b.participant_id],
                     "content": _ballot_content(round_.kind, b.content, refs.projects),
                     "version": b.version, "updated_at": _ts(b.updated_at)} for b in ballots],
    }


def restore(importer, activity: Activity, entry: dict) -> None:
    kind = one_of(entry["kind"], VOTE_KINDS, "round.kind")
    previous_activity = _ref(importer.activities, entry.get("previous"), "round.previous", optional=True)
    previous = importer.rounds.get(previous_activity.id) if previous_activity else None
    if previous_activity is not None and previous is None:
        raise ImportProblem("round.previous")
    round_ = Round(activity_id=activity.id, kind=kind,
                   dots_per_participant=_whole(entry["dots_per_participant"], "round.dots", 1, 100),
                   max_dots_per_item=_whole(entry["max_dots_per_item"], "round.max_dots", 1, 100),
                   top_k=_whole(entry["top_k"], "round.top_k", 1, 10**4),
                   impact_label=_text(entry["impact_label"], 40, "round.impact_label", empty=True),
                   feasibility_label=_text(entry["feasibility_label"], 40, "round.feasibility_label", empty=True),
                   show_live_results=_flag(entry["show_live_results"], "round.show_live_results"),
                   previous_round_id=previous.id if previous else None)
    items = [_ref(importer.projects, ref, "round.items") for ref in _list(entry["items"], "round.items")]
    if len({p.id for p in items}) != len(items):
        raise ImportProblem("round.items")
    round_.items = [RoundItem(project_id=p.id, position=i) for i, p in enumerate(items)]
    db.session.add(round_)
    db.session.flush()
    importer.rounds[activity.id] = round_
    rules = tally.RoundRules(items=tuple(p.id for p in items), dots_per_participant=round_.dots_per_participant,
                             max_dots_per_item=round_.max_dots_per_item, top_k=round_.top_k,
                             max_approvals=round_.top_k)
    voters = set()
    for ballot_entry in _list(entry["ballots"], "round.ballots"):
        person = _ref(importer.people, ballot_entry["participant"], "ballots.participant")
        if person.id in voters:
            raise ImportProblem("ballots.participant")
        voters.add(person.id)
        decoded, encoded = _ballot(importer, kind, ballot_entry["content"])
        try:
            tally.validate_ballot(kind, decoded, rules)
        except tally.BallotError:
            raise ImportProblem("ballots.content") from None
        ballot = Ballot(round_id=round_.id, participant_id=person.id, content=encoded,
                        version=_whole(ballot_entry.get("version", 1), "ballots.version"))
        db.session.add(_dated(ballot, ballot_entry.get("updated_at"), "ballots.updated_at", "updated_at"))


def _ballot(importer, kind: str, content) -> tuple[object, str]:
    """The ballot with database ids: as the tally reads it, and as it is stored."""
    if kind in SCORED:
        if not isinstance(content, dict):
            raise ImportProblem("ballots.content")
        decoded = {_ref(importer.projects, k, "ballots.content").id:
                   (tuple(v) if kind == VoteKind.IMPACT_FEASIBILITY else v) for k, v in content.items()}
        return decoded, json.dumps({str(k): list(v) if isinstance(v, tuple) else v for k, v in decoded.items()})
    listed = [_ref(importer.projects, p, "ballots.content").id for p in _list(content, "ballots.content")]
    return listed, json.dumps(listed)
