"""Workshops: what the projector shows; activities: grouped into another activity's themes

Revision ID: c4f1a2b3d5e6
Revises: 994cc8eb6c0b
Create Date: 2026-12-01 17:45:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c4f1a2b3d5e6'
down_revision = '994cc8eb6c0b'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grouped_into_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_activities_grouped_into', 'activities', ['grouped_into_id'], ['id'])

    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.add_column(sa.Column('projector_activity_id', sa.Integer(), nullable=True))
        batch_op.create_foreign_key('fk_workshops_projector_activity', 'activities', ['projector_activity_id'],
                                    ['id'], ondelete='SET NULL', use_alter=True)


def downgrade():
    with op.batch_alter_table('workshops', schema=None) as batch_op:
        batch_op.drop_constraint('fk_workshops_projector_activity', type_='foreignkey')
        batch_op.drop_column('projector_activity_id')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_constraint('fk_activities_grouped_into', type_='foreignkey')
        batch_op.drop_column('grouped_into_id')
