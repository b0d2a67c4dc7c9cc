"""Force-field evaluation: a subject per activity, forces posted by phones, agreements

Revision ID: 5d1e7a9c0f21
Revises: f4c2d9a1b7e3
Create Date: 2026-12-01 21:45:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '5d1e7a9c0f21'
down_revision = 'f4c2d9a1b7e3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('force_fields',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('subject', sa.Text(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id')
    )
    op.create_table('forces',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('side', sa.String(length=12), nullable=False),
    sa.Column('strength', sa.Integer(), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('explanation', sa.Text(), server_default='', nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('merged_into_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['force_fields.id'], ),
    sa.ForeignKeyConstraint(['merged_into_id'], ['forces.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'submission_key', name='uq_forces_submission')
    )
    with op.batch_alter_table('forces', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_forces_field_id'), ['field_id'], unique=False)

    op.create_table('force_agreements',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('force_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['force_id'], ['forces.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('force_id', 'participant_id', name='uq_force_agreements')
    )
    with op.batch_alter_table('force_agreements', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_force_agreements_force_id'), ['force_id'], unique=False)


def downgrade():
    with op.batch_alter_table('force_agreements', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_force_agreements_force_id'))
    op.drop_table('force_agreements')
    with op.batch_alter_table('forces', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_forces_field_id'))
    op.drop_table('forces')
    op.drop_table('force_fields')
