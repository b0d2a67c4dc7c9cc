"""What a force field holds about people, for workshop/privacy.py (Law 25): the
forces (text and explanation) and the impacts phones posted. One person's own
part of their data export is `logic.personal_data`, answered from here too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy import func, select

from workshop.extensions import db
from workshop.forces.logic import personal_data as personal_data
from workshop.forces.models import Force, ForceField, ForceImpact
from workshop.kinds import FreeText
from workshop.workshops.models import Activity, Workshop


def _of_workshop(model, workshop: Workshop, *also):
    return (select(model, ForceField.subject).join(ForceField, ForceField.id == model.field_id)
            .join(Activity, Activity.id == ForceField.activity_id)
            .where(Activity.workshop_id == workshop.id, *also).order_by(model.id))


def texts(workshop: Workshop):
    """Every force with its explanation, merged and hidden ones included, and every impact."""
    for force, subject in db.session.execute(_of_workshop(Force, workshop)).all():
        text = " — ".join(part for part in (force.text, force.explanation, force.theme) if part)
        yield FreeText("force", force, ("text", "explanation", "theme"), text, _l("Force"), subject,
                       force.participant_id)
    for impact, subject in db.session.execute(_of_workshop(ForceImpact, workshop)).all():
        yield FreeText("impact", impact, ("text",), impact.text, _l("Impact"), subject, impact.participant_id)
    # A field's subject is typed, or copied from a project's title.
    for field in db.session.scalars(select(ForceField).join(Activity, Activity.id == ForceField.activity_id)
                                    .where(Activity.workshop_id == workshop.id).order_by(ForceField.id)):
        yield FreeText("force-subject", field, ("subject",), field.subject, _l("Subject"), _l("Force-field evaluation"))


def held(participant_id: int) -> list[str]:
    def count(model) -> int:
        return db.session.execute(
            select(func.count(model.id)).where(model.participant_id == participant_id)).scalar_one()

    return [ngettext("%(num)d force", "%(num)d forces", count(Force)),
            ngettext("%(num)d impact", "%(num)d impacts", count(ForceImpact))]


def participants_data(workshop: Workshop) -> dict[str, dict[int, list]]:
    """The forces and impacts each participant posted, outside anonymous force fields."""
    named = Activity.anonymity != "anonymous"
    forces: dict[int, list] = {}
    impacts: dict[int, list] = {}
    for force, subject in db.session.execute(_of_workshop(Force, workshop, named)).all():
        forces.setdefault(force.participant_id, []).append(
            {"subject": subject, "side": force.side, "text": force.text, "explanation": force.explanation})
    for impact, subject in db.session.execute(_of_workshop(ForceImpact, workshop, named)).all():
        impacts.setdefault(impact.participant_id, []).append(
            {"subject": subject, "effect": impact.effect, "text": impact.text})
    return {"forces": forces, "force_impacts": impacts}
