"""A voting round: phones fill a ballot, the projector shows the results."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from workshop import kinds

KIND = kinds.register(kinds.ActivityKind(
    **kinds.parts_of(__package__),  # views.bp, stage.view, archive, privacy...
    key=kinds.VOTE,
    stage_reads=("round",),
    name=_l("Voting round"),
    stage={"projector": "voting/_projector_round.html", "control": "voting/_control_round.html",
           "phone": "voting/_phone_stage.html"},
    label=lambda activity: activity.prompt,
    heading=lambda activity: activity.prompt,
    announce=kinds.until_closed(lambda activity: _("Vote open: %(title)s", title=activity.prompt),
                                closed=_l("The vote is closed.")),
    add_form="voting/_new_round.html",
    add_form_id="new-round-form",
    archive_key="round",
))
