"""Jumelage: the day the coordinator follows a match up next

Revision ID: b3d7f1a9c2e4
Revises: fad5beb24048
Create Date: 2026-12-02 01:50:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'b3d7f1a9c2e4'
down_revision = 'fad5beb24048'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_follow_up', sa.Date(), nullable=True))


def downgrade():
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.drop_column('next_follow_up')
