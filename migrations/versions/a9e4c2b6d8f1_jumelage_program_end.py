"""Jumelage: the program's end date (retention and evaluation count from it) and an early evaluation

Revision ID: a9e4c2b6d8f1
Revises: f1c3e5a7b9d2
Create Date: 2026-12-02 00:40:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'a9e4c2b6d8f1'
down_revision = 'f1c3e5a7b9d2'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jumelage_programs', schema=None) as batch_op:
        batch_op.add_column(sa.Column('ends_on', sa.Date(), nullable=True))
        batch_op.add_column(sa.Column('evaluation_open', sa.Boolean(), server_default=sa.false(), nullable=False))


def downgrade():
    with op.batch_alter_table('jumelage_programs', schema=None) as batch_op:
        batch_op.drop_column('evaluation_open')
        batch_op.drop_column('ends_on')
