"""What a session report shows, and a workshop's exports and import.

Exports never carry nicknames unless asked (`names=True`): participants are
pseudonymous, known in every export by a reference that holds within one
workshop only ("P1", "P2"… in the order they joined). Ideas, themes,
activities and projects get references the same way ("I1", "T1", "A1",
"J1"), so the CSV files, the XLSX workbook and the JSON document agree.

The JSON round trip: `export_json(import_json(export_json(w)))` equals
`export_json(w)` once `round_trip_view` has dropped the parts that name one
database row: the top-level "source" (original workshop id, join code and
owner) and "exported_at". Everything else is restored as it was, timestamps
included. Not restored (and so not exported): the running timer, a grouping in
progress, the grouping features cache, and the six-hats and cells activities,
whose content format v1 does not cover yet (their count is in "omitted").
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from analysis import tally
from workshop.extensions import db
from workshop.hats.logic import comments_by_hat
from workshop.hats.models import HatComment, HatsActivity, HatSubject
from workshop.ideas.models import MAX_IDEA_LENGTH, Idea
from workshop.orphans import logic as orphans
from workshop.orphans.models import Adoption
from workshop.participants.models import Participant
from workshop.themes.logic import grouped_wall
from workshop.themes.models import MAX_LABEL_LENGTH, Theme
from workshop.voting.logic import workshop_projects
from workshop.voting.models import PROJECT_STATUSES, VOTE_KINDS, Ballot, Project, Round, RoundItem
from workshop.workshops.logic import new_join_code, utcnow
from workshop.workshops.models import ACTIVITY_STATES, Activity, StakeholderGroup, Workshop

FORMAT = "atelier-workshop"
FORMAT_VERSION = 1
# Activity kinds whose content the JSON format carries; the others are counted in "omitted".
EXPORTED_KINDS = ("ideas", "vote")
MAX_IMPORT_BYTES = 20 * 1024 * 1024
# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


# --------------------------------------------------------------------------- references

@dataclass
class Refs:
    """Per-workshop references: stable across export and import, never database ids."""

    participants: dict[int, str] = field(default_factory=dict)
    activities: dict[int, str] = field(default_factory=dict)
    themes: dict[int, str] = field(default_factory=dict)
    ideas: dict[int, str] = field(default_factory=dict)
    projects: dict[int, str] = field(default_factory=dict)


def _numbered(prefix: str, ids) -> dict[int, str]:
    """References in the given order: the order in which an import recreates the rows."""
    return {id_: f"{prefix}{n}" for n, id_ in enumerate(ids, start=1)}


def exported_activities(workshop: Workshop) -> list[Activity]:
    return [a for a in workshop.activities if a.kind in EXPORTED_KINDS]


def participants_of(workshop: Workshop) -> list[Participant]:
    return list(db.session.scalars(select(Participant).where(Participant.workshop_id == workshop.id)
                                   .order_by(Participant.id)))


def ideas_of(workshop: Workshop) -> list[Idea]:
    return list(db.session.scalars(
        select(Idea).join(Activity, Activity.id == Idea.activity_id)
        .where(Activity.workshop_id == workshop.id).order_by(Idea.id)))


def projects_of(workshop: Workshop) -> list[Project]:
    return list(db.session.scalars(select(Project).where(Project.workshop_id == workshop.id).order_by(Project.id)))


def refs_of(workshop: Workshop) -> Refs:
    activities = exported_activities(workshop)
    return Refs(
        participants=_numbered("P", [p.id for p in participants_of(workshop)]),
        activities=_numbered("A", [a.id for a in activities]),
        themes=_numbered("T", [t.id for a in activities for t in a.themes]),
        ideas=_numbered("I", [i.id for i in ideas_of(workshop)]),
        projects=_numbered("J", [p.id for p in projects_of(workshop)]),
    )


def rounds_of(workshop: Workshop) -> list[Round]:
    return [a.round for a in workshop.activities if a.kind == "vote" and a.round is not None]


# --------------------------------------------------------------------------- the report

@dataclass
class GroupParticipation:
    name: str
    participants: int
    ideas: int
    voters: int


@dataclass
class FunnelStep:
    label: str
    count: int
    kind: str  # "ideas", "round" or "priorities": the chart draws each with its own pattern


@dataclass
class HatsSubjectReport:
    subject: HatSubject
    columns: list[tuple[str, list[HatComment]]]  # all six hats in order, visible comments only

    @property
    def total(self) -> int:
        return sum(len(notes) for _hat, notes in self.columns)


@dataclass
class HatsSection:
    activity: Activity
    subjects: list[HatsSubjectReport]


@dataclass
class ProjectAdoption:
    project: Project
    adoptions: list[Adoption]  # one per organisation it was offered to, oldest offer first


@dataclass
class Report:
    workshop: Workshop
    participants: int
    participation: list[GroupParticipation]
    idea_sections: list[tuple[Activity, list]]  # (activity, grouped_wall pairs)
    rounds: list[Round]
    funnel: list[FunnelStep]
    priorities: list[Project]
    orphan_candidates: list[Project]
    other_projects: list[Project]
    hats_sections: list[HatsSection] = field(default_factory=list)
    adoption: list[ProjectAdoption] = field(default_factory=list)  # orphan candidates, then priorities

    @property
    def hats_comments(self) -> int:
        return sum(subject.total for section in self.hats_sections for subject in section.subjects)

    @property
    def adoptions(self) -> int:
        return sum(len(entry.adoptions) for entry in self.adoption)


def visible_idea_count(workshop: Workshop) -> int:
    return db.session.scalar(
        select(func.count(Idea.id)).join(Activity, Activity.id == Idea.activity_id)
        .where(Activity.workshop_id == workshop.id, Idea.hidden.is_(False), Idea.merged_into_id.is_(None))
    ) or 0


def participation(workshop: Workshop) -> list[GroupParticipation]:
    """People, ideas sent (not hidden) and voters by stakeholder group; no group last."""
    people = participants_of(workshop)
    ideas = [i for i in ideas_of(workshop) if not i.hidden]
    voter_ids = set(db.session.scalars(
        select(Ballot.participant_id).join(Round, Round.id == Ballot.round_id)
        .join(Activity, Activity.id == Round.activity_id).where(Activity.workshop_id == workshop.id)))
    group_of = {p.id: p.group_id for p in people}
    rows = []
    for group_id, name in [(g.id, g.name) for g in workshop.groups] + [(None, _("No group"))]:
        members = [p for p in people if p.group_id == group_id]
        row = GroupParticipation(
            name=name, participants=len(members),
            ideas=sum(1 for i in ideas if group_of.get(i.participant_id) == group_id),
            voters=sum(1 for p in members if p.id in voter_ids),
        )
        if group_id is not None or row.participants:
            rows.append(row)
    return rows


def funnel(workshop: Workshop) -> list[FunnelStep]:
    """Ideas → the candidates of each round → the retained priorities (e.g. 58 → 8 → 3)."""
    steps = [FunnelStep(_("Ideas"), visible_idea_count(workshop), "ideas")]
    for number, round_ in enumerate(rounds_of(workshop), start=1):
        steps.append(FunnelStep(_("Round %(num)d: candidates", num=number), len(round_.items), "round"))
    priorities = [p for p in projects_of(workshop) if p.status == "priority"]
    if priorities:
        steps.append(FunnelStep(_("Priorities"), len(priorities), "priorities"))
    return steps


def hats_activities(workshop: Workshop) -> list[HatsActivity]:
    """The workshop's six-hats activities, in agenda order."""
    order = {a.id: a.position for a in workshop.activities if a.kind == "hats"}
    found = db.session.scalars(select(HatsActivity).where(HatsActivity.activity_id.in_(list(order) or [-1])))
    return sorted(found, key=lambda h: (order[h.activity_id], h.activity_id))


def hats_sections(workshop: Workshop) -> list[HatsSection]:
    """Per six-hats activity and subject, the visible comments under each hat (hidden ones left out)."""
    return [HatsSection(activity=hats.activity,
                        subjects=[HatsSubjectReport(subject, list(comments_by_hat(subject).items()))
                                  for subject in hats.subjects])
            for hats in hats_activities(workshop)]


def adoption_status(projects: list[Project]) -> list[ProjectAdoption]:
    """Where each project's adoption stands: every organisation it was offered to and its stage."""
    ids = [p.id for p in projects]
    by_project: dict[int, list[Adoption]] = {pid: [] for pid in ids}
    if ids:
        for adoption in db.session.scalars(select(Adoption).where(Adoption.project_id.in_(ids))
                                           .order_by(Adoption.id)):
            by_project[adoption.project_id].append(adoption)
    return [ProjectAdoption(p, by_project[p.id]) for p in projects]


def report(workshop: Workshop) -> Report:
    projects = workshop_projects(workshop)
    orphan_candidates = [p for p in projects if p.status == "orphan_candidate"]
    priorities = [p for p in projects if p.status == "priority"]
    return Report(
        workshop=workshop,
        participants=len(participants_of(workshop)),
        participation=participation(workshop),
        idea_sections=[(a, grouped_wall(a)) for a in workshop.activities if a.kind == "ideas"],
        rounds=rounds_of(workshop),
        funnel=funnel(workshop),
        priorities=priorities,
        orphan_candidates=orphan_candidates,
        other_projects=[p for p in projects if p.status == "candidate"],
        hats_sections=hats_sections(workshop),
        adoption=adoption_status(orphan_candidates + priorities),
    )


# --------------------------------------------------------------------------- program view

@dataclass
class ProgramRow:
    workshop: Workshop
    participants: int
    ideas: int
    projects: int
    priorities: int
    orphan_candidates: int
    # Adoption of the workshop's projects, counted as in orphans.logic.figures(): offers made,
    # offers that reached "interested" / "adopted" at some point, and offers now "realised".
    offers: int = 0
    interested: int = 0
    adopted: int = 0
    realised: int = 0


ADOPTION_FIGURES = ("offers", "interested", "adopted", "realised")


def adoption_by_workshop() -> dict[int, dict[str, int]]:
    """Per workshop (through each project's workshop_id), the adoption figures of its projects."""
    counts: dict[int, dict[str, int]] = {}
    for adoption in orphans.all_adoptions():
        reached = {e.stage_to for e in adoption.events}
        row = counts.setdefault(adoption.project.workshop_id, dict.fromkeys(ADOPTION_FIGURES, 0))
        row["offers"] += 1
        row["interested"] += "interested" in reached
        row["adopted"] += "adopted" in reached
        row["realised"] += adoption.stage == "realised"
    return counts


def program() -> list[ProgramRow]:
    """Every workshop, oldest first, with its figures (a few grouped queries, not one per workshop)."""
    workshops = list(db.session.scalars(select(Workshop).order_by(Workshop.created_at, Workshop.id)))
    people = dict(db.session.execute(
        select(Participant.workshop_id, func.count(Participant.id)).group_by(Participant.workshop_id)).all())
    ideas = dict(db.session.execute(
        select(Activity.workshop_id, func.count(Idea.id)).join(Activity, Activity.id == Idea.activity_id)
        .where(Idea.hidden.is_(False), Idea.merged_into_id.is_(None)).group_by(Activity.workshop_id)).all())
    projects: dict[int, dict[str, int]] = {}
    for workshop_id, status, count in db.session.execute(
            select(Project.workshop_id, Project.status, func.count(Project.id))
            .group_by(Project.workshop_id, Project.status)).all():
        projects.setdefault(workshop_id, {})[status] = count
    adoption = adoption_by_workshop()
    return [ProgramRow(
        workshop=w, participants=people.get(w.id, 0), ideas=ideas.get(w.id, 0),
        projects=sum(projects.get(w.id, {}).values()),
        priorities=projects.get(w.id, {}).get("priority", 0),
        orphan_candidates=projects.get(w.id, {}).get("orphan_candidate", 0),
        **adoption.get(w.id, {}),
    ) for w in workshops]


# --------------------------------------------------------------------------- tables (CSV, XLSX)

IDEA_COLUMNS = ("idea", "activity", "text", "original_text", "theme", "hidden", "merged_into",
                "participant", "group", "created_at")
VOTE_COLUMNS = ("round", "round_title", "round_kind", "item", "item_title", "participant", "group", "content")
HATS_COLUMNS = ("activity", "subject", "hat", "comment", "hidden", "participant", "group", "created_at")


def _time(moment: datetime | None) -> str:
    return moment.isoformat(sep=" ", timespec="seconds") if moment else ""


def idea_rows(workshop: Workshop, names: bool = False) -> tuple[list[str], list[list]]:
    """Every idea sent, hidden and merged ones included (the record), oldest first."""
    refs = refs_of(workshop)
    themes = {t.id: t.label for a in workshop.activities for t in a.themes}
    prompts = {a.id: a.prompt for a in workshop.activities}
    people = {p.id: p for p in participants_of(workshop)}
    header = list(IDEA_COLUMNS) + (["nickname"] if names else [])
    rows = []
    for idea in ideas_of(workshop):
        author = people.get(idea.participant_id)
        row = [refs.ideas[idea.id], prompts.get(idea.activity_id, ""), idea.text, idea.original_text,
               themes.get(idea.theme_id, ""), "yes" if idea.hidden else "no",
               refs.ideas.get(idea.merged_into_id, ""), refs.participants.get(idea.participant_id, ""),
               author.group.name if author and author.group else "", _time(idea.created_at)]
        if names:
            row.append((author.nickname or "") if author else "")
        rows.append(row)
    return header, rows


def ballot_cells(kind: str, content: str) -> list[tuple[int, str]]:
    """(project id, what the ballot says about it): dots, place (1 = first), approved, impact/feasibility."""
    data = json.loads(content or "null") or ({} if kind in ("dots", "impact_feasibility") else [])
    if kind == "dots":
        return [(int(k), str(v)) for k, v in data.items()]
    if kind == "impact_feasibility":
        return [(int(k), f"{v[0]}/{v[1]}") for k, v in data.items()]
    if kind == "ranking":
        return [(int(p), str(place)) for place, p in enumerate(data, start=1)]
    return [(int(p), "1") for p in data]


def vote_rows(workshop: Workshop) -> tuple[list[str], list[list]]:
    """One row per ballot and item voted on; content reads: dots given, place in a ranking
    (1 = first), 1 for an approval, "impact/feasibility" scores."""
    refs = refs_of(workshop)
    people = {p.id: p for p in participants_of(workshop)}
    rows = []
    for number, round_ in enumerate(rounds_of(workshop), start=1):
        titles = {item.project_id: item.project.title for item in round_.items}
        ballots = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id).order_by(Ballot.participant_id))
        for ballot in ballots:
            person = people.get(ballot.participant_id)
            for project_id, content in ballot_cells(round_.kind, ballot.content):
                rows.append([number, round_.activity.prompt, round_.kind, refs.projects.get(project_id, ""),
                             titles.get(project_id, ""), refs.participants.get(ballot.participant_id, ""),
                             person.group.name if person and person.group else "", content])
    return list(VOTE_COLUMNS), rows


def hats_rows(workshop: Workshop, names: bool = False) -> tuple[list[str], list[list]]:
    """Every six-hats comment of the workshop, hidden ones included (the record) and marked so:
    by activity in agenda order, subject, then oldest first. The hat is its id ("white"…)."""
    refs = refs_of(workshop)
    people = {p.id: p for p in participants_of(workshop)}
    header = list(HATS_COLUMNS) + (["nickname"] if names else [])
    rows = []
    for hats in hats_activities(workshop):
        for subject in hats.subjects:
            notes = db.session.scalars(select(HatComment).where(HatComment.subject_id == subject.id)
                                       .order_by(HatComment.id))
            for note in notes:
                author = people.get(note.participant_id)
                row = [hats.activity.prompt, subject.title, note.hat, note.text, "yes" if note.hidden else "no",
                       refs.participants.get(note.participant_id, ""),
                       author.group.name if author and author.group else "", _time(note.created_at)]
                if names:
                    row.append((author.nickname or "") if author else "")
                rows.append(row)
    return header, rows


def _safe_cell(value):
    """A participant's text must never become a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def to_csv(header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows([[_safe_cell(v) for v in row] for row in rows])
    # A byte-order mark so that spreadsheets read the accents as UTF-8.
    return "\ufeff" + out.getvalue()


def to_xlsx(workshop: Workshop, names: bool = False) -> bytes:
    """One sheet per CSV export: "ideas", "votes" and "hats"."""
    from openpyxl import Workbook

    book = Workbook()
    book.remove(book.active)
    sheets = (("ideas", idea_rows(workshop, names)), ("votes", vote_rows(workshop)),
              ("hats", hats_rows(workshop, names)))
    for title, (header, rows) in sheets:
        sheet = book.create_sheet(title)
        sheet.append(header)
        for row in rows:
            sheet.append(row)
        for row in sheet.iter_rows(min_row=2):
            for cell in row:
                if cell.data_type == "f":  # text starting with "=": keep it text
                    cell.data_type = "s"
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- JSON export

def _ts(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _ballot_content(kind: str, content: str, projects: dict[int, str]):
    data = json.loads(content or "null")
    if kind in ("dots", "impact_feasibility"):
        return {projects[int(k)]: v for k, v in (data or {}).items()}
    return [projects[int(p)] for p in (data or [])]


def export_json(workshop: Workshop, names: bool = False) -> dict:
    """The whole workshop as a document `import_json` restores (see the module's docstring)."""
    refs = refs_of(workshop)
    groups = {g.id: g.name for g in workshop.groups}
    activities = []
    for activity in exported_activities(workshop):
        entry = {"ref": refs.activities[activity.id], "kind": activity.kind, "prompt": activity.prompt,
                 "state": activity.state,
                 "themes": [{"ref": refs.themes[t.id], "label": t.label, "created_at": _ts(t.created_at)}
                            for t in activity.themes]}
        round_ = activity.round if activity.kind == "vote" else None
        if round_ is not None:
            previous = db.session.get(Round, round_.previous_round_id) if round_.previous_round_id else None
            ballots = db.session.scalars(select(Ballot).where(Ballot.round_id == round_.id)
                                         .order_by(Ballot.participant_id))
            entry["round"] = {
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
        activities.append(entry)
    current = workshop.current_activity_id
    return {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "exported_at": _ts(utcnow()),
        "source": {"workshop_id": workshop.id, "join_code": workshop.join_code,
                   "owner": workshop.owner.email if workshop.owner else None},
        "omitted": {kind: sum(1 for a in workshop.activities if a.kind == kind)
                    for kind in ("hats", "cells") if any(a.kind == kind for a in workshop.activities)},
        "names_included": names,
        "workshop": {"title": workshop.title, "language": workshop.language,
                     "show_names_on_projector": workshop.show_names_on_projector,
                     "created_at": _ts(workshop.created_at),
                     "current_activity": refs.activities.get(current) if current else None},
        "groups": [g.name for g in workshop.groups],
        "participants": [{"ref": refs.participants[p.id], "nickname": p.nickname if names else None,
                          "group": groups.get(p.group_id), "language": p.language,
                          "joined_at": _ts(p.joined_at)} for p in participants_of(workshop)],
        "activities": activities,
        "ideas": [{"ref": refs.ideas[i.id], "activity": refs.activities[i.activity_id],
                   "participant": refs.participants[i.participant_id], "submission_key": i.submission_key,
                   "text": i.text, "original_text": i.original_text, "hidden": i.hidden,
                   "merged_into": refs.ideas.get(i.merged_into_id), "theme": refs.themes.get(i.theme_id),
                   "theme_position": i.theme_position, "created_at": _ts(i.created_at)}
                  for i in ideas_of(workshop) if i.activity_id in refs.activities],
        "projects": [{"ref": refs.projects[p.id], "title": p.title, "idea": refs.ideas.get(p.idea_id),
                      "theme": refs.themes.get(p.theme_id), "status": p.status, "created_at": _ts(p.created_at)}
                     for p in projects_of(workshop)],
    }


def round_trip_view(document: dict) -> dict:
    """The part of an export that a round trip keeps identical."""
    return {k: v for k, v in document.items() if k not in ("source", "exported_at")}


# --------------------------------------------------------------------------- JSON import

class ImportProblem(ValueError):
    """The document cannot be restored; nothing was stored. `detail` says where."""

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


def _text(value, limit: int, where: str, *, empty: bool = False) -> str:
    if not isinstance(value, str) or len(value) > limit or (not empty and not value.strip()):
        raise ImportProblem(where)
    return value


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


def parse(raw: bytes | str) -> dict:
    if len(raw) > MAX_IMPORT_BYTES:
        raise ImportProblem("too_large")
    try:
        document = json.loads(raw)
    except (ValueError, UnicodeDecodeError):
        raise ImportProblem("not_json") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportProblem("format")
    if document.get("version") != FORMAT_VERSION:
        raise ImportProblem("version")
    return document


def import_json(document: dict, owner) -> Workshop:
    """Restore an export as a new workshop owned by `owner`, with a new join code.
    All or nothing: on any problem nothing is stored and ImportProblem says where."""
    try:
        workshop = _restore(document, owner)
    except ImportProblem:
        db.session.rollback()
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        db.session.rollback()
        raise ImportProblem("malformed") from None
    db.session.commit()
    return workshop


def _restore(doc: dict, owner) -> Workshop:
    info = doc["workshop"]
    language = info["language"]
    if language not in ("fr", "en"):
        raise ImportProblem("workshop.language")
    workshop = Workshop(title=_text(info["title"], 200, "workshop.title"), language=language,
                        join_code=new_join_code(), owner_id=owner.id,
                        show_names_on_projector=_flag(info["show_names_on_projector"], "workshop.show_names"))
    created = _moment(info.get("created_at"), "workshop.created_at")
    if created:
        workshop.created_at = created
    groups = {}
    for position, name in enumerate(_list(doc["groups"], "groups")):
        group = StakeholderGroup(name=_text(name, 120, "groups"), position=position)
        if name in groups:
            raise ImportProblem("groups.duplicate")
        groups[name] = group
    workshop.groups = list(groups.values())
    db.session.add(workshop)
    db.session.flush()

    people = {}
    for entry in _list(doc["participants"], "participants"):
        nickname = entry.get("nickname")
        person = Participant(workshop_id=workshop.id,
                             nickname=_text(nickname, 40, "participants.nickname") if nickname is not None else None,
                             group_id=_ref(groups, entry.get("group"), "participants.group", optional=True).id
                             if entry.get("group") is not None else None,
                             language=entry.get("language") if entry.get("language") in ("fr", "en") else None)
        joined = _moment(entry.get("joined_at"), "participants.joined_at")
        if joined:
            person.joined_at = joined
        _unique(people, entry["ref"], person, "participants.ref")
    db.session.add_all(people.values())

    activities, themes, rounds = {}, {}, []
    for position, entry in enumerate(_list(doc["activities"], "activities")):
        kind, state = entry["kind"], entry["state"]
        if kind not in EXPORTED_KINDS or state not in ACTIVITY_STATES:
            raise ImportProblem("activities.kind")
        activity = Activity(workshop_id=workshop.id, position=position, kind=kind, state=state,
                            prompt=_text(entry["prompt"], 5000, "activities.prompt"))
        db.session.add(activity)
        _unique(activities, entry["ref"], activity, "activities.ref")
        for theme_position, theme_entry in enumerate(_list(entry["themes"], "themes")):
            theme = Theme(label=_text(theme_entry["label"], MAX_LABEL_LENGTH, "themes.label"),
                          position=theme_position)
            theme_created = _moment(theme_entry.get("created_at"), "themes.created_at")
            if theme_created:
                theme.created_at = theme_created
            activity.themes.append(theme)
            _unique(themes, theme_entry["ref"], theme, "themes.ref")
        if entry.get("round") is not None:
            if kind != "vote":
                raise ImportProblem("activities.round")
            rounds.append((activity, entry["round"]))
    db.session.flush()

    ideas, merges = {}, []
    for entry in _list(doc["ideas"], "ideas"):
        activity = _ref(activities, entry["activity"], "ideas.activity")
        theme = _ref(themes, entry.get("theme"), "ideas.theme", optional=True)
        if theme is not None and theme.activity_id != activity.id:
            raise ImportProblem("ideas.theme")
        idea = Idea(activity_id=activity.id, participant_id=_ref(people, entry["participant"], "ideas.participant").id,
                    submission_key=_text(entry["submission_key"], 64, "ideas.submission_key"),
                    text=_text(entry["text"], MAX_IDEA_LENGTH * 4, "ideas.text"),
                    original_text=_text(entry["original_text"], MAX_IDEA_LENGTH * 4, "ideas.original_text"),
                    hidden=_flag(entry["hidden"], "ideas.hidden"), theme_id=theme.id if theme else None,
                    theme_position=_whole(entry.get("theme_position", 0), "ideas.theme_position"))
        created = _moment(entry.get("created_at"), "ideas.created_at")
        if created:
            idea.created_at = created
        _unique(ideas, entry["ref"], idea, "ideas.ref")
        merges.append((idea, entry.get("merged_into")))
    db.session.add_all(ideas.values())
    db.session.flush()
    for idea, target in merges:
        if target is not None:
            joined = _ref(ideas, target, "ideas.merged_into")
            if joined is idea or joined.activity_id != idea.activity_id:
                raise ImportProblem("ideas.merged_into")
            idea.merged_into_id = joined.id

    projects = {}
    for entry in _list(doc["projects"], "projects"):
        if entry["status"] not in PROJECT_STATUSES:
            raise ImportProblem("projects.status")
        idea = _ref(ideas, entry.get("idea"), "projects.idea", optional=True)
        theme = _ref(themes, entry.get("theme"), "projects.theme", optional=True)
        project = Project(workshop_id=workshop.id, title=_text(entry["title"], 5000, "projects.title"),
                          idea_id=idea.id if idea else None, theme_id=theme.id if theme else None,
                          status=entry["status"])
        created = _moment(entry.get("created_at"), "projects.created_at")
        if created:
            project.created_at = created
        _unique(projects, entry["ref"], project, "projects.ref")
    db.session.add_all(projects.values())
    db.session.flush()

    restored_rounds: dict[int, Round] = {}
    for activity, entry in rounds:
        kind = entry["kind"]
        if kind not in VOTE_KINDS:
            raise ImportProblem("round.kind")
        previous_activity = _ref(activities, entry.get("previous"), "round.previous", optional=True)
        previous = restored_rounds.get(previous_activity.id) if previous_activity else None
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
        items = [_ref(projects, ref, "round.items") for ref in _list(entry["items"], "round.items")]
        if len({p.id for p in items}) != len(items):
            raise ImportProblem("round.items")
        round_.items = [RoundItem(project_id=p.id, position=i) for i, p in enumerate(items)]
        db.session.add(round_)
        db.session.flush()
        restored_rounds[activity.id] = round_
        rules = tally.RoundRules(items=tuple(p.id for p in items), dots_per_participant=round_.dots_per_participant,
                                 max_dots_per_item=round_.max_dots_per_item, top_k=round_.top_k,
                                 max_approvals=round_.top_k)
        voters = set()
        for ballot_entry in _list(entry["ballots"], "round.ballots"):
            person = _ref(people, ballot_entry["participant"], "ballots.participant")
            if person.id in voters:
                raise ImportProblem("ballots.participant")
            voters.add(person.id)
            content = ballot_entry["content"]
            if kind in ("dots", "impact_feasibility"):
                if not isinstance(content, dict):
                    raise ImportProblem("ballots.content")
                decoded = {_ref(projects, k, "ballots.content").id:
                           (tuple(v) if kind == "impact_feasibility" else v) for k, v in content.items()}
                encoded = json.dumps({str(k): list(v) if isinstance(v, tuple) else v for k, v in decoded.items()})
            else:
                decoded = [_ref(projects, p, "ballots.content").id for p in _list(content, "ballots.content")]
                encoded = json.dumps(decoded)
            try:
                tally.validate_ballot(kind, decoded, rules)
            except tally.BallotError:
                raise ImportProblem("ballots.content") from None
            ballot = Ballot(round_id=round_.id, participant_id=person.id, content=encoded,
                            version=_whole(ballot_entry.get("version", 1), "ballots.version"))
            updated = _moment(ballot_entry.get("updated_at"), "ballots.updated_at")
            if updated:
                ballot.updated_at = updated
            db.session.add(ballot)

    current = info.get("current_activity")
    if current is not None:
        workshop.current_activity_id = _ref(activities, current, "workshop.current_activity").id
    db.session.flush()
    return workshop


def _unique(table: dict, ref, value, where: str) -> None:
    if not isinstance(ref, str) or ref in table:
        raise ImportProblem(where)
    table[ref] = value
