"""Participants: the join form's key, so that a second tap on "Join" makes no second participant

Revision ID: e7a1c3b5d9f2
Revises: d2f4a6c8e0b1
Create Date: 2026-12-04 20:40:00

"""
import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = 'e7a1c3b5d9f2'
down_revision = 'd2f4a6c8e0b1'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.add_column(sa.Column('join_key', sa.String(length=64), nullable=True))
        batch_op.create_unique_constraint('uq_participants_join_key', ['workshop_id', 'join_key'])


def downgrade():
    with op.batch_alter_table('participants', schema=None) as batch_op:
        batch_op.drop_constraint('uq_participants_join_key', type_='unique')
        batch_op.drop_column('join_key')
