"""What the facilitator is told when adding a break is refused, by the
refusal's code (workshop.pause.logic.PauseRejected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    "too_long": _l("A break's message is 120 characters at most: shorten it."),
}
