"""What the server does at start, before the first room arrives."""

from __future__ import annotations

from flask_babel import force_locale, gettext

from workshop.serve import load_templates_and_catalogues


def test_every_template_is_compiled_and_every_catalogue_read_at_start(app):
    """A room joining at once on a fresh server must not wait for Jinja to
    compile the join form and the phone page: every template is in the
    environment's cache before the first request, and both catalogues are read."""
    environment = app.jinja_env
    environment.cache.clear()
    load_templates_and_catalogues(app)
    names = [name for name in environment.list_templates() if name.endswith(".html")]
    assert len(names) > 100  # the whole tree, not one folder
    compiled = {key[1] for key in environment.cache.keys()}
    assert set(names) <= compiled, sorted(set(names) - compiled)[:5]
    with app.test_request_context(), force_locale("fr"):
        assert gettext("Leave the workshop…") != "Leave the workshop…"  # the French catalogue, ready
