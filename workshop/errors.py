"""Error answers people can understand: a page when navigating, a short
message in the form's message area for htmx requests."""

from __future__ import annotations

from flask import Flask, current_app, make_response, render_template, request
from flask_babel import gettext as _
from sqlalchemy.exc import InterfaceError, OperationalError
from sqlalchemy.exc import TimeoutError as PoolTimeout

# How long a phone (or a person) should wait before sending again.
RETRY_AFTER_SECONDS = 5


def messages() -> dict[int, str]:
    return {
        403: _("This is reserved to the workshop's facilitators."),
        404: _("This page does not exist (or no longer does)."),
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


def answer(status: int, message: str | None = None):
    message = message or messages().get(status, messages()[500])
    if request.headers.get("HX-Request"):
        return message_fragment(message, status)
    return render_template("error.html", message=message, status=status), status


def csrf_failed(_error):
    # A page left open for hours, or a session lost: the form's token no longer matches.
    return answer(400, _("This page is out of date: reload it, then try again. Nothing was saved."))


def database_unavailable(error: Exception):
    """The database cannot be reached (restarting, network cut, every pooled
    connection busy): the transaction did not commit, so nothing is
    half-stored. Say so, and when to try again, instead of a 500."""
    from workshop.extensions import db

    try:
        db.session.rollback()
    except Exception:  # noqa: BLE001 - the connection is gone; the pool replaces it
        pass
    current_app.logger.warning("database unavailable: %s", error)
    # A bare message, even for a full page: the base layout would ask the
    # database for the signed-in user.
    response = message_fragment(messages()[503], 503)
    if not request.headers.get("HX-Request"):
        del response.headers["HX-Retarget"], response.headers["HX-Reswap"]
    response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    from flask_wtf.csrf import CSRFError

    app.register_error_handler(CSRFError, csrf_failed)
    for status in (403, 404, 429, 500):
        app.register_error_handler(status, lambda error, status=status: answer(status))
    for unreachable in (OperationalError, InterfaceError, PoolTimeout):
        app.register_error_handler(unreachable, database_unavailable)
