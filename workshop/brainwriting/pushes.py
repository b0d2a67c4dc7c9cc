"""What the big screens receive live when a build arrives or is moderated
(through live.broadcast: rendered once per room)."""

from __future__ import annotations

from flask import render_template

from workshop import live
from workshop.brainwriting import logic
from workshop.brainwriting.models import INSPIRED, Brainwriting, Build
from workshop.brainwriting.stage import author_activities
from workshop.extensions import db
from workshop.ideas.models import Idea


def build_changed(bw: Brainwriting, note: Build) -> None:
    """The chain of the build's idea is rendered again; on the projector it moves
    to the top (the ideas built on most recently come first)."""
    workshop = bw.activity.workshop
    shown = workshop.stage_activity
    if note.kind == INSPIRED and shown is not None and shown.id == bw.source_activity_id:
        # The big screens show the question's wall: it has one idea more.
        live.stage_changed(workshop, audiences=live.FACILITATOR_AUDIENCES)
        return
    if shown is None or shown.id != bw.activity_id:
        return  # the big screens show another activity: this wall is not there
    idea = note.idea
    shown = logic.chain(bw, idea)
    everything = logic.chain(bw, idea, include_hidden=True)
    element = f"bw-chain-{idea.id}"

    inspired = logic.inspirations(bw)
    authors = author_activities([*everything, note])
    new_idea = db.session.get(Idea, note.promoted_idea_id) if note.kind == INSPIRED and note.promoted_idea_id else None

    def render(audience: str) -> list[live.Swap]:
        if audience == "control":
            swaps = [live.replace(element, render_template(
                "brainwriting/_chain_control.html", bw=bw, idea=idea, builds=everything, workshop=workshop,
                inspired=inspired, author_activities=authors)), _counts(bw, workshop)]
            if new_idea is not None:  # an idea of its own now, built on in the next rounds
                swaps.append(live.upsert(f"bw-chain-{new_idea.id}", "#bw-chains", render_template(
                    "brainwriting/_chain_control.html", bw=bw, idea=new_idea, builds=[], workshop=workshop,
                    inspired=inspired, author_activities=authors)))
            return swaps
        if idea.hidden:  # hidden by the facilitator: off the projector, whatever is built on it
            swaps = [live.remove(element)]
        else:
            html = render_template("brainwriting/_chain.html", bw=bw, idea=idea, builds=shown, workshop=workshop,
                                   inspired=inspired)
            swaps = [live.remove(element), live.upsert(element, "#bw-chains", html, first=True)]
        if new_idea is not None:  # below the ideas built on, as the wall orders it
            swaps.append(live.upsert(f"bw-chain-{new_idea.id}", "#bw-chains", render_template(
                "brainwriting/_chain.html", bw=bw, idea=new_idea, builds=[], workshop=workshop, inspired=inspired)))
        return swaps

    live.broadcast(workshop.id, live.FACILITATOR_AUDIENCES, render)


def _counts(bw: Brainwriting, workshop) -> live.Swap:
    return live.replace("bw-round-counts", render_template("brainwriting/_round_counts.html", bw=bw,
                                                           workshop=workshop, counts=logic.round_counts(bw)))


def counts_changed(bw: Brainwriting) -> None:
    """A late phone was handed an idea: the control view's figures of the round change."""
    workshop = bw.activity.workshop
    if workshop.stage_activity is None or workshop.stage_activity.id != bw.activity_id:
        return
    live.broadcast(workshop.id, ["control"], lambda _audience: [_counts(bw, workshop)])
