"""Innovation cells: sign-ups, cells, members, preferences, logs

Revision ID: 2d56c965eaed
Revises: 93b6d4480b80
Create Date: 2026-11-25 07:38:46.214861

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '2d56c965eaed'
down_revision = '93b6d4480b80'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('cell_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('assigned', sa.Boolean(), nullable=False),
    sa.Column('show_nicknames', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id')
    )
    op.create_table('cell_preferences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('ranking', sa.Text(), nullable=False),
    sa.Column('contact_consent', sa.Boolean(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['signup_id'], ['cell_signups.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signup_id', 'participant_id', name='uq_cell_preferences_once')
    )
    with op.batch_alter_table('cell_preferences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cell_preferences_signup_id'), ['signup_id'], unique=False)

    op.create_table('cells',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.Column('log_token', sa.String(length=64), nullable=False),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.ForeignKeyConstraint(['signup_id'], ['cell_signups.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('log_token')
    )
    with op.batch_alter_table('cells', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cells_signup_id'), ['signup_id'], unique=False)

    op.create_table('cell_log_entries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('author', sa.String(length=120), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cell_id'], ['cells.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('cell_log_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cell_log_entries_cell_id'), ['cell_id'], unique=False)

    op.create_table('cell_members',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('cell_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('contact_consent', sa.Boolean(), nullable=False),
    sa.Column('contact_name', sa.String(length=120), nullable=True),
    sa.Column('contact_email', sa.String(length=254), nullable=True),
    sa.Column('joined_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['cell_id'], ['cells.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['signup_id'], ['cell_signups.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signup_id', 'participant_id', name='uq_cell_members_once')
    )
    with op.batch_alter_table('cell_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_cell_members_cell_id'), ['cell_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_cell_members_signup_id'), ['signup_id'], unique=False)



def downgrade():
    with op.batch_alter_table('cell_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cell_members_signup_id'))
        batch_op.drop_index(batch_op.f('ix_cell_members_cell_id'))

    op.drop_table('cell_members')
    with op.batch_alter_table('cell_log_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cell_log_entries_cell_id'))

    op.drop_table('cell_log_entries')
    with op.batch_alter_table('cells', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cells_signup_id'))

    op.drop_table('cells')
    with op.batch_alter_table('cell_preferences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_cell_preferences_signup_id'))

    op.drop_table('cell_preferences')
    op.drop_table('cell_signups')
