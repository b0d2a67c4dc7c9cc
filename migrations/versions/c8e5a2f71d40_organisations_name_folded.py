"""Organisations: the name as pickers search it, folded once and indexed

Revision ID: c8e5a2f71d40
Revises: b3d7f1a9c2e4
Create Date: 2026-12-02 12:30:00

"""
import re
import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'c8e5a2f71d40'
down_revision = 'b3d7f1a9c2e4'
branch_labels = None
depends_on = None

BATCH = 1000


def folded(name):
    # The app's fold as of this revision (workshop.orphans.models.folded), frozen
    # here so that this migration fills the same values whatever the code becomes.
    text = unicodedata.normalize("NFKD", name or "").encode("ascii", "ignore").decode().casefold()
    return " ".join(re.sub(r"[^a-z0-9]+", " ", text).split())


def upgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.add_column(sa.Column('name_folded', sa.String().with_variant(sa.String(collation='C'), 'postgresql'),
                                      nullable=True))
    # Existing organisations (50,000 after a large import): folded in Python,
    # written back in batches of one executemany each.
    organisations = sa.table('organisations', sa.column('id', sa.Integer), sa.column('name', sa.String),
                             sa.column('name_folded', sa.String))
    connection = op.get_bind()
    rows = connection.execute(sa.select(organisations.c.id, organisations.c.name)).all()
    update = (organisations.update().where(organisations.c.id == sa.bindparam('row_id'))
              .values(name_folded=sa.bindparam('folded_name')))
    for start in range(0, len(rows), BATCH):
        connection.execute(update, [{'row_id': row_id, 'folded_name': folded(name)}
                                    for row_id, name in rows[start:start + BATCH]])
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.alter_column('name_folded', existing_type=sa.String(), nullable=False)
        batch_op.create_index(batch_op.f('ix_organisations_name_folded'), ['name_folded'], unique=False)


def downgrade():
    with op.batch_alter_table('organisations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_organisations_name_folded'))
        batch_op.drop_column('name_folded')
