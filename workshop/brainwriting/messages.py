"""What a person is told when a brainwriting command is refused, by the
refusal's code (workshop.brainwriting.logic.BrainwritingRejected). A build-on's
text is checked as an idea's (workshop.ideas.logic.clean_text): those codes keep
the ideas' words, unless brainwriting says it its way ("closed", "too_long")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.ideas.messages import REFUSALS as IDEAS_REFUSALS
from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    **IDEAS_REFUSALS,
    "unknown_question": _l("Choose a question of this workshop."),
    "no_ideas": _l("This question has no ideas yet: brainwriting passes ideas around."),
    "bad_minutes": _l("A round lasts from 1 to 60 minutes."),
    "closed": _l("This activity is closed: your build-on was not sent."),
    "not_served": _l("This idea was not handed to you: your phone shows the one you build on now."),
    "too_long": _l("Your build-on is too long: 300 characters at most."),
    "bad_kind": _l("Choose “Yes, and…”, “What if…” or a new idea."),
    "weaker_question": _l("This build-on was written under a stronger anonymity promise than the question's: "
                          "it cannot become one of its ideas."),
    # Answered 404 by the views (an activity or a build-on of another workshop): the general words.
    "unknown_activity": _l("This could not be done."),
    "unknown_build": _l("This could not be done."),
}
