"""A break: the screens show the facilitator's short message; phones send nothing."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds
from workshop.pause.logic import KEY, message_of


def _label(activity) -> str:
    message = message_of(activity)
    return _("Break: %(message)s", message=message) if message else _("Break")


KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, privacy...
    key=KEY,
    name=_l("Break"),
    stage={"projector": "pause/_projector.html", "control": "pause/_control.html", "phone": "pause/_phone_stage.html"},
    label=_label,
    own_words=message_of,
    # The projector's title; its stage shows the message itself, very large.
    heading=lambda _activity: _("Break"),
    announce=kinds.until_closed(_label, closed=_l("The break is over.")),
    add_form="pause/_new.html",
    add_form_id="new-pause-form",
))
