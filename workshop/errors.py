"""Error answers people can understand: a page when navigating, a short
message in the form's message area for htmx requests."""

from __future__ import annotations

from flask import Flask, make_response, render_template, request
from flask_babel import gettext as _


def messages() -> dict[int, str]:
    return {
        403: _("This is reserved to the workshop's facilitators."),
        404: _("This page does not exist (or no longer does)."),
        429: _("Too many attempts in a short time: wait a minute, then try again."),
        500: _("Something went wrong on our side. Try again in a moment."),
    }


def answer(status: int):
    message = messages().get(status, messages()[500])
    if request.headers.get("HX-Request"):
        response = make_response(render_template("_message.html", message=message), status)
        response.headers["HX-Retarget"] = "#form-message"
        response.headers["HX-Reswap"] = "innerHTML"
        return response
    return render_template("error.html", message=message, status=status), status


def init_app(app: Flask) -> None:
    for status in (403, 404, 429, 500):
        app.register_error_handler(status, lambda error, status=status: answer(status))
