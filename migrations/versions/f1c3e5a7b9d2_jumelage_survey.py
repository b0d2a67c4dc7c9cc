"""Jumelage: members' end-of-program evaluation (impacts, what helped, what hindered)

Revision ID: f1c3e5a7b9d2
Revises: e8b2d4f6a1c3
Create Date: 2026-12-01 22:10:07.913941

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f1c3e5a7b9d2'
down_revision = 'e8b2d4f6a1c3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jumelage_survey_answers',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('overall', sa.Integer(), nullable=False),
    sa.Column('impacts', sa.Text(), nullable=False),
    sa.Column('helped', sa.Text(), nullable=False),
    sa.Column('hindered', sa.Text(), nullable=False),
    sa.Column('answered_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['jumelage_programs.id'], ),
    sa.ForeignKeyConstraint(['signup_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('signup_id')
    )
    with op.batch_alter_table('jumelage_survey_answers', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_survey_answers_program_id'), ['program_id'], unique=False)



def downgrade():
    with op.batch_alter_table('jumelage_survey_answers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_survey_answers_program_id'))

    op.drop_table('jumelage_survey_answers')
