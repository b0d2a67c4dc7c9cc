"""What a facilitator is told when a workshop command is refused, by the
refusal's code (workshop.workshops.logic.WorkshopRejected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

# An activity of another workshop, or one not started yet shown on the
# projector: the views answer 404, whose page says this.
NO_SUCH_PAGE = _l("This page does not exist (or no longer does).")

REFUSALS: dict[str, Message] = {
    "title_required": _l("Give the workshop a title."),
    "title_too_long": _l("A title holds at most 200 characters."),
    "prompt_required": _l("Write at least one idea-generation question."),
    "unknown_language": _l("Choose French or English."),
    "timer_range": _l("A timer runs from 1 to 180 minutes."),
    "unknown_anonymity": _l("Choose anonymous, stakeholder group only or nicknames."),
    "anonymity_weaker": _l("People have already written under this activity: its anonymity can only be made "
                           "stronger."),
    "unknown_activity": NO_SUCH_PAGE,
    "not_started": NO_SUCH_PAGE,
}
