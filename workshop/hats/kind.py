"""Six thinking hats: each phone wears a hat and comments a subject in its frame."""

from __future__ import annotations

from typing import TYPE_CHECKING

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds

if TYPE_CHECKING:
    from workshop.hats.models import HatsActivity
    from workshop.workshops.models import Activity


def _hats(activity: Activity) -> HatsActivity:
    assert activity.hats is not None  # made with the activity
    return activity.hats


def _heading(activity: Activity) -> str:
    # The subject being discussed now, not the first one the activity was named after.
    subject = _hats(activity).current_subject
    assert subject is not None  # set when the activity is made
    return subject.title


def _on_open(activity) -> None:
    from workshop.hats.logic import hand_out

    hand_out(activity.hats)


KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, archive, privacy...
    key=kinds.HATS,
    stage_reads=("hats",),
    name=_l("Six thinking hats"),
    stage={"projector": "hats/_projector.html", "control": "hats/_control.html", "phone": "hats/_phone_stage.html"},
    label=lambda activity: activity.prompt,
    heading=_heading,
    announce=kinds.until_closed(lambda activity: _("Six thinking hats: %(title)s", title=_heading(activity))),
    # A new subject is news to the phones even though the activity stays open.
    announce_key=lambda activity: f"-{_hats(activity).current_subject_id}",
    on_open=_on_open,
    add_form="hats/_new.html",
    add_form_id="new-hats-form",
    archive_key="hats",
))
