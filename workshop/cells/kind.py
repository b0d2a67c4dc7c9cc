"""Innovation cells: participants sign up to carry a retained priority further."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds

KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, archive, privacy...
    key=kinds.CELLS,
    stage_reads=("signup",),
    name=_l("Innovation cells"),
    stage={"projector": "cells/_projector.html", "control": "cells/_control.html", "phone": "cells/_phone_stage.html"},
    # Its prompt is a placeholder ("cells"): the kind's name is its title everywhere.
    label=lambda _activity: _("Innovation cells"),
    own_words=lambda _activity: "",
    heading=lambda _activity: _("Innovation cells"),
    announce=kinds.until_closed(lambda _activity: _("Innovation cells: the sign-up is open."),
                                closed=_l("The sign-up is closed.")),
    named_by_kind=True,
    add_form="cells/_new.html",
    add_form_id="new-cells-form",
    archive_key="cells",
))
