"""Brainwriting rotation ("pass the idea", 6-3-5 style): in each round every
phone is handed someone else's idea and builds on it."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds
from workshop.brainwriting import logic
from workshop.brainwriting.models import KEY


def _round_announced(activity) -> str:
    bw = logic.of_activity(activity)
    assert bw is not None  # made with the activity
    return _("Brainwriting, round %(num)d: build on the idea your phone shows.", num=bw.round_no)


def _round_key(activity) -> str:
    bw = logic.of_activity(activity)
    return f"-r{bw.round_no}" if bw else ""


def _on_open(activity) -> None:
    bw = logic.of_activity(activity)
    assert bw is not None  # made with the activity
    logic.start_first_round(bw)


KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, archive, privacy...
    key=KEY,
    name=_l("Brainwriting rotation"),
    stage={"projector": "brainwriting/_projector.html", "control": "brainwriting/_control.html",
           "phone": "brainwriting/_phone_stage.html"},
    # Its question's prompt alone would read like the question itself in the agenda.
    label=lambda activity: _("Brainwriting: %(question)s", question=activity.prompt),
    heading=lambda activity: activity.prompt,
    announce=kinds.until_closed(_round_announced),
    # A new round is news to the phones even though the activity stays open.
    announce_key=_round_key,
    on_open=_on_open,
    add_form="brainwriting/_new.html",
    add_form_id="new-brainwriting-form",
    archive_key="brainwriting",
))
