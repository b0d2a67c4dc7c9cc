"""What a person is told when a force-field command is refused, by the
refusal's code (workshop.forces.logic.ForcesRejected, and ImpactRejected for an
observed impact, which says a few codes its own way). A force's or an impact's
text is checked as an idea's (workshop.ideas.logic.clean_text): those codes keep
the ideas' words, unless the forces say it their way ("empty", "too_long")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.ideas.messages import REFUSALS as IDEAS_REFUSALS
from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    **IDEAS_REFUSALS,
    "no_subject": _l("Choose a priority or a project, or type a subject."),
    "unknown_subject": _l("This subject is not part of the workshop."),
    "closed": _l("This activity is closed: your force was not sent."),
    "too_long": _l("Your force is too long: 200 characters at most."),
    "empty": _l("Your force is empty: write something first."),
    "explanation_too_long": _l("Your explanation is too long: 500 characters at most."),
    "bad_side": _l("Choose whether it drives or restrains."),
    "bad_strength": _l("Choose a strength from 1 to 5."),
    "own_force": _l("This is your own force: others can agree with it."),
    "hidden_force": _l("This force is no longer shown."),
    "bad_merge": _l("Choose two different forces of the same side to merge."),
    "bad_effect": _l("Choose whether the impact is positive or negative."),
    "bad_affected": _l("Choose who is affected."),
    "theme_too_long": _l("A group's name is 80 characters at most."),
    # Answered 404 by the views (a field, force or impact of another workshop): the general words.
    "unknown_activity": _l("This could not be done."),
    "unknown_force": _l("This could not be done."),
    "unknown_impact": _l("This could not be done."),
}

IMPACT_REFUSALS: dict[str, Message] = {
    **REFUSALS,
    "closed": _l("This activity is closed: your impact was not sent."),
    "too_long": _l("Your impact is too long: 200 characters at most."),
    "empty": _l("Your impact is empty: write something first."),
}
