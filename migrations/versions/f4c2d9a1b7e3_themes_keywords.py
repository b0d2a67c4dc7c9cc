"""Themes: the keywords the grouping found, shown to the facilitator beside the name

Revision ID: f4c2d9a1b7e3
Revises: e1a7c3f08b52
Create Date: 2026-12-01 21:30:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = 'f4c2d9a1b7e3'
down_revision = 'e1a7c3f08b52'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.add_column(sa.Column('keywords', sa.String(length=300), server_default='', nullable=False))


def downgrade():
    with op.batch_alter_table('themes', schema=None) as batch_op:
        batch_op.drop_column('keywords')
