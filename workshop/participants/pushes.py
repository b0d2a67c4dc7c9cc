"""The room's head count on the big screens, as people join and leave."""

from __future__ import annotations

from workshop import live
from workshop.extensions import db


def room_changed(workshop) -> None:
    """Count and show the room again: once per push interval, however many
    phones joined meanwhile (a QR code on the screen brings them by the dozen,
    and counting and rendering for each was a fifth of a join)."""
    workshop_id = workshop.id

    def push():
        from workshop.workshops.logic import participant_count
        from workshop.workshops.models import Workshop

        read_at = live.server_now_ms()
        found = db.session.get(Workshop, workshop_id)
        if found is not None:
            live.count_changed(found, participant_count(found), read_at=read_at)

    live.coalesced(("room", workshop_id), push)
