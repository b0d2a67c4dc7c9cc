"""What innovation cells hold about people, for workshop/privacy.py (Law 25):
places and preferences, the contact details given with them, and the cells'
logs, where names are typed freely."""

from __future__ import annotations

import json
from typing import cast

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import CursorResult, func, select, update

from workshop import dates
from workshop.cells.models import Cell, CellLogEntry, CellMember, CellPreference, CellSignup
from workshop.extensions import db
from workshop.kinds import FreeText
from workshop.participants.models import Participant
from workshop.workshops.models import Activity, Workshop

# The rows where a participant gives contact details.
WITH_CONTACTS: tuple[type[CellMember] | type[CellPreference], ...] = (CellMember, CellPreference)


def cells_of(workshop: Workshop) -> list[Cell]:
    return list(db.session.scalars(select(Cell).join(CellSignup).join(Activity, Activity.id == CellSignup.activity_id)
                                   .where(Activity.workshop_id == workshop.id).order_by(Cell.id)))


def texts(workshop: Workshop):
    """Every log entry, its author's name as typed included."""
    for cell in cells_of(workshop):
        for entry in db.session.scalars(select(CellLogEntry).where(CellLogEntry.cell_id == cell.id)
                                        .order_by(CellLogEntry.id)):
            yield FreeText("log", entry, ("author", "body"), f"{entry.author} — {entry.body}", _l("Cell log"),
                           cell.project.title)


def _rows(model, participant_id: int) -> list:
    return list(db.session.scalars(select(model).where(model.participant_id == participant_id).order_by(model.id)))


def personal_data(participant_id: int) -> dict:
    participant = db.session.get(Participant, participant_id)
    titles = {c.id: c.project.title for c in cells_of(participant.workshop)} if participant else {}
    return {
        "cells": [{"cell": titles.get(m.cell_id, ""), "contact_consent": m.contact_consent,
                   "contact_name": m.contact_name, "contact_email": m.contact_email,
                   "joined_at": dates.stamped(m.joined_at)} for m in _rows(CellMember, participant_id)],
        "cell_preferences": [{"ranking": [titles.get(c, "") for c in json.loads(p.ranking or "[]")],
                              "contact_consent": p.contact_consent, "contact_name": p.contact_name,
                              "contact_email": p.contact_email} for p in _rows(CellPreference, participant_id)],
    }


def held(participant_id: int) -> list[str]:
    count = sum(db.session.scalar(select(func.count(model.id)).where(model.participant_id == participant_id))
                for model in WITH_CONTACTS)
    return [ngettext("%(num)d cell", "%(num)d cells", count)]


def participants_data(workshop: Workshop) -> dict[str, dict[int, list]]:
    """The contact details each member agreed to leave with their cell."""
    given: dict[int, list] = {}
    for member in db.session.scalars(select(CellMember).join(CellSignup, CellSignup.id == CellMember.signup_id)
                                     .join(Activity, Activity.id == CellSignup.activity_id)
                                     .where(Activity.workshop_id == workshop.id).order_by(CellMember.id)):
        if member.contact_consent:
            given.setdefault(member.participant_id, []).append(
                {"name": member.contact_name, "email": member.contact_email})
    return {"cell_contacts": given}


def contacts(participant_ids: list[int]) -> dict[int, list[tuple[str, str]]]:
    given: dict[int, list[tuple[str, str]]] = {}
    for model in WITH_CONTACTS:
        # select() of one of two models is typed as a select of their base class
        rows = cast(list[CellMember | CellPreference], db.session.scalars(
            select(model).where(model.participant_id.in_(participant_ids or [-1])).order_by(model.id)).all())
        for row in rows:
            given.setdefault(row.participant_id, []).append((row.contact_name or "", row.contact_email or ""))
    return given


def forget(participant_ids: list[int]) -> int:
    """Their contact details go; their places and preferences stay."""
    changed = 0
    for model in WITH_CONTACTS:
        # an UPDATE's result is a CursorResult, which Session.execute's annotation does not say
        changed += cast(CursorResult, db.session.execute(
            update(model).where(model.participant_id.in_(participant_ids))
            .values(contact_consent=False, contact_name=None, contact_email=None))).rowcount
    return changed
