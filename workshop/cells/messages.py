"""What a person is told when a cells command is refused, by the refusal's
code (workshop.cells.logic.CellsRejected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    "full": _l("This cell is full: choose another one."),
    "closed": _l("The sign-up is closed: nothing was changed."),
    "already_member": _l("You are already in a cell: one cell per person."),
    "already_assigned": _l("The cells have been assigned already."),
    "bad_ranking": _l("Put each cell at most once in your order."),
    "bad_email": _l("This email address does not look right."),
    "no_priorities": _l("Retain priority projects first: one cell per priority."),
    "bad_capacity": _l("A capacity goes from 1 to 500, or stays empty for no limit."),
    "no_preferences": _l("Nobody has given preferences yet."),
    "empty_log": _l("Write your name and a note."),
    "long_log": _l("A note has 5,000 characters at most."),
    "unknown_cell": _l("This cell does not exist."),
    "wrong_mode": _l("This does not apply to this sign-up."),
    "busy": _l("Many changes at once: try again."),
    "below_members": _l("This cell has more members than that already."),
    "already_placed": _l("This person is in a cell already."),
    "unknown_participant": _l("This person is not in this workshop."),
    "full_for_facilitator": _l("This cell is full: raise its number of places first, or choose another cell."),
    # No form sends these (a forged mode, a sign-up of another workshop): the general words.
    "bad_mode": _l("This could not be done."),
    "unknown_signup": _l("This could not be done."),
}
