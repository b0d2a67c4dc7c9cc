"""What a person is told when a vote or a round is refused, by the refusal's
code (workshop.voting.logic.VoteRejected), and when a list of items cannot be
brought in (workshop.voting.items_import.ImportRefused)."""

from __future__ import annotations

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext

from workshop.refusals import Message

# A vote type's name: the form's choices, a round left without a title, the report and its exports.
VOTE_KIND_NAMES = {"dots": _l("Dots"), "approval": _l("Approval"), "ranking": _l("Ranking"),
                   "impact_feasibility": _l("Impact × feasibility")}


def vote_kind_words() -> dict[str, str]:
    """Each vote type's name in the language of the request (or of force_locale)."""
    return {kind: str(name) for kind, name in VOTE_KIND_NAMES.items()}

# `limit` is the number a plural needs; a refusal raised without it says 0.
REFUSALS: dict[str, Message] = {
    "closed": _l("This vote is closed: your vote was not changed."),
    "over_budget": _l("You have no dots left: take one back from another item first."),
    "too_many_on_item": lambda limit=0: ngettext("%(num)d dot at most on one item.",
                                                 "%(num)d dots at most on one item.", limit or 0),
    "invalid_dots": _l("There is no dot to take back here."),
    "too_many_approved": lambda limit=0: ngettext("Choose %(num)d item at most.", "Choose %(num)d items at most.",
                                                  limit or 0),
    "too_many_ranked": lambda limit=0: ngettext("Rank %(num)d item at most.", "Rank %(num)d items at most.",
                                                limit or 0),
    "duplicate_rank": _l("Each item can have one place only."),
    "duplicate_item": _l("Each item can be chosen once only."),
    "rank_gap": _l("Fill the places in order, from place 1: a place is empty above a filled one."),
    "too_few_approved": lambda limit=0: ngettext("Choose at least %(num)d item, or none.",
                                                 "Choose at least %(num)d items, or none.", limit or 0),
    "too_few_ranked": lambda limit=0: ngettext("Rank at least %(num)d item, or none.",
                                               "Rank at least %(num)d items, or none.", limit or 0),
    "bad_minimum": _l("The minimum of choices cannot be above the number of choices or places."),
    "score_out_of_range": _l("Scores go from 1 to 5."),
    "half_scored": lambda item="": _("Give “%(item)s” both an impact and a feasibility score, or neither.",
                                     item=item),
    "unknown_item": _l("This item is not part of the vote."),
    "busy": _l("Many votes at once: try again."),
    "no_ideas": _l("There are no ideas to vote on yet."),
    "no_themes": _l("Group the ideas into themes first."),
    "nothing_picked": _l("Tick the themes and ideas to vote on first."),
    "unknown_pick": _l("One of the ticked items no longer exists: reload and tick again."),
    "no_previous_round": _l("There is no previous round to carry from."),
    "previous_open": _l("Close the previous round first: its results decide what carries over."),
    "no_votes_yet": _l("Nobody voted in the previous round: there is nothing to carry over. "
                       "Choose what to vote on another way."),
    "unknown_question": _l("This question has not been opened yet: there is nothing to vote on from it."),
    "bad_source": _l("Choose what to vote on."),
    "too_few_items": _l("A vote needs at least two items."),
    "bad_rules": _l("Check the numbers: dots, dots per item and places must fit the items."),
    "bad_retain": _l("Tick the projects to keep as priorities."),
    "no_items": _l("Paste a list (one item per line) or choose a CSV or XLSX file first."),
    # No form sends these (a forged request, or a round asked for is answered 404): the general words.
    "bad_kind": _l("This could not be done."),
    "malformed": _l("This could not be done."),
    "wrong_workshop": _l("This could not be done."),
    "unknown_round": _l("This could not be done."),
    "other_kind": _l("This vote is not cast this way: reload the page."),
    "long_title": _l("A round's title is 300 characters at most."),
}

IMPORT_REFUSALS: dict[str, Message] = {
    "nothing_given": _l("Paste a list (one item per line) or choose a CSV or XLSX file first."),
    "no_items": _l("No item found: one item per line, or a title in the first column."),
    "unreadable_file": _l("This file cannot be read as a workbook: save it as XLSX or CSV and try again."),
    "old_excel": _l("Old Excel files (.xls) cannot be read: save it as XLSX or CSV and try again."),
    "file_too_large": _l("This file is too large (5 MB at most)."),
}
