"""What a phone is told when its join is refused, by the refusal's code
(workshop.participants.logic.JoinRejected)."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l

from workshop.refusals import Message

REFUSALS: dict[str, Message] = {
    "nickname_too_long": _l("A nickname has 40 characters at most."),
    "unknown_group": _l("Choose a group from the list."),
}
