"""Jumelage: a match's contract, members' confirmations and check-ins

Revision ID: d5a1c9e7f302
Revises: c2e8a4f6b9d3
Create Date: 2026-12-01 22:01:17.926163

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'd5a1c9e7f302'
down_revision = 'c2e8a4f6b9d3'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('jumelage_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=True),
    sa.Column('met_on', sa.Date(), nullable=False),
    sa.Column('what', sa.String(length=300), nullable=False),
    sa.Column('satisfaction', sa.Integer(), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['jumelage_matches.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signup_id'], ['jumelage_signups.id'], ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id')
    )
    with op.batch_alter_table('jumelage_checkins', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_checkins_match_id'), ['match_id'], unique=False)

    op.create_table('jumelage_confirmations',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('match_id', sa.Integer(), nullable=False),
    sa.Column('signup_id', sa.Integer(), nullable=False),
    sa.Column('at', sa.DateTime(), server_default=sa.text('(CURRENT_TIMESTAMP)'), nullable=False),
    sa.ForeignKeyConstraint(['match_id'], ['jumelage_matches.id'], ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['signup_id'], ['jumelage_signups.id'], ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id'),
    sa.UniqueConstraint('match_id', 'signup_id', name='uq_jumelage_confirmations_member')
    )
    with op.batch_alter_table('jumelage_confirmations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_jumelage_confirmations_match_id'), ['match_id'], unique=False)

    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.add_column(sa.Column('contract_goals', sa.Text(), server_default='', nullable=False))
        batch_op.add_column(sa.Column('contract_commitments', sa.Text(), server_default='', nullable=False))



def downgrade():
    with op.batch_alter_table('jumelage_matches', schema=None) as batch_op:
        batch_op.drop_column('contract_commitments')
        batch_op.drop_column('contract_goals')

    with op.batch_alter_table('jumelage_confirmations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_confirmations_match_id'))

    op.drop_table('jumelage_confirmations')
    with op.batch_alter_table('jumelage_checkins', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_jumelage_checkins_match_id'))

    op.drop_table('jumelage_checkins')
