"""Database plumbing: SQLite tuned for a live room, and the import of every
model so that Alembic sees the whole schema."""

from __future__ import annotations

from flask import Flask
from sqlalchemy import event
from sqlalchemy.engine import Engine

from workshop.extensions import db


def _tune_sqlite(dbapi_connection, _record) -> None:
    # WAL lets the projector read while phones write; busy_timeout makes a
    # writer wait for the lock instead of failing at once.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def commit_keeping_loaded() -> None:
    """Commit without expiring what this request has loaded.

    A commit normally expires every loaded object, so the next read of any
    attribute goes back to the database. On the hot path (an idea arriving,
    then rendered for each screen) those reloads were most of the request's
    time on PostgreSQL. Use it only where what is loaded was just read or
    written by this request, so that it is what the database now holds."""
    session = db.session()
    expiring, session.expire_on_commit = session.expire_on_commit, False
    try:
        session.commit()
    finally:
        session.expire_on_commit = expiring


def init_app(app: Flask) -> None:
    import workshop.models  # noqa: F401

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite)
