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

Each activity kind writes and restores its own part of an activity's entry
("round", "hats", "cells") in its package's `archive` module, registered with
its kind (workshop/kinds.py); this module holds the document's frame and the
checks every part uses (`_text`, `_ref`, `_dated`...).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from workshop import anonymity, kinds
from workshop.extensions import db
from workshop.i18n import LANGUAGES
from workshop.ideas.models import MAX_IDEA_LENGTH, Idea
from workshop.kinds import kind_of
from workshop.participants.models import Participant
from workshop.refusals import Refused
from workshop.reports.logic import RefMap, ideas_of, participants_of, projects_of, refs_of
from workshop.reports.messages import IMPORT_PROBLEMS
from workshop.themes.models import MAX_KEYWORDS_LENGTH, MAX_LABEL_LENGTH, Theme
from workshop.voting.models import PROJECT_STATUSES, Project, Round
from workshop.workshops.logic import new_join_code, utcnow
from workshop.workshops.models import ACTIVITY_STATES, Activity, StakeholderGroup, Workshop

FORMAT = "atelier-workshop"
FORMAT_VERSION = 2
READABLE_VERSIONS = (1, 2)
MAX_IMPORT_BYTES = 20 * 1024 * 1024


# --------------------------------------------------------------------------- export

def _ts(moment: datetime | None) -> str | None:
    return moment.isoformat() if moment else None


def _activity(activity: Activity, refs, names: bool) -> dict:
    entry = {"ref": refs.activities[activity.id], "kind": activity.kind, "prompt": activity.prompt,
             "state": activity.state, "anonymity": activity.anonymity,
             "themes": [{"ref": refs.themes[t.id], "label": t.label, "keywords": t.keywords,
                         "created_at": _ts(t.created_at)}
                        for t in activity.themes],
             # Grouped over several questions: its ideas sit in that activity's themes.
             "grouped_into": refs.activities.get(activity.grouped_into_id)}
    kind = kind_of(activity)
    if kind.export is not None:  # the kind's own part: its round, hats or cells
        entry.update(kind.export(activity, refs, names))
    return entry


def export_json(workshop: Workshop, names: bool = False) -> dict:
    """The whole workshop as a document `import_json` restores (see the module's docstring)."""
    refs = refs_of(workshop)
    groups: RefMap = {g.id: g.name for g in workshop.groups}
    current = workshop.current_activity_id
    unnamed = anonymity.anonymous_authors(workshop) if names else set()
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
        "participants": [{"ref": refs.participants[p.id], "nickname": p.nickname if names and p.id not in unnamed else None,
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

class ImportProblem(Refused):
    """The document cannot be restored; nothing was stored. `detail` says
    where in the document; the message names it (workshop/reports/messages.py)."""

    messages = IMPORT_PROBLEMS

    def __init__(self, detail: str):
        super().__init__("cannot_restore", where=detail)

    @property
    def detail(self) -> str:
        return self.params["where"]

    def __str__(self) -> str:
        return self.detail


def _text(value, limit: int, where: str, *, empty: bool = False) -> str:
    from workshop.security import clean_field

    if isinstance(value, str):
        value = clean_field(value)  # NUL and control characters, as at every form's edge
    if not isinstance(value, str) or len(value) > limit or (not empty and not value.strip()):
        raise ImportProblem(where)
    return value


def _breathe(count: int) -> None:
    """Every few hundred rows, let the server answer others. A millisecond, not
    zero: under gevent a pause of zero runs the greenlets already ready but
    polls no socket, so a phone's send waiting on its socket was not read until
    the import had finished preparing (0.8 s of an 18 MB archive)."""
    if count % 500 == 0:
        import time

        time.sleep(0.001)


def _optional_text(value, limit: int, where: str) -> str | None:
    return None if value is None else _text(value, limit, where, empty=True)


def _flag(value, where: str) -> bool:
    if not isinstance(value, bool):
        raise ImportProblem(where)
    return value


def _anonymity(value, kind: str) -> str:
    """An activity's anonymity; documents written before it existed get the kind's default."""
    if value is None:
        return anonymity.default_for(kind)
    if value not in anonymity.LEVELS:
        raise ImportProblem("activities.anonymity")
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
    restore = _Restore(document, owner)
    try:
        workshop = restore.run()
    except ImportProblem:
        restore.undo()
        raise
    except (KeyError, TypeError, AttributeError, ValueError, IndexError):
        restore.undo()
        raise ImportProblem("malformed") from None
    except IntegrityError:  # e.g. one submission key used twice by a person across activities
        restore.undo()
        raise ImportProblem("duplicate") from None
    db.session.commit()
    return workshop


IDEAS_PER_BATCH = 1_000  # on SQLite, ideas written a batch per transaction past this many


IDEA_COLUMNS = ("activity_id", "participant_id", "theme_id", "submission_key", "text", "original_text", "hidden",
                "theme_position", "created_at")


def _inserted(rows: list[tuple]) -> list[int]:
    """Insert the ideas' rows (values in IDEA_COLUMNS' order) at once; their
    new ids, in order. On SQLite the transaction holds the write lock (it
    has written already), so the ids after the largest are its own, and the driver's
    executemany stores 20,000 rows in about 0.3 s (RETURNING in order made
    it one statement per row there, 1.4 s; SQLAlchemy's processing of the
    parameters cost as much as the insert). Elsewhere the database returns
    the ids, in order, in batches."""
    if not rows:
        return []
    if db.session.get_bind().dialect.name != "sqlite":
        return list(db.session.scalars(insert(Idea).returning(Idea.id, sort_by_parameter_order=True),
                                       [dict(zip(IDEA_COLUMNS, row, strict=True)) for row in rows]))
    first = (db.session.scalar(select(func.max(Idea.id))) or 0) + 1
    ids = list(range(first, first + len(rows)))
    db.session.connection().exec_driver_sql(
        f"INSERT INTO ideas (id, {', '.join(IDEA_COLUMNS)}) VALUES ({', '.join('?' * (len(IDEA_COLUMNS) + 1))})",
        [(idea_id, *row) for idea_id, row in zip(ids, rows, strict=True)])
    return ids


def _stored_moment(moment: datetime, sqlite: bool):
    """A timestamp as SQLAlchemy stores it on SQLite (text), for the driver's own executemany."""
    return moment.strftime("%Y-%m-%d %H:%M:%S.%f") if sqlite else moment


@dataclass(frozen=True)
class StoredIdea:
    """An imported idea as the rest of the import needs it: its new id and its question."""

    id: int
    activity_id: int


class _Restore:
    """One import: the document's references mapped to the rows made so far."""

    def __init__(self, doc: dict, owner):
        self.doc, self.owner = doc, owner
        self.groups: dict[str, StakeholderGroup] = {}
        self.people: dict[str, Participant] = {}
        self.activities: dict[str, Activity] = {}
        self.themes: dict[str, Theme] = {}
        self.ideas: dict[str, StoredIdea] = {}
        self.projects: dict[str, Project] = {}
        self.rounds: dict[int, Round] = {}
        self.later: list[tuple[Activity, dict]] = []  # contents that need ideas and projects first

    def run(self) -> Workshop:
        ideas = self._prepared_ideas()  # the bulk, checked before anything is written
        self.workshop = self._workshop()
        self._participants()
        self._agenda()
        if len(ideas) > IDEAS_PER_BATCH and db.session.get_bind().dialect.name == "sqlite":
            self._ideas_in_batches(ideas)
        else:
            self._ideas(ideas)
        self._projects()
        for activity, entry in self.later:
            kind = kind_of(activity)
            if kind.archive_key and entry.get(kind.archive_key) is not None:
                assert kind.restore is not None  # a kind that writes its part reads it back
                kind.restore(self, activity, entry[kind.archive_key])
        current = self.doc["workshop"].get("current_activity")
        if current is not None:
            self.workshop.current_activity_id = _ref(self.activities, current, "workshop.current_activity").id
        db.session.flush()
        return self.workshop

    def _workshop(self) -> Workshop:
        info = self.doc["workshop"]
        if info["language"] not in LANGUAGES:
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
                                 language=entry.get("language") if entry.get("language") in LANGUAGES else None)
            _dated(person, entry.get("joined_at"), "participants.joined_at", "joined_at")
            _unique(self.people, entry["ref"], person, "participants.ref")
        db.session.add_all(self.people.values())

    def _agenda(self) -> None:
        for position, entry in enumerate(_list(self.doc["activities"], "activities")):
            kind, state = entry["kind"], entry["state"]
            if kind not in kinds.keys() or state not in ACTIVITY_STATES:
                raise ImportProblem("activities.kind")
            for other in kinds.kinds():  # another kind's part on this activity
                if other.key != kind and other.archive_key and entry.get(other.archive_key) is not None:
                    raise ImportProblem(f"activities.{other.archive_key}")
            activity = Activity(workshop_id=self.workshop.id, position=position, kind=kind, state=state,
                                prompt=_text(entry["prompt"], 5000, "activities.prompt"),
                                anonymity=_anonymity(entry.get("anonymity"), kind))
            db.session.add(activity)
            _unique(self.activities, entry["ref"], activity, "activities.ref")
            for theme_position, theme_entry in enumerate(_list(entry["themes"], "themes")):
                theme = Theme(label=_text(theme_entry["label"], MAX_LABEL_LENGTH, "themes.label"),
                              keywords=_text(theme_entry.get("keywords", ""), MAX_KEYWORDS_LENGTH, "themes.keywords",
                                             empty=True),
                              position=theme_position)
                _dated(theme, theme_entry.get("created_at"), "themes.created_at")
                activity.themes.append(theme)
                _unique(self.themes, theme_entry["ref"], theme, "themes.ref")
            self.later.append((activity, entry))
        db.session.flush()
        for activity, entry in self.later:
            if entry.get("grouped_into") is not None:
                owner = _ref(self.activities, entry["grouped_into"], "activities.grouped_into")
                if owner is activity or owner.kind != kinds.IDEAS or activity.kind != kinds.IDEAS:
                    raise ImportProblem("activities.grouped_into")
                activity.grouped_into_id = owner.id
        db.session.flush()

    def _prepared_ideas(self) -> list[dict]:
        """Every idea checked and made a row before the first write. On SQLite
        the first write takes the database's only write lock until the import
        commits, and under gevent nobody else runs while this import does not
        yield: checking 20,000 ideas inside the transaction held every other
        workshop's sends for the whole import (43 s for 18 MB, measured by
        benchmarks/archive_import.py). Here it yields every few hundred ideas,
        holding no lock; only the references to rows not yet written (activity,
        participant, theme) are resolved at write time."""
        sqlite = db.session.get_bind().dialect.name == "sqlite"
        now = _stored_moment(utcnow(), sqlite)
        prepared, sent, activity_of = [], set(), {}
        for count, entry in enumerate(_list(self.doc["ideas"], "ideas"), start=1):
            _breathe(count)
            key = (entry.get("participant"), entry.get("submission_key"))
            if key in sent:
                raise ImportProblem("ideas.submission_key.duplicate")
            sent.add(key)
            if not isinstance(entry["ref"], str) or entry["ref"] in activity_of:
                raise ImportProblem("ideas.ref")
            activity_of[entry["ref"]] = entry["activity"]
            moment = _moment(entry.get("created_at"), "ideas.created_at")
            prepared.append({
                "ref": entry["ref"], "activity": entry["activity"], "participant": entry["participant"],
                "theme": entry.get("theme"), "merged_into": entry.get("merged_into"),
                "values": (_text(entry["submission_key"], 64, "ideas.submission_key"),
                           _text(entry["text"], MAX_IDEA_LENGTH * 4, "ideas.text"),
                           _text(entry["original_text"], MAX_IDEA_LENGTH * 4, "ideas.original_text"),
                           _flag(entry["hidden"], "ideas.hidden"),
                           _whole(entry.get("theme_position", 0), "ideas.theme_position"),
                           _stored_moment(moment, sqlite) if moment else now)})
        for entry in prepared:  # a merge stays within its question
            target = entry["merged_into"]
            if target is not None and (target == entry["ref"] or activity_of.get(target, self) != entry["activity"]):
                raise ImportProblem("ideas.merged_into")
        return prepared

    def _ideas_in_batches(self, prepared: list[dict]) -> None:
        """SQLite has one write lock, and under gevent a request that waits for
        it blocks the whole process: one transaction for 20,000 ideas (18 MB)
        held everyone 0.5 s. So the workshop's frame (hidden: archived until the
        end) is committed first, then the ideas a batch per transaction,
        yielding between batches, then the rest in the last one. All or nothing
        still: on any problem `undo` deletes what the earlier transactions
        stored (the last one is rolled back)."""
        self.workshop.archived_at = utcnow()
        db.session.commit()
        self.committed = True
        for start in range(0, len(prepared), IDEAS_PER_BATCH):
            # A write first: the batch holds the write lock before it reads the largest id.
            db.session.execute(update(Workshop).where(Workshop.id == self.workshop.id)
                               .values(archived_at=Workshop.archived_at))
            self._ideas(prepared[start:start + IDEAS_PER_BATCH], merges=False)
            db.session.commit()
            _breathe(0)
        self._merges(prepared)
        self.workshop.archived_at = None

    def undo(self) -> None:
        """Nothing of a refused import stays: the open transaction is rolled back
        and, when batches were committed, the rows they stored are deleted."""
        db.session.rollback()
        if not getattr(self, "committed", False):
            return
        workshop_id = self.workshop.id
        activities = select(Activity.id).where(Activity.workshop_id == workshop_id).scalar_subquery()
        db.session.execute(update(Idea).where(Idea.activity_id.in_(activities)).values(merged_into_id=None))
        db.session.execute(delete(Idea).where(Idea.activity_id.in_(activities)))
        db.session.execute(delete(Theme).where(Theme.activity_id.in_(activities)))
        db.session.execute(update(Activity).where(Activity.workshop_id == workshop_id).values(grouped_into_id=None))
        db.session.execute(delete(Activity).where(Activity.workshop_id == workshop_id))
        db.session.execute(delete(Participant).where(Participant.workshop_id == workshop_id))
        db.session.execute(delete(StakeholderGroup).where(StakeholderGroup.workshop_id == workshop_id))
        db.session.execute(delete(Workshop).where(Workshop.id == workshop_id))
        db.session.commit()

    def _ideas(self, prepared: list[dict], merges: bool = True) -> None:
        """The prepared ideas in one insert (their new ids come back in order), then their merges."""
        rows = []
        for entry in prepared:
            activity = _ref(self.activities, entry["activity"], "ideas.activity")
            theme = _ref(self.themes, entry["theme"], "ideas.theme", optional=True)
            if theme is not None and theme.activity_id != (activity.grouped_into_id or activity.id):
                raise ImportProblem("ideas.theme")
            person = _ref(self.people, entry["participant"], "ideas.participant")
            rows.append((activity.id, person.id, theme.id if theme else None, *entry["values"]))
        for entry, row, idea_id in zip(prepared, rows, _inserted(rows), strict=True):
            self.ideas[entry["ref"]] = StoredIdea(idea_id, row[0])
        if merges:
            self._merges(prepared)

    def _merges(self, prepared: list[dict]) -> None:
        merges = [{"id": self.ideas[e["ref"]].id, "merged_into_id": self.ideas[e["merged_into"]].id}
                  for e in prepared if e["merged_into"] is not None]
        if merges:
            db.session.execute(update(Idea), merges)

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
