"""Jumelage: events (activity days, outings, talent sharing, meetings with organisations), invitations and attendance

Revision ID: e8b2d4f6a1c3
Revises: d5a1c9e7f302
Create Date: 2026-12-01 22:08:34.398837

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'e8b2d4f6a1c3'
down_revision = 'd5a1c9e7f302'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jumelage_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=25), nullable=False),
    sa.Column('title', sa.String(length=200), nullable=False),
    sa.Column('held_on', sa.Date(), nullable=False),
    sa.Column('place', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['jumelage_programs.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('jumelage_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_events_program_id'), ['program_id'], unique=False)

    op.create_table('jumelage_invitations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('event_id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('attended', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['event_id'], ['jumelage_events.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signup_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('event_id', 'signup_id', name='uq_jumelage_invitations_person')
    )
    with op.batch_alter_table('jumelage_invitations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_invitations_event_id'), ['event_id'], unique=False)



def downgrade():
    with op.batch_alter_table('jumelage_invitations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_invitations_event_id'))

    op.drop_table('jumelage_invitations')
    with op.batch_alter_table('jumelage_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_events_program_id'))

    op.drop_table('jumelage_events')
