"""Jumelage: the day a match was accepted, from which a match that never met counts its weeks

Revision ID: d2f4a6c8e0b1
Revises: c8e5a2f71d40
Create Date: 2026-12-03 22:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'd2f4a6c8e0b1'
down_revision = 'c8e5a2f71d40'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('accepted_at', sa.DateTime(), nullable=True))
    # Matches accepted before this revision: the best known day is the proposal's.
    matches = sa.table('jumelage_matches', sa.column('status', sa.String), sa.column('created_at', sa.DateTime),
                       sa.column('accepted_at', sa.DateTime))
    op.get_bind().execute(matches.update().where(matches.c.status == 'accepted')
                          .values(accepted_at=matches.c.created_at))


def downgrade():
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.drop_column('accepted_at')
