"""Results on the big screens while ballots arrive (coalesced)."""

from __future__ import annotations

from workshop import live
from workshop.extensions import db


def results_changed(round_) -> None:
    round_id = round_.id

    def push():
        from workshop.voting.models import Round

        found = db.session.get(Round, round_id)
        if found is not None:
            live.stage_changed(found.activity.workshop, audiences=live.FACILITATOR_AUDIENCES)

    live.coalesced(("results", round_id), push)
