"""What a phone is told when an idea is refused, by the refusal's code
(workshop.ideas.logic.IdeaRejected); the six-hats comments share it."""

from __future__ import annotations

from flask_babel import gettext as _


def rejection_message(code: str) -> str:
    return {
        "empty": _("Your idea is empty: write something first."),
        "too_long": _("Your idea is too long: 500 characters at most."),
        "closed": _("This activity is closed: your idea was not sent."),
        "wrong_activity": _("This activity does not take ideas."),
        "bad_key": _("Reload the page and send your idea again."),
        "unknown_idea": _("This idea no longer exists."),
        "bad_merge": _("Choose two different ideas of the same activity to merge."),
    }.get(code, _("This could not be done."))
