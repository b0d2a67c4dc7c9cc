"""Rounds: a minimum of choices; ballots: the number of the last change applied
(resends and late duplicates are not applied twice); projects: the theme an
item brought in from a list or a spreadsheet came with

Revision ID: 7c7886a336ee
Revises: da260afd0daf
Create Date: 2026-12-01 18:19:25.364199

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '7c7886a336ee'
down_revision = 'da260afd0daf'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_seq', sa.BigInteger(), nullable=True))

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.add_column(sa.Column('theme_name', sa.String(length=120), server_default='', nullable=False))

    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.add_column(sa.Column('min_choices', sa.Integer(), server_default='0', nullable=False))



def downgrade():
    with op.batch_alter_table('rounds', schema=None) as batch_op:
        batch_op.drop_column('min_choices')

    with op.batch_alter_table('projects', schema=None) as batch_op:
        batch_op.drop_column('theme_name')

    with op.batch_alter_table('ballots', schema=None) as batch_op:
        batch_op.drop_column('last_seq')

