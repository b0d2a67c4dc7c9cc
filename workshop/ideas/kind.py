"""A question put to the room: phones send ideas, the wall fills, themes group them."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds


def _shown(activity):
    from workshop.themes.logic import theme_owner

    return theme_owner(activity)


KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, archive, privacy...
    key=kinds.IDEAS,
    name=_l("Idea generation"),
    stage={"projector": "ideas/_projector_stage.html", "control": "ideas/_control_stage.html",
           "phone": "ideas/_phone_stage.html"},
    label=lambda activity: activity.prompt,
    heading=lambda activity: activity.prompt,
    announce=kinds.until_closed(lambda activity: _("New question: %(title)s", title=activity.prompt)),
    shown=_shown,
))
