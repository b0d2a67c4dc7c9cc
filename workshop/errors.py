"""Error answers people can understand: a page when navigating, a short
message in the form's message area for htmx requests."""

from __future__ import annotations

import time

from flask import Flask, Response, current_app, g, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import DataError, IntegrityError, InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# How long a phone (or a person) should wait before sending again.
RETRY_AFTER_SECONDS = 5


def messages() -> dict[int, str]:
    return {
        400: _("This request could not be read: go back to the page and try again."),
        403: _("This is reserved to the workshop's facilitators."),
        404: _("This page does not exist (or no longer does)."),
        408: _("Your connection was too slow to send this: nothing was saved. Try again."),
        405: _("This address does not take this kind of request: go back and use the page's buttons."),
        413: _("This is too big to be sent: nothing was saved."),
        429: _("Too many attempts in a short time: wait a minute, then try again."),
        500: _("Something went wrong on our side. Try again in a moment."),
        503: _("The workshop cannot reach its database for a moment: nothing was saved. "
               "Try again in a few seconds."),
    }


def message_fragment(message: str, status: int = 422):
    """A refusal an htmx form shows in the page's message area (#form-message),
    instead of swapping it into the form's target."""
    response = make_response(render_template("_message.html", message=message), status)
    response.headers["HX-Retarget"] = "#form-message"
    response.headers["HX-Reswap"] = "innerHTML"
    return response


def retargeted(answer, element: str):
    """An answer (a body, or (body, status)) that replaces `element` whole, wherever the
    form that asked meant to put it: a phone's stale panel (another hat, another
    idea served) is replaced by the current one, not added into its list."""
    response = make_response(answer)
    response.headers["HX-Retarget"] = element
    response.headers["HX-Reswap"] = "outerHTML"
    return response


def sent(template: str, **context):
    """What a phone's send answers: its card, and the "sent" event on which
    the phone clears its form (static/js/phone.js). A resend of something
    stored already gets the same card: its first answer was lost on the way."""
    response = make_response(render_template(template, **context))
    response.headers["HX-Trigger"] = "sent"
    return response


def over_limit(limit, message_in_minutes) -> Response:
    """A 429 that says the real wait, in minutes, rather than "a minute": for limits
    counted by the hour. `message_in_minutes(n)` words it (an ngettext)."""
    wait = max(1, round((limit.reset_at - time.time()) / 60))
    response = make_response(render_template("error.html", status=429, message=message_in_minutes(wait)), 429)
    response.headers["Retry-After"] = str(wait * 60)
    return response


def given_or_answer(error, status: int):
    """The answer an abort carried (a limit's own refusal, over_limit) if any, else ours:
    a handler by status would otherwise replace it with the generic words."""
    given = getattr(error, "response", None)
    return given if given is not None else answer(status)


def answer(status: int, message: str | None = None):
    _speak_to_a_joined_phone()
    message = message or messages().get(status, messages()[500])
    if request.headers.get("HX-Request"):
        return message_fragment(message, status)
    return render_template("error.html", message=message, status=status), status


def _speak_to_a_joined_phone() -> None:
    """A refusal that comes before any guard read the workshop (a rate limit,
    a stale CSRF token, a body too big) speaks the workshop's language to a
    phone that joined it. Only to such a phone: a guesser's code must not say
    by its words whether it exists (guards.refuse_code)."""
    from workshop.i18n import speak

    code = (request.view_args or {}).get("code")
    if g.get("workshop_language") or not isinstance(code, str):
        return
    try:
        from workshop.guards import participant_of_request

        participant = participant_of_request(code)
    except Exception:  # noqa: BLE001 - an error page never fails for its words; French then
        _rollback()
        return
    if participant is not None:
        speak(participant.workshop.language)


def id_past_integers(error: OverflowError):
    """A form's id past what SQLite stores (2^63 - 1; route ids are bounded by
    their converter) matches no row: 404. Any other overflow is a bug: a 500."""
    if "SQLite INTEGER" not in str(error):
        raise error
    _rollback()
    current_app.logger.info("an id past the database's integers: %s", error)
    return answer(404)


def method_not_allowed(error):
    response = make_response(answer(405))
    response.headers["Allow"] = ", ".join(sorted(getattr(error, "valid_methods", None) or ()))
    return response


def csrf_failed(_error):
    # A page left open for hours, or a session lost: the form's token no longer matches.
    _speak_to_a_joined_phone()  # before the words are looked up
    return answer(400, _("This page is out of date: reload it, then try again. Nothing was saved."))


def _rollback() -> None:
    from workshop.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
        pass


def _bare(message: str, status: int):
    """A message fragment; for a full page without htmx's retargeting headers
    (the base layout would ask the database for the signed-in user)."""
    response = message_fragment(message, status)
    if not request.headers.get("HX-Request"):
        del response.headers["HX-Retarget"], response.headers["HX-Reswap"]
    response.headers["Cache-Control"] = "no-store"
    return response


def data_refused(error: Exception):
    """The database refused a value (too long for its column, out of range) or
    a duplicate: the request was wrong, not the server. A 422 that says so,
    which phones do not resend."""
    _rollback()
    current_app.logger.info("database refused the data: %s", error)
    return _bare(_("Something you sent is too long or not valid, so nothing was saved. "
                   "Shorten it or correct it, then try again."), 422)


# SQLite and PostgreSQL words for a database that works but cannot write:
# no retry helps until someone frees space or gives write access back.
_CANNOT_WRITE = ("disk is full", "database or disk is full", "no space left", "readonly database",
                 "read-only", "read only", "diskfull", "disk full")


def cannot_write(error: Exception) -> bool:
    text = str(getattr(error, "orig", error)).lower()
    return any(words in text for words in _CANNOT_WRITE)


def database_unavailable(error: Exception):
    """The database cannot be reached (restarting, network cut, every pooled
    connection busy): the transaction did not commit, so nothing is
    half-stored. Say so, and when to try again, instead of a 500."""
    _rollback()
    if cannot_write(error):
        # Not a blip: the disk is full or the database file read-only.
        current_app.logger.error("the database cannot write (disk full or read-only): %s", error)
        return _bare(_("The workshop cannot save anything: its server's disk is full or its "
                       "database is read-only. Nothing was saved. Tell the facilitator."), 507)
    current_app.logger.warning("database unavailable: %s", error)
    response = _bare(messages()[503], 503)
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    g.retry_after = RETRY_AFTER_SECONDS
    return response


def keep_retry_after(response):
    """Flask-Limiter writes its own window's reset (up to a minute) into
    Retry-After on every limited route; a database blip's 5 s wins."""
    if getattr(g, "retry_after", None) is not None and response.status_code == 503:
        response.headers["Retry-After"] = str(g.retry_after)
    return response


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    from workshop.refusals import Refused

    app.register_error_handler(CSRFError, csrf_failed)
    # A command a feature refused and its view let through (workshop/refusals.py):
    # its message in the form's message area, as htmx forms show refusals.
    app.register_error_handler(Refused, lambda error: message_fragment(error.message(), error.status))
    app.register_error_handler(405, method_not_allowed)
    for status in (400, 403, 404, 408, 413, 429, 500):
        app.register_error_handler(status, lambda error, status=status: given_or_answer(error, status))
    # A body trickled slower than BODY_TIMEOUT (workshop/serve.py cuts it off).
    app.register_error_handler(TimeoutError, lambda _error: answer(408))
    app.register_error_handler(OverflowError, id_past_integers)
    for unreachable in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(unreachable, database_unavailable)
    for refused in (DataError, IntegrityError):
        app.register_error_handler(refused, data_refused)
    # After-request functions run last-registered first: at the head of the
    # list, this one runs after Flask-Limiter's header injection.
    app.after_request_funcs.setdefault(None, []).insert(0, keep_retry_after)
