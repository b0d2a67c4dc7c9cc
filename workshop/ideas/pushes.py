"""What the big screens are sent when an idea arrives or is moderated."""

from __future__ import annotations

from collections.abc import Iterable

from flask import render_template

from workshop import live


def card_template(audience: str) -> str:
    """The card an idea is drawn with: the control view's has the moderation tools."""
    return "ideas/_card_control.html" if audience == "control" else "ideas/_card.html"


def idea_card(idea, audience: str) -> str:
    return render_template(card_template(audience), idea=idea, workshop=idea.activity.workshop)


def idea_changed(idea, removed_ids: Iterable[int] = (), arrival: bool = False) -> None:
    """An idea was added or moderated: update it, or take it off the wall.
    `arrival`: a phone's new idea, which a burst may hold a moment (live.in_burst)."""
    from workshop.themes.logic import theme_owner

    shown = idea.activity.workshop.stage_activity
    if shown is None or theme_owner(shown).id != theme_owner(idea.activity).id:
        return  # the big screens show an earlier activity: this idea's wall is not there
    removed = [live.remove(f"idea-{i}") for i in removed_ids]

    def render(audience: str) -> list[live.Swap]:
        if audience == "projector" and not idea.on_wall:
            return [live.remove(f"idea-{idea.id}"), *removed]
        parent = f"#theme-{idea.theme_id}-ideas" if idea.theme_id else "#wall"
        # The projector's wall lists the newest first (its themes, most central first).
        first = audience == "projector" and not idea.theme_id
        return [live.upsert(f"idea-{idea.id}", parent, idea_card(idea, audience), first=first), *removed]

    live.broadcast(idea.activity.workshop_id, live.FACILITATOR_AUDIENCES, render, arrival=arrival)
