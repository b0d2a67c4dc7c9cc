"""Who may do what, asked once at the start of a request.

Every view that acts on a workshop or a phone starts here: `facilitated` and
`readable` for the signed-in side (the workshop, or 404 / 403), `joined` and
`phone_participant` for phones (with the join-code guessing budget),
`facilitated_part` and `joined_part` for one part of the workshop (an activity,
an idea, a cell: 404 when the feature says it is not this workshop's),
`allowed_only` for pages beyond one workshop (coordinators), and the rate-limit
keys. Each that loads a workshop sets the request's language (i18n.speak).
Views import this module, never each other.
"""

from __future__ import annotations

import typing
from collections.abc import Callable
from functools import wraps

from flask import abort, current_app, make_response, request, session
from flask_login import current_user, login_required

from workshop.extensions import db, limiter
from workshop.i18n import speak
from workshop.participants import logic as participants
from workshop.refusals import Refused
from workshop.workshops import logic as workshops
from workshop.workshops.models import Workshop

# --- the signed-in side ------------------------------------------------------------


def facilitated(workshop_id: int) -> Workshop:
    """The workshop, if the signed-in person runs it; refused otherwise."""
    return _workshop_if(workshop_id, workshops.can_facilitate)


def readable(workshop_id: int) -> Workshop:
    """The workshop, if the signed-in person may read its record (workshops.can_read)."""
    return _workshop_if(workshop_id, workshops.can_read)


def managed(workshop_id: int) -> Workshop:
    """The workshop, if the signed-in person may rename or archive it (workshops.can_manage)."""
    return _workshop_if(workshop_id, workshops.can_manage)


def _workshop_if(workshop_id: int, allowed) -> Workshop:
    workshop = db.session.get(Workshop, workshop_id)
    if workshop is None:
        abort(404)
    if not allowed(current_user, workshop):
        abort(403)
    speak(workshop.language)
    return workshop


Part = typing.TypeVar("Part")


def facilitated_part(workshop_id: int, read: Callable[[Workshop], Part],
                     reading: bool = False) -> tuple[Workshop, Part]:
    """The workshop and the part of it `read` finds (`read(workshop)`: an activity,
    an idea, a cell), for its facilitator, or, `reading`, for whoever may read its
    record. A part the feature refuses (another workshop's, or none) is a 404."""
    workshop = readable(workshop_id) if reading else facilitated(workshop_id)
    return workshop, found_or_404(read, workshop)


def facilitated_activity(workshop_id: int, activity_id: int):
    """The workshop and one activity of its agenda, for its facilitator."""
    return facilitated_part(workshop_id, lambda workshop: workshops.activity_of(workshop, activity_id))


def found_or_404(read: Callable[..., Part], *within: typing.Any) -> Part:
    """What `read(*within)` finds (a part of a workshop, a force of a field).
    A feature refuses what is not there with an "unknown_*" code: to the
    reader, no such page (404). A read must refuse another workshop's part the
    same way, so that a 404 never tells it exists. Any other refusal (closed,
    not allowed) goes up with its own status and message (workshop/errors.py),
    rather than passing for a missing page."""
    try:
        return read(*within)
    except Refused as refusal:
        if not refusal.unknown:
            raise
        abort(404)


def allowed_only(allowed: Callable[[typing.Any], bool]):
    """A view decorator for pages beyond one workshop: signed in, and
    `allowed(current_user)` (403 otherwise), for every request and every method."""
    def decorator(view):
        @wraps(view)
        @login_required
        def wrapped(*args, **kwargs):
            if not allowed(current_user):
                abort(403)
            return view(*args, **kwargs)
        return wrapped
    return decorator


# --- phones and guessing join codes -------------------------------------------------
# Every answer that says "not for you" to a code (a wrong code on the join
# pages, 404; a phone route of a code this phone has not joined, 403) counts
# against the address, in one budget for all routes that read a code. Only
# refusals count, so a venue behind one address joins and works freely.
# Once over, the join pages and every refusal answer 429, whether the code
# exists or not; a phone that has joined is never slowed by its neighbours.
# (participants/views.py counts the refusals after each request.)

GUESSES = "code-guesses"


def guess_limits():
    from workshop.rate_limits import parsed

    return parsed(current_app.config["JOIN_FAILURE_LIMIT"])


def counting_guesses() -> bool:
    return bool(current_app.config.get("RATELIMIT_ENABLED", True))


def reads_a_code() -> bool:
    rule = request.url_rule
    return rule is not None and (rule.rule == "/join" or rule.rule.startswith("/j/<code>"))


def guessing_too_much() -> bool:
    if not counting_guesses():
        return False
    try:
        return not all(limiter.limiter.test(item, GUESSES, request.remote_addr or "") for item in guess_limits())
    except Exception:  # noqa: BLE001 - the limits' store away: never lock a venue out for it
        current_app.logger.warning("could not read the join-code guesses", exc_info=True)
        return False


def refuse_code() -> typing.NoReturn:
    """The same answer for an unknown code and a known one this phone has not
    joined: same status, same words, in the same language (the person's or
    French, never the workshop's), so phone routes tell a guesser nothing:
    to join, in words a phone that has not joined (or has left) understands."""
    from flask_babel import gettext as _

    from workshop.errors import answer

    if guessing_too_much():
        abort(429)
    abort(make_response(answer(403, _("Join the workshop first: scan the code on the screen, or type it at /join."))))


def participant_of_request(code: str):
    """This phone's participant for this code (or None), read once per request:
    the rate-limit key and the view both need it. Kept on the request itself,
    never on `g`, which may outlive one request."""
    found = request.environ.setdefault("workshop.phone_participants", {})
    if code not in found:
        found[code] = participants.current_by_code(code)
    return found[code]


def phone_participant(code: str):
    """This phone's participant in the workshop of this code, or None if it has
    not joined (or 429 for a guesser over the limit: see refuse_code).
    One query: every phone request comes this way."""
    participant = participant_of_request(code)
    if participant is None:
        if guessing_too_much():
            abort(429)
        return None
    speak(participant.workshop.language)
    return participant


def joined(code: str):
    """The workshop and this phone's participant; refused (403) if it has not joined."""
    participant = phone_participant(code)
    if participant is None:
        refuse_code()
    return participant.workshop, participant


def joined_part(code: str, read: Callable[[Workshop], Part]):
    """The workshop, this phone's participant, and the part of the workshop `read`
    finds (as facilitated_part: 404 when the feature refuses it)."""
    workshop, participant = joined(code)
    return workshop, participant, found_or_404(read, workshop)


# --- rate-limit keys ----------------------------------------------------------------


def idea_limit() -> str:
    return current_app.config["IDEA_LIMIT"]


def participant_key() -> str:
    # Per phone, not per address: a venue's phones share one address.
    known = session.get(participants.SESSION_KEY, {})
    ids = ",".join(str(known[k]) for k in sorted(known))
    return f"participant:{ids}" if ids else f"address:{request.remote_addr}"
