"""A break's rules: its message, checked and stored as the activity's prompt
(no table of its own)."""

from __future__ import annotations

from workshop.extensions import db
from workshop.pause.messages import REFUSALS
from workshop.refusals import Refused
from workshop.workshops.models import Activity, Workshop

KEY = "pause"
MAX_MESSAGE_LENGTH = 120
# The prompt of a break without a message: a prompt is never empty (the
# archive refuses an empty one), and the key reads as what it stands for.
# A message typed as "pause" is the same break, shown as "Break" too.
NO_MESSAGE = KEY


class PauseRejected(Refused):
    """Nothing was changed; `code` says why (workshop/pause/messages.py)."""

    messages = REFUSALS


def clean_message(typed: str) -> str:
    """The message on one line; "" for none. Too long is refused, never cut."""
    from workshop.security import clean_field, is_blank

    message = " ".join(clean_field(typed or "").split())
    if is_blank(message):
        return ""
    if len(message) > MAX_MESSAGE_LENGTH:
        raise PauseRejected("too_long")
    return message


def create(workshop: Workshop, typed: str) -> Activity:
    """A break at the end of the agenda, with its message in the workshop's language."""
    message = clean_message(typed)
    position = workshop.end_of_agenda()
    activity = Activity(workshop_id=workshop.id, kind=KEY, position=position, prompt=message or NO_MESSAGE)
    db.session.add(activity)
    db.session.commit()
    return activity


def message_of(activity: Activity) -> str:
    """What the facilitator typed; "" for a plain break."""
    return "" if activity.prompt == NO_MESSAGE else activity.prompt
