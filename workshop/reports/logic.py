"""What a session report shows, the tables it exports and the program view.

Exports never carry nicknames unless asked (`names=True`): participants are
pseudonymous, known in every export by a reference that holds within one
workshop only ("P1", "P2"… in the order they joined). Ideas, themes,
activities, projects, six-hats subjects and cells get references the same way
("I1", "T1", "A1", "J1", "S1", "C1"), so the CSV files, the XLSX workbook and
the JSON document (`archive.py`) agree.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Hashable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import func, or_, select

from analysis.text import shortened
from workshop import anonymity, dates, kinds
from workshop.cells.models import Cell, CellSignup
from workshop.extensions import db
from workshop.hats.logic import comments_by_hat
from workshop.hats.models import HatComment, HatsActivity, HatSubject
from workshop.i18n import LANGUAGES
from workshop.ideas.models import Idea
from workshop.jumelage import labels as jumelage_labels
from workshop.jumelage.labels import worded
from workshop.orphans import logic as orphans
from workshop.orphans.models import Adoption
from workshop.orphans.pipeline import stage_words
from workshop.participants.models import Participant
from workshop.themes.logic import grouped_wall, grouping_span
from workshop.voting.logic import ballot_cells, results, workshop_projects
from workshop.voting.models import Ballot, Project, Round, RoundItem
from workshop.workshops.models import Activity, Workshop

# Spreadsheets run a cell that starts with one of these as a formula.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
ROUND_LABEL_CHARS = 60  # a round's title in the funnel's steps (the chart shortens its labels further)


# --------------------------------------------------------------------------- references

#: References by database id, also looked up with an optional id (a missing row has none).
RefMap = dict[Hashable, str]


@dataclass
class Refs:
    """Per-workshop references: stable across export and import, never database ids."""

    participants: RefMap = field(default_factory=dict)
    activities: RefMap = field(default_factory=dict)
    themes: RefMap = field(default_factory=dict)
    ideas: RefMap = field(default_factory=dict)
    projects: RefMap = field(default_factory=dict)
    subjects: RefMap = field(default_factory=dict)  # six-hats subjects
    cells: RefMap = field(default_factory=dict)


def _numbered(prefix: str, ids) -> RefMap:
    """References in the given order: the order in which an import recreates the rows."""
    return {id_: f"{prefix}{n}" for n, id_ in enumerate(ids, start=1)}


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
    activities = workshop.activities
    hats = hats_activities(workshop)
    signups = db.session.scalars(select(CellSignup).where(
        CellSignup.activity_id.in_([a.id for a in activities if a.kind == kinds.CELLS] or [-1]))).all()
    return Refs(
        participants=_numbered("P", [p.id for p in participants_of(workshop)]),
        activities=_numbered("A", [a.id for a in activities]),
        themes=_numbered("T", [t.id for a in activities for t in a.themes]),
        ideas=_numbered("I", [i.id for i in ideas_of(workshop)]),
        projects=_numbered("J", [p.id for p in projects_of(workshop)]),
        subjects=_numbered("S", [s.id for h in hats for s in h.subjects]),
        cells=_numbered("C", [c.id for signup in sorted(signups, key=lambda s: s.activity.position)
                              for c in signup.cells]),
    )


def rounds_of(workshop: Workshop) -> list[Round]:
    return [a.round for a in workshop.activities if a.round is not None]


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
class IdeaSection:
    """A question's ideas by theme; a grouping over several questions is one
    section, under its owner, titled by every question it spans."""

    activity: Activity
    questions: list[Activity]
    groups: list  # grouped_wall pairs: (theme or None, its ideas)


@dataclass
class RoundSection:
    round: Round
    result: Any  # voting.logic.results: every item's total, voters, breakdown by group
    titles: dict[int, Project]  # the round's projects by id


@dataclass
class Report:
    workshop: Workshop
    participants: int
    participation: list[GroupParticipation]
    idea_sections: list[IdeaSection]
    rounds: list[Round]
    funnel: list[FunnelStep]
    priorities: list[Project]
    orphan_candidates: list[Project]
    other_projects: list[Project]
    hats_sections: list[HatsSection] = field(default_factory=list)
    cells: dict[int, list[Cell]] = field(default_factory=dict)  # by project: where its members went
    adoption: list[ProjectAdoption] = field(default_factory=list)  # orphan candidates, then priorities

    @property
    def funnel_narrows(self) -> bool:
        """Whether each step holds at most what the one before held (58 → 8 → 3). A round on
        all ideas after a round on themes (53 → 10 → 53) is not a funnel, and is not drawn as one."""
        counts = [step.count for step in self.funnel]
        return all(later <= earlier for earlier, later in zip(counts, counts[1:]))
    ideas_sent: int = 0  # every visible idea, whether or not it was ever put to a vote
    round_sections: list[RoundSection] = field(default_factory=list)

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


def ideas_put_to_vote(workshop: Workshop) -> set[int]:
    """The visible ideas some round ran over: as a candidate themselves, or
    inside a theme that was one. Ideas of a question never voted on are not here."""
    rows = db.session.execute(
        select(Project.idea_id, Project.theme_id).join(RoundItem, RoundItem.project_id == Project.id)
        .where(Project.workshop_id == workshop.id)).all()
    idea_ids = {idea for idea, _theme in rows if idea is not None}
    theme_ids = {theme for _idea, theme in rows if theme is not None}
    if not (idea_ids or theme_ids):
        return set()
    return set(db.session.scalars(
        select(Idea.id).join(Activity, Activity.id == Idea.activity_id)
        .where(Activity.workshop_id == workshop.id, Idea.hidden.is_(False), Idea.merged_into_id.is_(None),
               or_(Idea.id.in_(idea_ids or [-1]), Idea.theme_id.in_(theme_ids or [-1])))))


def funnel(workshop: Workshop) -> list[FunnelStep]:
    """What went through each step (e.g. 58 → 8 → 3): the ideas put to a vote
    (every visible idea while there is no round), the candidates of each
    round, the retained priorities."""
    rounds = rounds_of(workshop)
    if rounds:
        steps = [FunnelStep(_("Ideas put to a vote"), len(ideas_put_to_vote(workshop)), "ideas")]
    else:
        steps = [FunnelStep(_("Ideas"), visible_idea_count(workshop), "ideas")]
    for number, round_ in enumerate(rounds, start=1):
        title = shortened(round_.activity.prompt, ROUND_LABEL_CHARS) if round_.activity else ""
        label = _("Round %(num)d · %(title)s", num=number, title=title) if title else _("Round %(num)d", num=number)
        steps.append(FunnelStep(label, len(round_.items), "round"))
    priorities = [p for p in projects_of(workshop) if p.status == "priority"]
    if priorities:
        steps.append(FunnelStep(_("Priorities"), len(priorities), "priorities"))
    return steps


def hats_activities(workshop: Workshop) -> list[HatsActivity]:
    """The workshop's six-hats activities, in agenda order."""
    order = {a.id: a.position for a in workshop.activities if a.kind == kinds.HATS}
    found = db.session.scalars(select(HatsActivity).where(HatsActivity.activity_id.in_(list(order) or [-1])))
    return sorted(found, key=lambda h: (order[h.activity_id], h.activity_id))


def hats_sections(workshop: Workshop) -> list[HatsSection]:
    """Per six-hats activity and subject, the visible comments under each hat (hidden ones left out)."""
    return [HatsSection(activity=hats.activity,
                        subjects=[HatsSubjectReport(subject, list(comments_by_hat(subject).items()))
                                  for subject in hats.subjects])
            for hats in hats_activities(workshop)]


def cells_by_project(workshop: Workshop) -> dict[int, list[Cell]]:
    """The innovation cells formed around the workshop's projects, by project."""
    found: dict[int, list[Cell]] = {}
    for cell in db.session.scalars(select(Cell).join(CellSignup).join(Activity, Activity.id == CellSignup.activity_id)
                                   .where(Activity.workshop_id == workshop.id).order_by(Cell.id)):
        found.setdefault(cell.project_id, []).append(cell)
    return found


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
    """Everything the report page shows, read here: its template runs no query."""
    projects = workshop_projects(workshop)
    orphan_candidates = [p for p in projects if p.status == "orphan_candidate"]
    priorities = [p for p in projects if p.status == "priority"]
    rounds = rounds_of(workshop)
    return Report(
        workshop=workshop,
        participants=len(participants_of(workshop)),
        participation=participation(workshop),
        idea_sections=[IdeaSection(a, grouping_span(a), grouped_wall(a)) for a in workshop.activities
                       if a.kind == kinds.IDEAS and a.grouped_into_id is None],
        rounds=rounds,
        round_sections=[RoundSection(r, results(r), {item.project_id: item.project for item in r.items})
                        for r in rounds],
        funnel=funnel(workshop),
        ideas_sent=visible_idea_count(workshop),
        priorities=priorities,
        orphan_candidates=orphan_candidates,
        other_projects=[p for p in projects if p.status == "candidate"],
        hats_sections=hats_sections(workshop),
        cells=cells_by_project(workshop),
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
    proposed: int = 0  # offers made
    interested: int = 0
    adopted: int = 0
    realised: int = 0


ADOPTION_FIGURES = ("proposed", "interested", "adopted", "realised")  # as orphans.counts() names them


def adoption_by_workshop() -> dict[int, dict[str, int]]:
    """Per workshop (through each project's workshop_id), the adoption figures of its projects."""
    by_workshop: dict[int, list] = {}
    for adoption in orphans.all_adoptions():
        by_workshop.setdefault(adoption.project.workshop_id, []).append(adoption)
    return {workshop_id: orphans.counts(adoptions) for workshop_id, adoptions in by_workshop.items()}


def program() -> list[ProgramRow]:
    """Every workshop not archived, oldest first, with its figures (a few grouped queries,
    not one per workshop): an archived test workshop counts in no total."""
    workshops = list(db.session.scalars(select(Workshop).where(Workshop.archived_at.is_(None))
                                        .order_by(Workshop.created_at, Workshop.id)))
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
    """A stored moment as the facilitator's clock read it (dates.local), not UTC."""
    return dates.local_text(moment)


def _author_cells(activity, author, ref: str, names: bool) -> list[str]:
    """The participant, group (and nickname when asked) of a row; all blank for
    an anonymous activity: not even a pseudonym that other rows could name."""
    if anonymity.level_of(activity) == "anonymous":
        return ["", ""] + ([""] if names else [])
    cells = [ref, author.group.name if author and author.group else ""]
    if names:  # "group only" promises no nickname, in exports too
        cells.append((author.nickname or "") if author and anonymity.names_allowed(activity) else "")
    return cells


def idea_rows(workshop: Workshop, names: bool = False) -> tuple[list[str], list[list]]:
    """Every idea sent, hidden and merged ones included (the record), oldest first."""
    refs = refs_of(workshop)
    themes: RefMap = {t.id: t.label for a in workshop.activities for t in a.themes}
    activities = {a.id: a for a in workshop.activities}
    people = {p.id: p for p in participants_of(workshop)}
    header = list(IDEA_COLUMNS) + (["nickname"] if names else [])
    rows = []
    for idea in ideas_of(workshop):
        activity = activities[idea.activity_id]
        ref, group, *nickname = _author_cells(activity, people.get(idea.participant_id),
                                              refs.participants.get(idea.participant_id, ""), names)
        rows.append([refs.ideas[idea.id], activity.prompt, idea.text, idea.original_text,
                     themes.get(idea.theme_id, ""), "yes" if idea.hidden else "no",
                     refs.ideas.get(idea.merged_into_id, ""), ref, group, _time(idea.created_at), *nickname])
    return header, rows


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
                ref, group, *nickname = _author_cells(hats.activity, people.get(note.participant_id),
                                                      refs.participants.get(note.participant_id, ""), names)
                rows.append([hats.activity.prompt, subject.title, note.hat, note.text,
                             "yes" if note.hidden else "no", ref, group, _time(note.created_at), *nickname])
    return header, rows


# --------------------------------------------------------------------------- the one export layer
# Every CSV and XLSX is written here: formulas neutralised, a byte-order mark,
# the separator the reader's spreadsheet expects, headers and values in the
# reader's language (or as codes for programs), numbers and dates typed in XLSX.

@dataclass(frozen=True)
class Layout:
    """How the reader's spreadsheet wants a file. language "codes": column codes and
    raw values, comma-separated (RFC 4180), for programs and re-imports."""

    separator: str = ","
    language: str = "codes"

    @property
    def decimal(self) -> str:
        return "," if self.language == "fr" or self.separator == ";" else "."


INTERCHANGE = Layout()
SEPARATORS = {"semicolon": ";", "comma": ",", "tab": "\t"}
NUMBER_COLUMNS = {"round", "rank", "score", "voters", "ballots", "participants", "ideas", "total", "members",
                  "capacity", "impact_mean", "feasibility_mean", "dots", "offers"}
LIST_COLUMNS = jumelage_labels.LIST_COLUMNS  # several codes in one cell
DATE_COLUMNS = {"created_at", "next_follow_up", "last_change", "at", "time", "date", "offered_on"}


def export_layout(args, accept_language: str, reader_language: str) -> Layout:
    """The layout a request asks for: ?sep=semicolon|comma|tab and ?lang=fr|en|codes
    when given; else, for a browser that declares its locale, the separator of that
    locale (Excel set to French splits on semicolons) and the reader's language;
    a request declaring no locale (a script) gets codes and commas."""
    language = args.get("lang") if args.get("lang") in ("fr", "en", "codes") else None
    separator = SEPARATORS.get(args.get("sep") or "")
    locale = (accept_language or "").split(",")[0].strip().lower()
    if language is None:
        language = reader_language if locale else "codes"
    if separator is None:
        separator = ";" if (locale.startswith("fr") or (not locale and language == "fr")) else ","
    return Layout(separator, language)


def _column_labels() -> dict[str, str]:
    return {**jumelage_labels.column_labels(), **{
        "idea": _("Idea"), "activity": _("Activity"), "text": _("Text"), "original_text": _("Text as sent"),
        "theme": _("Theme"), "hidden": _("Hidden"), "merged_into": _("Merged into"),
        "participant": _("Participant"), "group": _("Stakeholder group"), "created_at": _("Date"),
        "nickname": _("Nickname"), "round": _("Round"), "round_title": _("Round title"),
        "round_kind": _("Kind of vote"), "item": _("Item"), "item_title": _("Item title"), "content": _("Vote"),
        "subject": _("Subject"), "hat": _("Hat"), "comment": _("Comment"), "project": _("Project"),
        "status": _("Status"), "rank": _("Rank"), "score": _("Score"), "voters": _("Voters"),
        "participants": _("Participants"), "ideas": _("Ideas"), "ballots": _("Ballots"), "total": _("Total"),
        "organisation": _("Organisation"), "kind": _("Type"), "territory": _("Territory"), "stage": _("Stage"),
        "next_follow_up": _("Next follow-up"), "last_change": _("Last change"), "last_note": _("Last note"),
        "workshop": _("Workshop"), "cell": _("Cell"), "members": _("Members"), "capacity": _("Capacity"),
        "sector": _("Sector"), "contact_name": _("Contact person"), "contact_email": _("Contact email"),
        "mission": _("Mission"), "interests": _("Interests"), "archived": _("Archived"), "name": _("Name"),
        "impact_mean": _("Mean impact"), "feasibility_mean": _("Mean feasibility"), "offers": _("Offers"),
    }}


def _value_labels() -> dict[str, dict]:
    from workshop.hats.hats import LOOKS
    from workshop.voting.messages import vote_kind_words

    yes_no = {"yes": _("yes"), "no": _("no"), True: _("yes"), False: _("no")}
    codes = jumelage_labels.code_labels()
    shared = {
        **jumelage_labels.value_labels(), **{column: codes for column in LIST_COLUMNS},
        "hidden": yes_no, "archived": yes_no,
        "hat": {hat: str(found.name) for hat, found in LOOKS.items()},
        "round_kind": vote_kind_words(),
        "stage": stage_words(),
    }
    # Both the report and jumelage write a status and a kind: their codes never meet.
    for column, words in {
        "status": {"priority": _("priority"), "orphan_candidate": _("orphan"), "candidate": _("candidate")},
        "kind": orphans.kind_words(),
    }.items():
        shared[column] = {**shared.get(column, {}), **words}
    return shared


def _safe_cell(value):
    """A participant's text must never become a spreadsheet formula."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _read_value(column: str, value, layout: Layout, values: dict):
    """A cell as the reader reads it: labels in their language, numbers and dates typed."""
    if layout.language != "codes":
        words = values.get(column, {})
        listed = value.replace(",", " ").split() if column in LIST_COLUMNS and isinstance(value, str) else ()
        if listed and all(code in words for code in listed):
            value = worded(value, words)
        else:
            value = words.get(value, value) if isinstance(value, Hashable) else value
    if isinstance(value, bool):
        return "yes" if value else "no"
    if column in NUMBER_COLUMNS and isinstance(value, str) and re.fullmatch(r"-?\d+(\.\d+)?", value):
        value = float(value) if "." in value else int(value)
    if column in DATE_COLUMNS and isinstance(value, str) and value:
        try:
            value = datetime.fromisoformat(value)
            if column in ("next_follow_up", "date", "offered_on") and value == datetime.combine(value.date(), datetime.min.time()):
                value = value.date()
        except ValueError:
            pass
    return value


def _csv_text(value, layout: Layout) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".").replace(".", layout.decimal)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, date):
        return value.isoformat()
    return _safe_cell(value)


def _header(header: list[str], layout: Layout) -> list[str]:
    if layout.language == "codes":
        return list(header)
    labels = _column_labels()
    return [labels.get(code, code) for code in header]


def in_language(layout: Layout):
    """Labels in the layout's language, whatever the page around it speaks
    (?lang=en from a French session gets English headers)."""
    from contextlib import nullcontext

    from flask_babel import force_locale

    return force_locale(layout.language) if layout.language in LANGUAGES else nullcontext()


def to_csv(header: list[str], rows: list[list], layout: Layout = INTERCHANGE) -> str:
    """The one CSV writer: byte-order mark (spreadsheets read the accents as UTF-8),
    the layout's separator and language, formulas neutralised, CRLF line ends."""
    with in_language(layout):
        return _to_csv(header, rows, layout)


def _to_csv(header: list[str], rows: list[list], layout: Layout) -> str:
    values = _value_labels() if layout.language != "codes" else {}
    out = io.StringIO()
    writer = csv.writer(out, delimiter=layout.separator)
    writer.writerow(_header(header, layout))
    for row in rows:
        writer.writerow([_csv_text(_read_value(c, v, layout, values), layout) for c, v in zip(header, row)]
                        + [_csv_text(v, layout) for v in row[len(header):]])
    return "\ufeff" + out.getvalue()


def write_xlsx(sheets: list[tuple[str, list[str], list[list]]], layout: Layout = INTERCHANGE) -> bytes:
    """The one XLSX writer: a sheet per table, numbers and dates as numbers and
    dates, text that looks like a formula kept as text."""
    with in_language(layout):
        return _write_xlsx(sheets, layout)


def _write_xlsx(sheets: list[tuple[str, list[str], list[list]]], layout: Layout) -> bytes:
    from openpyxl import Workbook
    from openpyxl.utils import get_column_letter

    values = _value_labels() if layout.language != "codes" else {}
    book = Workbook()
    assert book.active is not None  # a new workbook's first sheet
    book.remove(book.active)
    for title, header, rows in sheets:
        sheet = book.create_sheet(re.sub(r"[\[\]:*?/\\]", " ", title)[:31])
        sheet.append(_header(header, layout))
        for row in rows:
            sheet.append([_read_value(c, v, layout, values) for c, v in zip(header, row)] + list(row[len(header):]))
        for line in sheet.iter_rows(min_row=2):
            for cell in line:
                if cell.data_type == "f":  # text starting with "=": keep it text
                    cell.data_type = "s"
                elif isinstance(cell.value, datetime):
                    cell.number_format = "yyyy-mm-dd hh:mm"
                elif isinstance(cell.value, date):
                    cell.number_format = "yyyy-mm-dd"
        for index, code in enumerate(header, start=1):
            width = 18 if code in DATE_COLUMNS else (10 if code in NUMBER_COLUMNS else 28)
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


# Sheets an activity kind adds to the workbook from its own package (the force
# fields: workshop/forces/exports.py), in registration order: (code, title(),
# table(workshop, names, layout) -> (header, rows) or None when it has nothing).
KIND_SHEETS: list[tuple[str, Callable[[], str], Callable]] = []


def kind_sheet(code: str, title: Callable[[], str]):
    """Register a kind's table as a workbook sheet, named `code` for programs and
    `title()` (in the reader's language) for a reader."""
    def register(table: Callable) -> Callable:
        if code not in [c for c, _title, _table in KIND_SHEETS]:
            KIND_SHEETS.append((code, title, table))
        return table
    return register


def _kind_sheets(workshop: Workshop, names: bool, layout: Layout) -> list[tuple[str, list[str], list[list]]]:
    kinds.kinds()  # each kind's package is imported, and with it its sheets
    sheets = []
    for code, title, table in KIND_SHEETS:
        part = table(workshop, names, layout)
        if part is not None:
            with in_language(layout):
                sheets.append((code if layout.language == "codes" else title(), *part))
    return sheets


def to_xlsx(workshop: Workshop, names: bool = False, layout: Layout = INTERCHANGE) -> bytes:
    """Programs (codes) get one sheet per CSV export: "ideas", "votes", "hats",
    and a kind's own (forces) when the workshop has some; a reader gets every
    table of the report too: projects, results by group, adoption and cells,
    with sheet names in their language."""
    sheets = [("ideas", *idea_rows(workshop, names)), ("votes", *vote_rows(workshop)),
              ("hats", *hats_rows(workshop, names))]
    if layout.language != "codes":
        with in_language(layout):
            names_of = {"ideas": _("Ideas"), "votes": _("Votes"), "hats": _("Six hats")}
            sheets = [(names_of[title], header, rows) for title, header, rows in sheets] + [
                (_("Projects"), *project_rows(workshop)), (_("Results by group"), *results_by_group_rows(workshop)),
                (_("Adoption"), *adoption_rows(workshop)), (_("Cells"), *cell_rows(workshop))]
    return write_xlsx(sheets + _kind_sheets(workshop, names, layout), layout)


def tallied_items(workshop: Workshop) -> Iterator[tuple[int, Any]]:
    """(round number, tallied item) for every round of the workshop, in agenda order."""
    for number, round_ in enumerate(rounds_of(workshop), start=1):
        for item in results(round_).items:
            yield number, item


def project_rows(workshop: Workshop) -> tuple[list[str], list[list]]:
    """Each candidate project with its status and, per round, its rank, score and voters."""
    refs = refs_of(workshop)
    rows = []
    for number, item in tallied_items(workshop):
        project = db.session.get(Project, item.item_id)
        rows.append([refs.projects.get(item.item_id, ""), project.title if project else "",
                     project.status if project else "", number, item.rank, round(item.score, 2), item.voters])
    return ["item", "project", "status", "round", "rank", "score", "voters"], rows


def results_by_group_rows(workshop: Workshop) -> tuple[list[str], list[list]]:
    """Each round's result per stakeholder group: total (or mean impact and feasibility) and voters."""
    refs = refs_of(workshop)
    rows = []
    for number, item in tallied_items(workshop):
        for group, share in item.by_group.items():
            rows.append([number, refs.projects.get(item.item_id, ""), str(group), share.voters, share.total,
                         None if share.impact_mean is None else round(share.impact_mean, 2),
                         None if share.feasibility_mean is None else round(share.feasibility_mean, 2)])
    return ["round", "item", "group", "voters", "total", "impact_mean", "feasibility_mean"], rows


def adoption_rows(workshop: Workshop) -> tuple[list[str], list[list]]:
    """Where each orphan project's adoption stands: one row per offer."""
    rows = []
    for entry in adoption_status([p for p in projects_of(workshop) if p.status in ("orphan_candidate", "priority")]):
        for adoption in entry.adoptions:
            rows.append([entry.project.title, adoption.organisation.name, adoption.stage,
                         adoption.next_follow_up.isoformat() if adoption.next_follow_up else ""])
        if not entry.adoptions:
            rows.append([entry.project.title, "", "", ""])
    return ["project", "organisation", "stage", "next_follow_up"], rows


def cell_rows(workshop: Workshop) -> tuple[list[str], list[list]]:
    """Each innovation cell: its project, members and capacity (no names: pseudonymous)."""
    rows = []
    for cells in cells_by_project(workshop).values():
        for cell in cells:
            rows.append([cell.project.title, len(cell.members), cell.capacity])
    return ["project", "members", "capacity"], rows
