"""The schema comes from the migrations; they must describe the models exactly."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from workshop.extensions import db


def test_migrations_match_the_models(app):
    with db.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), db.metadata)
    assert differences == [], "models changed without a migration: flask db migrate -m '…'"


def test_tables_come_from_migrations_not_create_all(app):
    with db.engine.connect() as connection:
        version = connection.exec_driver_sql("SELECT version_num FROM alembic_version").scalar()
    assert version
