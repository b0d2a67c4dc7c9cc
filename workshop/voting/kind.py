"""A voting round: phones fill a ballot, the projector shows the results."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds
from workshop.voting import archive, logic, privacy, stage, views

KIND = kinds.register(kinds.ActivityKind(
    key=kinds.VOTE,
    stage_reads=("round",),
    name=_l("Voting round"),
    stage={"projector": "voting/_projector_round.html", "control": "voting/_control_round.html",
           "phone": "voting/_phone_stage.html"},
    label=lambda activity: activity.prompt,
    heading=lambda activity: activity.prompt,
    announce=kinds.until_closed(lambda activity: _("Vote open: %(title)s", title=activity.prompt),
                                closed=_l("The vote is closed.")),
    view=stage.view,
    add_form="voting/_new_round.html",
    add_form_id="new-round-form",
    archive_key="round",
    export=archive.export,
    blueprint=views.bp,
    remove_participants=logic.remove_participants,
    privacy=privacy,
    restore=archive.restore_round,
))
