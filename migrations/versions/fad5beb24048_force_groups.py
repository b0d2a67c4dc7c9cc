"""Force field: the group the facilitator puts a force in

Revision ID: fad5beb24048
Revises: a9e4c2b6d8f1
Create Date: 2026-12-02 00:32:26.985764

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'fad5beb24048'
down_revision = 'a9e4c2b6d8f1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('forces', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme', sa.String(length=80), nullable=True))


def downgrade():
    with op.batch_alter_table('forces', schema=None) as batch_op:
        batch_op.drop_column('theme')
