"""What the server does at start, before the first room arrives. (Not by
importing workshop.serve: it patches the standard library for gevent, and
the rest of the tests' threads with it.)"""

from __future__ import annotations

from flask_babel import force_locale, gettext

from workshop.templating import load_all


def test_every_template_is_compiled_and_every_catalogue_read_at_start(app):
    """A room joining at once on a fresh server must not wait for Jinja to
    compile the join form and the phone page: every template is in the
    environment's cache before the first request, and both catalogues are read."""
    environment = app.jinja_env
    environment.cache.clear()
    load_all(app)
    names = [name for name in environment.list_templates() if name.endswith(".html")]
    assert len(names) > 100  # the whole tree, not one folder
    compiled = {key[1] for key in environment.cache.keys()}
    assert set(names) <= compiled, sorted(set(names) - compiled)[:5]
    with app.test_request_context(), force_locale("fr"):
        assert gettext("Leave the workshop…") != "Leave the workshop…"  # the French catalogue, ready


def test_no_test_patches_the_standard_library_for_gevent():
    """Importing workshop.serve patches threading for gevent: in the tests'
    process that turned the grouping's worker threads into greenlets, and a
    test of two groupings at once waited on its lock for ever."""
    from gevent import monkey

    assert not monkey.is_module_patched("threading")


def test_the_pool_s_connections_are_open_before_the_first_room_joins(app, workshop):
    """A fresh server's first burst of joins opened the pool's connections one
    by one (PRAGMAs on SQLite, a backend process on PostgreSQL) while phones
    waited. At start they are all open, and 30 joins at once open none."""
    from sqlalchemy import event

    from tests.conftest import joined_phones
    from workshop.database import open_pool
    from workshop.extensions import db

    with app.app_context():
        db.engine.dispose()  # as a server starts: nothing open yet
        assert db.engine.pool.checkedin() == 0
    assert open_pool(app) == app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_size"] == 30
    with app.app_context():
        assert db.engine.pool.checkedin() == 30
        opened = []
        event.listen(db.engine, "connect", lambda *_args: opened.append(1))
    joined_phones(app, workshop, 30)
    assert opened == []
