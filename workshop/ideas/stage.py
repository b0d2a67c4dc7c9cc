"""A question's stage, as its templates (and the themes' ones) read it: built
once per change from the database, then rendered for each room with no query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from workshop import snapshot

if TYPE_CHECKING:
    from workshop.ideas.models import Idea
    from workshop.themes.models import Theme
    from workshop.workshops.models import Activity


@dataclass(frozen=True)
class QuestionStage:
    """What a question's stage shows. `activity` is the question on stage (the
    grouping's owner when it is grouped with others); the big screens show its
    `wall` before a grouping, its `groups` (theme, ideas) after one."""

    activity: Activity
    themes: tuple[Theme, ...] = ()
    wall: tuple[Idea, ...] = ()
    groups: tuple[tuple[Theme | None, list[Idea]], ...] = ()
    # The questions its themes hold, the owner first (held here: their ideas'
    # cards read them, and the session keeps only rows something refers to).
    span: tuple[Activity, ...] = ()
    # The control view's: the last grouping's near-duplicates and the other
    # questions it may group with.
    duplicates: tuple[tuple[Idea, Idea, float], ...] = ()
    other_questions: tuple[Activity, ...] = ()

    @property
    def heading(self) -> str | None:
        """Themes holding several questions' ideas are titled as such, not as
        answers to the first question (the projector's title; None: the question)."""
        from flask_babel import ngettext

        if self.themes and len(self.span) > 1:
            return ngettext("Themes of %(num)d question", "Themes of the %(num)d questions", len(self.span))
        return None


def view(activity: Activity, audience: str) -> QuestionStage:
    from workshop.ideas.logic import wall
    from workshop.themes.logic import duplicate_suggestions, grouped_wall, grouping_span, with_themes
    from workshop.voting.logic import ideas_activities

    if audience == "phone":  # the idea form; each phone loads its own ideas
        return QuestionStage(activity=activity)
    control = audience == "control"
    themes = tuple(activity.themes)
    span = tuple(grouping_span(activity))
    if control:
        with_themes(span)  # a control card reads its question's themes
    if themes:
        shown = QuestionStage(activity=activity, themes=themes, span=span,
                              groups=tuple(grouped_wall(activity, include_hidden=control)))
    else:
        # The wall of the activity on stage, as the big screens showed it.
        on_stage = activity.workshop.stage_activity or activity
        shown = QuestionStage(activity=activity, span=span, wall=tuple(wall(on_stage, include_hidden=control)))
    if not control:
        return shown
    workshop = activity.workshop
    questions = snapshot.once(("ideas_activities", workshop.id), lambda: ideas_activities(workshop))
    return QuestionStage(
        activity=activity, themes=themes, wall=shown.wall, groups=shown.groups,
        duplicates=tuple(duplicate_suggestions(activity)) if themes else (), span=span,
        other_questions=tuple(question for question in questions if question.id != activity.id))
