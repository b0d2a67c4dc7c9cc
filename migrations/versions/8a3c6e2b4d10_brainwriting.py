"""Brainwriting rotation: activities, who was handed which idea per round, build-ons

Revision ID: 8a3c6e2b4d10
Revises: 5d1e7a9c0f21
Create Date: 2026-12-01 21:40:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '8a3c6e2b4d10'
down_revision = '5d1e7a9c0f21'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        'brainwriting_activities',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('activity_id', sa.Integer(), nullable=False),
        sa.Column('source_activity_id', sa.Integer(), nullable=False),
        sa.Column('round_minutes', sa.Integer(), nullable=False),
        sa.Column('round_no', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
        sa.ForeignKeyConstraint(['source_activity_id'], ['activities.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('activity_id'),
    )
    op.create_table(
        'brainwriting_serves',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brainwriting_id', sa.Integer(), nullable=False),
        sa.Column('round_no', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(['brainwriting_id'], ['brainwriting_activities.id'], ),
        sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('brainwriting_id', 'participant_id', 'idea_id', name='uq_brainwriting_serves_idea'),
        sa.UniqueConstraint('brainwriting_id', 'round_no', 'participant_id', name='uq_brainwriting_serves_round'),
    )
    with op.batch_alter_table('brainwriting_serves', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_brainwriting_serves_brainwriting_id'), ['brainwriting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_brainwriting_serves_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_brainwriting_serves_participant_id'), ['participant_id'], unique=False)
    op.create_table(
        'brainwriting_builds',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('brainwriting_id', sa.Integer(), nullable=False),
        sa.Column('idea_id', sa.Integer(), nullable=False),
        sa.Column('participant_id', sa.Integer(), nullable=False),
        sa.Column('round_no', sa.Integer(), nullable=False),
        sa.Column('kind', sa.String(length=10), nullable=False),
        sa.Column('text', sa.Text(), nullable=False),
        sa.Column('submission_key', sa.String(length=64), nullable=False),
        sa.Column('hidden', sa.Boolean(), nullable=False),
        sa.Column('promoted_idea_id', sa.Integer(), nullable=True),
        sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
        sa.ForeignKeyConstraint(['brainwriting_id'], ['brainwriting_activities.id'], ),
        sa.ForeignKeyConstraint(['idea_id'], ['ideas.id'], ondelete='CASCADE'),
        sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
        sa.ForeignKeyConstraint(['promoted_idea_id'], ['ideas.id'], ondelete='SET NULL'),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('participant_id', 'submission_key', name='uq_brainwriting_builds_submission'),
    )
    with op.batch_alter_table('brainwriting_builds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_brainwriting_builds_brainwriting_id'), ['brainwriting_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_brainwriting_builds_idea_id'), ['idea_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_brainwriting_builds_participant_id'), ['participant_id'], unique=False)


def downgrade():
    with op.batch_alter_table('brainwriting_builds', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_brainwriting_builds_participant_id'))
        batch_op.drop_index(batch_op.f('ix_brainwriting_builds_idea_id'))
        batch_op.drop_index(batch_op.f('ix_brainwriting_builds_brainwriting_id'))
    op.drop_table('brainwriting_builds')
    with op.batch_alter_table('brainwriting_serves', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_brainwriting_serves_participant_id'))
        batch_op.drop_index(batch_op.f('ix_brainwriting_serves_idea_id'))
        batch_op.drop_index(batch_op.f('ix_brainwriting_serves_brainwriting_id'))
    op.drop_table('brainwriting_serves')
    op.drop_table('brainwriting_activities')
