"""Jumelage: programs, sign-ups (students, citizens, employers), never-together pairs, matches

Revision ID: b7d3f0a9c8e1
Revises: 9e4b1c7d2a55
Create Date: 2026-12-01 21:52:35.053855

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'b7d3f0a9c8e1'
down_revision = '9e4b1c7d2a55'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jumelage_programs',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('open', sa.Boolean(), nullable=False),
    sa.Column('retention_months', sa.Integer(), nullable=False),
    sa.Column('weights', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.PrimaryKeyConstraint('id')
    )
    op.create_table('jumelage_signups',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=10), nullable=False),
    sa.Column('name', sa.String(length=120), nullable=False),
    sa.Column('email', sa.String(length=254), nullable=False),
    sa.Column('phone', sa.String(length=40), nullable=False),
    sa.Column('languages', sa.String(length=300), nullable=False),
    sa.Column('french_level', sa.String(length=15), nullable=False),
    sa.Column('interests', sa.String(length=500), nullable=False),
    sa.Column('field', sa.String(length=120), nullable=False),
    sa.Column('place', sa.String(length=120), nullable=False),
    sa.Column('slots', sa.String(length=300), nullable=False),
    sa.Column('goals', sa.String(length=200), nullable=False),
    sa.Column('group_size', sa.String(length=10), nullable=False),
    sa.Column('meetings_per_month', sa.Integer(), nullable=False),
    sa.Column('constraints', sa.Text(), nullable=False),
    sa.Column('capacity', sa.Integer(), nullable=False),
    sa.Column('consent_text', sa.Text(), nullable=False),
    sa.Column('consent_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('status_message', sa.Text(), nullable=False),
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('language', sa.String(length=5), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['program_id'], ['jumelage_programs.id'], ),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('token')
    )
    with op.batch_alter_table('jumelage_signups', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_signups_program_id'), ['program_id'], unique=False)

    op.create_table('jumelage_matches',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('student_id', sa.Integer(), nullable=False),
    sa.Column('citizen_id', sa.Integer(), nullable=False),
    sa.Column('employer_id', sa.Integer(), nullable=True),
    sa.Column('score', sa.Double(), nullable=False),
    sa.Column('reasons', sa.Text(), nullable=False),
    sa.Column('locked', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['citizen_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['employer_id'], ['jumelage_signups.id'], ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['program_id'], ['jumelage_programs.id'], ),
    sa.ForeignKeyConstraint(['student_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_matches_program_id'), ['program_id'], unique=False)

    op.create_table('jumelage_never',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('program_id', sa.Integer(), nullable=False),
    sa.Column('first_id', sa.Integer(), nullable=False),
    sa.Column('second_id', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['first_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['program_id'], ['jumelage_programs.id'], ),
    sa.ForeignKeyConstraint(['second_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('first_id', 'second_id', name='uq_jumelage_never_pair')
    )
    with op.batch_alter_table('jumelage_never', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_never_program_id'), ['program_id'], unique=False)



def downgrade():
    with op.batch_alter_table('jumelage_never', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_never_program_id'))

    op.drop_table('jumelage_never')
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_matches_program_id'))

    op.drop_table('jumelage_matches')
    with op.batch_alter_table('jumelage_signups', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_signups_program_id'))

    op.drop_table('jumelage_signups')
    op.drop_table('jumelage_programs')
