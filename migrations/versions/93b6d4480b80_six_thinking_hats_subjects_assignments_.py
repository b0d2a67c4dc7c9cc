"""Six thinking hats: subjects, assignments, comments

Revision ID: 93b6d4480b80
Revises: b0d9663c1a47
Create Date: 2026-11-25 07:34:26.440650

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '93b6d4480b80'
down_revision = 'b0d9663c1a47'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('hats_activities',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('activity_id', sa.Integer(), nullable=False),
    sa.Column('mode', sa.String(length=12), nullable=False),
    sa.Column('current_subject_id', sa.Integer(), nullable=True),
    sa.Column('sequence_step', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['activity_id'], ['activities.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('activity_id')
    )
    op.create_table('hat_subjects',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('hats_activity_id', sa.Integer(), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('project_id', sa.Integer(), nullable=True),
    sa.Column('position', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['hats_activity_id'], ['hats_activities.id'], ),
    sa.ForeignKeyConstraint(['project_id'], ['projects.id'], ),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('hat_subjects', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hat_subjects_hats_activity_id'), ['hats_activity_id'], unique=False)

    # Activity and subjects point at each other: add the "current subject" key last.
    with op.batch_alter_table('hats_activities', schema=None) as batch_op:
        batch_op.create_foreign_key('fk_hats_activities_current_subject', 'hat_subjects',
                                    ['current_subject_id'], ['id'])

    op.create_table('hat_assignments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('round_no', sa.Integer(), nullable=False),
    sa.Column('hat', sa.String(length=10), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['subject_id'], ['hat_subjects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('subject_id', 'participant_id', 'round_no', name='uq_hat_assignments')
    )
    with op.batch_alter_table('hat_assignments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hat_assignments_subject_id'), ['subject_id'], unique=False)

    op.create_table('hat_comments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.Integer(), nullable=False),
    sa.Column('participant_id', sa.Integer(), nullable=False),
    sa.Column('hat', sa.String(length=10), nullable=False),
    sa.Column('text', sa.Text(), nullable=False),
    sa.Column('submission_key', sa.String(length=64), nullable=False),
    sa.Column('hidden', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['participant_id'], ['participants.id'], ),
    sa.ForeignKeyConstraint(['subject_id'], ['hat_subjects.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('participant_id', 'submission_key', name='uq_hat_comments_submission')
    )
    with op.batch_alter_table('hat_comments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_hat_comments_subject_id'), ['subject_id'], unique=False)



def downgrade():
    with op.batch_alter_table('hat_comments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hat_comments_subject_id'))

    op.drop_table('hat_comments')
    with op.batch_alter_table('hat_assignments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hat_assignments_subject_id'))

    op.drop_table('hat_assignments')
    with op.batch_alter_table('hat_subjects', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_hat_subjects_hats_activity_id'))

    with op.batch_alter_table('hats_activities', schema=None) as batch_op:
        batch_op.drop_constraint('fk_hats_activities_current_subject', type_='foreignkey')
    op.drop_table('hat_subjects')
    op.drop_table('hats_activities')
