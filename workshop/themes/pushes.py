"""The grouping's progress on the facilitator's screens."""

from __future__ import annotations

from flask import render_template

from workshop import live
from workshop.workshops.models import Workshop


def grouping_progress(workshop: Workshop, done: int, total: int) -> None:
    """The progress bar while the tool groups ideas (done of total features computed)."""
    def render(_audience: str) -> list[live.Swap]:
        return [live.replace("grouping-status", render_template(
            "themes/_grouping_status.html", running=True, done=done, total=total))]

    live.broadcast(workshop.id, live.FACILITATOR_AUDIENCES, render)


def grouping_failed(workshop: Workshop) -> None:
    def render(_audience: str) -> list[live.Swap]:
        return [live.replace("grouping-status", render_template("themes/_grouping_status.html", failed=True))]

    live.broadcast(workshop.id, live.FACILITATOR_AUDIENCES, render)
