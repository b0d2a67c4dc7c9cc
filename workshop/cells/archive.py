"""Innovation cells' part of the workshop's JSON archive (the document is
described in workshop/reports/archive.py): cells, members, preferences and logs."""

from __future__ import annotations

import json

from sqlalchemy import select

from workshop.cells.logic import MAX_CAPACITY
from workshop.cells.models import SIGNUP_MODES, Cell, CellLogEntry, CellMember, CellPreference, CellSignup
from workshop.extensions import db
from workshop.reports.archive import (
    ImportProblem,
    _dated,
    _flag,
    _list,
    _optional_text,
    _ref,
    _text,
    _ts,
    _unique,
    _whole,
)
from workshop.reports.archive_parts import one_of
from workshop.workshops.models import Activity


def export(activity: Activity, refs, names: bool) -> dict:
    signup = db.session.scalar(select(CellSignup).where(CellSignup.activity_id == activity.id))
    return {"cells": _cells(signup, refs, names) if signup else None}


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


def _restore_contact(row, item: dict, where: str):
    row.contact_consent = _flag(item["contact_consent"], where)
    row.contact_name = _optional_text(item.get("contact_name"), 120, where) if row.contact_consent else None
    row.contact_email = _optional_text(item.get("contact_email"), 254, where) if row.contact_consent else None
    return row


def restore(importer, activity: Activity, entry: dict) -> None:
    signup = CellSignup(activity_id=activity.id, mode=one_of(entry["mode"], SIGNUP_MODES, "cells.mode"),
                        assigned=_flag(entry["assigned"], "cells.assigned"),
                        show_nicknames=_flag(entry["show_nicknames"], "cells.show_nicknames"))
    db.session.add(signup)
    db.session.flush()
    cells: dict[str, Cell] = {}
    members = set()
    for position, item in enumerate(_list(entry["cells"], "cells.cells")):
        capacity = item.get("capacity")
        cell = Cell(signup_id=signup.id, position=position,
                    project_id=_ref(importer.projects, item["project"], "cells.project").id,
                    capacity=None if capacity is None else _whole(capacity, "cells.capacity", 1, MAX_CAPACITY))
        db.session.add(cell)
        db.session.flush()
        _unique(cells, item["ref"], cell, "cells.ref")
        for member in _list(item["members"], "cells.members"):
            person = _ref(importer.people, member["participant"], "cells.members.participant")
            if person.id in members:
                raise ImportProblem("cells.members.participant")
            members.add(person.id)
            row = CellMember(signup_id=signup.id, cell_id=cell.id, participant_id=person.id)
            db.session.add(_dated(_restore_contact(row, member, "cells.members.contact"),
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
        person = _ref(importer.people, preference["participant"], "cells.preferences.participant")
        ranking = [_ref(cells, ref, "cells.preferences.ranking").id
                   for ref in _list(preference["ranking"], "cells.preferences.ranking")]
        if person.id in ranked or not ranking or len(set(ranking)) != len(ranking):
            raise ImportProblem("cells.preferences")
        ranked.add(person.id)
        ranked_row = CellPreference(signup_id=signup.id, participant_id=person.id, ranking=json.dumps(ranking))
        db.session.add(_restore_contact(ranked_row, preference, "cells.preferences.contact"))
