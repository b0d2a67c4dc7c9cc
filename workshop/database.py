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
    if not state.transient or mapper.inherits is not None:
        return False
    if mapper.dispatch.before_insert or mapper.dispatch.after_insert:
        return False  # the model's insert events run in the flush only
    related = {relation: row.__dict__.get(relation.key) for relation in mapper.relationships}
    if any(_needs_unit_of_work(relation, value) for relation, value in related.items()):
        return False
    values = {}
    for relation, parent in related.items():
        if relation.direction is MANYTOONE and parent is not None:
            for local, remote in relation.local_remote_pairs:
                values[local.key] = _column_value(parent, remote)
    columns = {prop.key: prop.columns[0] for prop in mapper.column_attrs}
    for key, column in columns.items():
        if key in row.__dict__:
            values[column.key] = row.__dict__[key]
    if any(isinstance(value, ClauseElement) for value in values.values()):
        return False  # a SQL expression set on the row: the unit of work renders it
    filled = tuple(key for key, column in columns.items() if column.key not in values)
    statement = _insert_returning(mapper, tuple(values), filled)
    # Straight to the connection of the session's transaction: the session's
    # own execute adds ORM work that a plain INSERT does not need.
    returned = db.session.connection().execute(statement, values).one()
    for key, value in zip(filled, returned, strict=True):
        setattr(row, key, value)
    make_transient_to_detached(row)
    db.session.add(row)
    return True


@functools.lru_cache(maxsize=64)
def _insert_returning(mapper, given: tuple[str, ...], filled: tuple[str, ...]):
    """INSERT of the columns given, RETURNING the attributes filled, built once
    per shape: building the statement cost as much as running it."""
    table = mapper.local_table
    returning = (mapper.attrs[key].columns[0] for key in filled)
    return insert(table).values({name: bindparam(name) for name in given}).returning(*returning)


def _needs_unit_of_work(relation, value) -> bool:
    if value is None:
        return False
    if relation.direction is not MANYTOONE:
        return len(value) > 0  # new children: only the unit of work inserts them
    return inspect(value).key is None  # a new parent, to insert first


def _column_value(instance, column):
    """`column`'s value on a stored object, from its identity when it is the
    primary key: that is known even when a commit has expired the object, so
    reading it costs no query."""
    state = inspect(instance)
    keys = state.mapper.primary_key
    if state.key is not None and column in keys:
        return state.key[1][keys.index(column)]
    return getattr(instance, state.mapper.get_property_by_column(column).key)


def init_app(app: Flask) -> None:
    import workshop.models  # noqa: F401

    with app.app_context():
        engine: Engine = db.engine
        if engine.dialect.name == "sqlite":
            event.listen(engine, "connect", _tune_sqlite)
