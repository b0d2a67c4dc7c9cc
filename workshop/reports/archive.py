"""A whole workshop as one JSON document, and its import.

The document uses the per-workshop references of `logic.refs_of` ("P1", "A1",
"I1"…), never database ids, and never nicknames or contact details unless asked
(`names=True`).

The round trip: `export_json(import_json(export_json(w)))` equals
`export_json(w)` once `round_trip_view` has dropped the parts that name one
database row: the top-level "source" (original workshop id, join code and
owner) and "exported_at". Everything else is restored as it was, timestamps
included: agenda, participants, ideas and themes, projects, voting rounds and
ballots, six-hats subjects with hats worn and comments, cell sign-ups with
members, preferences and logs. Not restored: the running timer, a grouping in
progress and its features cache, the cells' private log links (a restored
workshop gets new ones: an old link must not open the copy) and orphan-project
adoption, which belongs to the coordinator's program, not to one workshop.

Version 1 documents (no hats, no cells, no project descriptions) still import.
"""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from analysis import tally
from workshop.cells.logic import MAX_CAPACITY
from workshop.cells.models import SIGNUP_MODES, Cell, CellLogEntry, CellMember, CellPreference, CellSignup
from workshop.extensions import db
from workshop.hats.logic import HAT_IDS
from workshop.hats.models import HAT_MODES, HatAssignment, HatComment, HatsActivity, HatSubject
from workshop.ideas.models import MAX_IDEA_LENGTH, Idea
from workshop.participants.models import Participant
from workshop.reports.logic import ideas_of, participants_of, projects_of, refs_of
from workshop.themes.models import MAX_LABEL_LENGTH, Theme
from workshop.voting.models import PROJECT_STATUSES, VOTE_KINDS, Ballot, Project, Round, RoundItem
from workshop.workshops.logic import new_join_code, utcnow
from workshop.workshops.models import ACTIVITY_STATES, Activity, StakeholderGroup, Workshop

FORMAT = "atelier-workshop"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
ACTIVITY_KINDS = ("ideas", "vote", "hats", "cells")
MAX_IMPORT_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------- export

def _ts(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _ballot_content(kind: str, content: str, projects: dict[int, str]):
    data = json.loads(content or "null")
    if kind in ("dots", "impact_feasibility"):
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


def _contact(row, names: bool) -> dict:
    """Contact details are personal data: in the document only when names are asked for."""
    return {"contact_consent": row.contact_consent,
            "contact_name": row.contact_name if names else None,
            "contact_email": row.contact_email if names else None}


def _cells(signup: CellSignup, refs, names: bool) -> dict:
    preferences = db.session.scalars(select(CellPreference).where(CellPreference.signup_id == signup.id)
                                     .order_by(CellPreference.participant_id))
    cells = []
    for cell in signup.cells:
        log = db.session.scalars(select(CellLogEntry).where(CellLogEntry.cell_id == cell.id)
                                 .order_by(CellLogEntry.id))
        cells.append({
            "ref": refs.cells[cell.id], "project": refs.projects[cell.project_id], "capacity": cell.capacity,
            "members": [{"participant": refs.participants[m.participant_id], "joined_at": _ts(m.joined_at),
                         **_contact(m, names)} for m in cell.members],
            "log": [{"author": entry.author if names else None, "body": entry.body,
                     "created_at": _ts(entry.created_at)} for entry in log],
        })
    return {"mode": signup.mode, "assigned": signup.assigned, "show_nicknames": signup.show_nicknames,
            "cells": cells,
            "preferences": [{"participant": refs.participants[p.participant_id],
                             "ranking": [refs.cells[int(c)] for c in json.loads(p.ranking or "[]")],
                             **_contact(p, names)} for p in preferences]}


def _activity(activity: Activity, refs, names: bool) -> dict:
    entry = {"ref": refs.activities[activity.id], "kind": activity.kind, "prompt": activity.prompt,
             "state": activity.state,
             "themes": [{"ref": refs.themes[t.id], "label": t.label, "created_at": _ts(t.created_at)}
                        for t in activity.themes],
             # Grouped over several questions: its ideas sit in that activity's themes.
             "grouped_into": refs.activities.get(activity.grouped_into_id)}
    if activity.kind == "vote" and activity.round is not None:
        entry["round"] = _round(activity.round, refs)
    if activity.kind == "hats":
        hats = db.session.scalar(select(HatsActivity).where(HatsActivity.activity_id == activity.id))
        entry["hats"] = _hats(hats, refs) if hats else None
    if activity.kind == "cells":
        signup = db.session.scalar(select(CellSignup).where(CellSignup.activity_id == activity.id))
        entry["cells"] = _cells(signup, refs, names) if signup else None
    return entry


def export_json(workshop: Workshop, names: bool = False) -> dict:
    """The whole workshop as a document `import_json` restores (see the module's docstring)."""
    refs = refs_of(workshop)
    groups = {g.id: g.name for g in workshop.groups}
    current = workshop.current_activity_id
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": _ts(utcnow()),
        "source": {"workshop_id": workshop.id, "join_code": workshop.join_code,
                   "owner": workshop.owner.email if workshop.owner else None},
        "names_included": names,
        "workshop": {"title": workshop.title, "language": workshop.language,
                     "show_names_on_projector": workshop.show_names_on_projector,
                     "created_at": _ts(workshop.created_at),
                     "current_activity": refs.activities.get(current) if current else None},
        "groups": [g.name for g in workshop.groups],
        "participants": [{"ref": refs.participants[p.id], "nickname": p.nickname if names else None,
                          "group": groups.get(p.group_id), "language": p.language,
                          "joined_at": _ts(p.joined_at)} for p in participants_of(workshop)],
        "activities": [_activity(a, refs, names) for a in workshop.activities],
        "ideas": [{"ref": refs.ideas[i.id], "activity": refs.activities[i.activity_id],
                   "participant": refs.participants[i.participant_id], "submission_key": i.submission_key,
                   "text": i.text, "original_text": i.original_text, "hidden": i.hidden,
                   "merged_into": refs.ideas.get(i.merged_into_id), "theme": refs.themes.get(i.theme_id),
                   "theme_position": i.theme_position, "created_at": _ts(i.created_at)}
                  for i in ideas_of(workshop)],
        "projects": [{"ref": refs.projects[p.id], "title": p.title, "description": p.description,
                      "needs": p.needs, "idea": refs.ideas.get(p.idea_id),
                      "theme": refs.themes.get(p.theme_id), "status": p.status, "created_at": _ts(p.created_at)}
                     for p in projects_of(workshop)],
    }


def round_trip_view(document: dict) -> dict:
    """The part of an export that a round trip keeps identical."""
    return {k: v for k, v in document.items() if k not in ("source", "exported_at")}


# --------------------------------------------------------------------------- import

class ImportProblem(ValueError):
    """The document cannot be restored; nothing was stored. `detail` says where."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _text(value, limit: int, where: str, *, empty: bool = False) -> str:
    from workshop.security import clean_field

    if isinstance(value, str):
        value = clean_field(value)  # NUL and control characters, as at every form's edge
    if not isinstance(value, str) or len(value) > limit or (not empty and not value.strip()):
        raise ImportProblem(where)
    return value


def _breathe(count: int) -> None:
    """Every few hundred rows, let the server answer others (a pause of zero yields under gevent)."""
    if count % 500 == 0:
        import time

        time.sleep(0)


def _optional_text(value, limit: int, where: str) -> str | None:
    return None if value is None else _text(value, limit, where, empty=True)


def _flag(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise ImportProblem(where)
    return value


def _whole(value, where: str, low: int = 0, high: int = 10**6) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
        raise ImportProblem(where)
    return value


def _moment(value, where: str) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportProblem(where) from None
    return moment.replace(tzinfo=None)


def _dated(row, value, where: str, column: str = "created_at"):
    """Keep the document's timestamp; without one the database's default stands."""
    moment = _moment(value, where)
    if moment:
        setattr(row, column, moment)
    return row


def _list(value, where: str) -> list:
    if not isinstance(value, list):
        raise ImportProblem(where)
    return value


def _ref(table: dict, value, where: str, *, optional: bool = False):
    if value is None and optional:
        return None
    if not isinstance(value, str) or value not in table:
        raise ImportProblem(where)
    return table[value]


def _unique(table: dict, ref, value, where: str) -> None:
    if not isinstance(ref, str) or ref in table:
        raise ImportProblem(where)
    table[ref] = value


def parse(raw: bytes | str) -> dict:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportProblem("too_large")
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ImportProblem("not_json") from None
    except RecursionError:  # nested thousands deep: no export looks like that
        raise ImportProblem("too_deep") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem("format")
    if document.get("version") not in READABLE_VERSIONS:
        raise ImportProblem("version")
    return document


def import_json(document: dict, owner) -> Workshop:
    """Restore an export as a new workshop owned by `owner`, with a new join code.
    All or nothing: on any problem nothing is stored and ImportProblem says where."""
    try:
        workshop = _Restore(document, owner).run()
    except ImportProblem:
        db.session.rollback()
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        db.session.rollback()
        raise ImportProblem("malformed") from None
    db.session.commit()
    return workshop


class _Restore:
    """One import: the document's references mapped to the rows made so far."""

    def __init__(self, doc: dict, owner):
        self.doc, self.owner = doc, owner
        self.groups: dict[str, StakeholderGroup] = {}
        self.people: dict[str, Participant] = {}
        self.activities: dict[str, Activity] = {}
        self.themes: dict[str, Theme] = {}
        self.ideas: dict[str, Idea] = {}
        self.projects: dict[str, Project] = {}
        self.rounds: dict[int, Round] = {}
        self.later: list[tuple[Activity, dict]] = []  # contents that need ideas and projects first

    def run(self) -> Workshop:
        self.workshop = self._workshop()
        self._participants()
        self._agenda()
        self._ideas()
        self._projects()
        for activity, entry in self.later:
            if entry.get("round") is not None:
                self._round(activity, entry["round"])
            if entry.get("hats") is not None:
                self._hats(activity, entry["hats"])
            if entry.get("cells") is not None:
                self._cells(activity, entry["cells"])
        current = self.doc["workshop"].get("current_activity")
        if current is not None:
            self.workshop.current_activity_id = _ref(self.activities, current, "workshop.current_activity").id
        db.session.flush()
        return self.workshop

    def _workshop(self) -> Workshop:
        info = self.doc["workshop"]
        if info["language"] not in ("fr", "en"):
            raise ImportProblem("workshop.language")
        workshop = Workshop(title=_text(info["title"], 200, "workshop.title"), language=info["language"],
                            join_code=new_join_code(), owner_id=self.owner.id,
                            show_names_on_projector=_flag(info["show_names_on_projector"], "workshop.show_names"))
        _dated(workshop, info.get("created_at"), "workshop.created_at")
        for position, name in enumerate(_list(self.doc["groups"], "groups")):
            group = StakeholderGroup(name=_text(name, 120, "groups"), position=position)
            _unique(self.groups, name, group, "groups.duplicate")
        workshop.groups = list(self.groups.values())
        db.session.add(workshop)
        db.session.flush()
        return workshop

    def _participants(self) -> None:
        for count, entry in enumerate(_list(self.doc["participants"], "participants"), start=1):
            _breathe(count)
            group = _ref(self.groups, entry.get("group"), "participants.group", optional=True)
            person = Participant(workshop_id=self.workshop.id,
                                 nickname=_optional_text(entry.get("nickname"), 40, "participants.nickname"),
                                 group_id=group.id if group else None,
                                 language=entry.get("language") if entry.get("language") in ("fr", "en") else None)
            _dated(person, entry.get("joined_at"), "participants.joined_at", "joined_at")
            _unique(self.people, entry["ref"], person, "participants.ref")
        db.session.add_all(self.people.values())

    def _agenda(self) -> None:
        for position, entry in enumerate(_list(self.doc["activities"], "activities")):
            kind, state = entry["kind"], entry["state"]
            if kind not in ACTIVITY_KINDS or state not in ACTIVITY_STATES:
                raise ImportProblem("activities.kind")
            for part in ("round", "hats", "cells"):
                if entry.get(part) is not None and kind != {"round": "vote"}.get(part, part):
                    raise ImportProblem(f"activities.{part}")
            activity = Activity(workshop_id=self.workshop.id, position=position, kind=kind, state=state,
                                prompt=_text(entry["prompt"], 5000, "activities.prompt"))
            db.session.add(activity)
            _unique(self.activities, entry["ref"], activity, "activities.ref")
            for theme_position, theme_entry in enumerate(_list(entry["themes"], "themes")):
                theme = Theme(label=_text(theme_entry["label"], MAX_LABEL_LENGTH, "themes.label"),
                              position=theme_position)
                _dated(theme, theme_entry.get("created_at"), "themes.created_at")
                activity.themes.append(theme)
                _unique(self.themes, theme_entry["ref"], theme, "themes.ref")
            self.later.append((activity, entry))
        db.session.flush()
        for activity, entry in self.later:
            if entry.get("grouped_into") is not None:
                owner = _ref(self.activities, entry["grouped_into"], "activities.grouped_into")
                if owner is activity or owner.kind != "ideas" or activity.kind != "ideas":
                    raise ImportProblem("activities.grouped_into")
                activity.grouped_into_id = owner.id
        db.session.flush()

    def _ideas(self) -> None:
        merges = []
        sent = set()  # (participant, submission key): stored once, as the database requires
        for count, entry in enumerate(_list(self.doc["ideas"], "ideas"), start=1):
            _breathe(count)
            key = (entry.get("participant"), entry.get("submission_key"))
            if key in sent:
                raise ImportProblem("ideas.submission_key.duplicate")
            sent.add(key)
            activity = _ref(self.activities, entry["activity"], "ideas.activity")
            theme = _ref(self.themes, entry.get("theme"), "ideas.theme", optional=True)
            if theme is not None and theme.activity_id != (activity.grouped_into_id or activity.id):
                raise ImportProblem("ideas.theme")
            idea = Idea(activity_id=activity.id,
                        participant_id=_ref(self.people, entry["participant"], "ideas.participant").id,
                        submission_key=_text(entry["submission_key"], 64, "ideas.submission_key"),
                        text=_text(entry["text"], MAX_IDEA_LENGTH * 4, "ideas.text"),
                        original_text=_text(entry["original_text"], MAX_IDEA_LENGTH * 4, "ideas.original_text"),
                        hidden=_flag(entry["hidden"], "ideas.hidden"), theme_id=theme.id if theme else None,
                        theme_position=_whole(entry.get("theme_position", 0), "ideas.theme_position"))
            _dated(idea, entry.get("created_at"), "ideas.created_at")
            _unique(self.ideas, entry["ref"], idea, "ideas.ref")
            merges.append((idea, entry.get("merged_into")))
        db.session.add_all(self.ideas.values())
        db.session.flush()
        for idea, target in merges:
            if target is not None:
                joined = _ref(self.ideas, target, "ideas.merged_into")
                if joined is idea or joined.activity_id != idea.activity_id:
                    raise ImportProblem("ideas.merged_into")
                idea.merged_into_id = joined.id

    def _projects(self) -> None:
        for entry in _list(self.doc["projects"], "projects"):
            if entry["status"] not in PROJECT_STATUSES:
                raise ImportProblem("projects.status")
            idea = _ref(self.ideas, entry.get("idea"), "projects.idea", optional=True)
            theme = _ref(self.themes, entry.get("theme"), "projects.theme", optional=True)
            project = Project(workshop_id=self.workshop.id, title=_text(entry["title"], 5000, "projects.title"),
                              description=_text(entry.get("description", ""), 20000, "projects.description",
                                                empty=True),
                              needs=_text(entry.get("needs", ""), 20000, "projects.needs", empty=True),
                              idea_id=idea.id if idea else None, theme_id=theme.id if theme else None,
                              status=entry["status"])
            _dated(project, entry.get("created_at"), "projects.created_at")
            _unique(self.projects, entry["ref"], project, "projects.ref")
        db.session.add_all(self.projects.values())
        db.session.flush()

    def _round(self, activity: Activity, entry: dict) -> None:
        kind = entry["kind"]
        if kind not in VOTE_KINDS:
            raise ImportProblem("round.kind")
        previous_activity = _ref(self.activities, entry.get("previous"), "round.previous", optional=True)
        previous = self.rounds.get(previous_activity.id) if previous_activity else None
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
        items = [_ref(self.projects, ref, "round.items") for ref in _list(entry["items"], "round.items")]
        if len({p.id for p in items}) != len(items):
            raise ImportProblem("round.items")
        round_.items = [RoundItem(project_id=p.id, position=i) for i, p in enumerate(items)]
        db.session.add(round_)
        db.session.flush()
        self.rounds[activity.id] = round_
        rules = tally.RoundRules(items=tuple(p.id for p in items), dots_per_participant=round_.dots_per_participant,
                                 max_dots_per_item=round_.max_dots_per_item, top_k=round_.top_k,
                                 max_approvals=round_.top_k)
        voters = set()
        for ballot_entry in _list(entry["ballots"], "round.ballots"):
            person = _ref(self.people, ballot_entry["participant"], "ballots.participant")
            if person.id in voters:
                raise ImportProblem("ballots.participant")
            voters.add(person.id)
            decoded, encoded = self._ballot(kind, ballot_entry["content"])
            try:
                tally.validate_ballot(kind, decoded, rules)
            except tally.BallotError:
                raise ImportProblem("ballots.content") from None
            ballot = Ballot(round_id=round_.id, participant_id=person.id, content=encoded,
                            version=_whole(ballot_entry.get("version", 1), "ballots.version"))
            db.session.add(_dated(ballot, ballot_entry.get("updated_at"), "ballots.updated_at", "updated_at"))

    def _ballot(self, kind: str, content) -> tuple[object, str]:
        """The ballot with database ids: as the tally reads it, and as it is stored."""
        if kind in ("dots", "impact_feasibility"):
            if not isinstance(content, dict):
                raise ImportProblem("ballots.content")
            decoded = {_ref(self.projects, k, "ballots.content").id:
                       (tuple(v) if kind == "impact_feasibility" else v) for k, v in content.items()}
            return decoded, json.dumps({str(k): list(v) if isinstance(v, tuple) else v for k, v in decoded.items()})
        decoded = [_ref(self.projects, p, "ballots.content").id for p in _list(content, "ballots.content")]
        return decoded, json.dumps(decoded)

    def _hat(self, value, where: str) -> str:
        if value not in HAT_IDS:
            raise ImportProblem(where)
        return value

    def _hats(self, activity: Activity, entry: dict) -> None:
        if entry["mode"] not in HAT_MODES:
            raise ImportProblem("hats.mode")
        hats = HatsActivity(activity_id=activity.id, mode=entry["mode"],
                            sequence_step=_whole(entry["sequence_step"], "hats.sequence_step"),
                            round_no=_whole(entry["round_no"], "hats.round_no"))
        db.session.add(hats)
        db.session.flush()
        subjects: dict[str, HatSubject] = {}
        for position, item in enumerate(_list(entry["subjects"], "hats.subjects")):
            project = _ref(self.projects, item.get("project"), "hats.subject.project", optional=True)
            subject = HatSubject(hats_activity_id=hats.id, title=_text(item["title"], 5000, "hats.subject.title"),
                                 project_id=project.id if project else None, position=position)
            db.session.add(subject)
            db.session.flush()
            _unique(subjects, item["ref"], subject, "hats.subject.ref")
            worn = set()
            for wearing in _list(item["hats_worn"], "hats.hats_worn"):
                person = _ref(self.people, wearing["participant"], "hats.hats_worn.participant")
                round_no = _whole(wearing["round"], "hats.hats_worn.round")
                if (person.id, round_no) in worn:
                    raise ImportProblem("hats.hats_worn.participant")
                worn.add((person.id, round_no))
                db.session.add(HatAssignment(subject_id=subject.id, participant_id=person.id, round_no=round_no,
                                             hat=self._hat(wearing["hat"], "hats.hats_worn.hat")))
            keys = set()
            for note in _list(item["comments"], "hats.comments"):
                person = _ref(self.people, note["participant"], "hats.comments.participant")
                key = _text(note["submission_key"], 64, "hats.comments.submission_key")
                if (person.id, key) in keys:
                    raise ImportProblem("hats.comments.submission_key")
                keys.add((person.id, key))
                comment = HatComment(subject_id=subject.id, participant_id=person.id,
                                     hat=self._hat(note["hat"], "hats.comments.hat"),
                                     text=_text(note["text"], MAX_IDEA_LENGTH * 4, "hats.comments.text"),
                                     submission_key=key, hidden=_flag(note["hidden"], "hats.comments.hidden"))
                db.session.add(_dated(comment, note.get("created_at"), "hats.comments.created_at"))
        current = _ref(subjects, entry.get("current_subject"), "hats.current_subject", optional=True)
        hats.current_subject_id = current.id if current else None

    def _contact(self, row, item: dict, where: str):
        row.contact_consent = _flag(item["contact_consent"], where)
        row.contact_name = _optional_text(item.get("contact_name"), 120, where) if row.contact_consent else None
        row.contact_email = _optional_text(item.get("contact_email"), 254, where) if row.contact_consent else None
        return row

    def _cells(self, activity: Activity, entry: dict) -> None:
        if entry["mode"] not in SIGNUP_MODES:
            raise ImportProblem("cells.mode")
        signup = CellSignup(activity_id=activity.id, mode=entry["mode"],
                            assigned=_flag(entry["assigned"], "cells.assigned"),
                            show_nicknames=_flag(entry["show_nicknames"], "cells.show_nicknames"))
        db.session.add(signup)
        db.session.flush()
        cells: dict[str, Cell] = {}
        members = set()
        for position, item in enumerate(_list(entry["cells"], "cells.cells")):
            capacity = item.get("capacity")
            cell = Cell(signup_id=signup.id, position=position,
                        project_id=_ref(self.projects, item["project"], "cells.project").id,
                        capacity=None if capacity is None else _whole(capacity, "cells.capacity", 1, MAX_CAPACITY))
            db.session.add(cell)
            db.session.flush()
            _unique(cells, item["ref"], cell, "cells.ref")
            for member in _list(item["members"], "cells.members"):
                person = _ref(self.people, member["participant"], "cells.members.participant")
                if person.id in members:
                    raise ImportProblem("cells.members.participant")
                members.add(person.id)
                row = CellMember(signup_id=signup.id, cell_id=cell.id, participant_id=person.id)
                db.session.add(_dated(self._contact(row, member, "cells.members.contact"),
                                      member.get("joined_at"), "cells.members.joined_at", "joined_at"))
            if cell.capacity is not None and len(item["members"]) > cell.capacity:
                raise ImportProblem("cells.capacity")
            for note in _list(item["log"], "cells.log"):
                entry_row = CellLogEntry(cell_id=cell.id, author=_optional_text(note.get("author"), 120,
                                                                                 "cells.log.author") or "",
                                         body=_text(note["body"], 5000, "cells.log.body"))
                db.session.add(_dated(entry_row, note.get("created_at"), "cells.log.created_at"))
        ranked = set()
        for preference in _list(entry["preferences"], "cells.preferences"):
            person = _ref(self.people, preference["participant"], "cells.preferences.participant")
            ranking = [_ref(cells, ref, "cells.preferences.ranking").id
                       for ref in _list(preference["ranking"], "cells.preferences.ranking")]
            if person.id in ranked or not ranking or len(set(ranking)) != len(ranking):
                raise ImportProblem("cells.preferences")
            ranked.add(person.id)
            row = CellPreference(signup_id=signup.id, participant_id=person.id, ranking=json.dumps(ranking))
            db.session.add(self._contact(row, preference, "cells.preferences.contact"))
