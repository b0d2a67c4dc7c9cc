"""Live co-creation workshops for living labs."""

from __future__ import annotations

import os
import typing

if typing.TYPE_CHECKING:
    from flask import Flask


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app; nothing runs at import time.

    Imports happen in here so that `workshop.serve` can monkey-patch the
    standard library for gevent before Flask and friends are loaded.
    """
    from flask import Flask

    from workshop import config
    from workshop.config import PROJECT_ROOT

    # scikit-learn's joblib counts the CPU cores by running `lscpu` in a
    # subprocess the first time k-means runs. From a worker thread of a gevent
    # server that fork goes wrong, and the forked copy of the server keeps
    # reading its parent's Redis socket: pushes between workers got lost.
    # Telling joblib the count means it never forks.
    os.environ.setdefault("LOKY_MAX_CPU_COUNT", str(os.cpu_count() or 1))

    app = Flask(
        __name__,
        instance_path=os.environ.get("INSTANCE_PATH") or str(PROJECT_ROOT / "instance"),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    app.config.from_mapping(config.load(app.instance_path))
    app.url_map.converters["int"] = _database_id_converter()
    if test_config:
        app.config.from_mapping(test_config)
        if "SQLALCHEMY_ENGINE_OPTIONS" not in test_config:  # options fit the database in use
            app.config["SQLALCHEMY_ENGINE_OPTIONS"] = config.engine_options(app.config["SQLALCHEMY_DATABASE_URI"])

    from flask_login import current_user

    # Socket handlers must be declared before socketio.init_app: declared
    # later, Flask-SocketIO binds them to that one server only, and the next
    # app (every test makes one) would have none.
    from workshop import (
        database,
        errors,
        i18n,
        kinds,
        live,  # noqa: F401
        rate_limits,
        security,
        stylesheet,
        templating,
        vendor,
    )
    from workshop.extensions import babel, compress, csrf, db, limiter, login_manager, migrate, socketio

    db.init_app(app)
    database.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    babel.init_app(app, locale_selector=i18n.select_locale)
    csrf.init_app(app)
    limiter.init_app(app)
    rate_limits.sweep_fallback_slowly(limiter)  # its memory while Redis is away
    app.after_request(rate_limits.retry_after(limiter))
    compress.init_app(app)
    # `current_user` reaches templates as Flask-Login's proxy, read only when a
    # template asks (the facilitator's pages): its context processor loaded the
    # user (an anonymous one, with a hash of address and browser) for every
    # render, each phone's idea card and ballot included.
    login_manager.init_app(app, add_context_processor=False)
    app.jinja_env.globals["current_user"] = current_user
    socketio.init_app(
        app,
        async_mode=app.config.get("SOCKETIO_ASYNC_MODE", "gevent"),
        message_queue=app.config["SOCKETIO_MESSAGE_QUEUE"],
        # Tests run handlers inline: the test client never yields to gevent.
        async_handlers=app.config.get("SOCKETIO_ASYNC_HANDLERS", True),
        # The control and projector pages need the signed-in user on the socket.
        manage_session=True,
        # None (same origin only) is Flask-SocketIO's own default, which its stubs leave out.
        cors_allowed_origins=app.config.get("SOCKETIO_CORS_ORIGINS", []) or None,  # type: ignore[arg-type]
    )
    live.guard_handshake(app)  # a client whose cookie says nobody gets no socket at all
    live.stamp_answers(app)
    security.init_app(app)
    i18n.init_app(app)
    vendor.init_app(app)
    stylesheet.init_app(app)
    templating.init_app(app)
    kinds.load()
    errors.init_app(app)

    from workshop.accounts import cli as accounts_cli
    from workshop.accounts.views import bp as accounts_bp
    from workshop.orphans.views import bp as orphans_bp
    from workshop.participants.views import bp as participants_bp
    from workshop.privacy import bp as privacy_bp
    from workshop.reports.views import bp as reports_bp
    from workshop.themes import cli as themes_cli
    from workshop.themes.views import bp as themes_bp
    from workshop.workshops.views import bp as workshops_bp

    app.register_blueprint(accounts_bp)
    app.register_blueprint(workshops_bp)
    app.register_blueprint(participants_bp)
    app.register_blueprint(themes_bp)
    app.register_blueprint(privacy_bp)
    app.register_blueprint(reports_bp)
    app.register_blueprint(orphans_bp)
    app.register_blueprint(__import__("workshop.jumelage.views", fromlist=["bp"]).bp)
    for kind in kinds.kinds():
        if kind.blueprint is not None:
            app.register_blueprint(kind.blueprint)
    if app.config.get("PROXY_FIX"):
        # Behind one reverse proxy: the phone's own address (for rate limits) and scheme.
        from werkzeug.middleware.proxy_fix import ProxyFix

        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1)  # type: ignore[method-assign]  # Flask's documented way
    accounts_cli.init_app(app)
    themes_cli.init_app(app)
    return app


def _database_id_converter():
    from werkzeug.routing import IntegerConverter

    class DatabaseId(IntegerConverter):
        """An <int:...> in a route is a row's id: one past what the database
        stores (an INTEGER key: 2^31 - 1 on PostgreSQL) is no page (404),
        never a query that fails."""

        def __init__(self, map, *args, **kwargs):  # noqa: A002 - werkzeug's own name
            kwargs.setdefault("max", 2**31 - 1)
            super().__init__(map, *args, **kwargs)

    return DatabaseId
