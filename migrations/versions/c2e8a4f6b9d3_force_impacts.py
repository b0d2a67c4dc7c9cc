"""Force field: observed impacts, positive or negative, and who they affect

Revision ID: c2e8a4f6b9d3
Revises: b7d3f0a9c8e1
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'c2e8a4f6b9d3'
down_revision = 'b7d3f0a9c8e1'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('force_impacts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('field_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('effect', sa.String(length=8), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('group_id', sa.Integer(), nullable=True),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['field_id'], ['force_fields.id'], ),
    sa.ForeignKeyConstraint(['group_id'], ['stakeholder_groups.id'], ),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'submission_key', name='uq_force_impacts_submission')
    )
    with op.batch_alter_table('force_impacts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_force_impacts_field_id'), ['field_id'], unique=False)


def downgrade():
    with op.batch_alter_table('force_impacts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_force_impacts_field_id'))
    op.drop_table('force_impacts')
