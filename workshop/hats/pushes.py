"""Six hats on the big screens: wearers per hat (coalesced) and comments in their column."""

from __future__ import annotations

from flask import render_template
from sqlalchemy import select

from workshop import kinds, live
from workshop.extensions import db
from workshop.workshops.models import Workshop


def hat_wearers_changed(workshop: Workshop) -> None:
    """Someone got a hat late, or left: each hat's count of wearers on the big screens."""
    workshop_id = workshop.id

    def push():
        from workshop.hats.logic import wearers
        from workshop.hats.models import HatsActivity

        found = db.session.get(Workshop, workshop_id)
        activity = found.current_activity if found else None
        if activity is None or activity.kind != kinds.HATS:
            return
        hats = db.session.scalars(select(HatsActivity).where(HatsActivity.activity_id == activity.id)).one()
        counts = wearers(hats)
        live.broadcast(workshop_id, live.FACILITATOR_AUDIENCES, lambda _audience: [
            live.replace(f"hat-wearers-{hat}", render_template("hats/_wearers.html", hat=hat, count=count))
            for hat, count in counts.items()])

    live.coalesced(("wearers", workshop_id), push)


def hat_comment_changed(workshop: Workshop, note) -> None:
    """A hat comment arrived or was moderated: it goes in its hat's column."""
    shown = workshop.stage_activity
    if shown is None or shown.hats is None or shown.hats.current_subject_id != note.subject_id:
        return  # the big screens show another activity or subject: these columns are not there

    def render(audience: str) -> list[live.Swap]:
        if audience == "projector" and note.hidden:
            return [live.remove(f"hat-comment-{note.id}")]
        template = "hats/_comment_control.html" if audience == "control" else "hats/_comment.html"
        # The projector's columns list the newest first.
        return [live.upsert(f"hat-comment-{note.id}", f"#hat-col-{note.hat}",
                       render_template(template, note=note, workshop=workshop, note_activity=shown),
                       first=audience == "projector")]

    live.broadcast(workshop.id, live.FACILITATOR_AUDIENCES, render)
