"""Language: French first, English second, chosen per person."""

from __future__ import annotations

from flask import Blueprint, Flask, g, redirect, request, session
from flask_babel import get_locale

from workshop.security import local_target

LANGUAGES = ("fr", "en")
bp = Blueprint("i18n", __name__)


def select_locale() -> str:
    """The person's own choice, else the workshop's language on its pages, else French."""
    chosen = session.get("lang")
    if chosen in LANGUAGES:
        return chosen
    return g.get("workshop_language") or "fr"


def speak(language: str) -> None:
    """This request's pages speak the workshop's language unless the person chose
    theirs (select_locale). Said once the request knows its workshop: by the
    guards that load it, the join page, and the vote paths that read it themselves."""
    g.workshop_language = language


@bp.post("/lang/<code>")
def switch(code: str):
    if code in LANGUAGES:
        session["lang"] = code
    return redirect(local_target(request.form.get("next"), "/"))


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

    @app.context_processor
    def language_context():
        return {"current_lang": str(get_locale()), "languages": LANGUAGES}
