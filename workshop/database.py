"""Database plumbing: SQLite tuned for a live room, the one-statement INSERT
of the hot paths, and the import of every model so that Alembic sees the
whole schema."""

from __future__ import annotations

import functools

from flask import Flask
from sqlalchemy import bindparam, event, insert, inspect
from sqlalchemy.engine import Engine
from sqlalchemy.orm import make_transient_to_detached
from sqlalchemy.orm.interfaces import MANYTOONE
from sqlalchemy.sql.elements import ClauseElement

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


def insert_directly(row) -> bool:
    """INSERT a new row in one statement, as if it had been loaded; False (and
    nothing done) when the unit of work is needed.

    On the hot path of a send, the unit of work's flush (working out what to
    insert, in which order, then loading back what the database filled in)
    cost more than the INSERT itself. A row whose only relations are objects
    already in the database (its participant, its activity) and empty lists
    needs none of it: one INSERT ... RETURNING fills every column the row
    did not set, then the row joins the session as a loaded, unchanged object.
    The caller commits."""
    state = inspect(row)
    mapper = state.mapper
    if (not state.transient or mapper.inherits is not None or mapper.version_id_col is not None
            or mapper.dispatch.before_insert or mapper.dispatch.after_insert  # run by the flush only
            or not db.session.get_bind(mapper).dialect.insert_returning):
        return False
    relations = {relation: row.__dict__.get(relation.key)
                 for relation in mapper.relationships if not relation.viewonly}
    if any(_needs_unit_of_work(relation, value) for relation, value in relations.items()):
        return False
    given = {}  # attribute -> value, as the flush would insert them
    for relation, parent in relations.items():
        if relation.direction is MANYTOONE and parent is not None:
            for local, remote in relation.local_remote_pairs:
                given[mapper.get_property_by_column(local).key] = _column_value(parent, remote)
    for prop in mapper.column_attrs:
        if prop.key in row.__dict__:
            value, column = row.__dict__[prop.key], prop.columns[0]
            if value is None and (column.default is not None or column.server_default is not None):
                continue  # as the flush does: None lets the default fill it
            given[prop.key] = value
    if any(isinstance(value, ClauseElement) for value in given.values()):
        return False  # a SQL expression set on the row: the unit of work renders it
    filled = tuple(prop.key for prop in mapper.column_attrs if prop.key not in given)
    statement = _insert_returning(mapper, tuple(given), filled)
    # Straight to the connection of the session's transaction: the session's
    # own execute adds ORM work that a plain INSERT does not need.
    returned = db.session.connection(bind_arguments={"mapper": mapper}).execute(
        statement, {mapper.attrs[key].columns[0].key: value for key, value in given.items()}).one()
    for key, value in [*given.items(), *zip(filled, returned, strict=True)]:
        if row.__dict__.get(key, _MISSING) is not value:
            setattr(row, key, value)  # foreign keys from relations, what the database filled
    make_transient_to_detached(row)
    db.session.add(row)
    return True


_MISSING = object()


@functools.lru_cache(maxsize=64)
def _insert_returning(mapper, given: tuple[str, ...], filled: tuple[str, ...]):
    """INSERT of the attributes given, RETURNING those filled, built once per
    shape: building the statement cost as much as running it."""
    columns = [mapper.attrs[key].columns[0] for key in given]
    returning = [mapper.attrs[key].columns[0] for key in filled]
    return insert(mapper.local_table).values({c.key: bindparam(c.key) for c in columns}).returning(*returning)


def _needs_unit_of_work(relation, value) -> bool:
    if value is None:
        return False
    if relation.direction is not MANYTOONE:
        # New children: only the unit of work inserts them.
        return len(value) > 0 if relation.uselist else True
    return inspect(value).key is None  # a new parent, to insert first


def _column_value(instance, column):
    """`column`'s value on a stored object, from its identity when it is the
    primary key: that is known even when a commit has expired the object, so
    reading it costs no query."""
    state = inspect(instance)
    if state.key is not None:
        for key_column, value in zip(state.mapper.primary_key, state.key[1], strict=True):
            if key_column is column:
                return value
    return getattr(instance, state.mapper.get_property_by_column(column).key)


def forget(row) -> None:
    """Take a row stored by insert_directly out of the session before a rollback
    undoes its INSERT: it was never among the session's new objects, so the
    rollback would leave it there, persistent, with no row behind it."""
    if inspect(row).persistent:
        db.session.expunge(row)


def open_pool(app: Flask) -> int:
    """Open every connection the pool keeps, at start; returns how many.

    The pool made its connections on demand: a fresh server's first burst
    (a room scanning the QR code, 60 phones joining in the same second)
    opened them one by one, each with its PRAGMAs on SQLite or a new backend
    process on PostgreSQL, while the phones waited: a tenth of that burst's
    joins. The servers (workshop/serve.py, workshop/wsgi.py) call it before
    listening."""
    from sqlalchemy.pool import QueuePool

    with app.app_context():
        pool = db.engine.pool
        if not isinstance(pool, QueuePool):
            return 0
        opened = [db.engine.connect() for _ in range(pool.size())]
        for connection in opened:
            connection.close()  # back to the pool, open
        return len(opened)


def init_app(app: Flask) -> None:
    import workshop.models  # noqa: F401

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite)
