"""What a phone is told when an idea is refused, by the refusal's code
(workshop.ideas.logic.IdeaRejected). The kinds whose texts are checked as an
idea's (hats, brainwriting, forces) include this table in theirs for the codes
of those checks."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    "empty": _l("Your idea is empty: write something first."),
    "too_long": _l("Your idea is too long: 500 characters at most."),
    "closed": _l("This activity is closed: your idea was not sent."),
    "wrong_activity": _l("This activity does not take ideas."),
    "bad_key": _l("Reload the page and send your idea again."),
    "unknown_idea": _l("This idea no longer exists."),
    "bad_merge": _l("Choose two different ideas of the same activity to merge."),
    "merge_needs_two": _l("Tick two duplicates or more, then merge them."),
    "merge_other_question": _l("These ideas answer different questions: only ideas of the same question can be "
                               "merged. They can stay side by side in one theme."),
    "merged_already": _l("One of these ideas was merged already: reload the page to see where it went."),
}

