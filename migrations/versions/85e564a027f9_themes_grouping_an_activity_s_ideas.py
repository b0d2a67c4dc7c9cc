"""Themes: grouping an activity's ideas

Revision ID: 85e564a027f9
Revises: 64e376966b51
Create Date: 2026-11-25 06:58:04.043107

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '85e564a027f9'
down_revision = '64e376966b51'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('themes',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('label', sa.String(length=80), nullable=False),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_themes_activity_id'), ['activity_id'], unique=False)

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('grouping_started_at', sa.DateTime(), nullable=True))

    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('features', sa.Text(), nullable=True))
        batch_op.add_column(sa.Column('theme_position', sa.Integer(), server_default='0', nullable=False))
        batch_op.create_index(batch_op.f('ix_ideas_theme_id'), ['theme_id'], unique=False)
        batch_op.create_foreign_key('fk_ideas_theme_id', 'themes', ['theme_id'], ['id'], ondelete='SET NULL')



def downgrade():
    with op.batch_alter_table('ideas', schema=None) as batch_op:
        batch_op.drop_constraint('fk_ideas_theme_id', type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_ideas_theme_id'))
        batch_op.drop_column('theme_position')
        batch_op.drop_column('features')
        batch_op.drop_column('theme_id')

    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('grouping_started_at')

    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_themes_activity_id'))

    op.drop_table('themes')
