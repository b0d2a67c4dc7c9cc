"""Anonymity chosen per activity

Revision ID: 9e4b1c7d2a55
Revises: 8a3c6e2b4d10
Create Date: 2026-12-01 22:00:00

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '9e4b1c7d2a55'
down_revision = '8a3c6e2b4d10'
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.add_column(sa.Column('anonymity', sa.String(length=10), nullable=False, server_default='group'))
    # Questions' cards showed nicknames on the control view: existing ones keep doing so.
    op.execute("UPDATE activities SET anonymity = 'nickname' WHERE kind = 'ideas'")


def downgrade():
    with op.batch_alter_table('activities', schema=None) as batch_op:
        batch_op.drop_column('anonymity')
