"""Force-field evaluation: phones post driving and restraining forces on a subject."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds
from workshop.forces import logic


def _field(activity) -> str:
    return _("Force field: %(subject)s", subject=activity.prompt)


KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, archive, privacy...
    key=logic.FORCES,
    name=_l("Force-field evaluation"),
    stage={"projector": "forces/_projector.html", "control": "forces/_control.html",
           "phone": "forces/_phone_stage.html"},
    label=_field,
    heading=lambda _activity: _("Driving and restraining forces"),
    announce=kinds.until_closed(_field),
    add_form="forces/_new.html",
    add_form_id="new-forces-form",
    archive_key="forces",
))
