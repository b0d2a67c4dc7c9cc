"""What a person is told when a six-hats command is refused, by the refusal's
code (workshop.hats.logic.HatsRejected). A comment's text is checked as an
idea's (workshop.ideas.logic.clean_text): those codes keep the ideas' words,
unless the hats say it their way ("closed")."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.ideas.messages import REFUSALS as IDEAS_REFUSALS
from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    **IDEAS_REFUSALS,
    "not_your_hat": _l("This is not your hat any more: your phone shows your new hat; comment under it."),
    "closed": _l("This activity is closed: your comment was not sent."),
    "closed_no_hat": _l("This activity is closed: hats are no longer handed out."),
    "no_subject": _l("Choose a project or type a subject."),
    "unknown_subject": _l("This subject is not part of the workshop."),
    "wrong_mode": _l("This does not apply to the chosen assignment mode."),
    "sequence_done": _l("This was the last hat of the sequence."),
    "bad_hat": _l("Choose one of the six hats."),
    "unknown_participant": _l("This person is not in the workshop."),
    "bad_mode": _l("Choose an assignment mode."),
    # Answered 404 by the views (a comment or an activity of another workshop): the general words.
    "unknown_comment": _l("This could not be done."),
    "unknown_activity": _l("This could not be done."),
}
