"""Cells filling up: the stage for facilitators, the list for phones."""

from __future__ import annotations

from flask import render_template

from workshop import live
from workshop.workshops.models import Workshop


def cells_changed(workshop: Workshop, signup) -> None:
    """Cells fill up: the whole stage for facilitators, only the list for
    phones (their own sign-up form stays as the person left it)."""
    live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES)
    from workshop.cells.stage import view

    stage = view(signup.activity, "phone")  # once for the phones of every language
    live.broadcast(workshop.id, ["phones"], lambda _audience: [live.replace("cells-list", render_template(
        "cells/_cells.html", signup=stage.signup, stage=stage, workshop=workshop, audience="phones"))])
